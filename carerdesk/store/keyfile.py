"""The key file beside the database: the data key, wrapped once per user.

The database is encrypted with a random 256-bit data key that is never
written down in clear. Each user's password is stretched with Argon2id into
a key-encryption key that wraps (AES-GCM) the data key; the recovery key
wraps it once more. So adding a user or changing a password rewrites only
this small file, never the database.

The file is JSON, replaced atomically (temp file, fsync, rename) so a crash
never leaves it half written.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from carerdesk.errors import AccountUnavailable, DatabaseDamaged, WrongPassword

FORMAT = 1
DATA_KEY_BYTES = 32

# Argon2id: 64 MiB, 3 passes, 4 lanes (about 0.1 s here; OWASP asks >= 19 MiB).
ARGON2_MEMORY_KIB = 65536
ARGON2_TIME = 3
ARGON2_LANES = 4


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass
class WrappedKey:
    """The data key sealed under one key-encryption key."""

    kdf: str
    salt: bytes
    nonce: bytes
    sealed: bytes
    memory_kib: int = ARGON2_MEMORY_KIB
    time_cost: int = ARGON2_TIME
    lanes: int = ARGON2_LANES

    def to_json(self) -> dict:
        return {
            "kdf": self.kdf,
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "sealed": _b64(self.sealed),
            "memory_kib": self.memory_kib,
            "time_cost": self.time_cost,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: dict) -> WrappedKey:
        return cls(
            kdf=str(data["kdf"]),
            salt=_unb64(data["salt"]),
            nonce=_unb64(data["nonce"]),
            sealed=_unb64(data["sealed"]),
            memory_kib=int(data.get("memory_kib", ARGON2_MEMORY_KIB)),
            time_cost=int(data.get("time_cost", ARGON2_TIME)),
            lanes=int(data.get("lanes", ARGON2_LANES)),
        )


def _password_kek(password: str, w: WrappedKey) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"), w.salt, w.time_cost, w.memory_kib, w.lanes, 32, Type.ID
    )


def _recovery_kek(recovery_key: str, salt: bytes) -> bytes:
    # The recovery key has 160 random bits, so a fast KDF is enough.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"carerdesk recovery").derive(
        recovery_key.encode("ascii")
    )


def _aad(database_id: str, slot: str) -> bytes:
    return f"carerdesk:{database_id}:{slot}".encode()


def wrap_with_password(data_key: bytes, password: str, database_id: str, slot: str) -> WrappedKey:
    w = WrappedKey(
        kdf="argon2id",
        salt=secrets.token_bytes(16),
        nonce=secrets.token_bytes(12),
        sealed=b"",
        memory_kib=ARGON2_MEMORY_KIB,
        time_cost=ARGON2_TIME,
        lanes=ARGON2_LANES,
    )
    kek = _password_kek(password, w)
    w.sealed = AESGCM(kek).encrypt(w.nonce, data_key, _aad(database_id, slot))
    return w


def wrap_with_recovery(data_key: bytes, recovery_key: str, database_id: str) -> WrappedKey:
    w = WrappedKey(
        kdf="hkdf-sha256", salt=secrets.token_bytes(16), nonce=secrets.token_bytes(12), sealed=b""
    )
    kek = _recovery_kek(recovery_key, w.salt)
    w.sealed = AESGCM(kek).encrypt(w.nonce, data_key, _aad(database_id, "recovery"))
    return w


@dataclass
class KeyFile:
    """The parsed key file: one wrapped data key per user, plus recovery."""

    database_id: str
    users: dict[str, WrappedKey] = field(default_factory=dict)
    recovery: WrappedKey | None = None

    # -- reading and writing ------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise DatabaseDamaged(
                "The key file that goes with this database is missing, so it cannot be opened."
            ) from None
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ValueError("format")
            return cls(
                database_id=str(data["database_id"]),
                users={name: WrappedKey.from_json(w) for name, w in data["users"].items()},
                recovery=WrappedKey.from_json(data["recovery"]) if data.get("recovery") else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise DatabaseDamaged(
                "The key file that goes with this database is damaged, so it cannot be opened."
            ) from None

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "database_id": self.database_id,
            "users": {name: w.to_json() for name, w in sorted(self.users.items())},
            "recovery": self.recovery.to_json() if self.recovery else None,
        }

    def save(self, path: Path) -> None:
        """Replace the file atomically: write a temp file, fsync, rename."""
        payload = json.dumps(self.to_json(), indent=1).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)

    # -- keys ----------------------------------------------------------------

    @staticmethod
    def slot(username: str) -> str:
        return username.strip().lower()

    def unwrap_for_user(self, username: str, password: str) -> bytes:
        w = self.users.get(self.slot(username))
        if w is None:
            raise AccountUnavailable(
                "That username cannot sign in here: it is unknown or has been disabled."
            )
        try:
            return AESGCM(_password_kek(password, w)).decrypt(
                w.nonce, w.sealed, _aad(self.database_id, self.slot(username))
            )
        except InvalidTag:
            raise WrongPassword("The password is not right for that username.") from None

    def unwrap_with_recovery(self, recovery_key: str) -> bytes:
        if self.recovery is None:
            raise WrongPassword("This database has no recovery key.")
        kek = _recovery_kek(recovery_key, self.recovery.salt)
        try:
            return AESGCM(kek).decrypt(
                self.recovery.nonce, self.recovery.sealed, _aad(self.database_id, "recovery")
            )
        except InvalidTag:
            raise WrongPassword("That recovery key is not the one for this database.") from None

    def set_user(self, username: str, password: str, data_key: bytes) -> None:
        slot = self.slot(username)
        self.users[slot] = wrap_with_password(data_key, password, self.database_id, slot)

    def remove_user(self, username: str) -> None:
        self.users.pop(self.slot(username), None)

    def set_recovery(self, recovery_key: str, data_key: bytes) -> None:
        self.recovery = wrap_with_recovery(data_key, recovery_key, self.database_id)


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; rename is durable enough there.
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
