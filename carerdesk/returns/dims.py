"""The anonymous details events carry, and how a carer is reduced to them.

A registration is counted with a *snapshot*: the carer's age band on the day
they registered, gender, ethnic group, hours of care, area, referral source
and type, and the areas and main needs of the people they care for. Nothing
in a snapshot names or dates anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from carerdesk.models import CaredFor, Carer
from carerdesk.models.enums import Ethnicity, MainNeed
from carerdesk.validation import age_on

NOT_KNOWN = "not_known"
AGE_BANDS = ("under_18", "18_25", "26_64", "65_84", "85_plus")
AGE_LABELS = {
    "under_18": "Under 18", "18_25": "18 to 25", "26_64": "26 to 64",
    "65_84": "65 to 84", "85_plus": "85 or over", NOT_KNOWN: "Not known",
}  # fmt: skip
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other", "not_stated")
ETHNIC_GROUP_LABELS = {e.value.split("_", 1)[0]: e.group for e in Ethnicity}
ETHNIC_GROUP_LABELS["not_stated"] = ETHNIC_GROUP_LABELS.pop("not")
# The details of a registration snapshot, in the order the return shows them.
SNAPSHOT_KEYS = (
    "age_band", "gender", "ethnicity_group", "caring_hours", "area",
    "cared_for_areas", "main_needs", "referral_source", "carer_type",
)  # fmt: skip
_CHUNK = 500

Snapshot = dict[str, Any]
T = TypeVar("T")


def month_of(day: date) -> str:
    """'YYYY-MM' for the month ``day`` falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (before, if ``n`` is negative)."""
    year, mon = int(month[:4]), int(month[5:7])
    total = year * 12 + mon - 1 + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def age_band(dob: date | None, on: date) -> str:
    """The return's age band on ``on`` for someone born on ``dob``."""
    if dob is None:
        return NOT_KNOWN
    age = age_on(dob, on)
    if age < 18:
        return "under_18"
    if age <= 25:
        return "18_25"
    if age <= 64:
        return "26_64"
    if age <= 84:
        return "65_84"
    return "85_plus"


def ethnicity_group(value: Ethnicity | str | None) -> str:
    """One of ETHNIC_GROUPS (the Census's five high-level groups, or not stated)."""
    if value is None or Ethnicity(value) is Ethnicity.NOT_STATED:
        return "not_stated"
    return Ethnicity(value).value.split("_", 1)[0]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(getattr(value, "value", value)).strip()
    return text or None


def registered_day(registered_on: date | None, created_at: datetime | None) -> date:
    """The day a registration counts on: the registration date, else when it was recorded."""
    if registered_on is not None:
        return registered_on
    return (created_at or datetime.now().astimezone()).date()


def carer_dims(carer: Any, on: date) -> Snapshot:
    """The few details every carer-related event carries (type, age band, area)."""
    return {
        "carer_type": _text(carer.carer_type),
        "age_band": age_band(carer.date_of_birth, on),
        "area": _text(carer.area),
    }


def make_snapshot(carer: Any, cared_for: Iterable[Any]) -> Snapshot:
    """A registration snapshot from a carer row and their cared-for rows."""
    people = list(cared_for)
    day = registered_day(carer.registered_on, carer.created_at)
    return {
        "month": month_of(day),
        "age_band": age_band(carer.date_of_birth, day),
        "gender": _text(carer.gender),
        "ethnicity_group": ethnicity_group(carer.ethnicity),
        "caring_hours": _text(carer.caring_hours),
        "area": _text(carer.area),
        "cared_for_areas": sorted({a for p in people if (a := _text(p.area))}),
        "main_needs": sorted(
            {n for p in people if (n := _text(p.main_need)) and n != MainNeed.NOT_STATED.value}
        ),
        "referral_source": _text(carer.referral_source),
        "carer_type": _text(carer.carer_type),
    }


def same_snapshot(a: Snapshot, b: Snapshot) -> bool:
    return a.get("month") == b.get("month") and all(
        (a.get(k) or None) == (b.get(k) or None) for k in SNAPSHOT_KEYS
    )


_CARER_COLS = [
    Carer.__table__.c[name]  # type: ignore[attr-defined]
    for name in ("id", "registered_on", "created_at", "date_of_birth", "gender", "ethnicity",
                 "caring_hours", "area", "referral_source", "carer_type", "deleted")
]  # fmt: skip
_CARED_COLS = [CaredFor.__table__.c[n] for n in ("carer_id", "area", "main_need")]  # type: ignore[attr-defined]


def chunks(ids: list[T]) -> Iterator[list[T]]:
    """``ids`` in slices small enough for one SQL ``IN (...)``."""
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def snapshots(conn: Connection, carer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Snapshot]:
    """Registration snapshots of the given carers as the database has them now.

    Erased carers (and ids not found) are left out.
    """
    carer_t, cared_t = Carer.__table__, CaredFor.__table__  # type: ignore[attr-defined]
    out: dict[uuid.UUID, Snapshot] = {}
    for chunk in chunks(list(carer_ids)):
        carers = conn.execute(
            select(*_CARER_COLS).where(carer_t.c.id.in_(chunk), carer_t.c.deleted.is_(False))
        ).all()
        people: dict[uuid.UUID, list[Any]] = {}
        for row in conn.execute(
            select(*_CARED_COLS).where(cared_t.c.carer_id.in_(chunk), cared_t.c.deleted.is_(False))
        ):
            people.setdefault(row.carer_id, []).append(row)
        for row in carers:
            out[row.id] = make_snapshot(row, people.get(row.id, ()))
    return out
