"""The find page: results of the search box, updated as you type."""

from __future__ import annotations

import time
import uuid

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.services import search
from carerdesk.services.search import SearchResult
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.search_model import PAGE, SearchResultsModel
from carerdesk.ui.worker import DbWorker

_COLUMN_SAMPLES = (
    "Date of birth",
    "WD18 0AA",
    "Hemel Hempstead",
    "DEM-000000-00 (replaced)",
    "Withdrawn",
)


class FindPage(QWidget):
    """Shows what the search box finds; Enter or double-click opens a carer."""

    # Emitted after the model holds the results for a query (used by benchmarks).
    results_shown = Signal(str)

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.model = SearchResultsModel(self)
        self.model.fetch_more_requested = self._search
        self._query = ""
        self._last_result: SearchResult | None = None
        self._open_when_ready = False
        self.last_latency_ms = 0.0

        self.hint = QLabel(
            "Type a name, postcode, phone number or card number in the box above, "
            "or scan a card. Press Enter to open the first carer."
        )
        self.hint.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setProperty("role", "warning")
        self.banner.setWordWrap(True)
        self.banner.setObjectName("findBanner")
        self.banner.hide()
        self.table = QTableView()
        self.table.setObjectName("searchResults")
        self.table.setAccessibleName("Carers found")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # Widths from sample text, set once: sizing to contents on every keystroke
        # costs more than the search itself.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for column, sample in enumerate(_COLUMN_SAMPLES, start=1):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
        self.table.activated.connect(self._open_index)
        self.table.doubleClicked.connect(self._open_index)
        self.count = QLabel()
        self.count.setObjectName("resultCount")

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    # -- searching -----------------------------------------------------------

    def set_query(self, text: str) -> None:
        """Called on every change of the search box."""
        self._query = text
        if not text.strip():
            self.model.set_results("", [], PAGE)
            self._last_result = None
            self._show_banner(None)
            self.count.setText("")
            return
        self._search(text, PAGE)

    def _search(self, text: str, limit: int) -> None:
        started = time.perf_counter()

        def run(desk):  # type: ignore[no-untyped-def]
            with desk.read() as tx:
                return search.find_carers(tx, text, limit=limit)

        def done(result: SearchResult) -> None:
            if text != self._query:
                return
            self._last_result = result
            self.model.set_results(text, result.hits, limit)
            self.last_latency_ms = (time.perf_counter() - started) * 1000
            self._show_banner(result)
            n = len(result.hits)
            self.count.setText(
                "No carers found."
                if n == 0
                else f"{n}{'+' if self.model.more_available else ''} "
                f"carer{'s' if n != 1 else ''} found."
            )
            if n:
                self.table.selectRow(0)
            self.results_shown.emit(text)
            if self._open_when_ready:
                self._open_when_ready = False
                self.open_first()

        self.worker.submit(run, done, group="search")

    def _show_banner(self, result: SearchResult | None) -> None:
        message = result.message if result else None
        if result and result.direct and not message:
            message = f"Card {result.card_number}: press Enter to open {result.direct.name}."
        self.banner.setText(message or "")
        self.banner.setVisible(bool(message))

    # -- opening -------------------------------------------------------------

    def open_first(self) -> None:
        """Enter in the search box: open the top result (once the search has caught up)."""
        result = self._last_result
        if result is None or self.model.query != self._query:
            self._open_when_ready = bool(self._query.strip())
            return
        row = max(self.table.currentIndex().row(), 0)
        hit = self.model.hit_at(row)
        if hit is None:
            return
        warning = result.message if result.direct else ""
        self.nav.open_carer.emit(hit.carer_id, warning or "")

    def _open_index(self, index: QModelIndex) -> None:
        carer_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if isinstance(carer_id, uuid.UUID):
            self.nav.open_carer.emit(carer_id, "")

    def focus_results(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
