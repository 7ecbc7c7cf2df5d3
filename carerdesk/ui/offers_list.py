"""A filtered list with buttons, loaded through the worker: the base of the
offers page's two tabs."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from carerdesk.desk import Desk
from carerdesk.services.permissions import Permission
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_forms import RecordDialog
from carerdesk.ui.offers_models import ID_ROLE
from carerdesk.ui.widgets import check_box
from carerdesk.ui.worker import DbWorker

_MAX_COLUMN = 200


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def push_button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", ""))
    return button


def labelled(layout: QHBoxLayout, text: str, field: QWidget, name: str) -> None:
    field.setObjectName(name)
    field.setAccessibleName(text.replace("&", ""))
    label = QLabel(text)
    label.setBuddy(field)
    layout.addWidget(label)
    layout.addWidget(field)


def set_choices(combo: QComboBox, everything: str, values: list[str]) -> bool:
    """Refill a filter combo, keeping its choice; False if that choice has gone."""
    previous = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for value in values:
        combo.addItem(value, value)
    index = combo.findData(previous) if previous is not None else 0
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
    return index >= 0


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """Ask a yes/no question; the safe answer is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("confirmBox")
    keep = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    go.setObjectName("confirmYes")
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is go


class ListTab(QWidget):
    """A filter row, a table and a row of buttons; loads through the worker."""

    what = ""  # "offer" or "business"
    stretch_column = 0  # takes the width the other columns leave
    keep_columns: tuple[int, ...] = ()  # never squeezed when space is short
    # Something was saved here: (what, a short message for the status bar)
    wrote = Signal(str, str)

    def __init__(self, worker: DbWorker, nav: Navigator, model: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.can_edit = worker.desk.can(Permission.EDIT_OFFERS)
        self.model = model
        self.dialog: RecordDialog | None = None
        self._select_after_load: uuid.UUID | None = None
        self.town = QComboBox()
        self.category = QComboBox()
        for combo in (self.town, self.category):
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.text = QLineEdit()
        self.text.setClearButtonEnabled(True)
        self.text.setPlaceholderText("name, town, category...")
        self.show_retired = check_box("Sho&w retired", f"{self.what}ShowRetired")
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.viewport().installEventFilter(self)
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.count = QLabel()
        self.count.setObjectName(f"{self.what}Count")
        self.buttons = QHBoxLayout()
        self.view_button = push_button("O&pen", f"{self.what}ViewButton")
        self.view_button.clicked.connect(self.open_current)
        self.view_button.setVisible(not self.can_edit)

        self.town.currentIndexChanged.connect(lambda *_: self.refresh())
        self.category.currentIndexChanged.connect(lambda *_: self.refresh())
        self.show_retired.toggled.connect(lambda *_: self.refresh())
        self.text.textChanged.connect(self._text_changed)

    def _layout(self, buttons: list[QPushButton]) -> None:
        filters = QHBoxLayout()
        labelled(filters, "Tow&n", self.town, f"{self.what}TownFilter")
        labelled(filters, "Categor&y", self.category, f"{self.what}CategoryFilter")
        labelled(filters, "Loo&k for", self.text, f"{self.what}TextFilter")
        filters.setStretchFactor(self.text, 1)
        ticks = QHBoxLayout()
        for box in self._extra_filters():
            ticks.addWidget(box)
        ticks.addStretch(1)
        self.table.horizontalHeader().setSectionResizeMode(
            self.stretch_column, QHeaderView.ResizeMode.Stretch
        )
        for button in buttons:
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(ticks)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        chain = [self.town, self.category, self.text, *self._extra_filters(), self.table,
                 *buttons]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
        self._update_buttons()

    def _extra_filters(self) -> list[QWidget]:
        return [self.show_retired]

    # -- loading -------------------------------------------------------------

    def refresh(self) -> None:
        """Read the list again with the current filters."""
        self.worker.submit(self._reader(), self._if_alive(self._loaded),
                           self._if_alive(self._load_failed),
                           group=f"{self.what}-list")

    def _if_alive(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """A result callback that does nothing once this widget has been deleted."""
        return lambda result: callback(result) if isValid(self) else None

    def _reader(self) -> Callable[[Desk], Any]:
        raise NotImplementedError

    def _loaded(self, result: Any) -> None:
        raise NotImplementedError

    def _load_failed(self, exc: BaseException) -> None:
        show_problem(self, exc)

    def _show(self, set_rows: Callable[[], None]) -> None:
        """Fill the model, keeping the selection and fitting the columns."""
        keep = self.selected_ids()
        current = self.table.currentIndex()
        current_id = self.model.data(current, ID_ROLE) if current.isValid() else None
        set_rows()
        self._reselect(keep, current_id)
        if self._select_after_load is not None:
            self.select_id(self._select_after_load)
            self._select_after_load = None
        self._fit_columns()
        self._update_count()
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Size columns to their contents, squeezing some so the stretching
        column keeps at least a quarter of the width."""
        header = self.table.horizontalHeader()
        natural = {
            col: max(self.table.sizeHintForColumn(col), header.sectionSizeHint(col))
            for col in range(self.model.columnCount()) if col != self.stretch_column
        }
        for col in natural:
            if col not in self.keep_columns:
                natural[col] = min(natural[col], _MAX_COLUMN)
        width = self.table.viewport().width()
        room = width - max(width // 4, 160) - sum(natural[c] for c in self.keep_columns)
        flexible = sum(w for c, w in natural.items() if c not in self.keep_columns)
        scale = min(1.0, max(room, 0) / flexible) if flexible else 1.0
        for col, size in natural.items():
            squeeze = col not in self.keep_columns
            header.resizeSection(col, max(int(size * scale), 48) if squeeze else size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _reselect(self, ids: list[uuid.UUID], current_id: Any) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = (selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        for item_id in ids:
            row = self.model.row_of(item_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), flags)
        row = self.model.row_of(current_id) if current_id else -1
        if row >= 0:
            selection.setCurrentIndex(self.model.index(row, 0),
                                      selection.SelectionFlag.NoUpdate)

    def _text_changed(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        raise NotImplementedError

    # -- selection and buttons -----------------------------------------------

    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.data(self.model.index(r, 0), ID_ROLE) for r in rows]

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def select_id(self, item_id: uuid.UUID) -> None:
        """Select just this row (if listed) and make it current."""
        row = self.model.row_of(item_id)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self, *_: Any) -> None:
        n = len(self.table.selectionModel().selectedRows())
        self.view_button.setEnabled(n == 1)
        self._enable(n)

    def _enable(self, n: int) -> None:
        raise NotImplementedError

    # -- opening and saving --------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and not (self.dialog and self.dialog.isVisible()):
            self.open_item(self.model.data(index, ID_ROLE))

    def open_current(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.open_item(ids[0])

    def open_item(self, item_id: uuid.UUID | None) -> None:
        """Open the form (read-only for volunteers); None adds a new one."""
        raise NotImplementedError

    def _show_dialog(self, dialog: RecordDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _: self.table.setFocus())
        dialog.open()

    def _saved(self, item_id: uuid.UUID) -> None:
        self._select_after_load = item_id
        self.wrote.emit(self.what, f"Saved the {self.what}.")

    def _after_write(self, message: str) -> Callable[[Any], None]:
        return self._if_alive(lambda _: self.wrote.emit(self.what, message))

    def _failed(self, exc: BaseException) -> None:
        show_problem(self, exc)
