"""The desk: an unlocked database, signed in as one user.

``create_database`` makes a new scheme; ``open_desk`` unlocks one with a
username and password. A ``Desk`` hands out transactions: every service call
takes the ``Tx`` it runs in, and one user action is one transaction::

    with desk.transaction() as tx:
        carer = carers.register(tx, data)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, event
from sqlmodel import Session, SQLModel, select

from carerdesk.errors import (
    AccountUnavailable,
    DatabaseDamaged,
    DatabaseExists,
    DatabaseMissing,
    InvalidValue,
    NotFound,
    PermissionDenied,
)
from carerdesk.models import AuditEvent, LocalInfo, SchemeSettings, Site, Synced, User, utcnow
from carerdesk.models.enums import Role
from carerdesk.returns import events as _returns_events  # noqa: F401  (anonymous events)
from carerdesk.services import search_index  # noqa: F401  (installs the index hooks)
from carerdesk.services.permissions import Permission, allowed, denial_message
from carerdesk.store import migrate
from carerdesk.store.engine import make_engine
from carerdesk.store.keyfile import KeyFile, new_data_key
from carerdesk.store.paths import key_path
from carerdesk.store.recovery import new_recovery_key, normalise_recovery_key
from carerdesk.validation import check_new_password, check_site_code, check_username, tidy

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True)
class Actor:
    """The signed-in user, as services see them."""

    user_id: uuid.UUID
    username: str
    display_name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


@dataclass
class Tx:
    """One transaction, run by one user at one site."""

    session: Session
    actor: Actor
    site_code: str
    desk: Desk
    _undo: list[Callable[[], None]] = field(default_factory=list)
    _after: list[Callable[[], None]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.desk.clock()

    def today(self) -> date:
        return self.desk.clock().date()

    def require(self, permission: Permission) -> None:
        if not self.actor.can(permission):
            raise PermissionDenied(denial_message(self.actor.role, permission))

    def audit(self, action: str, record: Synced | None = None) -> None:
        """Record who did what to which record (never the record's values)."""
        self.session.add(
            AuditEvent(
                at=self.now(),
                user_id=self.actor.user_id,
                username=self.actor.username,
                site_code=self.site_code,
                action=action,
                record_type=type(record).__tablename__ if record is not None else None,
                record_id=record.id if record is not None else None,
            )
        )

    def get(self, model: type[T], record_id: uuid.UUID | str, what: str = "record") -> T:
        """A live (not deleted) row, or ``NotFound`` with a plain message."""
        try:
            key = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
        except ValueError:
            raise NotFound(f"That {what} reference is not valid.") from None
        row = self.session.get(model, key)
        if row is None or getattr(row, "deleted", False):
            raise NotFound(f"No {what} with that reference was found.")
        return row

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Run ``undo`` if this transaction does not commit (for files outside the DB)."""
        self._undo.append(undo)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this transaction has committed."""
        self._after.append(action)

    def scheme(self) -> SchemeSettings:
        return self.session.exec(select(SchemeSettings)).one()


class Desk:
    """An unlocked database and the user who unlocked it."""

    def __init__(
        self, path: Path, engine: Engine, data_key: bytes, actor: Actor, site_code: str
    ) -> None:
        self.path = path
        self.engine = engine
        self._data_key = data_key
        self.actor = actor
        self.site_code = site_code
        self.clock: Callable[[], datetime] = utcnow
        self._writer = engine.execution_options(immediate=True)

    @property
    def keys_path(self) -> Path:
        return key_path(self.path)

    @property
    def data_key(self) -> bytes:
        return self._data_key

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: commits if the block ends normally, else rolls back."""
        session = _new_session(self._writer, self.site_code, self.clock)
        try:
            tx = Tx(
                session=session,
                actor=self._current_actor(session),
                site_code=self.site_code,
                desk=self,
            )
        except BaseException:
            session.close()
            raise
        try:
            yield tx
            session.commit()
        except BaseException:
            session.rollback()
            for undo in reversed(tx._undo):
                undo()
            raise
        finally:
            session.close()
        for action in tx._after:
            action()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only view; anything written inside is thrown away."""
        session = _new_session(self.engine, self.site_code, self.clock)
        try:
            yield Tx(
                session=session,
                actor=self._current_actor(session),
                site_code=self.site_code,
                desk=self,
            )
        finally:
            # Detach first: a rollback would expire what was read, and callers
            # keep using those objects after the block.
            session.expunge_all()
            session.rollback()
            session.close()

    def _current_actor(self, session: Session) -> Actor:
        """The signed-in user as the database has them now (disabled? new role?)."""
        user = session.get(User, self.actor.user_id)
        if user is None or user.disabled or user.deleted:
            raise AccountUnavailable(
                "Your account has been disabled, so you have been signed out. "
                "Ask a coordinator if this is a mistake."
            )
        if user.role is not self.actor.role:
            self.actor = Actor(user.id, user.username, user.display_name, user.role)
        return self.actor

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file and empty it."""
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.engine.dispose()
        self._data_key = b""


# -- session hooks -----------------------------------------------------------


def _new_session(engine: Engine, site_code: str, clock: Callable[[], datetime]) -> Session:
    session = Session(engine, expire_on_commit=False, autoflush=True)
    session.info["site_code"] = site_code
    session.info["clock"] = clock
    return session


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _ctx, _instances) -> None:  # type: ignore[no-untyped-def]
    """Keep version, updated_at and site on every synced row in step.

    An exchange import sets ``session.info["keep_sync_fields"]`` to store the
    other site's values as they came.
    """
    if session.info.get("keep_sync_fields"):
        return
    site = session.info.get("site_code", "")
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, Synced):
            obj.site_code = site
            obj.created_at = obj.created_at or now
            obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            obj.version = (obj.version or 0) + 1
            obj.updated_at = now
            obj.site_code = site


# -- creating and opening ---------------------------------------------------


def create_database(
    path: Path,
    *,
    scheme_name: str,
    site_code: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str | None = None,
    site_name: str | None = None,
) -> str:
    """Create a new encrypted database for a scheme; return the recovery key.

    The recovery key is shown once and never stored in clear: whoever holds it
    can set a new coordinator password if every password is forgotten.
    """
    errors: dict[str, str] = {}
    name = tidy(scheme_name)
    if not name:
        errors["scheme_name"] = "The scheme needs a name"
    for key, check, value in (
        ("site_code", check_site_code, site_code),
        ("admin_username", check_username, admin_username),
        ("admin_password", check_new_password, admin_password),
    ):
        try:
            check(value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise InvalidValue(errors)
    site_code = check_site_code(site_code)
    username = check_username(admin_username)
    keys = key_path(path)
    if path.exists() or keys.exists():
        raise DatabaseExists("A carerdesk database already exists there; it was left untouched.")
    path.parent.mkdir(parents=True, exist_ok=True)

    database_id = str(uuid.uuid4())
    data_key = new_data_key()
    recovery = new_recovery_key()
    engine = make_engine(path, data_key, create=True)
    try:
        migrate.upgrade(engine)
        with Session(engine) as session:
            session.info["site_code"] = site_code
            session.add(LocalInfo(site_code=site_code, database_id=database_id))
            session.add(SchemeSettings(name=name or ""))
            session.add(Site(code=site_code, name=tidy(site_name) or site_code))
            admin = User(
                username=username,
                display_name=tidy(admin_display_name) or username,
                role=Role.COORDINATOR,
            )
            session.add(admin)
            session.flush()
            session.add(
                AuditEvent(
                    user_id=admin.id,
                    username=username,
                    site_code=site_code,
                    action="database.create",
                )
            )
            session.commit()
        keyfile = KeyFile(database_id=database_id)
        keyfile.set_user(username, admin_password, data_key)
        keyfile.set_recovery(recovery, data_key)
        keyfile.save(keys)
    except BaseException:
        engine.dispose()
        for leftover in (path, keys, *path.parent.glob(path.name + "-*")):
            leftover.unlink(missing_ok=True)
        raise
    engine.dispose()
    return recovery


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise DatabaseMissing("There is no carerdesk database at the place given.")


def _open_with_key(path: Path, data_key: bytes) -> Engine:
    engine = make_engine(path, data_key)
    try:
        migrate.upgrade(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return engine


def open_desk(path: Path, username: str, password: str) -> Desk:
    """Unlock the database as ``username``. Nothing is written if this fails."""
    _require_file(path)
    keyfile = KeyFile.load(key_path(path))
    data_key = keyfile.unwrap_for_user(username, password)
    engine = _open_with_key(path, data_key)
    try:
        with Session(engine) as session:
            local = session.get(LocalInfo, 1)
            if local is None or local.database_id != keyfile.database_id:
                raise DatabaseDamaged("The key file does not belong to this database.")
            user = session.exec(select(User).where(User.username == KeyFile.slot(username))).first()
            if user is None or user.disabled or user.deleted:
                raise AccountUnavailable(
                    "That username cannot sign in here: it is unknown or has been disabled."
                )
            actor = Actor(user.id, user.username, user.display_name, user.role)
            site_code = local.site_code
    except BaseException:
        engine.dispose()
        raise
    desk = Desk(path, engine, data_key, actor, site_code)
    with desk.transaction() as tx:
        row = tx.session.get(User, actor.user_id)
        assert row is not None
        row.last_sign_in = tx.now()
        tx.audit("user.sign_in", row)
    return desk


def recover_access(path: Path, recovery_key: str, username: str, new_password: str) -> None:
    """Set a new password for a coordinator using the scheme's recovery key."""
    canonical = normalise_recovery_key(recovery_key)
    if canonical is None:
        raise InvalidValue(
            {"recovery_key": "A recovery key is 32 letters and digits in eight groups of four"}
        )
    try:
        check_new_password(new_password)
    except ValueError as exc:
        raise InvalidValue({"password": str(exc)}) from None
    _require_file(path)
    keys = key_path(path)
    keyfile = KeyFile.load(keys)
    data_key = keyfile.unwrap_with_recovery(canonical)
    engine = _open_with_key(path, data_key)
    try:
        with Session(engine) as session:
            session.info["site_code"] = session.get(LocalInfo, 1).site_code  # type: ignore[union-attr]
            user = session.exec(select(User).where(User.username == KeyFile.slot(username))).first()
            if user is None or user.deleted or user.role is not Role.COORDINATOR:
                raise AccountUnavailable(
                    "The recovery key can only reset the password of a coordinator's account."
                )
            user.disabled = False
            user.must_change_password = False
            session.add(
                AuditEvent(
                    user_id=user.id,
                    username=user.username,
                    site_code=session.info["site_code"],
                    action="user.recover_password",
                    record_type="user_account",
                    record_id=user.id,
                )
            )
            keyfile.set_user(user.username, new_password, data_key)
            keyfile.save(keys)
            session.commit()
    finally:
        engine.dispose()
