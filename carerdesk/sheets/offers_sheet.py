"""The offers sheet: businesses and their offers as a workbook staff can edit
in Excel or LibreOffice, and the edits brought back.

One row per offer, with its business's details beside it (a business with no
offers has a row of its own with the offer columns blank). The hidden first
two columns hold the offer's and business's references, so a row is matched
by reference, never by position. A blank Offer ID means a new offer; a blank
Business ID means the business is found by name, or added.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import select

from carerdesk import validation
from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import Business, Offer
from carerdesk.models.enums import CarerType
from carerdesk.services import offers
from carerdesk.services.permissions import Permission
from carerdesk.sheets.safety import BadFile, Cell, read_book
from carerdesk.sheets.writer import SheetSpec, write_book
from carerdesk.validation import fold, parse_date, tidy

SHEET = "Offers"
OFFER_ID, BUSINESS_ID, RETIRED = "Offer ID", "Business ID", "Retired"
# (column, field, kind): kind says how a cell is read, written and compared.
BUSINESS_COLUMNS = [
    ("Business", "name", "text"), ("Business category", "category", "text"),
    ("Address line 1", "address_line1", "text"), ("Address line 2", "address_line2", "text"),
    ("Town", "town", "text"), ("Postcode", "postcode", "postcode"),
    ("Contact name", "contact_name", "text"), ("Phone", "phone", "phone"),
    ("Email", "email", "email"), ("Website", "website", "text"),
    ("Sticker given on", "sticker_given_on", "date"), ("Business notes", "notes", "multiline"),
]  # fmt: skip
OFFER_COLUMNS = [
    ("Offer", "text", "text"), ("Terms", "terms", "multiline"),
    ("Offer categories", "categories", "list"), ("Areas", "areas", "list"),
    ("For carer types", "eligible", "types"), ("Starts on", "starts_on", "date"),
    ("Ends on", "ends_on", "date"), ("Last checked on", "last_checked_on", "date"),
    ("Review due on", "review_due_on", "date"),
]  # fmt: skip
COLUMNS = [OFFER_ID, BUSINESS_ID, *(c for c, _, _ in BUSINESS_COLUMNS + OFFER_COLUMNS), RETIRED]
_LABEL_OF_FIELD = {f: c for c, f, _ in BUSINESS_COLUMNS + OFFER_COLUMNS} | {
    "business_id": "Business"
}
_YES, _NO = "Yes", "No"
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class RowProblem:
    """A refused row: its number in the sheet and a plain reason (no personal values)."""

    row_number: int
    reason: str


@dataclass
class OffersImportResult:
    updated: int = 0
    added: int = 0
    unchanged: int = 0
    refused: list[RowProblem] = field(default_factory=list)


# -- export -------------------------------------------------------------------------------


def export_offers(tx: Tx, path: Path) -> int:
    """Write every offer of the businesses in the scheme to ``path``; returns the row count."""
    tx.require(Permission.FIND)
    pairs = tx.session.exec(
        select(Offer, Business)
        .join(Business, Offer.business_id == Business.id)
        .where(Offer.deleted == False, Business.deleted == False)  # noqa: E712
        .where(Business.retired_on.is_(None))  # type: ignore[union-attr]
    ).all()
    pairs = sorted(
        pairs, key=lambda p: (p[0].retired_on is not None, fold(p[1].name), fold(p[0].text))
    )
    with_offers = {b.id for _, b in pairs}
    lonely = [b for b in offers.list_businesses(tx) if b.id not in with_offers]
    rows = [_export_row(o, b) for o, b in pairs] + [_export_row(None, b) for b in lonely]
    named = [*(c for o, _ in pairs for c in o.categories or []), *(b.category for _, b in pairs)]
    categories = sorted({c for c in [*named, *(b.category for b in lonely)] if c}, key=fold)
    spec = SheetSpec(SHEET, COLUMNS, rows, validations={RETIRED: [_NO, _YES]},
                     hidden=[OFFER_ID, BUSINESS_ID],
                     suggestions={"Business category": categories, "Offer categories": categories,
                                  "For carer types": [t.label for t in CarerType]})  # fmt: skip
    write_book(path, [spec], password=None)
    return len(rows)


def _export_row(offer: Offer | None, business: Business) -> list[object]:
    row: list[object] = [offer.id if offer else None, business.id]
    row += [_to_cell(kind, getattr(business, f)) for _, f, kind in BUSINESS_COLUMNS]
    row += [_to_cell(kind, getattr(offer, f) if offer else None) for _, f, kind in OFFER_COLUMNS]
    row.append(None if offer is None else _YES if offer.retired_on else _NO)
    return row


def _to_cell(kind: str, value: Any) -> object:
    if kind == "list":
        return "; ".join(value or []) or None
    if kind == "types":
        return "; ".join(CarerType(v).label for v in value or []) or None
    return value


# -- reading cells ------------------------------------------------------------------------


def _text(value: Cell) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return tidy(str(value)) if value is not None else None


def _multiline(value: Cell) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def _date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    try:
        return parse_date(str(value))
    except ValueError:
        raise ValueError("This is not a date: use day/month/year, for example 03/04/2025") from None


def _list(value: Cell) -> list[str]:
    """Items separated by semicolons, tidied, without blanks or repeats (ignoring case)."""
    out: dict[str, str] = {}
    for part in str(value if value is not None else "").split(";"):
        text = tidy(part)
        if text:
            out.setdefault(text.casefold(), text)
    return list(out.values())


def _types(value: Cell) -> list[str]:
    out: list[str] = []
    for part in str(value or "").replace(",", ";").split(";"):
        if tidy(part):
            try:
                out.append(CarerType.parse(part).value)
            except ValueError:
                raise ValueError("This has a kind of carer that is not on the list") from None
    return list(dict.fromkeys(out))


def _yes_no(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = (tidy(str(value)) or "no").casefold() if value is not None else "no"
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise ValueError("Please answer Yes or No")


_READERS: dict[str, Callable[[Cell], Any]] = {
    "text": _text, "multiline": _multiline, "date": _date, "list": _list,
    "types": _types, "postcode": _text, "phone": _text, "email": _text,
}  # fmt: skip
_NORMALISERS: dict[str, Callable[[str | None], str | None]] = {
    "postcode": validation.normalise_postcode, "phone": validation.normalise_phone,
    "email": validation.normalise_email,
}  # fmt: skip


def _comparable(kind: str, value: Any) -> object:
    """A value as stored, for deciding whether a cell changed anything."""
    if kind in _NORMALISERS:
        try:
            return _NORMALISERS[kind](value)
        except ValueError:
            return object()  # never equal: the service will refuse it with a reason
    if kind in ("list", "types"):
        return list(value or [])
    return value


def _reference(value: Cell, what: str) -> uuid.UUID | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise ValueError(
            f"The {what} ID is not valid; leave it blank for a new {what.lower()}"
        ) from None


# -- import -------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    offer_id: uuid.UUID | None
    business_id: uuid.UUID | None
    business: dict[str, Any]
    offer: dict[str, Any]
    retired: bool

    @property
    def has_offer(self) -> bool:
        return self.offer_id is not None or any(v not in (None, []) for v in self.offer.values())


@dataclass
class _State:
    """What earlier rows of this import did, so later rows agree with them."""

    by_name: dict[str, list[Business]]
    original: dict[uuid.UUID, dict[str, object]] = field(default_factory=dict)
    applied: dict[uuid.UUID, dict[str, tuple[object, int]]] = field(default_factory=dict)
    seen_offers: dict[uuid.UUID, int] = field(default_factory=dict)


class _Refused(CarerdeskError):
    """One row cannot be applied; ``message`` says why."""


def import_offers(tx: Tx, path: Path, *, dry_run: bool = False) -> OffersImportResult:
    """Apply an edited offers sheet in the caller's transaction.

    Changed rows update their offer (and business), rows without an Offer ID
    add offers (and businesses), and invalid rows are refused with a reason;
    the rest of the sheet still applies. With ``dry_run`` nothing is kept.
    Raises BadFile if the file cannot be read or is not an offers sheet.
    """
    tx.require(Permission.EDIT_OFFERS)
    book = read_book(path)
    sheet = SHEET if SHEET in book.sheet_names else book.sheet_names[0]
    rows = list(_read_rows(book.rows(sheet)))  # file problems surface before any change
    live = tx.session.exec(select(Business).where(Business.deleted == False)).all()  # noqa: E712
    state = _State(by_name={})
    for business in live:
        _remember(state, business)
    result = OffersImportResult()
    outer = tx.session.begin_nested() if dry_run else None
    try:
        for row in rows:
            if isinstance(row, RowProblem):
                result.refused.append(row)
                continue
            try:
                with tx.session.begin_nested():
                    outcome, commit = _apply(tx, state, row)
            except CarerdeskError as exc:
                result.refused.append(RowProblem(row.number, _reason(exc)))
                continue
            commit()
            setattr(result, outcome, getattr(result, outcome) + 1)
    finally:
        if outer is not None:
            outer.rollback()
    return result


def _read_rows(source: Iterator[list[Cell]]) -> Iterator[_Row | RowProblem]:
    """Rows after the header as parsed values (or the reason they cannot be read)."""
    header: dict[str, int] | None = None
    for number, cells in enumerate(source, start=1):
        if header is None:
            names = {fold(str(c)): i for i, c in enumerate(cells) if c is not None}
            if fold("Business") in names and fold("Offer") in names:
                header = names
            elif number >= 10:
                break
            continue
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        yield _parse_row(number, cells, header)
    if header is None:
        raise BadFile("This is not an offers sheet: it needs columns headed Business and Offer.")


def _parse_row(number: int, cells: list[Cell], header: dict[str, int]) -> _Row | RowProblem:
    def cell(column: str) -> Cell:
        i = header.get(fold(column))
        return cells[i] if i is not None and i < len(cells) else None

    errors: list[str] = []

    def read(column: str, reader: Callable[[Cell], Any]) -> Any:
        try:
            return reader(cell(column))
        except ValueError as exc:
            errors.append(f"{column}: {exc}.")
            return None

    offer_id = read(OFFER_ID, lambda v: _reference(v, "Offer"))
    business_id = read(BUSINESS_ID, lambda v: _reference(v, "Business"))
    business = {f: read(c, _READERS[k]) for c, f, k in BUSINESS_COLUMNS if fold(c) in header}
    offer = {f: read(c, _READERS[k]) for c, f, k in OFFER_COLUMNS if fold(c) in header}
    retired = read(RETIRED, _yes_no) or False
    if errors:
        return RowProblem(number, " ".join(errors))
    return _Row(number, offer_id, business_id, business, offer, retired)


def _remember(state: _State, business: Business) -> None:
    state.by_name.setdefault(fold(business.name), []).append(business)
    state.original[business.id] = {
        f: _comparable(k, getattr(business, f)) for _, f, k in BUSINESS_COLUMNS
    }
    state.applied.setdefault(business.id, {})


def _apply(tx: Tx, state: _State, row: _Row) -> tuple[str, Callable[[], None]]:
    """Apply one row; returns "added" / "updated" / "unchanged" and the state update
    to make once the row's savepoint has been kept."""
    offer: Offer | None = None
    if row.offer_id is not None:
        if row.offer_id in state.seen_offers:
            raise _Refused(
                f"This Offer ID is also on row {state.seen_offers[row.offer_id]}; "
                "leave it blank to add a new offer."
            )
        offer = tx.session.get(Offer, row.offer_id)
        if offer is None or offer.deleted:
            raise _Refused("No offer here has this Offer ID; leave it blank to add a new offer.")
    business, added_business = _business_for(tx, state, row, offer)
    changed = {} if added_business else _update_business(tx, state, row, business)
    outcome = "added" if added_business and not row.has_offer else "unchanged"
    if offer is not None:
        if _update_offer(tx, row, offer, business):
            outcome = "updated"
    elif row.has_offer:
        values = {k: v for k, v in row.offer.items() if v not in (None, [])}
        new = offers.add_offer(tx, offers.OfferFields(business_id=business.id, **values))
        if row.retired:
            offers.retire_offer(tx, new.id)
        outcome = "added"
    if outcome == "unchanged" and changed:
        outcome = "updated"

    def commit() -> None:
        if added_business:
            _remember(state, business)
        state.applied[business.id].update((k, (v, row.number)) for k, v in changed.items())
        if row.offer_id is not None:
            state.seen_offers[row.offer_id] = row.number

    return outcome, commit


def _business_for(tx: Tx, state: _State, row: _Row, offer: Offer | None) -> tuple[Business, bool]:
    """The row's business (and whether this row added it)."""
    if row.business_id is not None:
        business = tx.session.get(Business, row.business_id)
        if business is None or business.deleted:
            raise _Refused(
                "No business here has this Business ID; leave it blank to add a new business."
            )
        return business, False
    if offer is not None:
        return tx.get(Business, offer.business_id, "business"), False
    name = row.business.get("name")
    if not name:
        raise _Refused("Business: Please give the business's name.")
    matches = state.by_name.get(fold(name), [])
    if len(matches) > 1:
        raise _Refused(
            "Several businesses have this name; copy the Business ID from a row of the right one."
        )
    if matches:
        return matches[0], False
    values = {k: v for k, v in row.business.items() if v is not None}
    return offers.add_business(tx, offers.BusinessFields(**values)), True


def _update_business(tx: Tx, state: _State, row: _Row, business: Business) -> dict[str, object]:
    """Apply the business details this row changes; returns them (as compared)."""
    original, applied = state.original[business.id], state.applied[business.id]
    changes: dict[str, Any] = {}
    compared: dict[str, object] = {}
    for _, key, kind in BUSINESS_COLUMNS:
        if key not in row.business:
            continue
        new = _comparable(kind, row.business[key])
        if new == original[key]:
            continue
        if key in applied:
            if applied[key][0] != new:
                raise _Refused(
                    f"{_LABEL_OF_FIELD[key]}: this business's details were changed "
                    f"differently on row {applied[key][1]}."
                )
            continue
        changes[key] = row.business[key]
        compared[key] = new
    if changes:
        offers.update_business(tx, business.id, offers.BusinessFields(**changes))
    return compared


def _update_offer(tx: Tx, row: _Row, offer: Offer, business: Business) -> bool:
    """Apply the offer details this row changes; returns whether anything changed."""
    if offer.retired_on is not None and not row.retired:
        raise _Refused(
            "A retired offer cannot be brought back from the sheet; add it as a new row instead."
        )
    changes: dict[str, Any] = {
        key: row.offer[key]
        for _, key, kind in OFFER_COLUMNS
        if key in row.offer
        and _comparable(kind, row.offer[key]) != _comparable(kind, getattr(offer, key))
    }
    if business.id != offer.business_id:
        changes["business_id"] = business.id
    if changes:
        offers.update_offer(tx, offer.id, offers.OfferFields(**changes))
    if row.retired and offer.retired_on is None:
        offers.retire_offer(tx, offer.id)
        return True
    return bool(changes)


def _reason(exc: CarerdeskError) -> str:
    if isinstance(exc, InvalidValue):
        parts = [
            f"{_LABEL_OF_FIELD.get(k, k)}: {m if m.endswith('.') else m + '.'}"
            for k, m in exc.errors.items()
        ]
        return " ".join(parts)
    return exc.message
