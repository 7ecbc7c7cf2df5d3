"""The record types that travel between sites, and how each column sits in a cell.

Every exchanged table becomes one sheet. Its columns are the table's own
columns (same names, so they stay stable), sync fields first, plus
``sync_vector``. Values move between the database and the sheet in their
stored form, without building model objects, so 100,000 carers go through in
seconds: UUIDs as text, moments as ISO 8601 text with microseconds and zone
(exact, unlike spreadsheet dates), dates as ``YYYY-MM-DD`` text, choices by
their stored value, lists as JSON text, binary data as base64. A value too
long for one cell (32,767 characters at most) is left out of its cell and
carried in parts on the ``_blobs`` sheet.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, LargeBinary
from sqlalchemy import Enum as SAEnum

from carerdesk.models import (
    Business,
    Card,
    CardEvent,
    CaredFor,
    Carer,
    CarerPhoto,
    ContactLog,
    EmergencyPlan,
    Offer,
    PrintBatch,
    SchemeSettings,
    SigningKey,
    Site,
    Synced,
)
from carerdesk.models.base import Timestamp, UUIDBlob

CELL_LIMIT = 32_000  # characters per cell we allow ourselves (Excel's limit: 32,767)
SYNC_COLUMNS = ("id", "site_code", "version", "updated_at", "created_at", "deleted")
VECTOR_COLUMN = "sync_vector"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

# Columns that describe this copy of the data only, never sent: the search
# index's key, and the private half of a signing key.
LOCAL_ONLY = {"carer": ("search_key",), "signing_key": ("private_key",)}
# Columns added after the first exchange format: an older export without them
# still imports, as if each cell were empty.
ADDED_LATER = {"carer": ("merged_into",)}


class CellError(ValueError):
    """A cell that does not hold what its column needs."""


@dataclass(frozen=True)
class Column:
    """One exchanged column: its name and how to turn stored values to cells and back."""

    name: str
    kind: str
    nullable: bool
    choices: frozenset[str] | None = None

    def to_cell(self, raw: Any) -> Any:
        """A stored value as a cell (None for an empty cell)."""
        if raw is None:
            return None
        return _TO_CELL[self.kind](raw)

    def from_cell(self, cell: Any) -> Any:
        """A cell as a stored value; raises CellError if it cannot be one."""
        if cell is None or cell == "":
            if self.nullable:
                return None
            if self.kind == "text":
                return ""
            if self.kind == "json":
                return "[]"
            raise CellError("a value is needed")
        try:
            value = _FROM_CELL[self.kind](cell)
        except (ValueError, TypeError, OverflowError, binascii.Error) as exc:
            raise CellError(str(exc)) from None
        if self.choices is not None and value not in self.choices:
            raise CellError("not one of the allowed choices")
        return value

    @property
    def may_be_long(self) -> bool:
        """Whether values can outgrow a cell (and then travel on ``_blobs``)."""
        return self.kind in ("text", "bytes")


@dataclass(frozen=True)
class RecordType:
    """A table that travels, as one sheet."""

    sheet: str
    model: type[Synced]
    columns: tuple[Column, ...]  # sync fields first, then data, as in the sheet

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)

    @property
    def header(self) -> list[str]:
        names = [c.name for c in self.columns]
        return [*names[: len(SYNC_COLUMNS)], VECTOR_COLUMN, *names[len(SYNC_COLUMNS) :]]

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return self.columns[len(SYNC_COLUMNS) :]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _kind(sa_type: Any) -> str:
    if isinstance(sa_type, UUIDBlob):
        return "uuid"
    if isinstance(sa_type, Timestamp):
        return "timestamp"
    if isinstance(sa_type, SAEnum):
        return "enum"
    for cls, name in ((Boolean, "bool"), (Date, "date"), (Integer, "int"), (JSON, "json"),
                      (LargeBinary, "bytes")):  # fmt: skip
        if isinstance(sa_type, cls):
            return name
    return "text"


def _record_type(sheet: str, model: type[Synced]) -> RecordType:
    table = model.__table__  # type: ignore[attr-defined]
    skip = LOCAL_ONLY.get(table.name, ())
    cols = []
    for name in (*SYNC_COLUMNS, *(c.name for c in table.columns if c.name not in SYNC_COLUMNS)):
        if name in skip:
            continue
        col = table.c[name]
        kind = _kind(col.type)
        choices = frozenset(col.type.enums) if kind == "enum" else None
        cols.append(Column(name, kind, bool(col.nullable), choices))
    return RecordType(sheet, model, tuple(cols))


# In the order they are applied: every record after the records it points to.
RECORD_TYPES: tuple[RecordType, ...] = tuple(
    _record_type(sheet, model)
    for sheet, model in (
        ("sites", Site),
        ("scheme_settings", SchemeSettings),
        ("signing_keys", SigningKey),
        ("carers", Carer),
        ("carer_photos", CarerPhoto),
        ("cared_for", CaredFor),
        ("emergency_plans", EmergencyPlan),
        ("print_batches", PrintBatch),
        ("cards", Card),
        ("card_events", CardEvent),
        ("businesses", Business),
        ("offers", Offer),
        ("contact_log", ContactLog),
    )
)
BY_SHEET = {rt.sheet: rt for rt in RECORD_TYPES}
BY_TABLE = {rt.table: rt for rt in RECORD_TYPES}


# -- stored value <-> cell ------------------------------------------------------


def timestamp_text(micros: int) -> str:
    return (_EPOCH + micros * _MICRO).isoformat(timespec="microseconds")


def _uuid_from(text: str) -> bytes:
    digits = text.strip().replace("-", "")
    if len(digits) != 32:
        raise ValueError("not a UUID")
    return bytes.fromhex(digits)


def _timestamp_from(cell: Any) -> int:
    moment = cell if isinstance(cell, datetime) else datetime.fromisoformat(str(cell).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICRO


def _date_from(cell: Any) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return date.fromisoformat(str(cell).strip()).isoformat()


def _bool_from(cell: Any) -> int:
    if isinstance(cell, bool):
        return int(cell)
    if isinstance(cell, int) and cell in (0, 1):
        return cell
    text = str(cell).strip().lower()
    if text in ("true", "1", "yes"):
        return 1
    if text in ("false", "0", "no"):
        return 0
    raise ValueError("not true or false")


def _int_from(cell: Any) -> int:
    if isinstance(cell, bool):
        raise ValueError("not a whole number")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError("not a whole number")
        return int(cell)
    return int(str(cell).strip()) if not isinstance(cell, int) else cell


def _text_from(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell if isinstance(cell, str) else str(cell)


def _json_from(cell: Any) -> str:
    value = json.loads(_text_from(cell))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of words")
    return json.dumps(value)


_TO_CELL: dict[str, Callable[[Any], Any]] = {
    "uuid": lambda raw: str(uuid.UUID(bytes=bytes(raw))),
    "timestamp": timestamp_text,
    "date": str,
    "bool": bool,
    "int": int,
    "text": str,
    "enum": str,
    "json": str,
    "bytes": lambda raw: base64.b64encode(bytes(raw)).decode("ascii"),
}
_FROM_CELL: dict[str, Callable[[Any], Any]] = {
    "uuid": lambda cell: _uuid_from(_text_from(cell)),
    "timestamp": _timestamp_from,
    "date": _date_from,
    "bool": _bool_from,
    "int": _int_from,
    "text": _text_from,
    "enum": _text_from,
    "json": _json_from,
    "bytes": lambda cell: base64.b64decode(_text_from(cell).strip(), validate=True),
}


def to_plain(rt: RecordType, raw: dict[str, Any]) -> dict[str, Any]:
    """Stored values as JSON-friendly cell values (for conflicts and comparisons)."""
    return {c.name: c.to_cell(raw[c.name]) for c in rt.columns if c.name in raw}
