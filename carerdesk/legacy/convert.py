"""One row of an old register turned into a carer's details, or a reason why not.

Values that fit no choice (a gender written "Fem.", say) are not lost: they
go into the carer's notes, marked as coming from the old register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from carerdesk.legacy.mapping import FIELDS
from carerdesk.legacy.parsing import (
    cell_text,
    find_relationship,
    parse_ethnicity,
    parse_gender,
    parse_legacy_date,
    parse_phone,
    parse_postcode,
    parse_text,
    parse_yes_no,
    split_full_name,
)
from carerdesk.models import Carer
from carerdesk.services.carer_details import CaredForFields
from carerdesk.services.carers import CarerFields
from carerdesk.validation import check_date_of_birth, normalise_email

_TEXT_FIELDS = ("title", "first_name", "last_name", "preferred_name", "address_line1",
                "address_line2", "address_line3", "town", "area", "gp_practice")  # fmt: skip
# Choices that, when not understood, are kept in the notes rather than refusing the row.
_SOFT: dict[str, Callable[[object], Any]] = {
    "gender": parse_gender,
    "ethnicity": parse_ethnicity,
    "consent_keep_record": parse_yes_no,
}
_STRICT: dict[str, Callable[[object], Any]] = {
    "postcode": parse_postcode,
    "phone": parse_phone,
    "phone_other": parse_phone,
    "email": lambda v: normalise_email(cell_text(v)),
}
_LENGTHS = {
    name: col.type.length
    for name, col in Carer.__table__.columns.items()
    if getattr(col.type, "length", None)
}


@dataclass
class RowValues:
    """What one register row says about a carer."""

    fields: CarerFields
    cared_for: CaredForFields | None = None


class RowProblems(Exception):
    """Why a row cannot be imported: one plain reason per column, no values."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def convert_row(
    cells: Sequence[object], columns: dict[int, str], keys: Sequence[str], today: date
) -> RowValues:
    """The carer's details from ``cells``; raises RowProblems naming each bad column."""
    values: dict[str, Any] = {}
    notes: list[str] = []
    extra: list[str] = []
    problems: list[str] = []
    full_name: tuple[str | None, str | None] = (None, None)
    cared_for: CaredForFields | None = None
    several_notes = sum(1 for f in columns.values() if f == "notes") > 1

    for index, name in sorted(columns.items()):
        raw = cells[index] if index < len(cells) else None
        label = keys[index]
        if cell_text(raw) is None:
            continue
        try:
            if name in _TEXT_FIELDS:
                values[name] = parse_text(raw)
            elif name == "full_name":
                full_name = split_full_name(cell_text(raw) or "")
            elif name == "date_of_birth":
                values[name] = check_date_of_birth(parse_legacy_date(raw, today), today)
            elif name == "registered_on":
                when = parse_legacy_date(raw, today)
                if when and when > today:
                    raise ValueError("This date cannot be in the future")
                values[name] = when
            elif name in _STRICT:
                values[name] = _STRICT[name](raw)
            elif name in _SOFT:
                try:
                    values[name] = _SOFT[name](raw)
                except ValueError:
                    extra.append(f"{FIELDS[name]} in the old register: {cell_text(raw)}")
            elif name == "cared_for":
                cared_for = _cared_for(cell_text(raw) or "")
            elif name == "notes":
                text = str(raw).strip() if isinstance(raw, str) else cell_text(raw) or ""
                notes.append(f"{label}: {text}" if several_notes else text)
        except ValueError as exc:
            problems.append(f"{label}: {exc}")

    values.setdefault("first_name", full_name[0])
    values.setdefault("last_name", full_name[1])
    values = {k: v for k, v in values.items() if v is not None}
    if not values.get("first_name") and not values.get("last_name"):
        problems.insert(0, "No name")
    elif not values.get("first_name"):
        problems.insert(0, "No first name")
    elif not values.get("last_name"):
        problems.insert(0, "No last name")
    for key, value in values.items():
        limit = _LENGTHS.get(key)
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append(f"{field_label(key, columns, keys)}: longer than {limit} characters")
    if problems:
        raise RowProblems(problems)
    if values.get("phone_other") and not values.get("phone"):
        values["phone"] = values.pop("phone_other")
    if notes or extra:
        values["notes"] = "\n".join([*notes, *extra])
    return RowValues(CarerFields(**values), cared_for)


def _cared_for(text: str) -> CaredForFields:
    """A relationship from "Mother"; a relationship and notes from "Husband - stroke";
    anything else is taken as the person's name."""
    relationship = find_relationship(text)
    if relationship is None:
        return CaredForFields(name=text)
    if len(text.split()) == 1:
        return CaredForFields(relationship=relationship)
    return CaredForFields(relationship=relationship, notes=text)


def field_label(name: str, columns: dict[int, str], keys: Sequence[str]) -> str:
    """The column header behind a field (the full-name column for split names)."""
    for index, field_name in columns.items():
        if field_name == name:
            return keys[index]
    if name in ("first_name", "last_name"):
        for index, field_name in columns.items():
            if field_name == "full_name":
                return keys[index]
    return FIELDS.get(name, name)
