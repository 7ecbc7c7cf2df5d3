"""Columns every synced record shares, and small column helpers.

Each row carries what a later spreadsheet exchange needs to merge sites:
a UUID, when it was created and last changed, the site that last changed it,
a version counter bumped on every change, and a tombstone flag (``deleted``).
The store's session hooks keep ``updated_at``, ``version`` and ``site_code``
up to date, so services never set them by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import JSON, BigInteger, Dialect, LargeBinary, String, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utcnow() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


class UUIDBlob(TypeDecorator[uuid.UUID]):
    """A UUID stored as 16 bytes (half the size of the text form, in every index too)."""

    impl = LargeBinary(16)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        if not isinstance(value, uuid.UUID):
            value = uuid.UUID(str(value))
        return value.bytes

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        return None if value is None else uuid.UUID(bytes=bytes(value))


class Timestamp(TypeDecorator[datetime]):
    """An aware UTC datetime stored as whole microseconds since 1970 (8 bytes, sorts)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Timestamps must carry a time zone")
        return (value - _EPOCH) // timedelta(microseconds=1)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else _EPOCH + timedelta(microseconds=int(value))


def uuid_field(**kwargs: Any) -> Any:
    """An optional reference to another record (16-byte UUID)."""
    return Field(default=None, sa_type=UUIDBlob, **kwargs)


def time_field(**kwargs: Any) -> Any:
    """A moment in time (UTC); defaults to now unless a default is given."""
    if "default" not in kwargs:
        kwargs["default_factory"] = utcnow
    return Field(sa_type=Timestamp, **kwargs)


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

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True, sa_type=UUIDBlob)
    created_at: datetime = time_field()
    updated_at: datetime = time_field()
    site_code: str = Field(default="", sa_type=String(8))
    version: int = Field(default=1)
    deleted: bool = Field(default=False)
