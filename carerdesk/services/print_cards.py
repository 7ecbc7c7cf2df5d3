"""Printing a batch of cards: what each card shows, a readiness check, and the PDF.

The flow is: ``readiness`` lists any problems (blocking ones must be fixed or the
card left out), ``render_cards_pdf`` writes the PDF, and only once the cards
have come out well does the caller record them with ``cards.mark_printed``
(reprinting single failures is the same again with those cards). This module
never changes a card's status.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlmodel import col, select

from carerdesk import cardsign
from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, NotFound
from carerdesk.models import Card, Carer, CarerPhoto, EmergencyPlan, SchemeSettings
from carerdesk.models.enums import CardKind, CardStatus, CarerStatus
from carerdesk.printing import cards_pdf, presets
from carerdesk.printing.cards_pdf import CardData
from carerdesk.printing.presets import CardSheet
from carerdesk.printing.report import RenderReport
from carerdesk.services.cards import add_years
from carerdesk.services.carers import display_name
from carerdesk.services.permissions import Permission
from carerdesk.validation import age_on

_CHUNK = 500  # ids per IN (...) query
_PRINTABLE = (CardStatus.QUEUED, CardStatus.PRINTED)


@dataclass(frozen=True)
class CardProblem:
    """Something to check before a card is printed; ``blocking`` ones stop it printing.

    ``message`` never holds personal values, so it is safe to show and to log.
    """

    card_id: uuid.UUID
    card_number: str
    message: str
    blocking: bool


@dataclass
class _Batch:
    """The chosen cards with their carers, photos and emergency plans, read in bulk."""

    cards: list[Card]
    carers: dict[uuid.UUID, Carer]
    photos: dict[uuid.UUID, bytes]
    plans: dict[uuid.UUID, EmergencyPlan]
    scheme: SchemeSettings


def layout_names() -> list[str]:
    """Names of the card layouts (built-in and the user's own), for a chooser."""
    return [name for name, s in presets.load_presets().items() if isinstance(s, CardSheet)]


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    return (ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK))


def _load(tx: Tx, card_ids: Iterable[uuid.UUID | str]) -> _Batch:
    wanted: list[uuid.UUID] = []
    for card_id in card_ids:
        try:
            key = card_id if isinstance(card_id, uuid.UUID) else uuid.UUID(str(card_id))
        except ValueError:
            raise NotFound("That card reference is not valid.") from None
        if key not in wanted:
            wanted.append(key)
    if not wanted:
        raise CarerdeskError("Choose at least one card first.")
    found: dict[uuid.UUID, Card] = {}
    for ids in _chunks(wanted):
        found.update((c.id, c) for c in tx.session.exec(select(Card).where(col(Card.id).in_(ids))))
    cards = [found.get(k) for k in wanted]
    if any(c is None or c.deleted for c in cards):
        raise NotFound("One of the chosen cards was not found: it may have been erased.")
    batch_cards = [c for c in cards if c is not None]
    carer_ids = list({c.carer_id for c in batch_cards})
    carers, photos, plans = {}, {}, {}
    for ids in _chunks(carer_ids):
        rows = tx.session.exec(select(Carer).where(col(Carer.id).in_(ids)))
        carers.update((c.id, c) for c in rows)
        for photo in tx.session.exec(select(CarerPhoto).where(col(CarerPhoto.carer_id).in_(ids))):
            if photo.jpeg and not photo.deleted:
                photos[photo.carer_id] = photo.jpeg
        for plan in tx.session.exec(
            select(EmergencyPlan).where(col(EmergencyPlan.carer_id).in_(ids))
        ):
            if not plan.deleted:
                plans[plan.carer_id] = plan
    return _Batch(batch_cards, carers, photos, plans, tx.scheme())


def printed_expiry(tx: Tx) -> date:
    """The expiry a card printed today carries: what ``mark_printed`` records today."""
    return add_years(tx.today(), tx.scheme().card_validity_years)


def _contact_line(scheme: SchemeSettings) -> str:
    ways = []
    if scheme.contact_phone:
        ways.append(f"call {scheme.contact_phone}")
    if scheme.website:
        ways.append(f"visit {scheme.website}")
    elif scheme.contact_email:
        ways.append(f"email {scheme.contact_email}")
    if ways:
        return f"If found, please {' or '.join(ways)}."
    return f"If found, please return it to {scheme.name}."


def _emergency_lines(plan: EmergencyPlan | None) -> list[str]:
    if plan is None:
        return []
    lines = []
    for name, relation, phone in (
        (plan.contact_name, plan.contact_relationship, plan.contact_phone),
        (plan.backup_name, None, plan.backup_phone),
    ):
        if name or phone:
            who = f"{name} ({relation})" if name and relation else name or ""
            lines.append(f"{who}: {phone}" if who and phone else who or phone or "")
    return lines


def collect_cards(tx: Tx, card_ids: Iterable[uuid.UUID | str]) -> list[CardData]:
    """What each chosen card will show, in the order given, each with a signed QR token.

    The expiry printed (and signed) is today's ``printed_expiry``, the date that
    ``mark_printed`` records when the batch is marked printed.
    """
    tx.require(Permission.PRINT_BATCH)
    return _collect(tx, _load(tx, card_ids))


def _collect(tx: Tx, batch: _Batch) -> list[CardData]:
    scheme, expires = batch.scheme, printed_expiry(tx)
    contact = _contact_line(scheme)
    out = []
    for card in batch.cards:
        carer = batch.carers[card.carer_id]
        # Sign a copy with the printed expiry; the copy never joins the session.
        printed = Card(number=card.number, carer_id=card.carer_id, kind=card.kind,
                       expires_on=expires)  # fmt: skip
        emergency = batch.plans.get(carer.id) if card.kind is CardKind.EMERGENCY else None
        out.append(
            CardData(
                number=card.number, name=display_name(carer), expires_on=expires,
                kind=card.kind, token=cardsign.sign_card(tx, printed),
                scheme_name=scheme.name, primary_colour=scheme.primary_colour,
                accent_colour=scheme.accent_colour, photo_jpeg=batch.photos.get(carer.id),
                allowances=carer.young_carer_allowances,
                emergency_lines=_emergency_lines(emergency), logo_png=scheme.logo_png,
                contact_line=contact,
            )
        )  # fmt: skip
    return out


def _problems(tx: Tx, batch: _Batch, sheet: CardSheet) -> list[CardProblem]:
    today, scheme = tx.today(), batch.scheme
    out: list[CardProblem] = []
    for card in batch.cards:
        carer = batch.carers[card.carer_id]

        def add(message: str, blocking: bool, card: Card = card) -> None:
            out.append(CardProblem(card.id, card.number, message, blocking))

        if carer.deleted:
            add("The carer's record has been erased, so this card cannot be printed.", True)
            continue
        if not carer.consent_keep_record:
            add("The carer has not agreed to us keeping their record: record their consent "
                "before printing.", True)  # fmt: skip
        if carer.status is not CarerStatus.ACTIVE:
            add(f"The carer's record is marked {carer.status.label.lower()}, so this card "
                "should not be printed.", True)  # fmt: skip
        if card.status not in _PRINTABLE:
            add(f"This card is {card.status.label.lower()}: only cards waiting in the queue, "
                "or reprints of printed cards, can be printed.", True)  # fmt: skip
        if card.expires_on is not None and card.expires_on < today:
            add("This card's expiry date has passed: renew it instead of printing it again.",
                True)  # fmt: skip
        if carer.id not in batch.photos:
            if scheme.photos_required:
                add("There is no photo, and this scheme puts a photo on every card: add the "
                    "photo first.", True)  # fmt: skip
            else:
                add("There is no photo: the card will have an empty photo box.", False)
        if not cards_pdf.name_fits(display_name(carer), sheet):
            add(f"The name is too long to print at {cards_pdf.NAME_MIN:g} pt, so it will be "
                "squeezed to fit. A shorter preferred name would read better.", False)  # fmt: skip
        if card.kind is CardKind.YOUNG_CARER:
            dob = carer.date_of_birth
            if dob is not None and age_on(dob, today) > scheme.young_carer_max_age:
                add("This is a young carer card, but the carer is now over the young carer "
                    "age limit: consider a standard card instead.", False)  # fmt: skip
            if not carer.young_carer_allowances:
                add("No allowances are recorded for this young carer: the back of the card "
                    "will carry the general wording only.", False)  # fmt: skip
        if card.kind is CardKind.EMERGENCY and not _emergency_lines(batch.plans.get(carer.id)):
            add("This emergency card has no emergency contacts to print: add them to the "
                "carer's emergency plan first.", True)  # fmt: skip
    return out


def _grouped(problems: list[CardProblem]) -> list[str]:
    """One warning per message, naming its cards (the first ten of them)."""
    by_message: dict[str, list[str]] = {}
    for p in problems:
        by_message.setdefault(p.message, []).append(p.card_number)
    out = []
    for message, numbers in by_message.items():
        text = message[0].lower() + message[1:]
        if len(numbers) == 1:
            out.append(f"Card {numbers[0]}: {text}")
            continue
        more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
        out.append(f"{len(numbers)} cards ({', '.join(numbers[:10])}{more}): {text}")
    return out


def readiness(
    tx: Tx, card_ids: Iterable[uuid.UUID | str], *, layout: str = "a4-10"
) -> list[CardProblem]:
    """Problems to check before printing the chosen cards on ``layout``, in card order."""
    tx.require(Permission.PRINT_BATCH)
    return _problems(tx, _load(tx, card_ids), presets.card_sheet(layout))


def render_cards_pdf(
    tx: Tx, card_ids: Iterable[uuid.UUID | str], out: BinaryIO, *, layout: str = "a4-10",
    backs: bool = True,
) -> RenderReport:
    """Write the chosen cards as a PDF to ``out`` on ``layout``, with that layout's
    printer nudge. Refuses if any card has a blocking problem (see ``readiness``);
    other problems come back as warnings. Cards are not marked printed."""
    tx.require(Permission.PRINT_BATCH)
    ids = list(card_ids)
    sheet = presets.card_sheet(layout)
    batch = _load(tx, ids)
    problems = _problems(tx, batch, sheet)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        stopped = len({p.card_id for p in blocking})
        if len(batch.cards) == 1:
            raise CarerdeskError(f"This card cannot be printed yet. {blocking[0].message}")
        raise CarerdeskError(
            f"{stopped} of the {len(batch.cards)} chosen cards cannot be printed yet: "
            "check them, or leave them out of this batch."
        )
    data = _collect(tx, batch)
    report = cards_pdf.render_cards(
        data, sheet, out, backs=backs, nudge=presets.nudge_for(sheet.name)
    )
    # Long names: the renderer says what it did with them itself.
    report.warnings[:0] = _grouped([p for p in problems if "name is too long" not in p.message])
    for card in batch.cards:
        tx.audit("print.cards", card)
    return report
