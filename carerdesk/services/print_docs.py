"""Print-outs beyond cards: offers leaflets, renewal letters and labels, posters
and window stickers.

Each ``render_*`` call writes one PDF to the binary file ``out`` given by the
caller, records that it printed (never what), and returns a ``RenderReport``.
None of them changes a card: marking cards printed is for ``cards``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO

from sqlmodel import col, select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound
from carerdesk.models import Business, Card, CaredFor, Carer, Offer
from carerdesk.models.enums import CardStatus, CarerStatus
from carerdesk.printing import leaflet, letters, posters, presets
from carerdesk.printing.letters import CardDue, PostalAddress, RenewalLetter
from carerdesk.printing.page_style import SchemeInfo, slug, web_address
from carerdesk.printing.report import RenderReport
from carerdesk.services import carers, offers
from carerdesk.services.cards import LIVE_STATUSES
from carerdesk.services.permissions import Permission
from carerdesk.validation import fold, tidy

_CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class RenewalCandidate:
    """A carer with issued cards running out, and where to post their letter."""

    carer_id: uuid.UUID
    name: str
    # None when the record has no street address or postcode to post to.
    address: PostalAddress | None
    cards: tuple[CardDue, ...]

    def letter(self) -> RenewalLetter | None:
        if self.address is None:
            return None
        return RenewalLetter(greeting=self.name or "Carer", address=self.address, cards=self.cards)


def _scheme(tx: Tx) -> SchemeInfo:
    return SchemeInfo.from_settings(tx.scheme())


def _key(text: str | None) -> str | None:
    text = tidy(text)
    return text.casefold() if text else None


# -- leaflets -----------------------------------------------------------------------


def leaflet_areas(tx: Tx) -> list[str]:
    """Every area a leaflet can be printed for: those named on live offers, carers
    and the people they care for, sorted."""
    tx.require(Permission.PRINT_LEAFLET)
    names: dict[str, str] = {}
    offer_areas = tx.session.exec(
        select(Offer.areas).where(col(Offer.deleted).is_(False), col(Offer.retired_on).is_(None))
    ).all()
    carer_areas = tx.session.exec(
        select(Carer.area).distinct().where(col(Carer.deleted).is_(False))
    ).all()
    cared_for_areas = tx.session.exec(
        select(CaredFor.area).distinct().where(col(CaredFor.deleted).is_(False))
    ).all()
    for name in [*(a for areas in offer_areas for a in areas or ()), *carer_areas,
                 *cared_for_areas]:  # fmt: skip
        key = _key(name)
        if key:
            names.setdefault(key, tidy(name) or "")
    return sorted(names.values(), key=fold)


def _chosen_areas(tx: Tx, areas: Iterable[str]) -> list[str]:
    """The areas asked for, as the records spell them; InvalidValue if any is unknown."""
    known = {a.casefold(): a for a in leaflet_areas(tx)}
    chosen: dict[str, str] = {}
    for name in areas:
        key = _key(name)
        if key is None:
            continue
        if key not in known:
            raise InvalidValue(
                {"areas": "One of the areas chosen is not known. Choose areas from the list"}
            )
        chosen[key] = known[key]
    return list(chosen.values())


def _in_any(row: offers.OfferRow, wanted: set[str]) -> bool:
    keys = {k for k in map(_key, row.areas) if k}
    return not keys or bool(keys & wanted)


def _covering(places: list[str]) -> str:
    if not places:
        return "Offers you can use anywhere in the scheme."
    return (
        "Offers you can use anywhere in the scheme, and those just for: " + ", ".join(places) + "."
    )


def render_leaflet(
    tx: Tx,
    out: IO[bytes],
    *,
    areas: list[str] | None = None,
    carer_id: uuid.UUID | str | None = None,
    large: bool = False,
) -> RenderReport:
    """The current offers list, for some areas, for one carer, or (neither) for all.

    For a carer it lists what they can use where they live and where the people
    they care for live. ``large`` prints one column of 16 pt text or bigger.
    """
    tx.require(Permission.PRINT_LEAFLET)
    carer: Carer | None = None
    if carer_id is not None:
        if areas:
            raise InvalidValue({"areas": "Print a leaflet for a carer or for areas, not both"})
        carer = tx.get(Carer, carer_id, "carer")
        rows = offers.offers_for_carer(tx, carer.id)
        alive = col(CaredFor.deleted).is_(False)
        cared_for = tx.session.exec(
            select(CaredFor.area).where(CaredFor.carer_id == carer.id, alive)
        ).all()
        places = {k: tidy(a) or "" for a in (carer.area, *cared_for) if (k := _key(a))}
        covering = _covering(sorted(places.values(), key=fold))
    elif areas and (chosen := _chosen_areas(tx, areas)):
        wanted = {a.casefold() for a in chosen}
        rows = [r for r in offers.list_offers(tx, current_only=True) if _in_any(r, wanted)]
        covering = _covering(chosen)
    else:
        rows = offers.list_offers(tx, current_only=True)
        covering = "Every current offer in the scheme."
    report = leaflet.build_leaflet(
        out, rows, _scheme(tx), today=tx.today(), large=large, covering=covering
    )
    tx.audit("print.leaflet", carer)
    return report


# -- renewal letters and labels ---------------------------------------------------------


def _postal_address(carer: Carer) -> PostalAddress | None:
    if not tidy(carer.address_line1) or not tidy(carer.postcode):
        return None
    name = " ".join(filter(None, (carer.title, carer.first_name, carer.last_name)))
    lines = tuple(filter(None, (carer.address_line1, carer.address_line2, carer.address_line3)))
    return PostalAddress(name=name, lines=lines, town=carer.town, postcode=carer.postcode)


def _renewing(tx: Tx, card_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of the cards that already have a renewal (or replacement) on its way."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(card_ids), _CHUNK):
        chunk = card_ids[start : start + _CHUNK]
        found.update(
            r for r in tx.session.exec(
                select(Card.replaces_id).where(
                    col(Card.replaces_id).in_(chunk), col(Card.status).in_(LIVE_STATUSES),
                    col(Card.deleted).is_(False),
                )
            ).all() if r is not None
        )  # fmt: skip
    return found


def renewal_candidates(tx: Tx, *, expiring_before: date) -> list[RenewalCandidate]:
    """Active carers who agreed to be contacted, with issued cards expiring before the
    date (already-expired ones too) and no renewal on its way; sorted by name."""
    tx.require(Permission.PRINT_BATCH)
    if not isinstance(expiring_before, date):
        raise InvalidValue({"expiring_before": "Choose the date cards expire before"})
    rows = tx.session.exec(
        select(Card, Carer).join(Carer, col(Carer.id) == Card.carer_id).where(
            Card.status == CardStatus.ISSUED, col(Card.deleted).is_(False),
            col(Card.expires_on) < expiring_before, col(Carer.deleted).is_(False),
            Carer.status == CarerStatus.ACTIVE, col(Carer.consent_contact).is_(True),
        )
    ).all()  # fmt: skip
    renewing = _renewing(tx, [card.id for card, _ in rows])
    by_carer: dict[uuid.UUID, tuple[Carer, list[Card]]] = {}
    for card, carer in rows:
        if card.id not in renewing:
            by_carer.setdefault(carer.id, (carer, []))[1].append(card)
    people = sorted(
        by_carer.values(),
        key=lambda pair: (
            fold(pair[0].last_name or ""),
            fold(carers.display_name(pair[0])),
            str(pair[0].id),
        ),
    )
    out = []
    for carer, cards in people:
        cards.sort(key=lambda c: (c.expires_on, c.number))
        due = tuple(CardDue(c.number, c.expires_on, c.kind.label) for c in cards if c.expires_on)
        out.append(RenewalCandidate(carer.id, carers.display_name(carer), _postal_address(carer),
                                    due))  # fmt: skip
    return out


def _addressed(candidates: list[RenewalCandidate], report: RenderReport) -> None:
    skipped = sum(1 for c in candidates if c.address is None)
    if skipped:
        report.warnings.append(
            f"{skipped} carer(s) have no postal address on record, so nothing was printed for them."
        )


def render_renewal_letters(tx: Tx, out: IO[bytes], *, expiring_before: date) -> RenderReport:
    """One renewal letter per carer whose card expires before the date (see
    ``renewal_candidates``), addressed for a DL window envelope."""
    tx.require(Permission.PRINT_BATCH)
    candidates = renewal_candidates(tx, expiring_before=expiring_before)
    to_print = [letter for c in candidates if (letter := c.letter()) is not None]
    report = letters.build_renewal_letters(out, to_print, _scheme(tx), today=tx.today())
    _addressed(candidates, report)
    tx.audit("print.renewal_letters")
    return report


def render_labels(
    tx: Tx, out: IO[bytes], *, expiring_before: date, preset: str = "l7163"
) -> RenderReport:
    """Address labels for the same carers as ``render_renewal_letters``."""
    tx.require(Permission.PRINT_BATCH)
    try:
        sheet = presets.label_sheet(tidy(preset) or "")
    except NotFound:
        raise InvalidValue({"preset": "There is no label layout with that name"}) from None
    candidates = renewal_candidates(tx, expiring_before=expiring_before)
    addresses = [c.address for c in candidates if c.address is not None]
    report = letters.build_labels(out, addresses, sheet)
    _addressed(candidates, report)
    tx.audit("print.labels")
    return report


# -- posters and stickers ------------------------------------------------------------------


def render_poster(tx: Tx, out: IO[bytes], *, size: str = "A4") -> RenderReport:
    """A poster saying what the scheme is and how to join, on A4 or A3."""
    tx.require(Permission.PRINT_LEAFLET)
    page = (tidy(size) or "").upper()
    if page not in posters.PAGE_SIZES:
        raise InvalidValue({"size": "Choose a poster size of A4 or A3"})
    report = posters.build_poster(out, _scheme(tx), size=page)
    tx.audit("print.poster")
    return report


def offer_list_link(website: str, business: Business) -> str:
    """Where a business's sticker QR code leads: its entry in the online offer list."""
    anchor = slug(business.name) or f"offer-{business.id.hex[:8]}"
    return f"{web_address(website)}#{anchor}"


def render_sticker(
    tx: Tx,
    out: IO[bytes],
    *,
    business_id: uuid.UUID | str | None = None,
    shape: str = "square",
    qr: bool = True,
) -> RenderReport:
    """A "Carers welcome here" window sticker, for one business or any.

    With a business and a scheme website it carries a QR code to the business's
    entry in the offer list (unless ``qr`` is False).
    """
    tx.require(Permission.EDIT_OFFERS)
    form = (tidy(shape) or "").lower()
    if form not in posters.SHAPES:
        raise InvalidValue({"shape": "Choose a square or circle sticker"})
    business: Business | None = None
    if business_id is not None:
        business = tx.get(Business, business_id, "business")
        if business.retired_on is not None:
            raise CarerdeskError("That business has left the scheme, so it needs no sticker.")
    scheme = _scheme(tx)
    link = None
    if qr and business is not None and scheme.website:
        link = offer_list_link(scheme.website, business)
    report = posters.build_sticker(
        out, scheme, business=business.name if business else None, qr_url=link, shape=form
    )
    tx.audit("print.sticker", business)
    return report
