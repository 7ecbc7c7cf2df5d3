"""The offers page: the offers local businesses give carers, and the businesses.

Everyone can look (volunteers see the lists and open read-only forms); staff
and coordinators can add, change and retire, and record that an offer was
checked with the business today, which moves its review date on.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_tabs import BusinessesTab, OffersTab
from carerdesk.ui.worker import DbWorker


class OffersPage(QWidget):
    """Two tabs, "Offers" and "Businesses", each a filtered list with its buttons."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offersPage")
        self.worker = worker
        self.nav = nav
        self.offers = OffersTab(worker, nav)
        self.businesses = BusinessesTab(worker, nav)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("offerTabs")
        self.tabs.setAccessibleName("Offers and businesses")
        self.tabs.addTab(self.offers, "Off&ers")
        self.tabs.addTab(self.businesses, "&Businesses")
        self.tabs.setTabToolTip(0, "Offers from businesses (Alt+E)")
        self.tabs.setTabToolTip(1, "Businesses in the scheme (Alt+B)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for tab in (self.offers, self.businesses):
            tab.wrote.connect(self._wrote)
        self.refresh()

    def refresh(self) -> None:
        """Read both lists again."""
        self.offers.refresh()
        self.businesses.refresh()

    def page_entered(self) -> None:
        self.refresh()
        self.tabs.currentWidget().table.setFocus()  # type: ignore[attr-defined]

    def data_changed(self, what: str) -> None:
        if what in ("offer", "business"):
            self.refresh()

    def _wrote(self, what: str, message: str) -> None:
        # Retiring a business retires its offers, and offers show business
        # details, so both lists are read again whatever was saved.
        self.refresh()
        self.nav.changed.emit(what)
        self.nav.notify.emit(message)
