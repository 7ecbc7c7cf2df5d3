"""Pieces the carer record's tabs share: the tab base, list models, dialogs, questions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import Carer
from carerdesk.services.permissions import Permission
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.widgets import FieldWithError, error_label, set_error
from carerdesk.ui.worker import DbWorker

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


# -- showing dates -------------------------------------------------------------


def uk_date(d: date | None) -> str:
    """``03/04/2026``, or blank."""
    return d.strftime("%d/%m/%Y") if d else ""


def local_time(moment: datetime) -> datetime:
    """A stored (UTC) moment in the computer's own time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()


def uk_datetime(moment: datetime | None) -> str:
    """``03/04/2026 14:05`` in local time, or blank."""
    return local_time(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def first_line(text: str | None) -> str:
    """The first line of a note, for a one-line table cell."""
    if not text:
        return ""
    lines = text.strip().splitlines()
    return lines[0] + (" …" if len(lines) > 1 else "")


# -- list models -----------------------------------------------------------------


@dataclass(frozen=True)
class Column(Generic[R]):
    """A table column: its heading and how to show a row in it."""

    title: str
    text: Callable[[R], str]


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of rows, one ``Column`` each. ``UserRole`` gives the row."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.columns[index.column()].text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def tooltip(self, row: R, column: int) -> str | None:
        """Longer text shown on hover; none by default."""
        return None


def make_table(model: QAbstractTableModel, name: str, accessible: str,
               stretch: int | None = None) -> QTableView:
    """A read-only, whole-row-selecting table for ``model``; column ``stretch`` takes
    the spare width (with None, columns keep their natural width)."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def button(text: str, name: str, slot: Callable[[], None] | None = None) -> QPushButton:
    """A push button with an object name and an accessible name."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAccessibleName(text.replace("&", "").rstrip("."))
    widget.setAutoDefault(False)
    if slot is not None:
        widget.clicked.connect(lambda _checked=False: slot())
    return widget


def chain_focus(*widgets: QWidget) -> None:
    """Make Tab move through ``widgets`` in this order."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def message_label(name: str) -> QLabel:
    """A calm line for "done" messages, hidden until used."""
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", "ok")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


# -- the tab base ------------------------------------------------------------------


class RecordTab(QWidget):
    """One tab of the carer record. Subclasses fetch their data in ``reload``."""

    # What others may save (see Navigator.changed) that this tab shows.
    WATCHES: tuple[str, ...] = ()

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.carer: Carer | None = None
        self._generation = 0

    @property
    def carer_id(self) -> uuid.UUID | None:
        return self.carer.id if self.carer is not None else None

    def can(self, permission: Permission) -> bool:
        """Whether the signed-in user's role allows this (read on the GUI thread: in memory)."""
        return self.worker.desk.can(permission)

    def load(self, carer: Carer) -> None:
        """Show this carer (a detached row); the tab fetches the rest itself."""
        self.carer = carer
        self._generation += 1
        self.reload()

    def reload(self) -> None:
        """Fetch this tab's data again through the worker."""

    def data_changed(self, what: str) -> None:
        """Something was saved elsewhere: fetch again if this tab shows it."""
        if what in self.WATCHES and self.carer is not None and not self.has_unsaved_changes():
            self.reload()

    def has_unsaved_changes(self) -> bool:
        return False

    def discard_changes(self) -> None:
        """Throw away anything typed and not saved."""

    def run(self, fn: Callable[[Desk], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None, *,
            group: str | None = None) -> None:
        """Run ``fn(desk)`` on the worker; drop the answer if another carer is shown by then."""
        generation = self._generation

        def done(result: Any) -> None:
            if generation == self._generation:
                on_done(result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            if on_error is not None:
                on_error(exc)
            else:
                show_problem(self, exc)

        self.worker.submit(fn, done, failed, group=group)

    def saved(self, what: str, message: str) -> None:
        """Tell the rest of the window what changed, say so, and fetch again."""
        self.nav.changed.emit(what)
        self.nav.notify.emit(message)
        self.reload()


# -- dialogs -----------------------------------------------------------------------


class FormDialog(QDialog):
    """A small form with Save (the default button) and Cancel.

    Save runs ``job()`` on the worker; the dialog closes only once it worked,
    so problems show next to the field they are about.
    """

    def __init__(self, worker: DbWorker, title: str, parent: QWidget | None = None,
                 save_text: str = "&Save") -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(title)
        self.setObjectName("formDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.fields: dict[str, FieldWithError] = {}
        self.result_value: Any = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.problem = error_label()
        self.problem.setObjectName("dialogProblem")
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName(save_text.replace("&", ""))
        self.save_button.setDefault(True)
        cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        cancel.setAccessibleName("Cancel")
        cancel.setAutoDefault(False)
        self.cancel_button = cancel
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def finish_focus_order(self) -> None:
        """Tab goes down the fields, then to Save and Cancel (call after adding fields)."""
        chain_focus(*(row.field for row in self.fields.values()), self.save_button,
                    self.cancel_button)

    def job(self) -> Callable[[Desk], Any]:
        """The work Save does; subclasses build it from the fields."""
        raise NotImplementedError

    def accept(self) -> None:
        if not self.save_button.isEnabled():
            return  # already saving
        try:
            work = self.job()
        except InvalidValue as exc:
            self._failed(exc)
            return
        self.save_button.setEnabled(False)
        self.worker.submit(work, self._saved, self._failed)

    def _saved(self, result: Any) -> None:
        self.save_button.setEnabled(True)
        self.result_value = result
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        for row in self.fields.values():
            row.set_error(None)
        set_error(self.problem, None)
        if isinstance(exc, InvalidValue):
            others = []
            for key, text in exc.errors.items():
                if key in self.fields:
                    self.fields[key].set_error(text)
                else:
                    others.append(text)
            set_error(self.problem, " ".join(others) or None)
            first = next((self.fields[k] for k in exc.errors if k in self.fields), None)
            if first is not None:
                first.field.setFocus()
        elif isinstance(exc, CarerdeskError):
            set_error(self.problem, exc.message)
        else:
            show_problem(self, exc)


# -- questions ---------------------------------------------------------------------


def ask(parent: QWidget, title: str, text: str, choices: Sequence[str],
        *, detail: str = "") -> int | None:
    """Ask a question with the given answers plus Cancel (the default and Escape).

    Returns the index of the answer chosen, or None for Cancel.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setObjectName("questionBox")
    if detail:
        box.setInformativeText(detail)
    answers = []
    for i, label in enumerate(choices):
        answer = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        answer.setObjectName(f"answer{i}")
        answers.append(answer)
    cancel = box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
    cancel.setObjectName("answerCancel")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return answers.index(clicked) if clicked in answers else None
