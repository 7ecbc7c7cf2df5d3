"""Scheme settings and sites."""

from __future__ import annotations

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from carerdesk.models.base import Synced, text_field


class SchemeSettings(Synced, table=True):
    """One row: the scheme shared by all its sites."""

    __tablename__ = "scheme_settings"

    name: str = text_field(max_length=120)
    primary_colour: str = text_field("#1d4f91", max_length=9)
    accent_colour: str = text_field("#f2a900", max_length=9)
    logo_png: bytes | None = Field(default=None, sa_type=LargeBinary)
    card_validity_years: int = 3
    young_carer_max_age: int = 17
    young_adult_min_age: int = 16
    young_adult_max_age: int = 25
    photos_required: bool = False
    contact_phone: str | None = text_field(max_length=40)
    contact_email: str | None = text_field(max_length=200)
    website: str | None = text_field(max_length=200)
    small_count_threshold: int = 5
    idle_lock_minutes: int = 10


class Site(Synced, table=True):
    """One centre or drop-in location with its own copy of the data."""

    __tablename__ = "site"

    code: str = text_field(max_length=8, unique=True, index=True)
    name: str = text_field(max_length=120)
    next_card_serial: int = 1


class LocalInfo(SQLModel, table=True):
    """One row, never exchanged: which site this database belongs to."""

    __tablename__ = "local_info"

    id: int = Field(default=1, primary_key=True)
    site_code: str = text_field(max_length=8)
    database_id: str = text_field(max_length=36)
