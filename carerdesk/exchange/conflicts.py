"""Settling what an import could not: conflicts field by field, and possible duplicates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound
from carerdesk.exchange import vectors
from carerdesk.exchange.aftercare import follow_merges, merge_targets, purge_erased
from carerdesk.exchange.labels import record_label, shorten
from carerdesk.exchange.records import BY_TABLE
from carerdesk.models import Carer, ExchangeConflict, PossibleDuplicate
from carerdesk.services.carers import display_name
from carerdesk.services.permissions import Permission

LOCAL, REMOTE = "local", "remote"


@dataclass(frozen=True)
class FieldChoice:
    """One field of a conflict: the value kept here and the other site's."""

    name: str
    local: Any
    remote: Any


@dataclass(frozen=True)
class ConflictView:
    conflict_id: int
    record_type: str
    record_id: uuid.UUID
    peer_site: str
    created_at: datetime
    fields: tuple[FieldChoice, ...]


@dataclass(frozen=True)
class DuplicateView:
    duplicate_id: int
    carer_id: uuid.UUID
    other_carer_id: uuid.UUID
    peer_site: str
    score: int
    reason: str


def waiting_counts(tx: Tx) -> tuple[int, int]:
    """How many conflicts and likely matches wait for someone: cheap, for a badge."""
    tx.require(Permission.EXCHANGE)
    conn = tx.session.connection()
    purge_erased(conn)
    conflicts = conn.exec_driver_sql(
        "SELECT count(*) FROM exchange_conflict WHERE resolved_at IS NULL"
    ).scalar()
    matches = conn.exec_driver_sql(
        "SELECT count(*) FROM exchange_duplicate WHERE resolved_at IS NULL"
    ).scalar()
    return int(conflicts or 0), int(matches or 0)


def list_conflicts(tx: Tx) -> list[ConflictView]:
    """Conflicts waiting for someone to choose, oldest first."""
    tx.require(Permission.EXCHANGE)
    purge_erased(tx.session.connection())
    rows = tx.session.exec(
        select(ExchangeConflict)
        .where(ExchangeConflict.resolved_at == None)  # noqa: E711
        .order_by(ExchangeConflict.id)  # type: ignore[arg-type]
    ).all()
    return [
        ConflictView(
            c.id or 0, c.record_type, c.record_id, c.peer_site, c.created_at,
            tuple(FieldChoice(n, c.local_values.get(n), c.remote_values.get(n))
                  for n in c.remote_values),
        )
        for c in rows
    ]  # fmt: skip


def resolve_conflict(tx: Tx, conflict_id: int, choices: dict[str, str]) -> None:
    """Settle a conflict: for each differing field, keep ``"local"`` or take ``"remote"``.

    Fields not named keep their local value. The result counts as a change
    made here that includes the other site's, so it reaches that site (and
    closes the conflict there) at the next exchange.
    """
    tx.require(Permission.EXCHANGE)
    session = tx.session
    conflict = session.get(ExchangeConflict, conflict_id)
    if conflict is None:
        raise NotFound("No conflict with that reference was found.")
    if conflict.resolved_at is not None:
        raise CarerdeskError("This conflict has already been settled.")
    bad = {
        name: "Choose the value kept here or the other site's value"
        for name, choice in choices.items()
        if name not in conflict.remote_values or choice not in (LOCAL, REMOTE)
    }
    if bad:
        raise InvalidValue(bad)
    rt = BY_TABLE[conflict.record_type]
    session.flush()
    conn = session.connection()
    before = conn.exec_driver_sql(
        f'SELECT t.version, t.updated_at, t.deleted, v.vector, v.stamp_version, '
        f'v.stamp_updated_at FROM "{rt.table}" t LEFT JOIN exchange_vector v '
        "ON v.record_id = t.id WHERE t.id = ?",
        (conflict.record_id.bytes,),
    ).first()
    conflict.resolved_at = tx.now()
    if before is None or before[2]:
        conflict.resolution = "erased"
        return
    local_vector = vectors.parse(vectors.current(tx.site_code, *before[:2], *before[3:])[0])
    remote_vector = vectors.parse(conflict.remote_vector) if conflict.remote_vector else {}
    record = session.get(rt.model, conflict.record_id)
    assert record is not None
    dialect = conn.dialect
    for name, choice in choices.items():
        cell = (conflict.remote_values if choice == REMOTE else conflict.local_values)[name]
        stored = rt.column(name).from_cell(cell)
        column_type = rt.model.__table__.c[name].type  # type: ignore[attr-defined]
        convert = column_type.dialect_impl(dialect).result_processor(dialect, None)
        setattr(record, name, convert(stored) if convert and stored is not None else stored)
    if "carer_id" in choices:  # never back onto a record merged into another since
        record.carer_id = follow_merges(merge_targets(tx), record.carer_id)  # type: ignore[attr-defined]
    session.flush()
    version, updated = conn.exec_driver_sql(
        f'SELECT version, updated_at FROM "{rt.table}" WHERE id = ?', (conflict.record_id.bytes,)
    ).one()
    settled = vectors.bump(vectors.merge(local_vector, remote_vector), tx.site_code)
    vectors.store(conn, [(conflict.record_id.bytes, vectors.render(settled), version, updated)])
    conflict.resolution = "resolved"
    tx.audit("exchange.resolve_conflict", record)  # type: ignore[arg-type]


def list_possible_duplicates(tx: Tx) -> list[DuplicateView]:
    """Carers from other sites who look like someone registered here."""
    tx.require(Permission.EXCHANGE)
    purge_erased(tx.session.connection())
    rows = tx.session.exec(
        select(PossibleDuplicate)
        .where(PossibleDuplicate.resolved_at == None)  # noqa: E711
        .order_by(PossibleDuplicate.id)  # type: ignore[arg-type]
    ).all()
    return [DuplicateView(d.id or 0, d.carer_id, d.other_carer_id, d.peer_site, d.score, d.reason)
            for d in rows]  # fmt: skip


def dismiss_possible_duplicate(tx: Tx, duplicate_id: int) -> None:
    """Someone checked: they are two different people."""
    tx.require(Permission.EXCHANGE)
    row = tx.session.get(PossibleDuplicate, duplicate_id)
    if row is None or row.resolved_at is not None:
        raise NotFound("No possible duplicate with that reference is waiting.")
    row.resolved_at = tx.now()
    row.resolution = "different"


def describe_record(tx: Tx, record_type: str, record_id: uuid.UUID) -> str:
    """Which record, in words: "Carer: Testy McTestface", "Card: TST-000012 (Testy McTestface)"."""
    rt = BY_TABLE.get(record_type)
    row: Any = tx.session.get(rt.model, record_id) if rt is not None else None
    label = record_label(record_type)
    if row is None or getattr(row, "deleted", False):
        return f"{label} (erased)"
    if isinstance(row, Carer):
        return f"{label}: {display_name(row)}"
    own = next((str(v) for v in (getattr(row, k, None) for k in ("name", "number", "text"))
                if v), "")  # fmt: skip
    carer_id = getattr(row, "carer_id", None)
    carer = tx.session.get(Carer, carer_id) if carer_id is not None else None
    whose = display_name(carer) if carer is not None and not carer.deleted else ""
    if own and whose:
        return f"{label}: {shorten(own, 40)} ({whose})"
    return f"{label}: {shorten(own or whose, 40)}" if own or whose else label


def describe_carer(tx: Tx, carer_id: uuid.UUID) -> str:
    """A carer as a likely match shows them: name and date of birth."""
    carer = tx.session.get(Carer, carer_id)
    if carer is None or carer.deleted:
        return "(erased or merged)"
    born = f", born {carer.date_of_birth:%d/%m/%Y}" if carer.date_of_birth else ""
    return f"{display_name(carer)}{born}"
