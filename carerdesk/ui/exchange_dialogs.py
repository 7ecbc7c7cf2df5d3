"""Settling what an import left waiting: conflicts field by field, and likely matches.

Both dialogs are non-blocking (``open()``), load and save on the database
worker, and emit ``changed`` after each decision so the tab can recount.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError
from carerdesk.exchange import (
    ConflictView,
    DuplicateView,
    FieldChoice,
    MergePreview,
    describe_carer,
    describe_record,
    dismiss_possible_duplicate,
    list_conflicts,
    list_possible_duplicates,
    merge_carers,
    merge_preview,
    resolve_conflict,
)
from carerdesk.exchange.labels import field_label
from carerdesk.ui.data_widgets import (
    button_row,
    if_alive,
    paragraph,
    push_button,
    say,
    status_line,
)
from carerdesk.ui.errors import show_problem
from carerdesk.ui.exchange_widgets import LOCAL, REMOTE, ChoiceGrid, moves_text
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_list import confirm
from carerdesk.ui.tables import Column, RowsModel, make_table, uk_datetime
from carerdesk.ui.worker import DbWorker

_ONE_EACH = {"emergency_plan": "emergency plan", "photo": "photo"}  # see services.carer_merge


class _SettleDialog(QDialog):
    """A list of what waits, a choice grid for the selected one, buttons, a status line."""

    changed = Signal()

    def __init__(self, worker: DbWorker, name: str, title: str, intro: str, caption: str,
                 model: RowsModel, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.worker = worker
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.model = model
        self.saving = False
        self.table = make_table(
            model, f"{name}Table", caption.replace("&", "").rstrip(":"), stretch=0
        )
        self.table.setMinimumHeight(120)
        list_caption = QLabel(caption)
        list_caption.setBuddy(self.table)
        self.grid_caption = QLabel()
        self.grid = ChoiceGrid(f"{name}Choices")
        self.status = status_line(f"{name}Status")
        self.close_button = push_button("Close", "closeButton")
        self.close_button.clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(paragraph(intro))
        self.layout_.addWidget(list_caption)
        self.layout_.addWidget(self.table, 2)
        self.layout_.addWidget(self.grid_caption)
        self.layout_.addWidget(self.grid, 3)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.selected(current.row())
        )
        self.resize(1160, 690)

    def finish_layout(self, *buttons: QWidget) -> None:
        row = button_row(*buttons)  # type: ignore[arg-type]
        row.addWidget(self.close_button)
        self.layout_.addWidget(self.status)
        self.layout_.addLayout(row)
        self.buttons = [*buttons, self.close_button]
        self.grid.rebuilt.connect(self._tab_order)
        self._tab_order()

    def _tab_order(self) -> None:
        """List, then the choices (made as records are picked), then the buttons."""
        for before, after in itertools.pairwise([self.table, *self.grid.order, *self.buttons]):
            QWidget.setTabOrder(before, after)

    def current(self) -> Any:
        return self.model.row_at(self.table.currentIndex().row())

    def show_rows(self, rows: list[Any], at: int, said: str, empty: str) -> None:
        """List ``rows`` and select the one at ``at`` (or the last); ``said`` is what the
        last decision did, ``empty`` what to add when nothing is left."""
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(min(at, len(rows) - 1))
            if said:
                say(self.status, said, "ok")
        else:
            self.selected(-1)
            say(self.status, f"{said} {empty}".strip(), "ok")
            self.close_button.setFocus()

    def selected(self, row: int) -> None:
        raise NotImplementedError

    def failed(self, exc: BaseException) -> None:
        self.enable(True)
        if isinstance(exc, CarerdeskError):
            say(self.status, exc.message, "error")
        else:
            say(self.status, "")
            show_problem(self, exc)

    def enable(self, on: bool) -> None:
        raise NotImplementedError

    def run(self, job: Any, done: Any, *, saves: bool = False) -> None:
        self.enable(False)
        self.saving = saves

        def finished(value: Any) -> None:
            self.saving = False
            done(value)

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.failed(exc)

        self.worker.submit(job, if_alive(self, finished), if_alive(self, failed))

    def done(self, result: int) -> None:
        if self.saving:
            # Closed while a decision is being saved: the tab recounts (after it, as the
            # worker runs one job at a time), though this dialog will not hear the end.
            self.changed.emit()
        super().done(result)


# -- conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    view: ConflictView
    what: str  # which record, in words


class ConflictsDialog(_SettleDialog):
    """Records changed at both sites: choose, field by field, the values to keep."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        model: RowsModel[ConflictRow] = RowsModel([
            Column("Record", lambda r: r.what),
            Column("Other site", lambda r: r.view.peer_site),
            Column("Found", lambda r: uk_datetime(r.view.created_at)),
            Column("Fields that differ", lambda r: ", ".join(
                field_label(r.view.record_type, f.name) for f in r.view.fields)),
        ])  # fmt: skip
        super().__init__(worker, "conflictsDialog", "Settle conflicts", (
            "These records were changed both here and at another site before the two "
            "sites exchanged files. The values here are kept until you choose. Your choice "
            "reaches the other site with your next export."),
            "&Records changed at both sites:", model, parent)  # fmt: skip
        self.keep_all = push_button(
            "Keep all &here", "keepAllHere", "Choose the value here for every field"
        )
        self.take_all = push_button(
            "&Take all from the other site",
            "takeAllThere",
            "Choose the other site's value for every field",
        )
        self.save_button = push_button(
            "&Save choice",
            "saveConflictChoice",
            "Keep the values chosen and move to the next record",
        )
        self.keep_all.clicked.connect(lambda: self.grid.choose_all(LOCAL))
        self.take_all.clicked.connect(lambda: self.grid.choose_all(REMOTE))
        self.save_button.clicked.connect(self.save)
        self.finish_layout(self.save_button, self.keep_all, self.take_all)
        self.save_button.setDefault(True)  # once in the dialog: Enter saves from anywhere
        self.load()

    def load(self, at: int = 0, said: str = "") -> None:
        def job(desk: Desk) -> list[ConflictRow]:
            with desk.read() as tx:
                return [ConflictRow(v, describe_record(tx, v.record_type, v.record_id))
                        for v in list_conflicts(tx)]  # fmt: skip

        def done(rows: list[ConflictRow]) -> None:
            self.enable(True)
            self.show_rows(rows, at, said, "Nothing is waiting: every conflict is settled.")

        self.run(job, done)

    def enable(self, on: bool) -> None:
        has = on and self.current() is not None
        for button in (self.save_button, self.keep_all, self.take_all):
            button.setEnabled(has)

    def selected(self, row: int) -> None:
        item = self.model.row_at(row)
        self.enable(item is not None)
        if item is None:
            self.grid.clear()
            self.grid_caption.setText("")
            return
        peer = item.view.peer_site
        self.grid_caption.setText(f"{item.what}: choose the values to keep.")
        self.take_all.setText(f"&Take all from site {peer}")
        self.grid.set_fields(
            item.view.record_type,
            item.view.fields,
            "Keep the value here",
            f"Take the value from site {peer}",
        )

    def save(self) -> None:
        item = self.current()
        if item is None or not self.save_button.isEnabled():
            return
        at, conflict_id = self.table.currentIndex().row(), item.view.conflict_id
        choices = self.grid.choices()

        def job(desk: Desk) -> None:
            with desk.transaction() as tx:
                resolve_conflict(tx, conflict_id, choices)

        def done(_: object) -> None:
            self.changed.emit()
            self.load(at, f"Saved your choice for “{item.what}”.")

        self.run(job, done, saves=True)


# -- likely matches ------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    view: DuplicateView
    here: str  # the carer registered here: name and date of birth
    there: str  # the carer from the other site


class MatchesDialog(_SettleDialog):
    """Carers from another site who look like someone here: merge them, or tell them apart."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        model: RowsModel[MatchRow] = RowsModel([
            Column("Registered here", lambda r: r.here),
            Column("From the other site", lambda r: r.there),
            Column("Site", lambda r: r.view.peer_site),
            Column("Why they look alike", lambda r: r.view.reason),
            Column("Score", lambda r: str(r.view.score)),
        ])  # fmt: skip
        super().__init__(worker, "matchesDialog", "Check likely matches", (
            "Each line is a carer who came from another site and looks like someone "
            "registered here. If they are the same person, merge them: one record keeps "
            "everything. If not, say they are different people."),
            "&Likely matches:", model, parent)  # fmt: skip
        self.nav = nav
        self.preview: MergePreview | None = None
        self.notes = paragraph("", "matchNotes")
        self.layout_.addWidget(self.notes)
        self.merge_button = push_button(
            "They are the &same person: merge...", "mergeButton", "Merge the two records into one"
        )
        self.different_button = push_button(
            "They are &different people",
            "differentButton",
            "Keep both records, and stop suggesting this pair",
        )
        self.open_button = push_button(
            "&Open record here", "openHereButton", "Close this and open the record registered here"
        )
        self.merge_button.clicked.connect(self.merge)
        self.different_button.clicked.connect(self.different)
        self.open_button.clicked.connect(self.open_here)
        self.finish_layout(self.merge_button, self.different_button, self.open_button)
        self.load()

    def load(self, at: int = 0, said: str = "") -> None:
        def job(desk: Desk) -> list[MatchRow]:
            with desk.read() as tx:
                return [MatchRow(d, describe_carer(tx, d.carer_id),
                                 describe_carer(tx, d.other_carer_id))
                        for d in list_possible_duplicates(tx)]  # fmt: skip

        def done(rows: list[MatchRow]) -> None:
            self.enable(True)
            self.show_rows(rows, at, said, "Nothing is waiting: every likely match is checked.")

        self.run(job, done)

    def enable(self, on: bool) -> None:
        item = self.current() if on else None
        self.merge_button.setEnabled(
            item is not None
            and self.preview is not None
            and self.preview.duplicate_id == item.view.duplicate_id
        )
        self.different_button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None)

    def selected(self, row: int) -> None:
        item = self.model.row_at(row)
        self.preview = None
        self.enable(True)
        self.notes.setText("")
        if item is None:
            self.grid.clear()
            self.grid_caption.setText("")
            return
        self.grid_caption.setText("Where the two records differ, choose the value to keep:")
        self.grid.clear("Working out what merging them would do…")
        duplicate_id = item.view.duplicate_id

        def job(desk: Desk) -> MergePreview:
            with desk.read() as tx:
                return merge_preview(tx, duplicate_id)

        self.worker.submit(
            job, if_alive(self, self._previewed), if_alive(self, self.failed), group="merge-preview"
        )

    def _previewed(self, preview: MergePreview) -> None:
        item = self.current()
        if item is None or item.view.duplicate_id != preview.duplicate_id:
            return
        self.preview = preview
        peer = preview.peer_site
        # A carer has one emergency plan and one photo: when both records have one, the
        # choice is between the two (not between values).
        fields = [
            FieldChoice(f.name, f"The {_ONE_EACH[f.name]} registered here",
                        f"The {_ONE_EACH[f.name]} from site {peer}")
            if f.name in _ONE_EACH else f
            for f in preview.fields
        ]  # fmt: skip
        self.grid.set_fields("carer", fields, "Registered here", f"From site {peer}")
        notes = []
        if preview.filled:
            names = ", ".join(field_label("carer", n) for n in preview.filled)
            notes.append(f"Filled in from whichever record has them: {names}.")
        moving = moves_text(preview.moves)
        if moving:
            notes.append(moving[:1].upper() + moving[1:])
        notes.extend(preview.warnings)
        self.notes.setText(" ".join(notes))
        self.enable(True)

    def merge(self) -> None:
        item, preview = self.current(), self.preview
        if item is None or preview is None or preview.duplicate_id != item.view.duplicate_id:
            return
        if not confirm(self, "Merge the two records?", (
                f"{item.here} (registered here) and {item.there} (from site "
                f"{item.view.peer_site}) become one record, with the values chosen. The other "
                "record is removed, here and at every site after the next exchange."),
                "&Merge them", "&Go back"):  # fmt: skip
            return
        at, duplicate_id = self.table.currentIndex().row(), preview.duplicate_id
        choices = self.grid.choices()

        def job(desk: Desk) -> uuid.UUID:
            with desk.transaction() as tx:
                return merge_carers(tx, duplicate_id, choices)

        def done(_kept: uuid.UUID) -> None:
            self.changed.emit()
            self.load(at, "Merged: the two records are now one.")

        self.run(job, done, saves=True)

    def different(self) -> None:
        item = self.current()
        if item is None:
            return
        at, duplicate_id = self.table.currentIndex().row(), item.view.duplicate_id

        def job(desk: Desk) -> None:
            with desk.transaction() as tx:
                dismiss_possible_duplicate(tx, duplicate_id)

        def done(_: object) -> None:
            self.changed.emit()
            self.load(at, "Noted: they are two different people.")

        self.run(job, done, saves=True)

    def open_here(self) -> None:
        item = self.current()
        if item is None:
            return
        self.accept()
        self.nav.open_carer.emit(item.view.carer_id, "")
