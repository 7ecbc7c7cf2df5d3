"""Columns every synced record shares, and small column helpers.

Each row carries what a later spreadsheet exchange needs to merge sites:
a UUID, when it was created and last changed, the site that last changed it,
a version counter bumped on every change, and a tombstone flag (``deleted``).
The store's session hooks keep ``updated_at``, ``version`` and ``site_code``
up to date, so services never set them by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def enum_field(enum_cls: type[Enum], default: Any = None, **kwargs: Any) -> Any:
    """A column that stores an enum's *value* as a short string."""
    sa_type = SAEnum(
        enum_cls,
        values_callable=lambda e: [m.value for m in e],
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=40,
    )
    return Field(default=default, sa_type=sa_type, **kwargs)


def list_field(**kwargs: Any) -> Any:
    """A JSON column holding a list of short strings."""
    return Field(default_factory=list, sa_type=JSON, **kwargs)


def text_field(default: str | None = None, max_length: int = 200, **kwargs: Any) -> Any:
    return Field(default=default, sa_type=String(max_length), **kwargs)


class Synced(SQLModel):
    """Mixin: identity and change tracking for records shared between sites."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    site_code: str = Field(default="", sa_type=String(8))
    version: int = Field(default=1)
    deleted: bool = Field(default=False, index=True)
