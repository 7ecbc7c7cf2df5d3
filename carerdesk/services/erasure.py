"""The right to erasure: remove a carer's personal data for good.

What stays is a tombstone: the carer row with only its UUID (plus the sync
fields), so the erasure travels to every site in the next exchange and a
re-import cannot bring the person back. Their cards stay as bare numbers,
cancelled, so a card still in someone's purse verifies as no longer valid.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.models import Card, CardEvent, CaredFor, Carer, CarerPhoto, ContactLog, EmergencyPlan
from carerdesk.models.enums import CardStatus
from carerdesk.services.permissions import Permission

# Columns that are not personal and make the row a usable tombstone.
TOMBSTONE_COLUMNS = {
    "id",
    "created_at",
    "updated_at",
    "site_code",
    "version",
    "deleted",
    "search_key",
}


def blank_record(row: object, keep: set[str] = TOMBSTONE_COLUMNS) -> None:
    """Set every column but ``keep`` back to its default (None, False, 'not stated')."""
    for name, info in type(row).model_fields.items():  # type: ignore[attr-defined]
        if name in keep:
            continue
        default = info.get_default(call_default_factory=True)
        setattr(row, name, default)
    row.deleted = True  # type: ignore[attr-defined]


def erase_carer(tx: Tx, carer_id: uuid.UUID | str) -> None:
    """Erase a carer and everything personal linked to them (coordinators only)."""
    tx.require(Permission.ERASE)
    carer = tx.get(Carer, carer_id, "carer")
    cid = carer.id
    for model in (CaredFor, EmergencyPlan, CarerPhoto, ContactLog):
        for row in tx.session.exec(select(model).where(model.carer_id == cid)).all():
            blank_record(row, TOMBSTONE_COLUMNS | {"carer_id"})
    for card in tx.session.exec(select(Card).where(Card.carer_id == cid)).all():
        if card.status.is_live:
            tx.session.add(
                CardEvent(
                    card_id=card.id,
                    at=tx.now(),
                    from_status=card.status,
                    to_status=CardStatus.REVOKED,
                    by_user=tx.actor.user_id,
                    note="Record erased",
                )
            )
            card.status = CardStatus.REVOKED
    blank_record(carer)
    tx.session.flush()  # drops the carer's row from the search index
    # The index keeps deleted words in its segments until they are merged: merge
    # now, so no trace of the person's name, phone or postcode stays behind.
    tx.session.execute(text("INSERT INTO carer_search(carer_search) VALUES('optimize')"))
    # Conflicts and likely matches kept for the next exchange may hold their values too.
    from carerdesk.exchange.aftercare import purge_erased

    purge_erased(tx.session.connection())
    tx.audit("carer.erase", carer)
    # Push the old pages out of the write-ahead log once this commits.
    tx.after_commit(tx.desk.checkpoint)
