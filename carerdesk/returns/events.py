"""Recording anonymous activity events as things happen, for the monthly return.

Importing this module installs two session hooks, so every writer (the
services, the GUI, the CLI) records events without remembering to. Before a
flush they note what is happening to carers, cared-for people, contacts and
cards; after it they add ``ActivityEvent`` rows on the same connection, in
the same transaction. No event holds a carer's id, name or date of birth.

What is recorded:

- ``carer.registered`` (with a snapshot: age band, gender, ethnic group...),
  ``carer.closed`` (status leaves active), ``carer.reopened``, and
  ``carer.erased`` (an open record erased; not one merged into another);
- ``assessment.offered`` / ``assessment.completed`` when those dates are set;
- ``contact.logged`` (kind, minutes) and ``referral.out`` (a referral noted);
- ``card.issued``, ``card.renewed``, ``card.replaced`` when a card is issued
  (a renewal follows a card in hand or expired; a replacement a lost or
  stolen one).

An event counts in the month of the date it is about (the registration
date, the contact's time, the day the card was issued...). Reopening and
erasing count in the current month: ``session.info["clock"]`` when the desk
provides it, else now.

Rows arriving from another site (``session.info["keep_sync_fields"]``) are
counted at their own site, so nothing new is recorded for them. A correction
(a contact edited or removed, a new carer's details completed) is a pair of
rows weighted -1 and +1, so the table is only ever appended to.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, delete, event, insert, inspect, or_, select, update
from sqlmodel import Session

from carerdesk.models import ActivityEvent, Card, CaredFor, Carer, ContactLog, RegistrationLink
from carerdesk.models.base import utcnow
from carerdesk.models.enums import CardStatus, CarerStatus
from carerdesk.returns.dims import (
    SNAPSHOT_KEYS,
    Snapshot,
    add_months,
    carer_dims,
    chunks,
    month_of,
    same_snapshot,
    snapshots,
)

EVENTS = ActivityEvent.__table__  # type: ignore[attr-defined]
LINKS = RegistrationLink.__table__  # type: ignore[attr-defined]
CARERS = Carer.__table__  # type: ignore[attr-defined]
# Details that make up a registration snapshot, on the carer row.
_REPORTED = ("date_of_birth", "registered_on", "gender", "ethnicity", "caring_hours", "area",
             "referral_source", "carer_type")  # fmt: skip
_ASSESSMENTS = (("assessment_offered_on", "assessment.offered"),
                ("assessment_completed_on", "assessment.completed"))  # fmt: skip
_LOST = (CardStatus.LOST, CardStatus.STOLEN)
_KEY = "returns_pending"
_STARTED = "returns_started"
_BATCH = 5000


@dataclass
class _Pending:
    """What a transaction (or a savepoint within it) did that the return counts."""

    events: list[dict[str, Any]] = field(default_factory=list)
    # Events that stand only if the carer is not erased before the commit.
    unless_erased: list[tuple[uuid.UUID, dict[str, Any]]] = field(default_factory=list)
    registered: set[uuid.UUID] = field(default_factory=set)
    touched: set[uuid.UUID] = field(default_factory=set)
    # Carers erased, with the month to count them in if their record was open.
    erased: dict[uuid.UUID, str | None] = field(default_factory=dict)

    def add(self, kind: str, month: str, weight: int = 1, **dims: Any) -> None:
        self.events.append({"kind": kind, "month": month, "weight": weight, **dims})

    def merge(self, other: _Pending) -> None:
        self.events += other.events
        self.unless_erased += other.unless_erased
        self.registered |= other.registered
        self.touched |= other.touched
        for carer_id, month in other.erased.items():
            self.erased[carer_id] = self.erased.get(carer_id) or month


_BLANK_ROW: dict[str, Any] = {c.key: None for c in EVENTS.columns if c.key != "id"}
_BLANK_ROW.update(weight=1, site="")


def event_row(**values: Any) -> dict[str, Any]:
    """A full row for ``insert(EVENTS)``: every row of an executemany needs every key."""
    row = {**_BLANK_ROW, "cared_for_areas": [], "main_needs": []}
    row.update(values)
    return row


def session_now(session: Session) -> datetime:
    """The time as the desk sees it (tests may set a clock), else now."""
    clock: Callable[[], datetime] | None = session.info.get("clock")
    return clock() if callable(clock) else utcnow()


def link_window_start(today: date) -> str:
    """The oldest registration month whose details may still be corrected."""
    return add_months(month_of(today), -1)


def _before(obj: Any, attr: str) -> Any:
    """The attribute's value before this flush's changes."""
    hist = inspect(obj).attrs[attr].history
    if hist.deleted:
        return hist.deleted[0]
    if hist.unchanged:
        return hist.unchanged[0]
    return None if hist.added else getattr(obj, attr)


def _changed(obj: Any, attr: str) -> bool:
    hist = inspect(obj).attrs[attr].history
    return bool(hist.added) and _before(obj, attr) != getattr(obj, attr)


# -- before the flush: note what happened ---------------------------------------


def _pending(session: Session) -> _Pending:
    """The notes of the innermost transaction (a savepoint rolled back loses its own)."""
    trans = session.get_nested_transaction() or session.get_transaction()
    notes: dict[Any, _Pending] = session.info.setdefault(_KEY, {})
    return notes.setdefault(trans, _Pending())


@event.listens_for(Session, "after_begin")
def _note_start(session: Session, _trans, _conn) -> None:  # type: ignore[no-untyped-def]
    """Remember when the transaction began: its events are recorded at that time, so
    every row they count was made or changed at or after it (which tells ``backfill``
    what was done before events were recorded)."""
    session.info.setdefault(_STARTED, utcnow())


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, _ctx, _instances) -> None:  # type: ignore[no-untyped-def]
    pending = _pending(session)
    importing = bool(session.info.get("keep_sync_fields"))
    site = session.info.get("site_code", "")
    today = session_now(session).date()
    new_carers = {o.id: o for o in session.new if isinstance(o, Carer)}

    def carer_of(carer_id: uuid.UUID) -> Carer | None:
        return new_carers.get(carer_id) or session.get(Carer, carer_id)

    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, Carer):
                _new_carer(pending, obj, importing, today)
            elif isinstance(obj, CaredFor):
                pending.touched.add(obj.carer_id)
            elif importing or getattr(obj, "deleted", False):
                continue
            elif isinstance(obj, ContactLog):
                _contact(pending, obj, carer_of(obj.carer_id), 1, referral=bool(obj.referred_to))
            elif isinstance(obj, Card) and obj.status is CardStatus.ISSUED:
                _card_issued(session, pending, obj, carer_of(obj.carer_id), today)
        for obj in list(session.dirty):
            if not session.is_modified(obj, include_collections=False):
                continue
            if isinstance(obj, Carer):
                _carer_changed(pending, obj, importing, today)
            elif isinstance(obj, CaredFor):
                pending.touched.add(obj.carer_id)
            elif importing:
                continue
            elif isinstance(obj, ContactLog):
                _contact_changed(pending, obj, carer_of(obj.carer_id), site)
            elif isinstance(obj, Card) and _issued_now(obj):
                _card_issued(session, pending, obj, carer_of(obj.carer_id), today)


def _new_carer(pending: _Pending, carer: Carer, importing: bool, today: date) -> None:
    if importing or carer.deleted:
        return
    pending.registered.add(carer.id)
    if carer.status is not CarerStatus.ACTIVE:
        day = carer.closed_on or today
        pending.add("carer.closed", month_of(day), **carer_dims(carer, day))
    for attr, kind in _ASSESSMENTS:
        day = getattr(carer, attr)
        if day is not None:
            pending.add(kind, month_of(day), **carer_dims(carer, day))


def _carer_changed(pending: _Pending, carer: Carer, importing: bool, today: date) -> None:
    if carer.deleted:
        # A record merged into another is the same person still on the books.
        if not _before(carer, "deleted") and carer.merged_into is None:
            was_open = not importing and _before(carer, "status") is CarerStatus.ACTIVE
            pending.erased[carer.id] = month_of(today) if was_open else None
        return
    if any(_changed(carer, attr) for attr in _REPORTED):
        pending.touched.add(carer.id)
    if importing:
        return
    was_open = _before(carer, "status") is CarerStatus.ACTIVE
    is_open = carer.status is CarerStatus.ACTIVE
    if was_open and not is_open:
        day = carer.closed_on or today
        pending.add("carer.closed", month_of(day), **carer_dims(carer, day))
    elif is_open and not was_open:
        pending.add("carer.reopened", month_of(today), **carer_dims(carer, today))
    for attr, kind in _ASSESSMENTS:
        day = getattr(carer, attr)
        if day is not None and _before(carer, attr) is None:
            pending.add(kind, month_of(day), **carer_dims(carer, day))


def _contact(
    pending: _Pending, contact: Any, carer: Carer | None, weight: int, *, referral: bool,
    counted: bool = True,
) -> None:  # fmt: skip
    """Count (or, with weight -1, take back) a contact and any referral made in it."""
    day = contact.at.date()
    dims = carer_dims(carer, day) if carer is not None else {}
    if counted:
        pending.add("contact.logged", month_of(day), weight, contact_kind=str(contact.kind),
                    minutes=int(contact.minutes or 0), **dims)  # fmt: skip
    if referral:
        pending.add("referral.out", month_of(day), weight, **dims)


@dataclass
class _OldContact:
    at: datetime
    kind: str
    minutes: int


def _contact_changed(
    pending: _Pending, contact: ContactLog, carer: Carer | None, site: str
) -> None:
    """A contact corrected or removed: take back what was counted, count what is now.

    These stand only if the carer is not erased in the same transaction (erasing
    blanks their contacts, and erasing never changes what was counted).
    """
    if carer is None or carer.deleted:
        return
    changes = _Pending()
    _contact_changes(changes, contact, carer, site)
    pending.unless_erased += [(carer.id, e) for e in changes.events]


def _contact_changes(pending: _Pending, contact: ContactLog, carer: Carer, site: str) -> None:
    ours = _before(contact, "site_code") == site  # was it counted here?
    old = _OldContact(_before(contact, "at"), str(_before(contact, "kind")),
                      _before(contact, "minutes"))  # fmt: skip
    had_referral, has_referral = bool(_before(contact, "referred_to")), bool(contact.referred_to)
    if contact.deleted:
        if ours and not _before(contact, "deleted"):
            _contact(pending, old, carer, -1, referral=had_referral)
        return
    moved = any(_changed(contact, a) for a in ("at", "kind", "minutes"))
    if moved and ours:
        _contact(pending, old, carer, -1, referral=had_referral)
        _contact(pending, contact, carer, 1, referral=has_referral)
    elif has_referral and not had_referral:
        _contact(pending, contact, carer, 1, referral=True, counted=False)
    elif had_referral and not has_referral and ours:
        _contact(pending, old, carer, -1, referral=True, counted=False)


def _issued_now(card: Card) -> bool:
    return not card.deleted and card.status is CardStatus.ISSUED and _changed(card, "status")


def _card_issued(
    session: Session, pending: _Pending, card: Card, carer: Carer | None, today: date
) -> None:
    kind = "card.issued"
    if card.replaces_id is not None:
        before = session.get(Card, card.replaces_id)
        lost = before is not None and before.status in _LOST
        kind = "card.replaced" if lost else "card.renewed"
    day = card.issued_on or today
    dims = carer_dims(carer, day) if carer is not None else {}
    pending.add(kind, month_of(day), **dims)


# -- at the commit: write the events ---------------------------------------------


def _within(trans: Any, outer: Any) -> bool:
    while trans is not None:
        if trans is outer:
            return True
        trans = trans.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    """A rolled-back transaction or savepoint leaves nothing to count."""
    if previous_transaction.parent is None:
        session.info.pop(_STARTED, None)
    notes: dict[Any, _Pending] | None = session.info.get(_KEY)
    for trans in list(notes or ()):
        if _within(trans, previous_transaction):
            del notes[trans]  # type: ignore[index]


@event.listens_for(Session, "before_commit")
def _write_events(session: Session) -> None:
    """Write what the whole transaction did, now that erasures are known."""
    if session.get_nested_transaction() is not None:
        return  # a savepoint: its notes wait for the outer commit
    session.flush()
    notes: dict[Any, _Pending] = session.info.pop(_KEY, None) or {}
    now = session.info.pop(_STARTED, None) or utcnow()
    pending = _Pending()
    for part in notes.values():
        pending.merge(part)
    if not (pending.events or pending.unless_erased or pending.registered or pending.touched
            or pending.erased):  # fmt: skip
        return
    conn = session.connection()
    site = session.info.get("site_code", "")
    oldest = link_window_start(session_now(session).date())
    gone = set(pending.erased)
    events = pending.events + [e for cid, e in pending.unless_erased if cid not in gone]
    events += [{"kind": "carer.erased", "month": month, "weight": 1}
               for cid, month in pending.erased.items()
               if month is not None and cid not in pending.registered]  # fmt: skip
    if events:
        insert_events(conn, [event_row(at=now, site=site, **e) for e in events])
    registered = snapshots(conn, pending.registered - gone)
    add_registrations(conn, list(registered.items()), at=now, site=site, oldest=oldest)
    touched = pending.touched - pending.registered - gone
    if touched:
        _correct_registrations(conn, touched, oldest, now, site)
    tidy_links(conn, oldest)


def tidy_links(conn: Connection, oldest: str) -> None:
    """Drop the links that may no longer be used: registrations before ``oldest``,
    and carers erased (also those erased by an exchange import)."""
    erased = (
        select(LINKS.c.carer_id).join(CARERS, CARERS.c.id == LINKS.c.carer_id)
        .where(CARERS.c.deleted.is_(True))
    )  # fmt: skip
    conn.execute(delete(LINKS).where(or_(LINKS.c.month < oldest, LINKS.c.carer_id.in_(erased))))


def registration_row(snap: Snapshot, *, at: datetime, site: str, weight: int = 1) -> dict[str, Any]:
    """The ``carer.registered`` event row for a snapshot."""
    values = {k: snap.get(k) for k in SNAPSHOT_KEYS}
    values["cared_for_areas"] = list(values["cared_for_areas"] or [])
    values["main_needs"] = list(values["main_needs"] or [])
    return event_row(at=at, site=site, kind="carer.registered", month=snap["month"],
                     weight=weight, **values)  # fmt: skip


def add_registrations(
    conn: Connection, items: list[tuple[uuid.UUID, Snapshot]], *, at: datetime, site: str,
    oldest: str,
) -> None:  # fmt: skip
    """Count registrations, and link those from ``oldest`` on so they can be corrected."""
    insert_events(conn, [registration_row(snap, at=at, site=site)
                         for _, snap in items if snap["month"] < oldest])  # fmt: skip
    linked = [(carer_id, snap) for carer_id, snap in items if snap["month"] >= oldest]
    if not linked:
        return
    query = insert(EVENTS).returning(EVENTS.c.id, sort_by_parameter_order=True)
    rows = [registration_row(snap, at=at, site=site) for _, snap in linked]
    ids = conn.execute(query, rows).scalars().all()
    conn.execute(insert(LINKS), [
        {"carer_id": carer_id, "event_id": event_id, "month": snap["month"]}
        for (carer_id, snap), event_id in zip(linked, ids, strict=True)
    ])  # fmt: skip


def insert_events(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert full event rows (see ``event_row``) quickly: each value is converted
    once by its column type, then the rows go in by executemany."""
    if not rows:
        return
    dialect = conn.dialect
    keys = list(rows[0])
    sql = str(insert(EVENTS).compile(dialect=dialect, column_keys=keys))
    convert = [(k, _converter(EVENTS.c[k], dialect)) for k in keys]
    for start in range(0, len(rows), _BATCH):
        conn.exec_driver_sql(sql, [
            tuple(f(r[k]) if f else r[k] for k, f in convert) for r in rows[start : start + _BATCH]
        ])  # fmt: skip


def _converter(column: Any, dialect: Any) -> Callable[[Any], Any] | None:
    if isinstance(column.type, JSON):  # short lists, mostly empty: skip the encoder for []
        return lambda v: json.dumps(v) if v else "[]"
    return column.type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[no-any-return]


def _correct_registrations(
    conn: Connection, carer_ids: set[uuid.UUID], oldest: str, now: datetime, site: str
) -> None:
    """Registrations still open to correction whose details changed: take back the
    counted snapshot (weight -1) and count the new one."""
    links = [
        link
        for chunk in chunks(list(carer_ids))
        for link in conn.execute(select(LINKS).where(LINKS.c.carer_id.in_(chunk)))
        if link.month >= oldest
    ]
    counted = {
        row.id: {"month": row.month, **{k: getattr(row, k) for k in SNAPSHOT_KEYS}}
        for chunk in chunks([link.event_id for link in links])
        for row in conn.execute(select(EVENTS).where(EVENTS.c.id.in_(chunk)))
    }
    current = snapshots(conn, [link.carer_id for link in links])
    for link in links:
        old, new = counted.get(link.event_id), current.get(link.carer_id)
        if old is None or new is None or same_snapshot(old, new):
            continue
        conn.execute(insert(EVENTS).values(registration_row(old, at=now, site=site, weight=-1)))
        result = conn.execute(insert(EVENTS).values(registration_row(new, at=now, site=site)))
        event_id = int(result.inserted_primary_key[0])
        conn.execute(
            update(LINKS).where(LINKS.c.carer_id == link.carer_id)
            .values(event_id=event_id, month=new["month"])
        )  # fmt: skip
