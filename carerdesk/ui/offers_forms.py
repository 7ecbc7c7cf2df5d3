"""What the offer and business dialogs share: a scrolling form that saves
through the worker and shows the service's messages next to the fields."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.ui.errors import show_problem
from carerdesk.ui.offers_models import uk_date
from carerdesk.ui.widgets import FieldWithError, confirm_discard, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import parse_date


def split_list(text: str) -> list[str]:
    """A comma separated line as a list, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def date_text(text: str) -> str:
    """Check a typed date and give it back as dd/mm/yyyy (blank stays blank)."""
    return uk_date(parse_date(text))


class ListCompleter(QCompleter):
    """Completes the last item of a comma separated line from known words."""

    def __init__(self, words: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(list(words), parent)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        chosen = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        head = text.rsplit(",", 1)[0] if "," in text else ""
        return f"{head}, {chosen}" if head else chosen


def plain_text_box(max_height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMaximumHeight(max_height)
    return box


class RecordDialog(QDialog):
    """A form in a scroll area with Save and Cancel (or only Close when read-only).

    Subclasses build their rows into ``self.form`` (keeping ``self.rows`` by
    service field name), and implement ``state`` (what is typed, to spot
    changes) and ``changes`` (the service input, or None after showing a
    problem), and ``submit`` (a function of the desk that saves and returns
    the record's id).
    """

    saved = Signal(object)  # the saved record's id (uuid.UUID)

    def __init__(self, worker: DbWorker, title: str, *, record_id: uuid.UUID | None,
                 read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.record_id = record_id
        self.read_only = read_only
        self.rows: dict[str, FieldWithError] = {}
        self._initial: Any = None
        self._saving = False
        self.setWindowTitle(title)
        self.setModal(True)

        self.general_error = error_label()
        self.general_error.setObjectName("dialogError")
        inner = QWidget()
        self.form = QFormLayout(inner)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll = scroll

        if read_only:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
            close.setObjectName("closeButton")
            close.setAccessibleName("Close")
            close.setDefault(True)
            self.buttons.rejected.connect(self.reject)
            self.save_button = None
        else:
            self.buttons = QDialogButtonBox()
            self.save_button = self.buttons.addButton(
                "&Save", QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.save_button.setObjectName("saveButton")
            self.save_button.setAccessibleName("Save")
            self.save_button.setDefault(True)
            cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            cancel.setObjectName("cancelButton")
            cancel.setAccessibleName("Cancel")
            self.buttons.accepted.connect(self.save)
            self.buttons.rejected.connect(self.reject)

        self.title_label = heading(title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.general_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)

    # -- for subclasses ------------------------------------------------------

    def state(self) -> Any:
        raise NotImplementedError

    def changes(self) -> Any:
        raise NotImplementedError

    def submit(self, changes: Any) -> Callable[[Desk], uuid.UUID]:
        raise NotImplementedError

    def finish_loading(self) -> None:
        """Call at the end of the subclass's __init__: remembers the loaded state."""
        if self.read_only:
            for row in self.rows.values():
                _make_read_only(row.field)
        self._initial = self.state()
        self.setMinimumWidth(560)
        self.resize(max(self.sizeHint().width() + 40, 680), min(self._form_height() + 140, 680))

    def _form_height(self) -> int:
        widget = self.scroll.widget()
        return widget.sizeHint().height() if widget is not None else 400

    # -- errors --------------------------------------------------------------

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        set_error(self.general_error, None)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Show each message next to its field; any others above the form."""
        others = []
        first: QWidget | None = None
        for key, message in errors.items():
            row = self.rows.get(key)
            if row is None:
                others.append(message)
                continue
            row.set_error(message)
            if first is None:
                first = row
        set_error(self.general_error, " ".join(others) or None)
        if first is not None:
            self.scroll.ensureWidgetVisible(first)
            first.setFocus()

    # -- saving --------------------------------------------------------------

    def is_dirty(self) -> bool:
        return not self.read_only and self.state() != self._initial

    def save(self) -> None:
        if self._saving or self.read_only:
            return
        self.clear_errors()
        changes = self.changes()
        if changes is None:
            return
        if self.record_id is not None and not changes.model_fields_set:
            self.accept()  # nothing was changed
            return
        self._saving = True
        if self.save_button is not None:
            self.save_button.setEnabled(False)
        self.worker.submit(self.submit(changes), self._saved, self._failed)

    def _saved(self, record_id: uuid.UUID) -> None:
        self._saving = False
        self._initial = self.state()
        self.saved.emit(record_id)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        if self.save_button is not None:
            self.save_button.setEnabled(True)
        if isinstance(exc, InvalidValue):
            self.show_errors(exc.errors)
        elif isinstance(exc, CarerdeskError):
            set_error(self.general_error, exc.message)
        else:
            show_problem(self, exc)

    def reject(self) -> None:
        if self.is_dirty() and not confirm_discard(self):
            return
        super().reject()


def date_row_value(edit: QLineEdit, row: FieldWithError) -> tuple[bool, date | None]:
    """Read an optional date field: (ok, value); shows the problem when not ok."""
    try:
        return True, parse_date(edit.text())
    except ValueError as exc:
        row.set_error(str(exc))
        return False, None


def _make_read_only(field: QWidget) -> None:
    if isinstance(field, QLineEdit | QPlainTextEdit):
        field.setReadOnly(True)
    else:
        field.setEnabled(False)


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label
