"""What a site remembers about exchanging files with the other sites of its scheme.

None of these tables travel: they describe this site's view of the others.
``ExchangeVector`` holds each record's version vector (which changes of which
sites it contains), so an import can tell "changed only over there" from
"changed on both sides since the sites last met". Conflicts and likely
duplicate carers wait in their tables until someone settles them.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlmodel import Field, SQLModel

from carerdesk.models.base import Timestamp, UUIDBlob, text_field, time_field, uuid_field


class ExchangeVector(SQLModel, table=True):
    """A record's version vector, e.g. ``"DEM:3,STV:1"``.

    ``stamp_version`` and ``stamp_updated_at`` are the record's own values when
    the vector was last worked out: if the record has moved on since, it was
    changed here, and this site's count goes up by one. Records with no row
    here have only ever been changed at this site: their vector is
    ``{this site: version}``.
    """

    __tablename__ = "exchange_vector"

    record_id: uuid.UUID = Field(primary_key=True, sa_type=UUIDBlob)
    vector: str = text_field(max_length=400)
    stamp_version: int = 0
    stamp_updated_at: datetime = Field(sa_type=Timestamp)


class ExchangeConflict(SQLModel, table=True):
    """A record changed both here and at another site since they last met.

    ``local_values`` and ``remote_values`` hold only the fields that differ,
    as they appear in an export (text, numbers, ISO dates). The local values
    were kept; someone chooses field by field later.
    """

    __tablename__ = "exchange_conflict"

    id: int | None = Field(default=None, primary_key=True)
    record_type: str = text_field(max_length=40)
    record_id: uuid.UUID = Field(sa_type=UUIDBlob, index=True)
    peer_site: str = text_field(max_length=8)
    local_values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    remote_values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    remote_vector: str = text_field("", max_length=400)
    created_at: datetime = time_field()
    resolved_at: datetime | None = time_field(default=None)
    resolution: str | None = text_field(max_length=20)


class PossibleDuplicate(SQLModel, table=True):
    """A carer from another site who is probably someone already registered here."""

    __tablename__ = "exchange_duplicate"

    id: int | None = Field(default=None, primary_key=True)
    carer_id: uuid.UUID = Field(sa_type=UUIDBlob, index=True)
    other_carer_id: uuid.UUID = Field(sa_type=UUIDBlob, index=True)
    peer_site: str = text_field(max_length=8)
    score: int = 0
    reason: str = text_field(max_length=120)
    created_at: datetime = time_field()
    resolved_at: datetime | None = time_field(default=None)
    resolution: str | None = text_field(max_length=20)


class ExchangePeer(SQLModel, table=True):
    """Another site, as this site last heard from it."""

    __tablename__ = "exchange_peer"

    site_code: str = Field(primary_key=True, sa_type=String(8))
    last_export_id: str | None = text_field(max_length=36)
    last_export_at: datetime | None = time_field(default=None)
    last_import_at: datetime | None = time_field(default=None)
    last_imported_by: uuid.UUID | None = uuid_field()
    imports: int = 0
