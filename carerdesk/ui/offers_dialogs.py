"""The offer and business forms, as dialogs opened from the offers page."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QVBoxLayout, QWidget

from carerdesk.desk import Desk, Tx
from carerdesk.models.enums import CarerType
from carerdesk.services import offers
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.ui.offers_forms import (
    ListCompleter,
    RecordDialog,
    date_row_value,
    date_text,
    hint,
    plain_text_box,
    split_list,
)
from carerdesk.ui.offers_models import distinct, uk_date
from carerdesk.ui.widgets import add_row, line_edit, on_leave
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import normalise_email, normalise_phone, normalise_postcode, tidy

_DATE_HINT = "dd/mm/yyyy, or leave blank"


def _same(a: Any, b: Any) -> bool:
    """Whether a typed value equals the stored one (blank equals None)."""
    return (a or None) == (b or None)


# -- what the forms need, read on the worker thread ------------------------------------


@dataclass(frozen=True)
class OfferForm:
    """An offer (None when adding) and the choices its form offers."""

    offer_id: uuid.UUID | None
    values: OfferFields | None
    review_due_on: date | None
    today: date
    businesses: list[tuple[uuid.UUID, str]]
    categories: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BusinessForm:
    """A business (None when adding) and the towns and categories already in use."""

    business_id: uuid.UUID | None
    values: BusinessFields | None
    towns: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


def _business_label(name: str, town: str | None) -> str:
    return f"{name} ({town})" if town else name


def load_offer_form(tx: Tx, offer_id: uuid.UUID | None) -> OfferForm:
    """Read what the offer dialog shows (call inside ``desk.read()``)."""
    values = review = None
    everything = offers.list_offers(tx, include_retired=True)
    live = offers.list_businesses(tx)
    choices = [(b.id, _business_label(b.name, b.town)) for b in live]
    if offer_id is not None:
        offer = offers.get_offer(tx, offer_id)
        values = OfferFields.model_validate(
            {k: getattr(offer, k) for k in OfferFields.model_fields if k != "review_due_on"}
        )
        review = offer.review_due_on
        if all(b.id != offer.business_id for b in live):
            own = offers.get_business(tx, offer.business_id)
            choices.insert(0, (own.id, _business_label(own.name, own.town)))
    categories = [c for r in everything for c in r.categories] + [b.category for b in live]
    areas = [a for r in everything for a in r.areas]
    return OfferForm(offer_id, values, review, tx.today(), choices, distinct(categories),
                     distinct(areas))


def load_business_form(tx: Tx, business_id: uuid.UUID | None) -> BusinessForm:
    """Read what the business dialog shows (call inside ``desk.read()``)."""
    values = None
    if business_id is not None:
        business = offers.get_business(tx, business_id)
        values = BusinessFields.model_validate(
            {k: getattr(business, k) for k in BusinessFields.model_fields}
        )
    known = offers.list_businesses(tx, include_retired=True)
    return BusinessForm(business_id, values, distinct([b.town for b in known]),
                        distinct([b.category for b in known]))


def _review_note(form: OfferForm, adding: bool) -> str:
    later = "the next review is due six months after it was last checked"
    if adding:
        return f"Once saved, {later}."
    due = form.review_due_on
    if due is None or due <= form.today:
        when = f"was due on {uk_date(due)}" if due else "has no date yet"
        return (f"The review {when}. Once the business has confirmed the offer, set "
                f"\u201clast checked\u201d to today: {later}.")
    return f"Next review: {uk_date(due)} ({later})."


# -- the offer form ---------------------------------------------------------------------


class OfferDialog(RecordDialog):
    """Add or change an offer (or just look at it, for volunteers)."""

    def __init__(self, worker: DbWorker, form: OfferForm, *, read_only: bool = False,
                 business_id: uuid.UUID | None = None, parent: QWidget | None = None) -> None:
        adding = form.offer_id is None
        title = "Offer" if read_only else ("Add an offer" if adding else "Change an offer")
        super().__init__(worker, title, record_id=form.offer_id, read_only=read_only,
                         parent=parent)
        self.setObjectName("offerDialog")
        self.original = form.values or OfferFields()
        v = self.original

        self.business = QComboBox()
        self.business.setEditable(True)
        self.business.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for business_id_, label in form.businesses:
            self.business.addItem(label, str(business_id_))  # strings compare in findData
        completer = self.business.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        self.business.lineEdit().setPlaceholderText("Type part of the name, or pick from the list")
        chosen = v.business_id or business_id
        self.business.setCurrentIndex(self.business.findData(str(chosen)) if chosen else -1)
        self.text = line_edit("for example: 10% off hot drinks", 300)
        self.text.setText(v.text or "")
        self.terms = plain_text_box()
        self.terms.setPlainText(v.terms or "")
        self.categories = line_edit(
            "comma separated; leave blank to use the business's category", 400
        )
        self.categories.setText(", ".join(v.categories or []))
        self.categories.setCompleter(ListCompleter(form.categories, self.categories))
        self.areas = line_edit("comma separated; leave blank for anywhere", 400)
        self.areas.setText(", ".join(v.areas or []))
        self.areas.setCompleter(ListCompleter(form.areas, self.areas))
        self.eligible = QWidget()
        ticks = QVBoxLayout(self.eligible)
        ticks.setContentsMargins(0, 0, 0, 0)
        ticks.addWidget(hint("Leave all unticked for everyone."))
        self.ticks: dict[CarerType, QCheckBox] = {}
        for kind in CarerType:
            box = QCheckBox(kind.label)
            box.setObjectName(f"eligible_{kind.value}")
            box.setAccessibleName(f"For {kind.label}")
            box.setChecked(kind in (v.eligible or []))
            ticks.addWidget(box)
            self.ticks[kind] = box
        self.eligible.setFocusProxy(self.ticks[CarerType.ADULT])
        self.starts = self._date_edit(v.starts_on)
        self.ends = self._date_edit(v.ends_on)
        self.checked = self._date_edit(v.last_checked_on)
        if adding:
            self.checked.setPlaceholderText("dd/mm/yyyy, or leave blank for today")

        f = self.form
        self.rows = {
            "business_id": add_row(f, "&Business", self.business, "offerBusiness"),
            "text": add_row(f, "&Offer", self.text, "offerText"),
            "terms": add_row(f, "&Terms", self.terms, "offerTerms"),
            "categories": add_row(f, "&Categories", self.categories, "offerCategories"),
            "areas": add_row(f, "&Areas", self.areas, "offerAreas"),
            "eligible": add_row(f, "&For whom", self.eligible, "offerEligible"),
            "starts_on": add_row(f, "Starts o&n", self.starts, "offerStarts"),
            "ends_on": add_row(f, "&Ends on", self.ends, "offerEnds"),
            "last_checked_on": add_row(f, "&Last checked", self.checked, "offerChecked"),
        }
        if not form.businesses:
            self.rows["business_id"].set_error(
                "There are no businesses yet: add the business first, on the Businesses tab."
            )
        for edit, key in ((self.starts, "starts_on"), (self.ends, "ends_on"),
                          (self.checked, "last_checked_on")):
            on_leave(edit, date_text, self.rows[key])
        note = hint(_review_note(form, adding))
        note.setObjectName("reviewNote")
        self.form.addRow("", note)
        self.finish_loading()

    def _date_edit(self, value: date | None) -> QLineEdit:
        edit = line_edit(_DATE_HINT, 10)
        edit.setText(uk_date(value))
        return edit

    def state(self) -> Any:
        return (self.business.currentText(), self.text.text(), self.terms.toPlainText(),
                self.categories.text(), self.areas.text(), self.starts.text(), self.ends.text(),
                self.checked.text(), tuple(box.isChecked() for box in self.ticks.values()))

    def _business_id(self) -> tuple[bool, uuid.UUID | None]:
        typed = self.business.currentText().strip()
        if not typed:
            return True, None
        index = self.business.findText(typed, Qt.MatchFlag.MatchFixedString)
        if index < 0:
            self.rows["business_id"].set_error(
                "Please choose a business from the list (add new businesses on the "
                "Businesses tab)."
            )
            return False, None
        return True, uuid.UUID(self.business.itemData(index))

    def changes(self) -> OfferFields | None:
        ok, business_id = self._business_id()
        typed: dict[str, Any] = {
            "business_id": business_id,
            "text": tidy(self.text.text()),
            "terms": self.terms.toPlainText().strip() or None,
            "categories": split_list(self.categories.text()),
            "areas": split_list(self.areas.text()),
            "eligible": [kind for kind, box in self.ticks.items() if box.isChecked()],
        }
        for key, edit in (("starts_on", self.starts), ("ends_on", self.ends),
                          ("last_checked_on", self.checked)):
            good, typed[key] = date_row_value(edit, self.rows[key])
            ok = ok and good
        if not ok:
            return None
        if self.record_id is None:
            return OfferFields(**typed)
        old = self.original
        return OfferFields(**{k: v for k, v in typed.items() if not _same(v, getattr(old, k))})

    def submit(self, changes: OfferFields) -> Callable[[Desk], uuid.UUID]:
        offer_id = self.record_id

        def run(desk: Desk) -> uuid.UUID:
            with desk.transaction() as tx:
                if offer_id is None:
                    return offers.add_offer(tx, changes).id
                return offers.update_offer(tx, offer_id, changes).id

        return run


# -- the business form ------------------------------------------------------------------


class BusinessDialog(RecordDialog):
    """Add or change a business (or just look at it, for volunteers)."""

    def __init__(self, worker: DbWorker, form: BusinessForm, *, read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        adding = form.business_id is None
        title = "Business" if read_only else ("Add a business" if adding else "Change a business")
        super().__init__(worker, title, record_id=form.business_id, read_only=read_only,
                         parent=parent)
        self.setObjectName("businessDialog")
        self.original = form.values or BusinessFields()
        v = self.original
        self.edits: dict[str, QLineEdit] = {}
        f = self.form
        for key, label, name, max_length, placeholder in (
            ("name", "&Name", "businessName", 120, ""),
            ("address_line1", "Address line &1", "businessAddress1", 120, ""),
            ("address_line2", "Address line &2", "businessAddress2", 120, ""),
            ("town", "&Town", "businessTown", 80, ""),
            ("postcode", "&Postcode", "businessPostcode", 10, "for example SG1 1AA"),
            ("contact_name", "&Contact", "businessContact", 120, "who to ask for"),
            ("phone", "P&hone", "businessPhone", 20, ""),
            ("email", "&Email", "businessEmail", 200, ""),
            ("website", "&Website", "businessWebsite", 200, "for example www.example.org"),
            ("category", "Cate&gory", "businessCategory", 60, "for example Food and drink"),
            ("sticker_given_on", "Stic&ker given on", "businessSticker", 10, _DATE_HINT),
        ):
            edit = line_edit(placeholder, max_length)
            value = getattr(v, key)
            edit.setText(uk_date(value) if key == "sticker_given_on" else value or "")
            self.edits[key] = edit
            self.rows[key] = add_row(f, label, edit, name)
        self.notes = plain_text_box(110)
        self.notes.setPlainText(v.notes or "")
        self.rows["notes"] = add_row(f, "N&otes", self.notes, "businessNotes")
        self.edits["town"].setCompleter(ListCompleter(form.towns, self.edits["town"]))
        self.edits["category"].setCompleter(
            ListCompleter(form.categories, self.edits["category"])
        )
        for key, check in (("postcode", normalise_postcode), ("phone", normalise_phone),
                           ("email", normalise_email), ("sticker_given_on", date_text)):
            on_leave(self.edits[key], check, self.rows[key])
        self.finish_loading()

    def state(self) -> Any:
        return (*(e.text() for e in self.edits.values()), self.notes.toPlainText())

    def changes(self) -> BusinessFields | None:
        typed: dict[str, Any] = {
            k: tidy(e.text()) for k, e in self.edits.items() if k != "sticker_given_on"
        }
        typed["notes"] = self.notes.toPlainText().strip() or None
        ok, typed["sticker_given_on"] = date_row_value(
            self.edits["sticker_given_on"], self.rows["sticker_given_on"]
        )
        if not ok:
            return None
        if self.record_id is None:
            return BusinessFields(**typed)
        old = self.original
        return BusinessFields(
            **{k: v for k, v in typed.items() if not _same(v, getattr(old, k))}
        )

    def submit(self, changes: BusinessFields) -> Callable[[Desk], uuid.UUID]:
        business_id = self.record_id

        def run(desk: Desk) -> uuid.UUID:
            with desk.transaction() as tx:
                if business_id is None:
                    return offers.add_business(tx, changes).id
                return offers.update_business(tx, business_id, changes).id

        return run

