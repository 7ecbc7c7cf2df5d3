"""Dialogs that ask before a big step on a carer's record.

Registering someone who seems to be registered already (``DuplicatesDialog``),
closing a record (``CloseRecordDialog``) and erasing one (``EraseDialog``).
All are non-blocking: show them with ``open()`` and listen to their signals.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models.enums import CarerStatus
from carerdesk.services import carers, erasure
from carerdesk.services.carers import DuplicateCandidate
from carerdesk.ui.errors import show_problem
from carerdesk.ui.tables import Column, RowsModel, uk_date
from carerdesk.ui.widgets import FieldWithError, add_row, error_label, set_error
from carerdesk.ui.worker import DbWorker
from carerdesk.validation import parse_date

_CLOSE_REASONS = (
    ("They moved away", CarerStatus.MOVED),
    ("They have died", CarerStatus.DECEASED),
    ("They no longer want support", CarerStatus.WITHDRAWN),
)
_COLUMNS: list[Column[DuplicateCandidate]] = [
    Column("Name", lambda c: c.name),
    Column("Date of birth", lambda c: uk_date(c.date_of_birth)),
    Column("Postcode", lambda c: c.postcode or ""),
    Column("Why it looks the same", lambda c: c.reason),
]


def duplicates_model(candidates: list[DuplicateCandidate], parent: Any = None) -> RowsModel:
    """The likely duplicates as a table (``UserRole`` gives the candidate)."""
    model: RowsModel[DuplicateCandidate] = RowsModel(_COLUMNS, parent)
    model.set_rows(candidates)
    return model


class DuplicatesDialog(QDialog):
    """Open the existing record, register anyway, or go back to the form.

    Non-blocking: show it with ``open()`` and listen to the signals.
    """

    open_existing = Signal(object)  # the chosen carer's id
    someone_else = Signal()

    def __init__(self, candidates: list[DuplicateCandidate],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle("Already registered?")
        self.resize(760, 340)
        n = len(candidates)
        intro = QLabel(
            ("This looks like someone who is already registered. "
             if n == 1 else f"This looks like one of {n} people who are already registered. ")
            + "Check with the carer: if it is them, open their record instead of "
            "registering them again."
        )
        intro.setWordWrap(True)

        self.model = duplicates_model(candidates, self)
        self.table = QTableView()
        self.table.setObjectName("duplicatesTable")
        self.table.setAccessibleName("Carers already registered who look the same")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self._open())
        if n:
            self.table.selectRow(0)

        self.open_button = QPushButton("&Open existing record")
        self.open_button.setObjectName("openExisting")
        self.open_button.setAccessibleName("Open existing record")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open)
        self.register_button = QPushButton("&This is someone else")
        self.register_button.setObjectName("registerAnyway")
        self.register_button.setAccessibleName("This is someone else: register them")
        self.register_button.clicked.connect(self._someone_else)
        self.back_button = QPushButton("&Go back")
        self.back_button.setObjectName("goBack")
        self.back_button.setAccessibleName("Go back to the form")
        self.back_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.register_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.table.setFocus()

    def selected_carer_id(self) -> uuid.UUID | None:
        candidate = self.model.row_at(self.table.currentIndex().row()) or self.model.row_at(0)
        return candidate.carer_id if candidate is not None else None

    def _open(self) -> None:
        carer_id = self.selected_carer_id()
        if carer_id is None:
            return
        self.accept()
        self.open_existing.emit(carer_id)

    def _someone_else(self) -> None:
        self.accept()
        self.someone_else.emit()


# -- dialogs -------------------------------------------------------------------------


class _JobDialog(QDialog):
    """A small dialog whose main button runs one worker job and closes once it worked."""

    def __init__(self, worker: DbWorker, title: str, go_text: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.rows: dict[str, FieldWithError] = {}
        self.problem = error_label()
        self.problem.setObjectName("dialogProblem")
        self.buttons = QDialogButtonBox()
        self.go = self.buttons.addButton(go_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.go.setObjectName(name.removesuffix("Dialog") + "Button")
        self.go.setAccessibleName(go_text.replace("&", ""))
        self.cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel.setObjectName("cancelButton")
        self.cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)

    def finish_layout(self, width: int) -> None:
        """Add the form and buttons; size the dialog so wrapped text is never cut off."""
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.problem)
        self.layout_.addWidget(self.buttons)
        self.setMinimumWidth(width)
        height = self.heightForWidth(width)
        if height > 0:
            self.setMinimumHeight(height)
            self.resize(width, height)

    def job(self) -> Callable[[Desk], Any]:
        raise NotImplementedError

    def accept(self) -> None:
        if not self.go.isEnabled():
            return
        set_error(self.problem, None)
        try:
            work = self.job()
        except InvalidValue as exc:
            self._failed(exc)
            return
        self.go.setEnabled(False)
        self.worker.submit(work, lambda _: super(_JobDialog, self).accept(), self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.go.setEnabled(True)
        for row in self.rows.values():
            row.set_error(None)
        if isinstance(exc, InvalidValue) and set(exc.errors) <= set(self.rows):
            for key, message in exc.errors.items():
                self.rows[key].set_error(message)
        elif isinstance(exc, CarerdeskError):
            set_error(self.problem, exc.message)
        else:
            show_problem(self, exc)


class CloseRecordDialog(_JobDialog):
    """Why and since when a carer's record is closed."""

    def __init__(self, worker: DbWorker, carer_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, "Close the record", "&Close record", "closeRecordDialog", parent)
        self.carer_id = carer_id
        intro = QLabel("A closed record is kept, but the carer no longer counts as active "
                       "and no new card can be made for them. You can reopen it later.")
        intro.setWordWrap(True)
        self.layout_.addWidget(intro)
        self.status = QComboBox()
        for text, status in _CLOSE_REASONS:
            self.status.addItem(text, status)
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("optional")
        self.on = QLineEdit(uk_date(worker.desk.clock().date()))
        self.on.setMaxLength(10)
        add_row(self.form, "&Why", self.status, "closeStatus")
        add_row(self.form, "&Note", self.reason, "closeReason")
        self.rows["closed_on"] = add_row(self.form, "&Since", self.on, "closeOn")
        self.go.setDefault(True)
        self.finish_layout(480)

    def job(self) -> Callable[[Desk], Any]:
        try:
            on = parse_date(self.on.text())
        except ValueError as exc:
            raise InvalidValue({"closed_on": str(exc)}) from None
        carer_id, reason = self.carer_id, self.reason.text()
        status = CarerStatus(self.status.currentData())

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                carers.close_record(tx, carer_id, status, reason=reason, on=on)

        return run


class EraseDialog(_JobDialog):
    """Erasing for good, only after ERASE is typed."""

    def __init__(self, worker: DbWorker, carer_id: uuid.UUID, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, "Erase this carer for good?", "&Erase for good", "eraseDialog",
                         parent)
        self.carer_id = carer_id
        warning = QLabel("This cannot be undone.")
        warning.setProperty("role", "warning")
        what = QLabel(
            f"Erasing removes everything personal about {name}: their details, the people "
            "they care for, their emergency plan, photo and contact notes. Their cards stop "
            "being valid. Other sites erase them too at the next exchange.\n\n"
            "If they have only moved away or no longer want support, use Close record "
            "instead.\n\nTo go ahead, type ERASE in capitals in the box."
        )
        what.setWordWrap(True)
        self.layout_.addWidget(warning)
        self.layout_.addWidget(what)
        self.confirm = QLineEdit()
        self.confirm.setMaxLength(20)
        add_row(self.form, "&Type ERASE", self.confirm, "eraseConfirm")
        self.confirm.textChanged.connect(self._typed)
        self._typed("")
        self.finish_layout(560)
        self.confirm.setFocus()

    def _typed(self, text: str) -> None:
        # Until ERASE is typed, Enter means Cancel.
        ready = text.strip() == "ERASE"
        self.go.setEnabled(ready)
        self.go.setDefault(ready)
        self.cancel.setDefault(not ready)

    def job(self) -> Callable[[Desk], Any]:
        carer_id = self.carer_id

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:
                erasure.erase_carer(tx, carer_id)

        return run
