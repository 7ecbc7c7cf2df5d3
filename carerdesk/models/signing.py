"""Keys that sign the QR codes printed on cards, one set per site."""

from __future__ import annotations

from datetime import date

from sqlalchemy import LargeBinary, UniqueConstraint
from sqlmodel import Field

from carerdesk.models.base import Synced, text_field


class SigningKey(Synced, table=True):
    """An Ed25519 key pair. Public halves travel to every site so any site can
    check any card; the private half stays at the site that made it."""

    __tablename__ = "signing_key"
    __table_args__ = (UniqueConstraint("site", "key_no"),)

    site: str = text_field(max_length=8)
    key_no: int = 1
    public_key: bytes = Field(sa_type=LargeBinary(32))
    private_key: bytes | None = Field(default=None, sa_type=LargeBinary(32))
    retired_on: date | None = None
