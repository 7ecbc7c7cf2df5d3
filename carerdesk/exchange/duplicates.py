"""Likely matches after an import: the same person registered at two sites.

Someone looks at each pair and either merges them (``merge_carers``) or
says they are two different people (``dismiss_possible_duplicate`` in
``carerdesk.exchange.conflicts``). Choices name the two records as a
conflict does: ``"local"`` is the carer registered here, ``"remote"`` the
one who came from the other site.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from carerdesk.desk import Tx
from carerdesk.errors import InvalidValue, NotFound
from carerdesk.exchange.conflicts import LOCAL, REMOTE, FieldChoice
from carerdesk.models import PossibleDuplicate
from carerdesk.services import carer_merge
from carerdesk.services.permissions import Permission


@dataclass(frozen=True)
class MergePreview:
    """What merging a likely match would do, for someone to check first."""

    duplicate_id: int
    local_id: uuid.UUID
    remote_id: uuid.UUID
    peer_site: str
    reason: str
    fields: tuple[FieldChoice, ...]  # both have a value and they differ: someone chooses
    filled: tuple[str, ...]  # only one has a value: it is kept
    moves: dict[str, int]  # cared-for people, cards, contacts moving to the record kept
    warnings: tuple[str, ...] = ()  # what someone will need to sort out afterwards


def _waiting(tx: Tx, duplicate_id: int) -> PossibleDuplicate:
    tx.require(Permission.EXCHANGE)
    row = tx.session.get(PossibleDuplicate, duplicate_id)
    if row is None or row.resolved_at is not None:
        raise NotFound("No likely match with that reference is waiting.")
    return row


def merge_preview(tx: Tx, duplicate_id: int) -> MergePreview:
    """The fields to choose between, and what moves, if this pair is merged."""
    row = _waiting(tx, duplicate_id)
    plan = carer_merge.plan_merge(tx, row.carer_id, row.other_carer_id)
    return MergePreview(
        duplicate_id, row.carer_id, row.other_carer_id, row.peer_site, row.reason,
        tuple(FieldChoice(f.name, f.first, f.second) for f in plan.fields),
        plan.filled, plan.moves, plan.warnings,
    )  # fmt: skip


def merge_carers(tx: Tx, duplicate_id: int, choices: dict[str, str]) -> uuid.UUID:
    """Merge a likely match: they are one person. Returns the id of the record kept.

    ``choices`` maps each differing field to ``"local"`` or ``"remote"``;
    fields not named keep the value registered here.
    """
    row = _waiting(tx, duplicate_id)
    bad = {n: "Choose the value kept here or the other site's value"
           for n, choice in choices.items() if choice not in (LOCAL, REMOTE)}  # fmt: skip
    if bad:
        raise InvalidValue(bad)
    take = {n for n, choice in choices.items() if choice == REMOTE}
    local, remote = row.carer_id, row.other_carer_id
    return carer_merge.merge_carers(tx, local, remote, take)
