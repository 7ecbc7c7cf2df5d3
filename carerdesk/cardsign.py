"""Signed QR payloads for cards: a card can be checked offline, and a fake spotted.

A payload holds only what is printed on the card (number, expiry, kind, issuing
site) plus an Ed25519 signature by the issuing site's key. It is written as
``CD:`` and base32 (A-Z, 2-7): every character is in the QR alphanumeric set,
so a USB scanner types it back exactly on a UK or US keyboard, and case does not
matter (Caps Lock).
"""

from __future__ import annotations

import base64
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlmodel import select

from carerdesk.cardnumbers import format_card_number
from carerdesk.desk import Tx
from carerdesk.models import Card, SigningKey
from carerdesk.models.enums import CardKind, CardStatus
from carerdesk.services.permissions import Permission

PREFIX = "CD:"
VERSION = 1
_EPOCH = date(2000, 1, 1)
_KINDS = (CardKind.STANDARD, CardKind.YOUNG_CARER, CardKind.EMERGENCY)
_SHAPE = re.compile(r"^CD:[A-Z2-7]{20,}$")
_SITE = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")


class CardCheck(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    LOST = "lost"
    UNKNOWN = "unknown"
    FORGED = "forged"


@dataclass(frozen=True)
class TokenData:
    key_no: int
    site: str
    serial: int
    expires_on: date
    kind: CardKind

    @property
    def card_number(self) -> str:
        return format_card_number(self.site, self.serial)


@dataclass(frozen=True)
class Verification:
    result: CardCheck
    message: str
    card_number: str | None = None
    expires_on: date | None = None
    kind: CardKind | None = None
    site: str | None = None
    carer_id: object | None = None

    def to_json(self) -> dict:
        return {
            "result": self.result.value,
            "message": self.message,
            "card_number": self.card_number,
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "kind": self.kind.value if self.kind else None,
            "site": self.site,
        }


def clean(payload: str) -> str:
    """What a scanner typed, tidied: trailing Enter/Tab and spaces gone, upper case."""
    return re.sub(r"\s", "", payload).upper()


def looks_like_token(text: str) -> bool:
    return bool(_SHAPE.match(clean(text)))


def _body(data: TokenData) -> bytes:
    site = data.site.encode("ascii")
    return (
        struct.pack(">BBB", VERSION, data.key_no, len(site))
        + site
        + struct.pack(">IHB", data.serial, (data.expires_on - _EPOCH).days, _KINDS.index(data.kind))
    )


def encode(data: TokenData, private_key: Ed25519PrivateKey) -> str:
    body = _body(data)
    raw = body + private_key.sign(body)
    return PREFIX + base64.b32encode(raw).decode("ascii").rstrip("=")


def decode(payload: str) -> tuple[TokenData, bytes, bytes]:
    """(data, signed body, signature); ValueError if it is not a card payload."""
    text = clean(payload)
    if not text.startswith(PREFIX):
        raise ValueError("not a card payload")
    b32 = text[len(PREFIX) :]
    raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
    version, key_no, n = struct.unpack(">BBB", raw[:3])
    if version != VERSION or len(raw) != 3 + n + 7 + 64:
        raise ValueError("unknown layout")
    site = raw[3 : 3 + n].decode("ascii", errors="replace")
    serial, days, kind = struct.unpack(">IHB", raw[3 + n : 3 + n + 7])
    if not _SITE.match(site) or kind >= len(_KINDS):
        raise ValueError("not a card payload")
    body, signature = raw[: 3 + n + 7], raw[3 + n + 7 :]
    data = TokenData(key_no, site, serial, _EPOCH + timedelta(days=days), _KINDS[kind])
    return data, body, signature


def _serial_of(number: str) -> tuple[str, int]:
    site, serial, _check = number.split("-")
    return site, int(serial)


def ensure_local_key(tx: Tx) -> SigningKey:
    """This site's current signing key, made on first use."""
    key = tx.session.exec(
        select(SigningKey)
        .where(SigningKey.site == tx.site_code, SigningKey.private_key != None)  # noqa: E711
        .where(SigningKey.retired_on == None)  # noqa: E711
        .order_by(SigningKey.key_no.desc())  # type: ignore[attr-defined]
    ).first()
    if key is not None:
        return key
    latest = tx.session.exec(
        select(SigningKey.key_no).where(SigningKey.site == tx.site_code)
        .order_by(SigningKey.key_no.desc())  # type: ignore[attr-defined]
    ).first()  # fmt: skip
    private = Ed25519PrivateKey.generate()
    key = SigningKey(
        site=tx.site_code,
        key_no=(latest or 0) + 1,
        public_key=private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        private_key=private.private_bytes_raw(),
    )
    tx.session.add(key)
    tx.session.flush()
    tx.audit("signing_key.create", key)
    return key


def rotate_key(tx: Tx) -> SigningKey:
    """Retire this site's key and make a new one (cards signed before still verify)."""
    tx.require(Permission.SETTINGS)
    current = ensure_local_key(tx)
    current.retired_on = tx.today()
    tx.session.flush()
    return ensure_local_key(tx)


def sign_card(tx: Tx, card: Card) -> str:
    """The QR payload for ``card``, signed with this site's key."""
    key = ensure_local_key(tx)
    site, serial = _serial_of(card.number)
    if card.expires_on is None:
        raise ValueError("a card needs an expiry date to be signed")
    data = TokenData(key.key_no, site, serial, card.expires_on, CardKind(card.kind))
    assert key.private_key is not None
    return encode(data, Ed25519PrivateKey.from_private_bytes(key.private_key))


def verify(tx: Tx, payload: str) -> Verification:
    """Check a scanned payload offline: valid, expired, revoked, lost, unknown or forged."""
    tx.require(Permission.FIND)
    try:
        data, body, signature = decode(payload)
    except (ValueError, IndexError, struct.error):
        return Verification(
            CardCheck.FORGED, "This is not a genuine card code: it cannot be read as one."
        )
    key = tx.session.exec(
        select(SigningKey).where(SigningKey.site == data.site, SigningKey.key_no == data.key_no)
    ).first()
    facts = dict(card_number=data.card_number, expires_on=data.expires_on, kind=data.kind,
                 site=data.site)  # fmt: skip
    if key is None:
        if tx.session.exec(select(SigningKey).where(SigningKey.site == data.site)).first():
            # We know this site's keys, and none has this number: altered.
            return Verification(
                CardCheck.FORGED, "This card's code has been altered: it is not genuine.",
                **facts,
            )  # fmt: skip
        return Verification(
            CardCheck.UNKNOWN,
            "This card comes from a site whose keys this database does not have yet.",
            **facts,
        )
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, body)
    except InvalidSignature:
        return Verification(
            CardCheck.FORGED, "This card's code has been altered: it is not genuine.", **facts
        )
    card = tx.session.exec(select(Card).where(Card.number == data.card_number)).first()
    if card is None:
        return Verification(
            CardCheck.UNKNOWN, "The card is genuine but is not on this database yet.", **facts
        )
    facts["carer_id"] = None if card.deleted else card.carer_id
    if card.status in (CardStatus.LOST, CardStatus.STOLEN):
        return Verification(
            CardCheck.LOST, f"This card was reported {card.status.value}: it is not valid.",
            **facts,
        )  # fmt: skip
    if card.status in (CardStatus.REVOKED, CardStatus.REPLACED) or card.deleted:
        return Verification(
            CardCheck.REVOKED, "This card has been cancelled: it is not valid.", **facts
        )
    if card.status is CardStatus.EXPIRED or data.expires_on < tx.today():
        return Verification(CardCheck.EXPIRED, "This card has expired.", **facts)
    return Verification(CardCheck.VALID, "This card is valid.", **facts)
