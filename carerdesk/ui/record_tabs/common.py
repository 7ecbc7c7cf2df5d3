"""Pieces the carer record's tabs share: the tab base, list models, dialogs, questions."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models import Carer
from carerdesk.services.permissions import Permission
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.tables import (  # noqa: F401  (shared with the tabs through here)
    Column,
    Index,
    R,
    RowsModel,
    first_line,
    local_time,
    make_table,
    uk_date,
    uk_datetime,
)
from carerdesk.ui.widgets import FieldWithError, error_label, set_error
from carerdesk.ui.worker import DbWorker


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
