"""Building blocks of the exchange tab and its dialogs: how to lock an export, asking
for a file's passphrase, the counts and changes of an import, and the field-by-field
choice between the value here and another site's.

The dialogs are non-blocking: show them with ``open()`` and listen to
``accepted``. An export is locked by default with generated words; saving it
without a password takes a tick, a red warning and a second question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carerdesk.exchange import Counts, FieldChoice, ImportResult, labels
from carerdesk.exchange.labels import field_label, record_label, shown_value
from carerdesk.sheets.safety import PasswordNeeded
from carerdesk.sheets.writer import generate_passphrase
from carerdesk.ui.data_widgets import paragraph, plural, push_button
from carerdesk.ui.offers_list import confirm
from carerdesk.ui.tables import Column, RowsModel
from carerdesk.ui.widgets import add_row, check_box, error_label, set_error
from carerdesk.validation import check_new_password

LOCAL, REMOTE = "local", "remote"
SHOWN_CHARS = 48  # of a value on a choice; the whole value is on its tooltip
_ONE = {"cared-for people": "cared-for person", "people": "person"}
_ACTION = {
    "inserted": ("New", "Added"),
    "updated": ("Changed", "Changed"),
    "deleted": ("Deleted or erased", "Deleted or erased"),
}
NO_PASSWORD_WARNING = (
    "Without a password, anyone who gets the file (a lost memory stick, an email sent to "
    "the wrong person) can read every carer's personal details: names, addresses, dates "
    "of birth and notes about their health and family."
)


# -- passphrases ----------------------------------------------------------------------


def needs_password(exc: BaseException) -> bool:
    """Whether reading failed for want of the right password (ask for it, again if need be)."""
    return isinstance(exc, PasswordNeeded)


def _buttons(
    dialog: QDialog, go_text: str, go_name: str
) -> tuple[QDialogButtonBox, QPushButton, QLabel]:
    """OK-style and Cancel buttons, and a problem line above them."""
    box = QDialogButtonBox()
    go = box.addButton(go_text, QDialogButtonBox.ButtonRole.AcceptRole)
    go.setObjectName(go_name)
    go.setAccessibleName(go_text.replace("&", "").rstrip("."))
    cancel = box.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
    cancel.setObjectName("cancelButton")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    problem = error_label()
    problem.setObjectName("dialogProblem")
    return box, go, problem


class ExportDialog(QDialog):
    """Lock the export with generated words (the default), your own passphrase, or nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Save an export for another site")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = paragraph(
            "The file holds the personal details of every carer here, so it is locked with "
            "a passphrase. The other site needs the passphrase to open it: tell them it "
            "separately (for example by phone), never in the same email or envelope as the "
            "file."
        )
        self.words_choice = QRadioButton("Use these &words as the passphrase (recommended)")
        self.words_choice.setObjectName("useWords")
        self.words = QLabel(generate_passphrase())
        self.words.setObjectName("exportPassphrase")
        self.words.setAccessibleName("Passphrase")
        self.words.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.words.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(max(self.font().pointSize(), 11) + 5)
        self.words.setFont(font)
        self.words.setStyleSheet("padding: 6px; background: #f4f6fa; border: 1px solid #c8cfdc;")
        self.copy_button = push_button("&Copy", "copyPassphrase", "Copy the passphrase")
        self.new_button = push_button("&New words", "newPassphrase", "Make other words")
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.words.text())
        )
        self.new_button.clicked.connect(lambda: self.words.setText(generate_passphrase()))
        words_row = QHBoxLayout()
        words_row.setContentsMargins(24, 0, 0, 0)
        words_row.addWidget(self.words, 1)
        words_row.addWidget(self.copy_button)
        words_row.addWidget(self.new_button)

        self.own_choice = QRadioButton("Type your &own passphrase")
        self.own_choice.setObjectName("useOwn")
        self.own = QLineEdit()
        self.again = QLineEdit()
        for edit in (self.own, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(200)
        self.own_form = QFormLayout()
        self.own_form.setContentsMargins(24, 0, 0, 0)
        self.own_row = add_row(self.own_form, "&Passphrase", self.own, "ownPassphrase")
        self.again_row = add_row(self.own_form, "T&ype it again", self.again, "ownPassphraseAgain")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.words_choice)
        self.choice.addButton(self.own_choice)
        self.words_choice.setChecked(True)

        self.no_password = check_box("Save wit&hout a password", "exportNoPassword")
        self.warning = paragraph(NO_PASSWORD_WARNING, "noPasswordWarning")
        self.warning.setProperty("role", "error")
        self.warning.hide()
        self.buttons, self.go, self.problem = _buttons(self, "&Save...", "saveExport")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.words_choice)
        layout.addLayout(words_row)
        layout.addSpacing(6)
        layout.addWidget(self.own_choice)
        layout.addLayout(self.own_form)
        layout.addSpacing(6)
        layout.addWidget(self.no_password)
        layout.addWidget(self.warning)
        layout.addStretch(1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.go.setDefault(True)  # once in the dialog, so Enter saves from anywhere
        self.choice.buttonToggled.connect(lambda *_: self._update())
        self.no_password.toggled.connect(lambda *_: self._update())
        for edit in (self.own, self.again):
            edit.textEdited.connect(lambda *_: self.own_choice.setChecked(True))
        self._update()
        self.setMinimumWidth(640)
        self.resize(680, self.sizeHint().height() + self.warning.sizeHint().height())
        self.words_choice.setFocus()

    def _update(self) -> None:
        locked = not self.no_password.isChecked()
        for widget in (
            self.words_choice,
            self.own_choice,
            self.words,
            self.copy_button,
            self.new_button,
        ):
            widget.setEnabled(locked)
        self.own.setEnabled(locked)
        self.again.setEnabled(locked)
        self.warning.setVisible(not locked)
        set_error(self.problem, None)

    def password(self) -> str | None:
        """The passphrase chosen, or None to save without one."""
        if self.no_password.isChecked():
            return None
        return self.own.text() if self.own_choice.isChecked() else self.words.text()

    def accept(self) -> None:
        if self.no_password.isChecked():
            if not confirm(self, "Save without a password?",
                           NO_PASSWORD_WARNING + "\n\nSave the file without a password?",
                           "Save &without a password", "&Go back"):  # fmt: skip
                return
        elif self.own_choice.isChecked() and not self._own_ok():
            return
        super().accept()

    def _own_ok(self) -> bool:
        text = self.own.text()
        self.own_row.set_error(None)
        self.again_row.set_error(None)
        try:
            check_new_password(text, "passphrase")
        except ValueError as exc:
            self.own_row.set_error(str(exc))
            self.own.setFocus()
            return False
        if self.again.text() != text:
            self.again_row.set_error("The two passphrases are not the same")
            self.again.setFocus()
            return False
        return True


class PasswordDialog(QDialog):
    """Ask for the passphrase of an export (again, if the last one was wrong)."""

    def __init__(self, file_name: str, wrong: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportPasswordDialog")
        self.setWindowTitle("Passphrase for the file")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        intro = paragraph(
            f"“{file_name}” is locked with a passphrase. Type the passphrase "
            "the other site gave you."
        )
        self.entry = QLineEdit()
        self.entry.setEchoMode(QLineEdit.EchoMode.Password)
        self.entry.setMaxLength(200)
        form = QFormLayout()
        self.row = add_row(form, "&Passphrase", self.entry, "filePassphrase")
        if wrong:
            self.row.set_error(
                "That passphrase is not right. Check it with the other site and try again."
            )
        self.show_box = check_box("&Show what I type", "showPassphrase")
        self.show_box.toggled.connect(
            lambda on: self.entry.setEchoMode(
                QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
            )
        )
        self.buttons, self.go, problem = _buttons(self, "&Open", "openWithPassphrase")
        self.go.setEnabled(False)
        self.entry.textChanged.connect(lambda text: self.go.setEnabled(bool(text)))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.show_box)
        layout.addWidget(problem)
        layout.addWidget(self.buttons)
        self.go.setDefault(True)
        self.setMinimumWidth(520)
        self.entry.setFocus()

    def password(self) -> str:
        return self.entry.text()

    def accept(self) -> None:
        if self.entry.text():
            super().accept()


# -- an import's counts and changes ---------------------------------------------------


class CountsModel(RowsModel[tuple[str, Counts]]):
    """How many records of each type an import adds, changes, deletes... (by sheet)."""

    def __init__(self) -> None:
        super().__init__([
            Column("Records", lambda r: record_label(r[0], plural=True)),
            Column("New", lambda r: f"{r[1].inserted:,}"),
            Column("Changed", lambda r: f"{r[1].updated:,}"),
            Column("Deleted", lambda r: f"{r[1].deleted:,}"),
            Column("Changed at both sites", lambda r: f"{r[1].conflicts:,}"),
            Column("Unchanged", lambda r: f"{r[1].unchanged:,}"),
        ])  # fmt: skip

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


class ChangesModel(RowsModel[Any]):
    """The changes an import makes (or would make), one record a row."""

    def __init__(self) -> None:
        super().__init__([
            Column("Record", lambda c: record_label(c.record_type)),
            Column("What would happen", lambda c: _ACTION[c.action][self.done]),
            Column("Which", lambda c: c.title or f"(reference {str(c.record_id)[:8]})"),
        ])  # fmt: skip
        self.done = 0  # 0: would happen (a preview), 1: happened

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if section == 1 and self.done and role == Qt.ItemDataRole.DisplayRole:
            return "What happened"
        return super().headerData(section, orientation, role)


def outcome_notes(result: ImportResult) -> str:
    """Plain sentences on what an import leaves for someone to do."""
    notes = []
    conflicts = result.totals.conflicts
    if conflicts:
        were = "was" if conflicts == 1 else "were"
        notes.append(
            f"{plural(conflicts, 'record')} {were} changed at both sites: the values here "
            + ("are kept for now, and you will choose which values to keep."
               if result.dry_run else
               "were kept for now. Use “Settle conflicts” to choose which values to keep.")
        )  # fmt: skip
    if result.likely_duplicates:
        n = result.likely_duplicates
        look = "looks" if n == 1 else "look"
        notes.append(
            f"{plural(n, 'carer')} from site {result.site} {look} like "
            f"{'someone' if n == 1 else 'people'} registered here: "
            + ("you will be asked to check." if result.dry_run
               else "use “Check likely matches” to check.")
        )  # fmt: skip
    if result.erased_here:
        n = result.erased_here
        # ``erased_here`` counts records (contacts, cards...), not carers.
        notes.append(
            f"{plural(n, 'record')} held only here about carers erased at another site "
            + ("will be erased here too." if result.dry_run else
               f"{'was' if n == 1 else 'were'} erased here too.")
        )  # fmt: skip
    return " ".join(notes)


# -- the field-by-field choice ---------------------------------------------------------


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """One line, cut with … past ``limit`` characters (a value on a choice, by default)."""
    return labels.shorten(text, limit)


def moves_text(moves: dict[str, int]) -> str:
    """``{"cared-for people": 2, "cards": 1}`` → ``2 cared-for people and 1 card move onto
    the record that is kept.`` (empty if nothing moves)."""
    parts = []
    for what, n in moves.items():
        if n:
            one = _ONE.get(what, what[:-1] if what.endswith("s") else what)
            parts.append(f"{n:,} {one if n == 1 else what}")
    if not parts:
        return ""
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    verb = "moves" if sum(moves.values()) == 1 else "move"
    return f"{listed} {verb} onto the record that is kept."


class ChoiceGrid(QScrollArea):
    """One line per field that differs: its name, then the value here and the other
    site's as two choices (the value here is chosen to begin with)."""

    rebuilt = Signal()  # new lines: the dialog puts them in its Tab order

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the choices
        self.radios: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        self.order: list[QWidget] = []
        self.clear()

    def clear(self, text: str = "") -> None:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        note = paragraph(text)
        layout.addWidget(note)
        layout.addStretch(1)
        self.radios, self.order = {}, []
        self.setWidget(inner)  # the scroll area deletes the previous one
        self.rebuilt.emit()

    def set_fields(self, record_type: str, fields: Sequence[FieldChoice], here: str,
                   there: str) -> None:  # fmt: skip
        """Show ``fields`` of a ``record_type`` record under the captions ``here``, ``there``."""
        if not fields:
            self.clear("The two records hold the same values: there is nothing to choose.")
            return
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for column, title in enumerate(("Field", here, there)):
            caption = QLabel(title)
            caption.setProperty("role", "heading")
            grid.addWidget(caption, 0, column)
        self.radios = {}
        order: list[QWidget] = []
        for row, choice in enumerate(fields, start=1):
            label = field_label(record_type, choice.name)
            name = QLabel(label)
            name.setTextFormat(Qt.TextFormat.PlainText)
            pair = []
            for value, side, caption in ((choice.local, LOCAL, here), (choice.remote, REMOTE,
                                                                        there)):  # fmt: skip
                shown = shown_value(record_type, choice.name, value)
                radio = QRadioButton(shorten(shown).replace("&", "&&"))
                radio.setObjectName(f"{side}_{choice.name}")
                radio.setAccessibleName(f"{label}: {caption}: {shorten(shown, 200)}")
                radio.setToolTip(shown)
                pair.append(radio)
            group = QButtonGroup(inner)
            for radio in pair:
                group.addButton(radio)
            pair[0].setChecked(True)
            name.setBuddy(pair[0])
            grid.addWidget(name, row, 0)
            grid.addWidget(pair[0], row, 1)
            grid.addWidget(pair[1], row, 2)
            self.radios[choice.name] = (pair[0], pair[1])
            order += pair
        grid.setRowStretch(len(fields) + 1, 1)
        self.setWidget(inner)
        self.order = order
        self.rebuilt.emit()

    def choices(self) -> dict[str, str]:
        """Field name → ``"local"`` or ``"remote"``."""
        return {name: (REMOTE if pair[1].isChecked() else LOCAL)
                for name, pair in self.radios.items()}  # fmt: skip

    def choose_all(self, side: str) -> None:
        for local, remote in self.radios.values():
            (remote if side == REMOTE else local).setChecked(True)
