"""Merging two records of one person (registered twice, usually at two sites).

One record stays and one becomes a tombstone that says where it went
(``merged_into``), so every site that later hears of the merge moves what it
holds of the person too. Which record stays is decided by the UUIDs (the
smaller one), never by who merges: two sites merging the same pair, in
either direction, end with the same record.

The values of the record that stays are chosen field by field: where only
one record has a value it is kept, where both have different values the
caller says which. Cared-for people, cards and contacts move across; a
carer has at most one emergency plan and one photo, so for those the caller
chooses too when both have one.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import SQLModel, select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import (
    Card,
    CaredFor,
    Carer,
    CarerPhoto,
    ContactLog,
    EmergencyPlan,
    PossibleDuplicate,
)
from carerdesk.services.erasure import TOMBSTONE_COLUMNS, blank_record
from carerdesk.services.permissions import Permission

PLAN, PHOTO = "emergency_plan", "photo"
_NOT_MERGED = {*TOMBSTONE_COLUMNS, "merged_into", "consent_recorded_by"}
# Fields that go together: whoever recorded the consent goes with its date.
_FOLLOWS = {"consent_recorded_by": "consent_given_on"}
MOVED = ((CaredFor, "cared-for people"), (Card, "cards"), (ContactLog, "contacts"))
ONE_EACH: dict[str, type[SQLModel]] = {PLAN: EmergencyPlan, PHOTO: CarerPhoto}


class NotMergeable(CarerdeskError):
    """The two records cannot be merged (they are one and the same)."""


@dataclass(frozen=True)
class MergeField:
    """A field both records fill in differently: the caller chooses."""

    name: str
    first: Any
    second: Any


@dataclass(frozen=True)
class MergePlan:
    """What merging two records involves, for someone to check before it happens."""

    first_id: uuid.UUID
    second_id: uuid.UUID
    kept_id: uuid.UUID
    fields: tuple[MergeField, ...]
    filled: tuple[str, ...]  # fields only one record fills in: that value is kept
    moves: dict[str, int] = field(default_factory=dict)  # records moving to the one kept
    warnings: tuple[str, ...] = ()  # what someone will need to sort out afterwards


def merge_field_names() -> list[str]:
    """The carer fields whose values a merge chooses between."""
    return [n for n in Carer.model_fields if n not in _NOT_MERGED]


def is_empty(value: Any) -> bool:
    """No value worth keeping: nothing, blank text, or a choice left 'not stated'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return isinstance(value, enum.Enum) and value.value == "not_stated"


def cell_value(value: Any) -> Any:
    """A field's value as plain data (dates as ISO text, choices by stored value)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def plan_merge(tx: Tx, first_id: uuid.UUID, second_id: uuid.UUID) -> MergePlan:
    """What merging ``second`` and ``first`` would do; nothing is changed."""
    _require_merge(tx)
    first, second = _pair(tx, first_id, second_id)
    kept, gone = _kept_and_gone(first, second)
    choices, filled = [], []
    for name in merge_field_names():
        a, b = getattr(first, name), getattr(second, name)
        if (is_empty(a) and is_empty(b)) or a == b:
            continue
        if is_empty(a) or is_empty(b):
            filled.append(name)
        else:
            choices.append(MergeField(name, cell_value(a), cell_value(b)))
    for key, model in ONE_EACH.items():
        if _live(tx, model, first.id) is not None and _live(tx, model, second.id) is not None:
            choices.append(MergeField(key, "(on this record)", "(on this record)"))
    moves = {label: len(_live_rows(tx, model, gone.id)) for model, label in MOVED}
    live_cards = sum(1 for c in (*_live_rows(tx, Card, first.id), *_live_rows(tx, Card, second.id))
                     if c.status.is_live)  # fmt: skip
    warnings = (
        (f"The merged record will have {live_cards} cards in use: afterwards, cancel the "
         "ones the carer no longer has on the Cards tab.",) if live_cards > 1 else ()
    )  # fmt: skip
    return MergePlan(first.id, second.id, kept.id, tuple(choices), tuple(filled),
                     {k: v for k, v in moves.items() if v}, warnings)  # fmt: skip


def merge_carers(
    tx: Tx, first_id: uuid.UUID, second_id: uuid.UUID, take_second: set[str] | frozenset[str]
) -> uuid.UUID:
    """Merge two records of one person; return the id of the record that stays.

    ``take_second`` names the fields (and ``"emergency_plan"``, ``"photo"``)
    where both records differ and the second's value is wanted; every other
    such field keeps the first's.
    """
    _require_merge(tx)
    first, second = _pair(tx, first_id, second_id)
    allowed = {*merge_field_names(), *ONE_EACH}
    unknown = sorted(n for n in take_second if n not in allowed)
    if unknown:
        raise InvalidValue({n: "This is not a field that can be merged" for n in unknown})
    kept, gone = _kept_and_gone(first, second)
    chosen = {n: (second if n in take_second else first) for n in allowed}
    # Every value is chosen before any is written: ``kept`` is one of the two records.
    values = {}
    for name in merge_field_names():
        source = chosen[name]
        if is_empty(getattr(source, name)):
            source = second if source is first else first
        values[name] = getattr(source, name)
    for follower, leader in _FOLLOWS.items():
        source = first if values[leader] == getattr(first, leader) else second
        values[follower] = getattr(source, follower)
    for name, value in values.items():
        setattr(kept, name, value)
    for model, _label in MOVED:
        for row in _live_rows(tx, model, gone.id):
            row.carer_id = kept.id  # type: ignore[attr-defined]
    for key, model in ONE_EACH.items():
        _merge_one_each(tx, model, kept, gone, chosen[key])
    blank_record(gone)
    gone.merged_into = kept.id
    tx.session.flush()
    _repoint_possible_duplicates(tx, gone.id, kept.id)
    tx.audit("carer.merge", kept)
    return kept.id


def _require_merge(tx: Tx) -> None:
    # A merge takes a record off the books at every site: not for every editor.
    tx.require(Permission.EDIT_CARER)
    tx.require(Permission.EXCHANGE)


def _pair(tx: Tx, first_id: uuid.UUID, second_id: uuid.UUID) -> tuple[Carer, Carer]:
    first, second = tx.get(Carer, first_id, "carer"), tx.get(Carer, second_id, "carer")
    if first.id == second.id:
        raise NotMergeable("A record cannot be merged with itself.")
    return first, second


def _kept_and_gone(a: Carer, b: Carer) -> tuple[Carer, Carer]:
    return (a, b) if a.id.bytes < b.id.bytes else (b, a)


def _live_rows(tx: Tx, model: Any, carer_id: uuid.UUID) -> list[Any]:
    return list(
        tx.session.exec(
            select(model).where(model.carer_id == carer_id, model.deleted == False)  # noqa: E712
        ).all()
    )


def _live(tx: Tx, model: Any, carer_id: uuid.UUID) -> Any:
    rows = _live_rows(tx, model, carer_id)
    return rows[0] if rows else None


def _merge_one_each(tx: Tx, model: Any, kept: Carer, gone: Carer, chosen: Carer) -> None:
    """Keep one plan (or photo): the chosen record's, else whichever exists."""
    theirs = _live(tx, model, gone.id)
    if theirs is None:
        return
    ours = tx.session.exec(select(model).where(model.carer_id == kept.id)).first()
    if ours is not None and not ours.deleted and chosen is kept:
        blank_record(theirs, TOMBSTONE_COLUMNS | {"carer_id"})
        return
    copy_into(tx, model, theirs, ours, kept.id)


def copy_into(tx: Tx, model: Any, source: Any, target: Any | None, carer_id: uuid.UUID) -> None:
    """Give ``carer_id`` the content of ``source`` (a plan or photo) and retire ``source``.

    A carer has one such row at most, ever (a tombstone too), so the content
    goes into the row they have, or into a new one.
    """
    if target is None:
        target = model(carer_id=carer_id)
        tx.session.add(target)
    for name in model.model_fields:
        if name not in TOMBSTONE_COLUMNS and name != "carer_id":
            setattr(target, name, getattr(source, name))
    target.deleted = False
    blank_record(source, TOMBSTONE_COLUMNS | {"carer_id"})


def _repoint_possible_duplicates(tx: Tx, gone: uuid.UUID, kept: uuid.UUID) -> None:
    """Likely matches noted for the merged record now concern the one that stays."""
    rows = tx.session.exec(
        select(PossibleDuplicate).where(PossibleDuplicate.resolved_at == None)  # noqa: E711
    ).all()
    for row in rows:
        pair = {row.carer_id, row.other_carer_id}
        if pair == {gone, kept}:
            row.resolved_at = tx.now()
            row.resolution = "merged"
        elif gone in pair:
            row.carer_id = kept if row.carer_id == gone else row.carer_id
            row.other_carer_id = kept if row.other_carer_id == gone else row.other_carer_id
    tx.session.flush()
