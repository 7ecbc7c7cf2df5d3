"""Carer Passport cards: queue, print, issue, report lost or stolen, renew, expire.

A card moves through ``queued -> printed -> issued`` and ends ``lost``,
``stolen``, ``revoked``, ``expired`` or ``replaced``. Every change of status
adds a ``CardEvent``, so a card's history can always be shown. Numbers come
from the local site's serial (``TST-000123-45``) and are never reused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlmodel import col, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from carerdesk.cardnumbers import format_card_number, looks_like_card_number, parse_card_number
from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound
from carerdesk.models import Card, CardEvent, Carer, PrintBatch, Site, Synced
from carerdesk.models.enums import CardKind, CardStatus, CarerStatus, CarerType
from carerdesk.services import carers
from carerdesk.services.permissions import Permission
from carerdesk.validation import tidy

T = TypeVar("T")

LIVE_STATUSES = (CardStatus.QUEUED, CardStatus.PRINTED, CardStatus.ISSUED)
_IN_HAND = (CardStatus.PRINTED, CardStatus.ISSUED)
_EXAMPLE = "ABC-000123-45"
NOTE_MAX = 200
LAYOUT_MAX = 40

# Which live card to show first: one in the carer's hand beats one on its way.
_LIVE_RANK = {CardStatus.ISSUED: 0, CardStatus.PRINTED: 1, CardStatus.QUEUED: 2}

_RENEW_REFUSALS = {
    CardStatus.QUEUED: "This card has not been printed yet, so there is nothing to renew.",
    CardStatus.LOST: "This card was reported lost, so it cannot be renewed. "
    "Renew its replacement instead, or queue a new card.",
    CardStatus.STOLEN: "This card was reported stolen, so it cannot be renewed. "
    "Renew its replacement instead, or queue a new card.",
    CardStatus.REVOKED: "This card was cancelled, so it cannot be renewed. "
    "Queue a new card for the carer instead.",
    CardStatus.REPLACED: "This card has already been replaced by a newer one: "
    "renew that card instead.",
}


# -- small helpers -------------------------------------------------------------


def add_years(d: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def card_is_live(card: Card, today: date) -> bool:
    """Whether the card may still be shown as valid on ``today``."""
    return card.status.is_live and (card.expires_on is None or card.expires_on >= today)


def _expiry_from(tx: Tx, start: date) -> date:
    return add_years(start, tx.scheme().card_validity_years)


def _clean_note(note: str | None) -> str | None:
    text = tidy(note)
    if text is not None and len(text) > NOTE_MAX:
        raise InvalidValue({"note": f"Please keep the note under {NOTE_MAX} characters"})
    return text


def _record(tx: Tx, card: Card, old: CardStatus | None, new: CardStatus, note: str | None) -> None:
    tx.session.add(
        CardEvent(card_id=card.id, at=tx.now(), from_status=old, to_status=new,
                  by_user=tx.actor.user_id, note=note)
    )  # fmt: skip


def _set_status(tx: Tx, card: Card, status: CardStatus, note: str | None = None) -> None:
    """Change a card's status and record the step in its history."""
    _record(tx, card, card.status, status, note)
    card.status = status


def _next_number(tx: Tx) -> str:
    """Allocate the next card number from this site's serial."""
    site = tx.session.exec(select(Site).where(Site.code == tx.site_code)).first()
    if site is None:
        raise CarerdeskError(
            "This site is missing from the database, so no card number can be given. "
            "Ask your coordinator to check the site settings."
        )
    while True:
        number = format_card_number(site.code, site.next_card_serial)
        site.next_card_serial += 1
        # A restored backup or an import could already hold this number: skip it.
        taken = tx.session.exec(select(Card.id).where(Card.number == number)).first()
        if taken is None:
            return number


def _live_cards(tx: Tx, carer_id: uuid.UUID) -> list[Card]:
    unexpired = or_(col(Card.expires_on).is_(None), col(Card.expires_on) >= tx.today())
    live = col(Card.status).in_(LIVE_STATUSES)
    query = select(Card).where(Card.carer_id == carer_id, _kept(Card), live, unexpired)
    return _rows(tx, query)


def _kept(model: type[Synced]) -> ColumnElement[bool]:
    """Rows not erased (tombstoned)."""
    return col(model.deleted).is_(False)


def _rows(tx: Tx, query: SelectOfScalar[T]) -> list[T]:
    return list(tx.session.exec(query).all())


def _require_can_have_card(tx: Tx, carer: Carer) -> None:
    if carer.status is not CarerStatus.ACTIVE:
        raise CarerdeskError(
            f"This carer's record is marked {carer.status.label.lower()}, so no card can be "
            "queued. Reopen the record first if they still need a card."
        )
    carers.require_consent(carer)


def _kind_for(tx: Tx, carer: Carer, kind: CardKind | None) -> CardKind:
    young = carers.current_carer_type(tx, carer) is CarerType.YOUNG_CARER
    if kind is None:
        return CardKind.YOUNG_CARER if young else CardKind.STANDARD
    try:
        kind = CardKind(kind)  # a plain string from a form or the CLI is fine too
    except ValueError:
        raise InvalidValue({"kind": "Choose a standard, young carer or emergency card"}) from None
    if kind is CardKind.YOUNG_CARER and not young:
        raise InvalidValue(
            {"kind": "Young carer cards are only for young carers; choose a standard card"}
        )
    return kind


def _refuse_second_live_card(tx: Tx, carer: Carer, kind: CardKind, besides: Card | None) -> None:
    for other in _live_cards(tx, carer.id):
        if other.kind is kind and (besides is None or other.id != besides.id):
            raise CarerdeskError(
                f"This carer already has a {kind.label.lower()} card that is still valid. "
                "Renew it, or report it lost or stolen, instead of queueing another."
            )


def _queue_new(
    tx: Tx, carer: Carer, kind: CardKind, *, replaces: Card | None, note: str | None
) -> Card:
    today = tx.today()
    card = Card(
        number=_next_number(tx), carer_id=carer.id, kind=kind, status=CardStatus.QUEUED,
        queued_on=today, expires_on=_expiry_from(tx, today),
        replaces_id=replaces.id if replaces is not None else None,
    )  # fmt: skip
    tx.session.add(card)
    tx.session.flush()  # the card row must exist before its history does
    _record(tx, card, None, CardStatus.QUEUED, note)
    if replaces is not None:
        replaces.replaced_by_id = card.id
    tx.session.flush()
    tx.audit("card.queue", card)
    return card


def _load_cards(
    tx: Tx, card_ids: Iterable[uuid.UUID | str], allowed: Sequence[CardStatus], refusal: str
) -> list[Card]:
    """The chosen cards (each once), or an error if any is in the wrong state."""
    found: dict[uuid.UUID, Card] = {}
    for card_id in card_ids:
        card = tx.get(Card, card_id, "card")
        found.setdefault(card.id, card)
    if not found:
        raise CarerdeskError("Choose at least one card first.")
    wrong = sum(1 for c in found.values() if c.status not in allowed)
    if wrong:
        total = len(found)
        who = "This card" if total == 1 else f"{wrong} of the {total} chosen cards"
        raise CarerdeskError(f"{who} {refusal}")
    return list(found.values())


def _follower(tx: Tx, card: Card) -> Card | None:
    """The live card already on its way to take this one's place, if any."""
    new = tx.session.get(Card, card.replaced_by_id) if card.replaced_by_id else None
    return new if new is not None and not new.deleted and new.status.is_live else None


def _retire_replaced(tx: Tx, card: Card) -> None:
    """On issue, the valid card this one follows (past any lost ones) becomes replaced."""
    seen: set[uuid.UUID] = set()
    prev_id = card.replaces_id
    while prev_id is not None and prev_id not in seen:
        seen.add(prev_id)
        old = tx.session.get(Card, prev_id)
        if old is None or old.status not in (*_IN_HAND, CardStatus.LOST, CardStatus.STOLEN):
            return
        if old.status in _IN_HAND:
            _set_status(tx, old, CardStatus.REPLACED, "Replaced by a newer card")
            old.replaced_by_id = card.id
            tx.audit("card.replace", old)
            return
        prev_id = old.replaces_id


# -- changing cards --------------------------------------------------------------


def queue_card(tx: Tx, carer_id: uuid.UUID | str, *, kind: CardKind | None = None) -> Card:
    """Queue a new card for printing. The kind follows the carer's type unless given."""
    tx.require(Permission.QUEUE_CARD)
    carer = tx.get(Carer, carer_id, "carer")
    _require_can_have_card(tx, carer)
    kind = _kind_for(tx, carer, kind)
    _refuse_second_live_card(tx, carer, kind, None)
    return _queue_new(tx, carer, kind, replaces=None, note=None)


def mark_printed(
    tx: Tx, card_ids: Iterable[uuid.UUID | str], *, layout: str = "a4-10"
) -> PrintBatch:
    """Record that the cards were printed together; their validity starts today."""
    tx.require(Permission.PRINT_BATCH)
    layout_name = tidy(layout)
    if not layout_name or len(layout_name) > LAYOUT_MAX:
        raise InvalidValue({"layout": "Choose a print layout"})
    cards = _load_cards(
        tx, card_ids, (CardStatus.QUEUED, CardStatus.PRINTED),
        "cannot be printed: only cards waiting in the queue, or reprints of printed cards, can.",
    )  # fmt: skip
    batch = PrintBatch(printed_at=tx.now(), printed_by=tx.actor.user_id, layout=layout_name,
                       card_count=len(cards))  # fmt: skip
    tx.session.add(batch)
    tx.session.flush()
    tx.audit("print_batch.create", batch)
    expires = _expiry_from(tx, tx.today())
    for card in cards:
        reprint = card.status is CardStatus.PRINTED
        _set_status(tx, card, CardStatus.PRINTED, "Reprinted" if reprint else None)
        card.batch_id = batch.id
        card.expires_on = expires
        tx.audit("card.print", card)
    tx.session.flush()
    return batch


def mark_issued(tx: Tx, card_ids: Iterable[uuid.UUID | str]) -> list[Card]:
    """Record that printed cards were handed or posted to their carers.

    A renewal, once issued, marks the card it renews as replaced.
    """
    tx.require(Permission.ISSUE_CARD)
    cards = _load_cards(
        tx, card_ids, (CardStatus.PRINTED,),
        "cannot be marked issued: only printed cards can be. Print queued cards first.",
    )  # fmt: skip
    today = tx.today()
    for card in cards:
        _set_status(tx, card, CardStatus.ISSUED)
        card.issued_on = today
        tx.audit("card.issue", card)
        _retire_replaced(tx, card)
    tx.session.flush()
    return cards


def report_lost(
    tx: Tx, card_id: uuid.UUID | str, *, stolen: bool = False, note: str | None = None
) -> Card:
    """Mark a card lost or stolen (so it is no longer valid) and queue a replacement.

    Returns the replacement card, which has a new number.
    """
    tx.require(Permission.REPORT_CARD)
    card = tx.get(Card, card_id, "card")
    text = _clean_note(note)
    if card.status is CardStatus.QUEUED:
        raise CarerdeskError(
            "This card has not been printed yet, so it cannot be lost. "
            "Remove it from the queue instead if it is not wanted."
        )
    if not card.status.is_live:
        raise CarerdeskError(
            f"This card is already marked {card.status.label.lower()}, so it cannot be "
            "reported lost. Queue a new card for the carer if they need one."
        )
    carer = tx.get(Carer, card.carer_id, "carer")
    if carer.status is not CarerStatus.ACTIVE:
        raise CarerdeskError(
            f"This carer's record is marked {carer.status.label.lower()}, so no replacement "
            "can be queued. Revoke the card instead to stop it being used."
        )
    carers.require_consent(carer)
    status = CardStatus.STOLEN if stolen else CardStatus.LOST
    _set_status(tx, card, status, text)
    tx.audit(f"card.report_{status.value}", card)
    on_its_way = _follower(tx, card)
    if on_its_way is not None:  # a renewal already queued becomes the replacement
        return on_its_way
    kind = _kind_for(tx, carer, None) if card.kind is CardKind.YOUNG_CARER else card.kind
    new = _queue_new(tx, carer, kind, replaces=card, note=f"Replaces a card reported {status}")
    prev = tx.session.get(Card, card.replaces_id) if card.replaces_id else None
    if prev is not None and prev.replaced_by_id == card.id and prev.status.is_live:
        prev.replaced_by_id = new.id  # a lost renewal: the new card takes over its job
        tx.audit("card.link", prev)
    return new


def renew(tx: Tx, card_id: uuid.UUID | str) -> Card:
    """Queue a new card to follow this one; the old one is replaced when the new is issued.

    A young carer card for someone who is no longer a young carer renews as standard.
    """
    tx.require(Permission.QUEUE_CARD)
    old = tx.get(Card, card_id, "card")
    if old.status in _RENEW_REFUSALS:
        raise CarerdeskError(_RENEW_REFUSALS[old.status])
    if _follower(tx, old) is not None:
        raise CarerdeskError("A renewal for this card is already on its way.")
    carer = tx.get(Carer, old.carer_id, "carer")
    _require_can_have_card(tx, carer)
    kind = _kind_for(tx, carer, None) if old.kind is CardKind.YOUNG_CARER else old.kind
    _refuse_second_live_card(tx, carer, kind, old)
    card = _queue_new(tx, carer, kind, replaces=old, note="Renewal")
    tx.audit("card.renew", old)
    return card


def revoke(tx: Tx, card_id: uuid.UUID | str, *, note: str | None = None) -> Card:
    """Cancel a card so it is no longer valid (no replacement is queued)."""
    tx.require(Permission.ISSUE_CARD)
    card = tx.get(Card, card_id, "card")
    text = _clean_note(note)
    if not card.status.is_live:
        raise CarerdeskError(
            f"This card is already marked {card.status.label.lower()}, so there is "
            "nothing to revoke."
        )
    _set_status(tx, card, CardStatus.REVOKED, text)
    tx.session.flush()
    tx.audit("card.revoke", card)
    return card


def cancel_queued(tx: Tx, card_id: uuid.UUID | str) -> None:
    """Take a card out of the print queue. It stays on record, marked revoked."""
    tx.require(Permission.QUEUE_CARD)
    card = tx.get(Card, card_id, "card")
    if card.status is not CardStatus.QUEUED:
        raise CarerdeskError(
            "Only cards still waiting to be printed can be removed from the queue. "
            "To stop a printed card being used, revoke it."
        )
    _set_status(tx, card, CardStatus.REVOKED, "Removed from the print queue")
    tx.session.flush()
    tx.audit("card.cancel", card)


def expire_due(tx: Tx) -> int:
    """Mark every live card whose expiry date has passed as expired; return how many."""
    tx.require(Permission.ISSUE_CARD)
    live, past = col(Card.status).in_(LIVE_STATUSES), col(Card.expires_on) < tx.today()
    due = _rows(tx, select(Card).where(_kept(Card), live, past))
    for card in due:
        _set_status(tx, card, CardStatus.EXPIRED)
        tx.audit("card.expire", card)
    tx.session.flush()
    return len(due)


# -- reading -------------------------------------------------------------------


def list_cards(tx: Tx, carer_id: uuid.UUID | str) -> list[Card]:
    """All of a carer's cards, newest first."""
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    query = select(Card).where(Card.carer_id == carer.id, _kept(Card))
    return _rows(tx, query.order_by(col(Card.created_at).desc()))


def card_history(tx: Tx, card_id: uuid.UUID | str) -> list[CardEvent]:
    """The card's changes of status, oldest first."""
    tx.require(Permission.FIND)
    card = tx.get(Card, card_id, "card")
    query = select(CardEvent).where(CardEvent.card_id == card.id, _kept(CardEvent))
    return _rows(tx, query.order_by(col(CardEvent.at), col(CardEvent.created_at)))


def queued_cards(tx: Tx) -> list[Card]:
    """Cards waiting to be printed, oldest first."""
    tx.require(Permission.FIND)
    query = select(Card).join(Carer, col(Carer.id) == Card.carer_id)
    query = query.where(Card.status == CardStatus.QUEUED, _kept(Card), _kept(Carer))
    return _rows(tx, query.order_by(col(Card.queued_on), col(Card.created_at)))


def printed_cards(tx: Tx) -> list[Card]:
    """Cards printed but not yet handed over, oldest first."""
    tx.require(Permission.FIND)
    query = select(Card).join(Carer, col(Carer.id) == Card.carer_id)
    query = query.where(Card.status == CardStatus.PRINTED, _kept(Card), _kept(Carer))
    return _rows(tx, query.order_by(col(Card.updated_at)))


def find_card(tx: Tx, number_text: str) -> Card:
    """The card with this number, however it was typed or scanned."""
    tx.require(Permission.FIND)
    number = parse_card_number(number_text)
    if number is None:
        if looks_like_card_number(number_text):
            message = "That card number is not valid: a digit may have been mistyped"
        else:
            message = f"That is not a card number, which looks like {_EXAMPLE}"
        raise InvalidValue({"number": message})
    card = tx.session.exec(select(Card).where(Card.number == number, _kept(Card))).first()
    if card is None:
        raise NotFound("No card with that number was found.")
    return card


def live_card(tx: Tx, carer_id: uuid.UUID | str) -> Card | None:
    """The carer's valid card (issued before printed before queued), or None."""
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    cards = _live_cards(tx, carer.id)
    cards.sort(key=lambda c: c.created_at, reverse=True)
    cards.sort(key=lambda c: _LIVE_RANK[c.status])
    return cards[0] if cards else None
