"""The print page: the card queue and its batches, letters and labels, leaflets and posters.

Cards go ``queued -> printed -> issued``. Here staff check the queue is ready,
preview and print a sheet, then say whether every card came out right (only
those are marked printed; failures stay queued), and later mark them handed
over. Reprints, removing a card from the queue and lining the printer up with
the card sheet (a calibration page and a nudge) are here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, PermissionDenied
from carerdesk.models import Card, Carer, PrintBatch
from carerdesk.models.enums import CardKind
from carerdesk.printing import presets
from carerdesk.services import cards, carers, print_cards
from carerdesk.services.permissions import Permission, denial_message
from carerdesk.services.print_cards import CardProblem
from carerdesk.ui import print_actions
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.pdf_preview import PreviewDialog
from carerdesk.ui.print_widgets import (
    CalibrationDialog,
    ChooseCardsDialog,
    LeafletsTab,
    LettersTab,
    labelled,
)
from carerdesk.ui.record_tabs.cards import KIND_NAMES
from carerdesk.ui.record_tabs.common import (
    Column,
    RowsModel,
    ask,
    button,
    chain_focus,
    make_table,
    message_label,
    uk_date,
    uk_datetime,
)
from carerdesk.ui.widgets import heading
from carerdesk.ui.worker import DbWorker

Index = QModelIndex | QPersistentModelIndex
_BLOCKING, _CHECK = QColor("#b00020"), QColor("#7a5200")


@dataclass(frozen=True)
class CardRow:
    """A card in the queue or waiting to be handed over, with what stops it printing."""

    card_id: uuid.UUID
    carer_id: uuid.UUID
    number: str
    name: str
    kind: CardKind
    queued_on: date | None
    printed_at: datetime | None
    problem: str = ""
    blocking: bool = False

    @property
    def readiness(self) -> str:
        if not self.problem:
            return "Ready"
        if self.blocking:
            return f"Cannot print: {self.problem}"
        return f"Ready, but check: {self.problem[:1].lower()}{self.problem[1:]}"


@dataclass(frozen=True)
class _Loaded:
    queued: list[CardRow]
    printed: list[CardRow]


def _joined(messages: list[str]) -> str:
    """Several readiness messages as one line: "a; b; c"."""
    return "; ".join(m.rstrip(".") for m in messages)


def _load(desk: Desk, layout: str) -> _Loaded:
    """The queue checked for printing on ``layout``, and the printed cards."""
    with desk.read() as tx:
        queued, printed = cards.queued_cards(tx), cards.printed_cards(tx)
        problems: dict[uuid.UUID, list[CardProblem]] = {}
        if queued:
            for p in print_cards.readiness(tx, [c.id for c in queued], layout=layout):
                problems.setdefault(p.card_id, []).append(p)

        def row(card: Card) -> CardRow:
            found = problems.get(card.id, [])
            blocking = [p.message for p in found if p.blocking]
            batch = tx.session.get(PrintBatch, card.batch_id) if card.batch_id else None
            return CardRow(
                card.id, card.carer_id, card.number,
                carers.display_name(tx.get(Carer, card.carer_id, "carer")),
                card.kind, card.queued_on, batch.printed_at if batch else None,
                _joined(blocking or [p.message for p in found]), bool(blocking))  # fmt: skip

        return _Loaded([row(c) for c in queued], [row(c) for c in printed])


class QueueModel(RowsModel[CardRow]):
    """Queued cards; a card that cannot print says so in words, in red and bold."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([
            Column("Card number", lambda r: r.number), Column("Name", lambda r: r.name),
            Column("Kind", lambda r: KIND_NAMES[r.kind]),
            Column("Queued on", lambda r: uk_date(r.queued_on)),
            Column("Ready to print?", lambda r: r.readiness),
        ], parent)  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and index.column() == 4 and row.problem:
            if role == Qt.ItemDataRole.ForegroundRole:
                return _BLOCKING if row.blocking else _CHECK
            if role == Qt.ItemDataRole.FontRole and row.blocking:
                font = QFont()
                font.setBold(True)
                return font
        return super().data(index, role)

    def tooltip(self, row: CardRow, column: int) -> str | None:
        return row.readiness if column == 4 and row.problem else None


class PrintPage(QWidget):
    """Card queue and batches, letters and labels, leaflets and posters: one tab each."""

    PERMISSION = Permission.PRINT_BATCH

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        actor = worker.desk.actor
        if not worker.desk.can(self.PERMISSION):
            raise PermissionDenied(denial_message(actor.role, self.PERMISSION))
        super().__init__(parent)
        self.setObjectName("printPage")
        self.worker, self.nav = worker, nav
        self.pending: list[CardRow] = []  # cards sent to the last preview, not yet marked
        self.pending_layout = ""
        self.preview: PreviewDialog | None = None
        self.status = QLabel()
        self.status.setObjectName("printStatus")
        self.status.hide()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("printTabs")
        self.tabs.setAccessibleName("Printing")
        self.tabs.addTab(self._queue_tab(), "&Card queue")
        self.letters = LettersTab(worker, self._say)
        self.leaflets = LeafletsTab(worker, self._say)
        self.tabs.addTab(self.letters, "&Letters and labels")
        self.tabs.addTab(self.leaflets, "Leaflets and pos&ters")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._load_layouts()
        self.leaflets.load()
        self.refresh()

    # -- building ----------------------------------------------------------------------

    def _queue_tab(self) -> QWidget:
        tab = QWidget()
        self.layout_combo = QComboBox()
        layout_label = labelled("La&yout:", self.layout_combo, "cardLayout")
        self.check_button = button("Chec&k again", "checkQueue", self.refresh)
        self.calibrate_button = button("Cali&bration...", "calibration", self.calibrate)
        self.calibrate_button.setToolTip("Line the printer up with the card sheet")
        self.model = QueueModel(self)
        self.table = make_table(self.model, "cardQueue", "Cards waiting to be printed", stretch=4)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.detail = QLabel()
        self.detail.setObjectName("queueDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_detail())
        self.table.doubleClicked.connect(lambda index: self._open_carer(self.model, index.row()))
        self.message = message_label("queueMessage")
        self.pending_note = QLabel()
        self.pending_note.setObjectName("pendingNote")
        self.pending_note.setProperty("role", "warning")
        self.pending_note.setWordWrap(True)
        self.pending_note.hide()
        self.print_selected = button("Preview and print s&elected...", "printSelected",
                                     lambda: self.print_cards(selected=True))
        self.print_all = button("Preview and print &all ready...", "printAllReady",
                                lambda: self.print_cards(selected=False))
        self.mark_printed_button = button("&Mark printed...", "markPrinted", self.mark_printed)
        self.mark_printed_button.setEnabled(False)
        self.remove_button = button("Remove from &queue...", "removeQueued", self.remove)
        self.printed_model: RowsModel[CardRow] = RowsModel([
            Column("Card number", lambda r: r.number), Column("Name", lambda r: r.name),
            Column("Kind", lambda r: KIND_NAMES[r.kind]),
            Column("Printed", lambda r: uk_datetime(r.printed_at)),
        ], self)  # fmt: skip
        self.printed = make_table(self.printed_model, "printedCards",
                                  "Printed, waiting to be handed over", stretch=1)
        self.printed.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.printed.doubleClicked.connect(
            lambda index: self._open_carer(self.printed_model, index.row()))
        self.issue_button = button("Mark &issued", "markIssued", self.mark_issued)
        self.issue_button.setToolTip("The carer has the card (handed over or posted)")
        self.issue_button.setVisible(self.worker.desk.can(Permission.ISSUE_CARD))
        self.reprint_button = button("Repri&nt...", "reprint", self.reprint)

        top = QHBoxLayout()
        top.addWidget(layout_label)
        top.addWidget(self.layout_combo, 1)
        top.addWidget(self.check_button)
        top.addWidget(self.calibrate_button)
        actions = QHBoxLayout()
        for b in (self.print_selected, self.print_all, self.mark_printed_button,
                  self.remove_button):
            actions.addWidget(b)
        actions.addStretch(1)
        printed_actions = QHBoxLayout()
        printed_actions.addWidget(self.issue_button)
        printed_actions.addWidget(self.reprint_button)
        printed_actions.addStretch(1)
        self.queue_title = heading("Cards waiting to be printed")
        self.printed_title = heading("Printed, waiting to be handed over")
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.queue_title)
        layout.addWidget(self.message)
        layout.addWidget(self.pending_note)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addWidget(self.printed_title)
        layout.addWidget(self.printed, 2)
        layout.addLayout(printed_actions)
        chain_focus(self.layout_combo, self.check_button, self.calibrate_button, self.table,
                    self.print_selected, self.print_all, self.mark_printed_button,
                    self.remove_button, self.printed, self.issue_button, self.reprint_button)
        self.layout_combo.currentIndexChanged.connect(lambda _i: self._layout_chosen())
        return tab

    # -- loading -----------------------------------------------------------------------

    def _load_layouts(self) -> None:
        """Card layouts (from a small settings file, so read at once)."""
        sheets = presets.load_presets()
        self.layout_choices = [(n, getattr(sheets.get(n), "label", n))
                               for n in print_cards.layout_names()]  # fmt: skip
        saved = print_actions.chosen_layout()
        self.layout_combo.blockSignals(True)
        for name, label in self.layout_choices:
            self.layout_combo.addItem(label, name)
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(saved), 0))
        self.layout_combo.blockSignals(False)

    def refresh(self) -> None:
        """Read the queue and the printed cards again, checking the queue is ready."""
        layout = str(self.layout_combo.currentData() or "a4-10")
        self.worker.submit(lambda desk: _load(desk, layout), self._show, self._failed,
                           group=f"print-queue-{id(self)}")  # fmt: skip

    def _show_detail(self) -> None:
        """The chosen card's readiness in full (the table cell may be cut short)."""
        row = self.model.row_at(self.table.currentIndex().row())
        text = ""
        if row is not None:
            text = f"{row.number}: {row.readiness}"
            if row.problem:
                text += " Double-click to open the carer's record and put it right."
        elif self.model.rows:
            text = "Choose a card to see whether it is ready to print."
        self.detail.setText(text)
        self.detail.setVisible(bool(text))
        self.detail.setProperty("role", "error" if row is not None and row.blocking else "")
        self.detail.style().unpolish(self.detail)
        self.detail.style().polish(self.detail)

    def _open_carer(self, model: RowsModel[CardRow], row_number: int) -> None:
        row = model.row_at(row_number)
        if row is not None:
            self.nav.open_carer.emit(row.carer_id, "")

    def _show(self, loaded: _Loaded) -> None:
        self.model.set_rows(loaded.queued)
        self.printed_model.set_rows(loaded.printed)
        blocked = sum(1 for r in loaded.queued if r.blocking)
        n = len(loaded.queued)
        self.queue_title.setText(
            "No cards are waiting to be printed." if not n else
            f"Cards waiting to be printed: {n}" + (f" ({blocked} cannot print yet)" if blocked
                                                    else ""))  # fmt: skip
        self.printed_title.setText(f"Printed, waiting to be handed over: {len(loaded.printed)}")
        self.print_all.setEnabled(n > blocked)
        self._show_detail()

    def _layout_chosen(self) -> None:
        print_actions.remember_layout(str(self.layout_combo.currentData()))
        self.refresh()  # whether a name fits depends on the card size

    def page_entered(self) -> None:
        self.refresh()
        if self.tabs.currentIndex() == 0:
            self.table.setFocus()

    def data_changed(self, what: str) -> None:
        if what in ("card", "carer"):
            self.refresh()
        if what in ("offer", "business", "carer"):
            self.leaflets.load()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, CarerdeskError):
            print_actions.tell(self, "Printing", exc.message, warning=True)
        else:
            show_problem(self, exc)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- the card queue ----------------------------------------------------------------

    def _chosen(self, table: QTableView, model: RowsModel[CardRow]) -> list[CardRow]:
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        return [r for r in (model.row_at(i) for i in rows) if r is not None]

    def print_cards(self, *, selected: bool) -> None:
        """Preview (then print) the selected cards, or every ready one; never blocked ones."""
        rows = self._chosen(self.table, self.model) if selected else self.model.rows
        ready = [r for r in rows if not r.blocking]
        self.message.hide()
        if not ready:
            self.message.setText("Choose cards that are ready to print first." if selected
                                 else "No card in the queue is ready to print.")  # fmt: skip
            self.message.show()
            return
        if len(ready) < len(rows) and selected:
            skipped = len(rows) - len(ready)
            self.message.setText(f"{skipped} of the chosen cards cannot print yet and were "
                                 "left out: see the \"Ready to print?\" column.")  # fmt: skip
            self.message.show()
        self._preview(ready)

    def _preview(self, rows: list[CardRow]) -> None:
        layout = str(self.layout_combo.currentData())

        def opened(dialog: PreviewDialog) -> None:
            self.preview = dialog
            self.pending, self.pending_layout = rows, layout
            numbers = ", ".join(r.number for r in rows[:6]) + (" ..." if len(rows) > 6 else "")
            self.pending_note.setText(
                f"Sent to print: {numbers}. When they come out of the printer, check each "
                "card and press Mark printed.")  # fmt: skip
            self.pending_note.show()
            self.mark_printed_button.setEnabled(True)

        print_actions.preview_cards(self.worker, self, [r.card_id for r in rows], layout,
                                    status=self._say, on_open=opened)  # fmt: skip

    def mark_printed(self) -> None:
        """Ask whether every card printed correctly; mark those that did."""
        if not self.pending:
            return
        n = len(self.pending)
        answer = ask(self, "Mark cards printed",
                     "Did they all print correctly?" if n > 1 else "Did the card print correctly?",
                     ["&Yes, mark them printed" if n > 1 else "&Yes, mark it printed",
                      "&Some failed: let me choose" if n > 1 else "&No, it failed"],
                     detail="Look at each card: the name, photo and QR code should be clear "
                     "and inside the card's edges.")  # fmt: skip
        if answer == 0:
            self._mark_printed([r.card_id for r in self.pending])
        elif answer == 1 and n > 1:
            choose = ChooseCardsDialog([(f"{r.number}  {r.name}", r.card_id)
                                        for r in self.pending], self)  # fmt: skip
            choose.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            choose.accepted.connect(lambda: self._mark_printed(choose.chosen()))
            self.choose_dialog = choose
            self.choose_dialog.open()
        elif answer == 1:
            self._forget_pending("The card was not marked printed: it stays in the queue.")

    def _forget_pending(self, message: str) -> None:
        self.pending = []
        self.pending_note.hide()
        self.mark_printed_button.setEnabled(False)
        self.message.setText(message)
        self.message.show()

    def _mark_printed(self, card_ids: list[uuid.UUID]) -> None:
        if not card_ids:
            self._forget_pending("No cards were marked printed: they stay in the queue.")
            return
        layout, n = self.pending_layout, len(card_ids)

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                cards.mark_printed(tx, card_ids, layout=layout)

        self._change(run, f"{n} card{'s' if n != 1 else ''} marked printed.", forget=True)

    def _change(self, run: Callable[[Desk], Any], message: str, *, forget: bool = False) -> None:
        def done(_result: Any) -> None:
            if forget:
                self._forget_pending(message)
            else:
                self.message.setText(message)
                self.message.show()
            self.nav.changed.emit("card")
            self.nav.notify.emit(message)
            self.refresh()

        self.worker.submit(run, done, self._failed)

    def mark_issued(self) -> None:
        rows = self._chosen(self.printed, self.printed_model)
        if not rows:
            self.message.setText("Choose the printed cards that were handed over first.")
            self.message.show()
            return
        ids, n = [r.card_id for r in rows], len(rows)

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                cards.mark_issued(tx, ids)

        self._change(run, f"{n} card{'s' if n != 1 else ''} marked as handed to the carer.")

    def reprint(self) -> None:
        rows = self._chosen(self.printed, self.printed_model)
        if not rows:
            self.message.setText("Choose the printed card to print again first.")
            self.message.show()
            return
        self._preview(rows)

    def remove(self) -> None:
        rows = self._chosen(self.table, self.model)
        if not rows:
            self.message.setText("Choose the cards to take out of the queue first.")
            self.message.show()
            return
        n = len(rows)
        what = f"card {rows[0].number}" if n == 1 else f"these {n} cards"
        if ask(self, "Remove from queue", f"Take {what} out of the print queue?",
               ["&Take out"], detail="They will not be printed, and stay on the carer's "
               "record as cancelled. You can queue a new card later.") != 0:  # fmt: skip
            return
        ids = [r.card_id for r in rows]

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                for card_id in ids:
                    cards.cancel_queued(tx, card_id)

        self._change(run, f"{n} card{'s' if n != 1 else ''} taken out of the print queue.")

    def calibrate(self) -> None:
        dialog = CalibrationDialog(self.worker, self.layout_choices,
                                   str(self.layout_combo.currentData()), self)  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.nav.notify.emit("Printer adjustment saved."))
        self.calibration_dialog = dialog
        dialog.open()
