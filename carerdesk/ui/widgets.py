"""Small building blocks shared by forms: labelled fields with error lines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from carerdesk.models.enums import Choice


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def set_error(label: QLabel, message: str | None) -> None:
    label.setText(message or "")
    label.setVisible(bool(message))


class FieldWithError(QWidget):
    """A field with a plain-English error line underneath it."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.error)
        self.setFocusProxy(field)

    def set_error(self, message: str | None) -> None:
        set_error(self.error, message)
        self.field.setProperty("invalid", bool(message))
        if message:
            self.field.setAccessibleDescription(message)
        else:
            self.field.setAccessibleDescription("")


def add_row(form: QFormLayout, label: str, field: QWidget, name: str) -> FieldWithError:
    """Add ``field`` with a mnemonic label and an error line; give it an accessible name."""
    wrapped = FieldWithError(field)
    field.setObjectName(name)
    field.setAccessibleName(label.replace("&", ""))
    caption = QLabel(label)
    caption.setBuddy(field)
    form.addRow(caption, wrapped)
    return wrapped


def choice_combo(choices: type[Choice], *, blank: str | None = None) -> QComboBox:
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    for member in choices:
        combo.addItem(member.label, member)
    return combo


def combo_value(combo: QComboBox) -> object:
    return combo.currentData()


def set_combo_value(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def line_edit(placeholder: str = "", max_length: int = 200) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(max_length)
    return edit


def check_box(text: str, name: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text.replace("&", ""))
    return box


def to_qdate(d: date | None) -> QDate:
    return QDate(d.year, d.month, d.day) if d else QDate()


def on_leave(edit: QLineEdit, check: Callable[[str], str | None], row: FieldWithError) -> None:
    """Check the field when the user leaves it: tidy the text, or show the problem."""

    def run() -> None:
        text = edit.text()
        try:
            tidied = check(text)
        except ValueError as exc:
            row.set_error(str(exc))
            return
        row.set_error(None)
        if tidied is not None and tidied != text:
            edit.setText(tidied)

    edit.editingFinished.connect(run)


def confirm_discard(parent: QWidget) -> bool:
    """Ask before throwing away unsaved changes. True means discard."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Unsaved changes",
        "You have changes that are not saved yet. Do you want to throw them away?",
        parent=parent,
    )
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    discard = box.addButton("&Discard changes", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is discard


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "heading")
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
