"""The two lists on the offers page: offers (with reviews) and businesses."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QWidget

from carerdesk.desk import Desk
from carerdesk.services import offers
from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_dialogs import (
    BusinessDialog,
    OfferDialog,
    load_business_form,
    load_offer_form,
)
from carerdesk.ui.offers_list import ListTab, confirm, plural, push_button, set_choices
from carerdesk.ui.offers_models import BusinessesModel, BusinessItem, OffersModel, distinct, uk_date
from carerdesk.ui.widgets import check_box
from carerdesk.ui.worker import DbWorker


class OffersTab(ListTab):
    """Offers with their review dates; staff can mark them checked today."""

    what = "offer"
    stretch_column = 2  # the offer's description
    keep_columns = (6, 7)  # end and review dates

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, OffersModel(), parent)
        self.table.setObjectName("offersTable")
        self.table.setAccessibleName("Offers")
        self.due_only = check_box("Review due on&ly", "offerDueOnly")
        self.due_only.toggled.connect(lambda *_: self.refresh())
        self.add_button = push_button("&Add offer", "addOfferButton")
        self.edit_button = push_button("Ed&it", "editOfferButton")
        self.checked_button = push_button("&Checked today", "checkedTodayButton")
        self.checked_button.setToolTip(
            "Record that the business confirmed the selected offers today: "
            "their review dates move on six months."
        )
        self.retire_button = push_button("Re&tire", "retireOfferButton")
        staff = [self.add_button, self.edit_button, self.checked_button, self.retire_button]
        for button in staff:
            button.setVisible(self.can_edit)
        self.add_button.clicked.connect(lambda: self.open_item(None))
        self.edit_button.clicked.connect(self.open_current)
        self.checked_button.clicked.connect(self.mark_checked)
        self.retire_button.clicked.connect(self.retire)
        set_choices(self.town, "All towns", [])
        set_choices(self.category, "All categories", [])
        self.leaflet_button = push_button("Offers leaflet...", "offersLeafletButton")
        self.leaflet_button.setToolTip("Print the current offers as a leaflet")
        self.leaflet_button.setVisible(worker.desk.can(Permission.PRINT_LEAFLET))
        self.leaflet_button.clicked.connect(self.print_leaflet)
        self._layout([*staff, self.view_button, self.leaflet_button])

    def print_leaflet(self) -> None:
        from carerdesk.ui import print_actions

        print_actions.preview_leaflet(self.worker, self, status=self.nav.notify.emit)

    def _extra_filters(self) -> list[QWidget]:
        return [self.due_only, self.show_retired]

    def _reader(self) -> Callable[[Desk], Any]:
        town, category = self.town.currentData(), self.category.currentData()
        due, retired = self.due_only.isChecked(), self.show_retired.isChecked()

        def run(desk: Desk) -> tuple[list[offers.OfferRow], list[offers.OfferRow], date]:
            with desk.read() as tx:
                everything = offers.list_offers(tx, include_retired=True)
                rows = offers.list_offers(tx, town=town, category=category, review_due=due,
                                          include_retired=retired)
                return everything, rows, tx.today()

        return run

    def _loaded(self, result: Any) -> None:
        everything, rows, today = result
        kept = set_choices(self.town, "All towns", distinct([r.business_town for r in everything]))
        kept &= set_choices(self.category, "All categories",
                            distinct([c for r in everything for c in r.categories]))
        if not kept:  # a chosen town or category has gone: show everything
            self.refresh()
            return
        self._show(lambda: self.model.set_rows(rows, today))

    def _update_count(self) -> None:
        n, due = self.model.rowCount(), self.model.due_count()
        text = f"{plural(n, 'offer')} shown" if n else "No offers match."
        if due:
            text += f"; {due} due for review"
        self.count.setText(text)

    def _enable(self, n: int) -> None:
        self.edit_button.setEnabled(n == 1)
        self.checked_button.setEnabled(n >= 1)
        self.retire_button.setEnabled(n >= 1)

    def open_item(self, item_id: uuid.UUID | None) -> None:
        read_only = not self.can_edit
        if item_id is None and read_only:
            return

        def run(desk: Desk) -> Any:
            with desk.read() as tx:
                return load_offer_form(tx, item_id)

        def done(form: Any) -> None:
            self._show_dialog(OfferDialog(self.worker, form, read_only=read_only, parent=self))

        self.worker.submit(run, self._if_alive(done), self._failed, group="offer-open")

    def mark_checked(self) -> None:
        """Record that the selected live offers were checked with the business today."""
        ids = [r.offer_id for r in self.selected_rows()
               if not (r.retired_on or r.business_retired_on)]
        if not ids:
            self.nav.notify.emit("Retired offers do not need checking.")
            return

        def run(desk: Desk) -> date | None:
            with desk.transaction() as tx:
                due = [offers.mark_checked(tx, offer_id).review_due_on for offer_id in ids]
            return due[-1]

        def done(next_review: date | None) -> None:
            self.wrote.emit("offer", f"Marked {plural(len(ids), 'offer')} as checked today; "
                                     f"next review {uk_date(next_review)}.")

        self.worker.submit(run, self._if_alive(done), self._failed)

    def retire(self) -> None:
        """Take the selected offers out of lists, after asking."""
        ids = [r.offer_id for r in self.selected_rows() if not r.retired_on]
        if not ids:
            return
        which = "this offer" if len(ids) == 1 else f"these {len(ids)} offers"
        if not confirm(self, "Retire offers", f"Retire {which}? It will no longer be listed or "
                       "printed, but is kept for the record.", "&Retire", "&Keep"):
            return

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                for offer_id in ids:
                    offers.retire_offer(tx, offer_id)

        self.worker.submit(run, self._after_write(f"Retired {plural(len(ids), 'offer')}."),
                           self._failed)


class BusinessesTab(ListTab):
    """Businesses in the scheme, with how many live offers each gives."""

    what = "business"
    keep_columns = (2, 5, 6, 7)  # postcode, phone, sticker date, number of offers

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, BusinessesModel(), parent)
        self.table.setObjectName("businessesTable")
        self.table.setAccessibleName("Businesses")
        self.add_button = push_button("&Add business", "addBusinessButton")
        self.edit_button = push_button("Ed&it", "editBusinessButton")
        self.retire_button = push_button("Re&tire", "retireBusinessButton")
        staff = [self.add_button, self.edit_button, self.retire_button]
        for button in staff:
            button.setVisible(self.can_edit)
        self.add_button.clicked.connect(lambda: self.open_item(None))
        self.edit_button.clicked.connect(self.open_current)
        self.retire_button.clicked.connect(self.retire)
        set_choices(self.town, "All towns", [])
        set_choices(self.category, "All categories", [])
        self.sticker_button = push_button("Window sticker...", "stickerButton")
        self.sticker_button.setToolTip("Print a 'carers welcome here' sticker for this business")
        self.sticker_button.setVisible(self.can_edit)
        self.sticker_button.clicked.connect(self.print_sticker)
        self._layout([*staff, self.view_button, self.sticker_button])

    def print_sticker(self) -> None:
        from carerdesk.ui import print_actions

        chosen = self.selected_ids()
        print_actions.preview_sticker(
            self.worker, self, chosen[0] if len(chosen) == 1 else None,
            status=self.nav.notify.emit,
        )  # fmt: skip

    def _reader(self) -> Callable[[Desk], Any]:
        town, category = self.town.currentData(), self.category.currentData()
        retired = self.show_retired.isChecked()

        def run(desk: Desk) -> tuple[list[Any], list[BusinessItem]]:
            with desk.read() as tx:
                everything = offers.list_businesses(tx, include_retired=True)
                live = Counter(r.business_id for r in offers.list_offers(tx))
                items = [
                    BusinessItem(b.id, b.name, b.town, b.postcode, b.category, b.contact_name,
                                 b.phone, b.sticker_given_on, b.retired_on, live[b.id])
                    for b in offers.list_businesses(tx, town=town, category=category,
                                                    include_retired=retired)
                ]
                return [(b.town, b.category) for b in everything], items

        return run

    def _loaded(self, result: Any) -> None:
        everything, items = result
        kept = set_choices(self.town, "All towns", distinct([t for t, _ in everything]))
        kept &= set_choices(self.category, "All categories", distinct([c for _, c in everything]))
        if not kept:
            self.refresh()
            return
        self._show(lambda: self.model.set_rows(items))

    def _update_count(self) -> None:
        n = self.model.rowCount()
        word = "business" if n == 1 else "businesses"
        self.count.setText(f"{n} {word} shown" if n else "No businesses match.")

    def _enable(self, n: int) -> None:
        self.edit_button.setEnabled(n == 1)
        self.retire_button.setEnabled(n == 1)

    def open_item(self, item_id: uuid.UUID | None) -> None:
        read_only = not self.can_edit
        if item_id is None and read_only:
            return

        def run(desk: Desk) -> Any:
            with desk.read() as tx:
                return load_business_form(tx, item_id)

        def done(form: Any) -> None:
            self._show_dialog(BusinessDialog(self.worker, form, read_only=read_only, parent=self))

        self.worker.submit(run, self._if_alive(done), self._failed, group="business-open")

    def retire(self) -> None:
        """Mark the selected business as having left the scheme, after asking."""
        rows = self.selected_rows()
        if len(rows) != 1 or rows[0].retired_on:
            return
        item: BusinessItem = rows[0]
        extra = (f" Its {plural(item.live_offers, 'live offer')} will be retired too."
                 if item.live_offers else "")
        if not confirm(self, "Retire business", "Mark this business as having left the "
                       f"scheme?{extra} It is kept for the record.", "&Retire", "&Keep"):
            return

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                offers.retire_business(tx, item.business_id)

        self.worker.submit(run, self._after_write("The business has been retired."),
                           self._failed)
