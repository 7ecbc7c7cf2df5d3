"""Businesses in the scheme and the offers they give carers."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Column, ForeignKey, Text
from sqlmodel import Field

from carerdesk.models.base import Synced, UUIDBlob, list_field, text_field


class Business(Synced, table=True):
    __tablename__ = "business"

    name: str = text_field(max_length=120, index=True)
    address_line1: str | None = text_field(max_length=120)
    address_line2: str | None = text_field(max_length=120)
    town: str | None = text_field(max_length=80, index=True)
    postcode: str | None = text_field(max_length=8)
    contact_name: str | None = text_field(max_length=120)
    phone: str | None = text_field(max_length=20)
    email: str | None = text_field(max_length=200)
    website: str | None = text_field(max_length=200)
    category: str | None = text_field(max_length=60)
    sticker_given_on: date | None = None
    retired_on: date | None = None
    notes: str | None = Field(default=None, sa_type=Text)


class Offer(Synced, table=True):
    __tablename__ = "offer"

    business_id: uuid.UUID = Field(
        sa_column=Column(UUIDBlob, ForeignKey("business.id"), nullable=False, index=True)
    )
    text: str = text_field(max_length=300)
    terms: str | None = Field(default=None, sa_type=Text)
    categories: list[str] = list_field()
    # Areas where the offer is valid; empty means anywhere in the scheme.
    areas: list[str] = list_field()
    # Carer types the offer is for; empty means every carer.
    eligible: list[str] = list_field()
    starts_on: date | None = None
    ends_on: date | None = None
    last_checked_on: date | None = None
    review_due_on: date | None = Field(default=None, index=True)
    retired_on: date | None = None
