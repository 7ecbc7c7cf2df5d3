"""Contact log entries and the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from carerdesk.models.base import Synced, enum_field, text_field, time_field, uuid_field
from carerdesk.models.carers import carer_fk
from carerdesk.models.enums import ContactKind


class ContactLog(Synced, table=True):
    __tablename__ = "contact_log"

    carer_id: uuid.UUID = carer_fk()
    at: datetime = time_field(index=True)
    kind: ContactKind = enum_field(ContactKind, ContactKind.DROP_IN)
    minutes: int = 0
    by_user: uuid.UUID | None = uuid_field()
    what_was_done: str | None = Field(default=None, sa_type=Text)
    referred_to: str | None = text_field(max_length=120)


class AuditEvent(SQLModel, table=True):
    """Who did what to which record, and when. Never holds personal values."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = time_field(index=True)
    user_id: uuid.UUID | None = uuid_field()
    username: str = text_field("", max_length=40)
    site_code: str = text_field("", max_length=8)
    action: str = text_field(max_length=60)
    record_type: str | None = text_field(max_length=40)
    record_id: uuid.UUID | None = uuid_field(index=True)
