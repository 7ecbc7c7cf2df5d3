"""Events for what happened before events were recorded (older databases, the demo).

``backfill_events`` runs once per database (a marker event remembers it) and
counts, from the records themselves, everything done here before the first
event was recorded: registrations (in the month of the registration date),
closures, assessments, contacts, referrals and cards issued. Records last
changed at another site are left to that site's return. Rows the session
hooks have already counted are not counted again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select
from sqlmodel import Session

from carerdesk.models import Card, CaredFor, Carer, ContactLog
from carerdesk.models.base import utcnow
from carerdesk.models.enums import CardStatus, CarerStatus
from carerdesk.returns.dims import Snapshot, carer_dims, make_snapshot, month_of
from carerdesk.returns.events import (
    EVENTS,
    add_registrations,
    event_row,
    insert_events,
    link_window_start,
    tidy_links,
)
from carerdesk.services.permissions import Permission

if TYPE_CHECKING:
    from carerdesk.desk import Tx

MARKER = "events.backfilled"
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)
_BATCH = 5000
_CARERS = Carer.__table__  # type: ignore[attr-defined]
_CARED = CaredFor.__table__  # type: ignore[attr-defined]
_CONTACTS = ContactLog.__table__  # type: ignore[attr-defined]
_CARDS = Card.__table__  # type: ignore[attr-defined]


def backfill_events(tx: Tx) -> int:
    """Count what happened before events were recorded; return how many events were
    added (0 when this database has been backfilled before)."""
    tx.require(Permission.RETURNS)
    added = backfill(tx.session, site=tx.site_code, today=tx.today())
    if added:
        tx.audit("returns.backfill")
    return added


def backfill(session: Session, *, site: str, today: date) -> int:
    """``backfill_events`` without the permission check (for building the demo)."""
    conn = session.connection()
    window = link_window_start(today)
    tidy_links(conn, window)
    if conn.scalar(select(EVENTS.c.id).where(EVENTS.c.kind == MARKER).limit(1)) is not None:
        return 0
    # Every event so far was recorded live: anything newer than the first is counted
    # already. With no events yet, every record is counted here.
    boundary: datetime = conn.scalar(select(func.min(EVENTS.c.at))) or _NEVER
    ours, now = (site, ""), utcnow()
    added, batch = 0, []
    linked: list[tuple[uuid.UUID, Snapshot]] = []  # registrations that may still be corrected
    for found in chain(_carer_events(conn, boundary, ours), _contact_events(conn, boundary, ours),
                       _card_events(conn, boundary, ours)):  # fmt: skip
        added += 1
        carer_id = found.pop("carer_id", None)
        if carer_id is not None and found["month"] >= window:
            linked.append((carer_id, found))
            continue
        batch.append(event_row(at=now, site=site, **found))
        if len(batch) >= _BATCH:
            insert_events(conn, batch)
            batch = []
    insert_events(conn, batch)
    add_registrations(conn, linked, at=now, site=site, oldest=window)
    conn.execute(insert(EVENTS).values(at=now, site=site, kind=MARKER, weight=0,
                                       month=month_of(today)))  # fmt: skip
    return added


def _before(day: date | None, changed: datetime, boundary: datetime) -> bool:
    """Whether something dated ``day`` on a row last changed at ``changed`` happened
    before events were recorded."""
    return changed < boundary or (day is not None and day < boundary.date())


def _carer_events(
    conn: Connection, boundary: datetime, ours: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    """Registrations (with the carer's id, for linking), closures and assessments."""
    cared = _CARED.c
    people: dict[uuid.UUID, list[Any]] = {}
    for row in conn.execute(
        select(cared.carer_id, cared.area, cared.main_need).where(cared.deleted.is_(False))
    ):
        people.setdefault(row.carer_id, []).append(row)
    c = _CARERS.c
    carers = conn.execute(
        select(c.id, c.created_at, c.updated_at, c.registered_on, c.date_of_birth, c.gender,
               c.ethnicity, c.caring_hours, c.area, c.referral_source, c.carer_type, c.status,
               c.closed_on, c.assessment_offered_on, c.assessment_completed_on)
        .where(c.deleted.is_(False), c.site_code.in_(ours), c.created_at < boundary)
    ).all()  # fmt: skip
    for carer in carers:
        snap = make_snapshot(carer, people.get(carer.id, ()))
        yield {"kind": "carer.registered", "carer_id": carer.id, **snap}
        if carer.status is not CarerStatus.ACTIVE and _before(
            carer.closed_on, carer.updated_at, boundary
        ):
            day = carer.closed_on or carer.updated_at.date()
            yield {"kind": "carer.closed", "month": month_of(day), **carer_dims(carer, day)}
        for day, kind in ((carer.assessment_offered_on, "assessment.offered"),
                          (carer.assessment_completed_on, "assessment.completed")):  # fmt: skip
            if day is not None and _before(day, carer.updated_at, boundary):
                yield {"kind": kind, "month": month_of(day), **carer_dims(carer, day)}


def _with_carer(*columns: Any) -> Any:
    c = _CARERS.c
    return select(*columns, c.carer_type, c.date_of_birth, c.area).where(c.deleted.is_(False))


def _contact_events(
    conn: Connection, boundary: datetime, ours: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    k = _CONTACTS.c
    rows = conn.execute(
        _with_carer(k.at, k.kind, k.minutes, k.referred_to)
        .join_from(_CONTACTS, _CARERS, _CARERS.c.id == k.carer_id)
        .where(k.deleted.is_(False), k.site_code.in_(ours), k.created_at < boundary)
    ).all()
    for row in rows:
        day = row.at.date()
        dims = {"month": month_of(day), **carer_dims(row, day)}
        yield {"kind": "contact.logged", "contact_kind": str(row.kind),
               "minutes": int(row.minutes or 0), **dims}  # fmt: skip
        if row.referred_to:
            yield {"kind": "referral.out", **dims}


def _card_events(
    conn: Connection, boundary: datetime, ours: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    k = _CARDS.c
    status = {row.id: row.status for row in conn.execute(select(k.id, k.status))}
    rows = conn.execute(
        _with_carer(k.replaces_id, k.issued_on, k.updated_at)
        .join_from(_CARDS, _CARERS, _CARERS.c.id == k.carer_id)
        .where(k.deleted.is_(False), k.site_code.in_(ours), k.issued_on.is_not(None))
    ).all()
    for row in rows:
        if not _before(row.issued_on, row.updated_at, boundary):
            continue
        kind = "card.issued"
        if row.replaces_id is not None:
            lost = status.get(row.replaces_id) in (CardStatus.LOST, CardStatus.STOLEN)
            kind = "card.replaced" if lost else "card.renewed"
        day = row.issued_on
        yield {"kind": kind, "month": month_of(day), **carer_dims(row, day)}
