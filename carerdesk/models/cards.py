"""Carer Passport cards, their history, and print batches."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey
from sqlmodel import Field

from carerdesk.models.base import Synced, UUIDBlob, enum_field, text_field, time_field, uuid_field
from carerdesk.models.carers import carer_fk
from carerdesk.models.enums import CardKind, CardStatus


class PrintBatch(Synced, table=True):
    """Cards printed together."""

    __tablename__ = "print_batch"

    printed_at: datetime = time_field()
    printed_by: uuid.UUID | None = uuid_field()
    layout: str = text_field("a4-10", max_length=40)
    card_count: int = 0


class Card(Synced, table=True):
    __tablename__ = "card"

    number: str = text_field(max_length=24, unique=True, index=True)
    carer_id: uuid.UUID = carer_fk()
    kind: CardKind = enum_field(CardKind, CardKind.STANDARD)
    status: CardStatus = enum_field(CardStatus, CardStatus.QUEUED, index=True)
    queued_on: date | None = None
    issued_on: date | None = None
    expires_on: date | None = Field(default=None, index=True)
    replaces_id: uuid.UUID | None = uuid_field()
    replaced_by_id: uuid.UUID | None = uuid_field()
    batch_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(UUIDBlob, ForeignKey("print_batch.id"), nullable=True)
    )


class CardEvent(Synced, table=True):
    """One step in a card's history."""

    __tablename__ = "card_event"

    card_id: uuid.UUID = Field(
        sa_column=Column(UUIDBlob, ForeignKey("card.id"), nullable=False, index=True)
    )
    at: datetime = time_field()
    from_status: CardStatus | None = enum_field(CardStatus, None)
    to_status: CardStatus = enum_field(CardStatus, CardStatus.QUEUED)
    by_user: uuid.UUID | None = uuid_field()
    note: str | None = text_field(max_length=200)
