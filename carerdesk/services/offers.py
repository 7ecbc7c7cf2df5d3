"""Businesses in the scheme, the offers they give carers, and offer reviews.

An offer belongs to one business. It may be limited to some areas (empty
means anywhere in the scheme) and to some kinds of carer (empty means every
carer). Each offer has a review date, so printed lists can be kept current:
``offers_due_for_review`` lists what needs a phone call to the business, and
``mark_checked`` records that the call was made.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import SQLModel, select
from sqlmodel.sql.expression import Select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import Business, CaredFor, Carer, Offer
from carerdesk.models.enums import CarerType
from carerdesk.services.carers import current_carer_type
from carerdesk.services.permissions import Permission
from carerdesk.validation import fold, normalise_email, normalise_phone, normalise_postcode, tidy

REVIEW_INTERVAL_DAYS = 180
_CATEGORY_MAX = 60
_AREA_MAX = 80
_WEBSITE_PREFIXES = ("http://", "https://", "www.")


class BusinessFields(SQLModel):
    """What can be typed in about a business. Unset means blank when adding
    and "leave as it is" when editing."""

    name: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    town: str | None = None
    postcode: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    category: str | None = None
    sticker_given_on: date | None = None
    notes: str | None = None


class OfferFields(SQLModel):
    """What can be typed in about an offer; unset fields are left alone on edit."""

    business_id: uuid.UUID | None = None
    text: str | None = None
    terms: str | None = None
    categories: list[str] | None = None
    # Area names where the offer is valid; empty means anywhere in the scheme.
    areas: list[str] | None = None
    # Kinds of carer the offer is for; empty means every carer.
    eligible: list[CarerType] | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    last_checked_on: date | None = None
    review_due_on: date | None = None


@dataclass(frozen=True)
class OfferRow:
    """One offer with the business details needed to list or print it."""

    offer_id: uuid.UUID
    business_id: uuid.UUID
    business_name: str
    business_town: str | None
    business_address: str | None
    business_postcode: str | None
    business_phone: str | None
    business_website: str | None
    text: str
    terms: str | None
    # The offer's categories, or the business's category if the offer has none.
    categories: tuple[str, ...]
    areas: tuple[str, ...]
    eligible: tuple[CarerType, ...]
    starts_on: date | None
    ends_on: date | None
    last_checked_on: date | None
    review_due_on: date | None
    retired_on: date | None
    business_retired_on: date | None

    @property
    def category(self) -> str | None:
        """The heading to list the offer under (its first category)."""
        return self.categories[0] if self.categories else None

    @classmethod
    def of(cls, offer: Offer, business: Business) -> OfferRow:
        address = ", ".join(p for p in (business.address_line1, business.address_line2) if p)
        categories = tuple(offer.categories or ([business.category] if business.category else []))
        return cls(
            offer.id, business.id, business.name, business.town, address or None,
            business.postcode, business.phone, business.website, offer.text, offer.terms,
            categories, tuple(offer.areas or ()),
            tuple(CarerType(v) for v in offer.eligible or ()), offer.starts_on, offer.ends_on,
            offer.last_checked_on, offer.review_due_on, offer.retired_on, business.retired_on,
        )  # fmt: skip


# -- checking input -----------------------------------------------------------


def _check_website(text: str | None) -> str | None:
    text = tidy(text)
    if text is None:
        return None
    prefix = next((p for p in _WEBSITE_PREFIXES if text.lower().startswith(p)), None)
    rest = text[len(prefix) :] if prefix else ""
    if prefix is None or " " in text or "." not in rest:
        raise ValueError(
            "A website starts with http://, https:// or www. (for example www.example.org)"
        )
    return text


def _tidy_list(items: Iterable[str], what: str, max_length: int) -> list[str]:
    """Tidied, without blanks or repeats (ignoring case), in the order given."""
    out: dict[str, str] = {}
    for text in filter(None, map(tidy, items)):
        if len(text) > max_length:
            raise ValueError(f"Each {what} can be at most {max_length} characters")
        out.setdefault(text.casefold(), text)
    return list(out.values())


_CHECKS = {
    "postcode": normalise_postcode,
    "phone": normalise_phone,
    "email": normalise_email,
    "website": _check_website,
}
_MULTILINE = ("notes", "terms")
_LISTS = {"categories": ("category", _CATEGORY_MAX), "areas": ("area", _AREA_MAX)}
_NOT_FUTURE = ("sticker_given_on", "last_checked_on")


def _clean(tx: Tx, model: type[Business | Offer], values: dict[str, Any]) -> dict[str, Any]:
    """Tidy and check typed values; raise InvalidValue naming each bad field."""
    errors: dict[str, str] = {}
    out = dict(values)
    columns = model.__table__.c  # type: ignore[attr-defined]
    for key, value in values.items():
        try:
            if key in _CHECKS:
                out[key] = _CHECKS[key](value)
            elif key in _MULTILINE:
                out[key] = (value or "").strip() or None
            elif key in _LISTS:
                out[key] = _tidy_list(value or [], *_LISTS[key])
            elif key == "eligible":
                out[key] = list(dict.fromkeys(CarerType(t).value for t in value or []))
            elif isinstance(value, str):
                out[key] = tidy(value)
            elif key in _NOT_FUTURE and value and value > tx.today():
                raise ValueError("This date cannot be in the future")
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        length = getattr(columns[key].type, "length", None)
        if isinstance(out[key], str) and length and len(out[key]) > length:
            errors[key] = f"This is too long: at most {length} characters"
    if errors:
        raise InvalidValue(errors)
    return out


def _check_offer_dates(values: dict[str, Any]) -> None:
    starts, ends = values.get("starts_on"), values.get("ends_on")
    checked, review = values.get("last_checked_on"), values.get("review_due_on")
    errors = {}
    if starts and ends and ends < starts:
        errors["ends_on"] = "The end date cannot be before the start date"
    if checked and review and review < checked:
        errors["review_due_on"] = "The review date cannot be before the date it was last checked"
    if errors:
        raise InvalidValue(errors)


def _live_business(tx: Tx, business_id: uuid.UUID | str | None) -> Business:
    if business_id is None:
        raise InvalidValue({"business_id": "Please choose the business giving this offer"})
    business = tx.get(Business, business_id, "business")
    if business.retired_on is not None:
        raise InvalidValue(
            {"business_id": "That business has left the scheme, so it cannot have offers"}
        )
    return business


# -- businesses -----------------------------------------------------------------


def add_business(tx: Tx, fields: BusinessFields) -> Business:
    """Add a business to the scheme."""
    tx.require(Permission.EDIT_OFFERS)
    values = _clean(tx, Business, fields.model_dump(exclude_unset=True))
    if not values.get("name"):
        raise InvalidValue({"name": "Please give the business's name"})
    business = Business(**values)
    tx.session.add(business)
    tx.session.flush()
    tx.audit("business.add", business)
    return business


def update_business(tx: Tx, business_id: uuid.UUID | str, changes: BusinessFields) -> Business:
    """Change some details of a business; unset fields are left alone."""
    tx.require(Permission.EDIT_OFFERS)
    business = tx.get(Business, business_id, "business")
    values = _clean(tx, Business, changes.model_dump(exclude_unset=True))
    if "name" in values and not values["name"]:
        raise InvalidValue({"name": "The business's name cannot be left blank"})
    for key, value in values.items():
        setattr(business, key, value)
    tx.session.flush()
    tx.audit("business.update", business)
    return business


def retire_business(tx: Tx, business_id: uuid.UUID | str) -> Business:
    """Mark a business as having left the scheme, with all its live offers."""
    tx.require(Permission.EDIT_OFFERS)
    business = tx.get(Business, business_id, "business")
    if business.retired_on is not None:
        return business
    business.retired_on = tx.today()
    tx.audit("business.retire", business)
    offers = tx.session.exec(
        select(Offer).where(
            Offer.business_id == business.id,
            Offer.deleted == False,  # noqa: E712
            Offer.retired_on.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for offer in offers:
        offer.retired_on = tx.today()
        tx.audit("offer.retire", offer)
    tx.session.flush()
    return business


def get_business(tx: Tx, business_id: uuid.UUID | str) -> Business:
    tx.require(Permission.FIND)
    return tx.get(Business, business_id, "business")


def list_businesses(
    tx: Tx, *, town: str | None = None, category: str | None = None,
    include_retired: bool = False, text: str | None = None,
) -> list[Business]:
    """Businesses sorted by name; ``text`` matches name, town, category or postcode."""
    tx.require(Permission.FIND)
    stmt = select(Business).where(Business.deleted == False)  # noqa: E712
    if not include_retired:
        stmt = stmt.where(Business.retired_on.is_(None))  # type: ignore[union-attr]
    if tidy(town):
        stmt = stmt.where(func.lower(Business.town) == tidy(town).lower())  # type: ignore[union-attr]
    if tidy(category):
        stmt = stmt.where(func.lower(Business.category) == tidy(category).lower())  # type: ignore[union-attr]
    rows = list(tx.session.exec(stmt).all())
    want = fold(text or "")
    if want:
        rows = [
            b for b in rows
            if want in fold(" ".join(filter(None, (b.name, b.town, b.category, b.postcode))))
        ]  # fmt: skip
    rows.sort(key=lambda b: fold(b.name))
    return rows


# -- offers -----------------------------------------------------------------------


def add_offer(tx: Tx, fields: OfferFields) -> Offer:
    """Add an offer from a business that is in the scheme."""
    tx.require(Permission.EDIT_OFFERS)
    values = _clean(tx, Offer, fields.model_dump(exclude_unset=True))
    if not values.get("text"):
        raise InvalidValue({"text": "Please describe the offer"})
    business = _live_business(tx, values.get("business_id"))
    values["business_id"] = business.id
    values["last_checked_on"] = values.get("last_checked_on") or tx.today()
    if not values.get("review_due_on"):
        values["review_due_on"] = values["last_checked_on"] + timedelta(REVIEW_INTERVAL_DAYS)
    _check_offer_dates(values)
    offer = Offer(**values)
    tx.session.add(offer)
    tx.session.flush()
    tx.audit("offer.add", offer)
    return offer


def update_offer(tx: Tx, offer_id: uuid.UUID | str, changes: OfferFields) -> Offer:
    """Change an offer; a new "last checked" date moves the review date on too."""
    tx.require(Permission.EDIT_OFFERS)
    offer = tx.get(Offer, offer_id, "offer")
    values = _clean(tx, Offer, changes.model_dump(exclude_unset=True))
    if "text" in values and not values["text"]:
        raise InvalidValue({"text": "The offer's description cannot be left blank"})
    if "business_id" in values and values["business_id"] != offer.business_id:
        values["business_id"] = _live_business(tx, values["business_id"]).id
    if values.get("last_checked_on") and not values.get("review_due_on"):
        values["review_due_on"] = values["last_checked_on"] + timedelta(REVIEW_INTERVAL_DAYS)
    keys = ("starts_on", "ends_on", "last_checked_on", "review_due_on")
    _check_offer_dates({k: values.get(k, getattr(offer, k)) for k in keys})
    for key, value in values.items():
        setattr(offer, key, value)
    tx.session.flush()
    tx.audit("offer.update", offer)
    return offer


def retire_offer(tx: Tx, offer_id: uuid.UUID | str) -> Offer:
    """Take an offer out of lists from today (kept for the record)."""
    tx.require(Permission.EDIT_OFFERS)
    offer = tx.get(Offer, offer_id, "offer")
    if offer.retired_on is None:
        offer.retired_on = tx.today()
        tx.session.flush()
        tx.audit("offer.retire", offer)
    return offer


def mark_checked(tx: Tx, offer_id: uuid.UUID | str) -> Offer:
    """Record that the offer was checked with the business today."""
    tx.require(Permission.EDIT_OFFERS)
    offer = tx.get(Offer, offer_id, "offer")
    if offer.retired_on is not None:
        raise CarerdeskError("This offer has been retired, so it does not need checking.")
    offer.last_checked_on = tx.today()
    offer.review_due_on = tx.today() + timedelta(REVIEW_INTERVAL_DAYS)
    tx.session.flush()
    tx.audit("offer.check", offer)
    return offer


def get_offer(tx: Tx, offer_id: uuid.UUID | str) -> Offer:
    tx.require(Permission.FIND)
    return tx.get(Offer, offer_id, "offer")


def _offer_query(
    tx: Tx, *, live: bool, current: bool, review_due: bool, town: str | None
) -> Select[tuple[Offer, Business]]:
    """Offers joined to their businesses, filtered as far as SQL can."""
    stmt = select(Offer, Business).join(Business, Offer.business_id == Business.id).where(
        Offer.deleted == False, Business.deleted == False  # noqa: E712
    )
    today = tx.today()
    if live or current or review_due:
        stmt = stmt.where(Offer.retired_on.is_(None), Business.retired_on.is_(None))  # type: ignore[union-attr]
    if current:
        stmt = stmt.where(
            or_(Offer.starts_on.is_(None), Offer.starts_on <= today),  # type: ignore[union-attr,operator]
            or_(Offer.ends_on.is_(None), Offer.ends_on >= today),  # type: ignore[union-attr,operator]
        )
    if review_due:
        # An offer never given a review date is due now.
        stmt = stmt.where(
            or_(Offer.review_due_on.is_(None), Offer.review_due_on <= today)  # type: ignore[union-attr,operator]
        )
    if tidy(town):
        stmt = stmt.where(func.lower(Business.town) == tidy(town).lower())  # type: ignore[union-attr]
    return stmt


def _sorted(rows: Iterable[OfferRow]) -> list[OfferRow]:
    # Uncategorised offers go last.
    return sorted(
        rows,
        key=lambda r: (r.category is None, fold(r.category or ""), fold(r.business_name),
                       fold(r.text)),
    )


def _key(text: str | None) -> str | None:
    """An area or category name for comparing: tidied, ignoring case."""
    text = tidy(text)
    return text.casefold() if text else None


def _fits_area(areas: Iterable[str], wanted: set[str]) -> bool:
    """Whether an offer limited to ``areas`` (none: anywhere) is valid in any wanted area."""
    keys = {k for k in map(_key, areas) if k}
    return not keys or bool(keys & wanted)


def list_offers(
    tx: Tx, *, town: str | None = None, category: str | None = None, area: str | None = None,
    review_due: bool = False, current_only: bool = False, include_retired: bool = False,
) -> list[OfferRow]:
    """Offers sorted by category then business name.

    ``area`` keeps offers valid there (including those valid anywhere);
    ``category`` matches any of the offer's categories (or the business's).
    """
    tx.require(Permission.FIND)
    stmt = _offer_query(
        tx, live=not include_retired, current=current_only, review_due=review_due, town=town
    )
    rows = [OfferRow.of(o, b) for o, b in tx.session.exec(stmt).all()]
    want_category = _key(category)
    if want_category:
        rows = [r for r in rows if want_category in {_key(c) for c in r.categories}]
    want_area = _key(area)
    if want_area:
        rows = [r for r in rows if _fits_area(r.areas, {want_area})]
    return _sorted(rows)


def offers_due_for_review(tx: Tx) -> list[OfferRow]:
    """Live offers whose review date has come (or that have none)."""
    return list_offers(tx, review_due=True)


def review_due_count(tx: Tx) -> int:
    """How many live offers are due for review, for a reminder on the home screen."""
    tx.require(Permission.FIND)
    stmt = _offer_query(tx, live=True, current=False, review_due=True, town=None)
    return tx.session.exec(select(func.count()).select_from(stmt.subquery())).one()


def offers_for_carer(tx: Tx, carer_id: uuid.UUID | str) -> list[OfferRow]:
    """Current offers this carer can use.

    An offer applies where the carer lives or where anyone they care for
    lives, and to the carer's type today (so a young carer who has turned 18
    stops seeing young-carer-only offers).
    """
    tx.require(Permission.FIND)
    carer = tx.get(Carer, carer_id, "carer")
    cared_for_areas = tx.session.exec(
        select(CaredFor.area).where(CaredFor.carer_id == carer.id, CaredFor.deleted == False)  # noqa: E712
    ).all()
    places = {k for k in map(_key, (carer.area, *cared_for_areas)) if k}
    carer_type = current_carer_type(tx, carer)
    stmt = _offer_query(tx, live=True, current=True, review_due=False, town=None)
    rows = [OfferRow.of(o, b) for o, b in tx.session.exec(stmt).all()]
    return _sorted(
        r for r in rows
        if _fits_area(r.areas, places) and (not r.eligible or carer_type in r.eligible)
    )  # fmt: skip
