"""Fonts and colours: large, readable text with a visible keyboard focus."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 11
LARGER_STEP = 3

_STYLE = """
QWidget:focus { outline: none; }
QLineEdit:focus, QTextEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus,
QSpinBox:focus, QTableView:focus, QListView:focus {
    border: 2px solid #1d4f91;
}
QPushButton:focus, QToolButton:focus, QCheckBox:focus, QRadioButton:focus {
    border: 2px solid #1d4f91; border-radius: 3px;
}
QPushButton { padding: 4px 12px; min-height: 1.6em; }
QLabel[role="error"] { color: #b00020; }
QLabel[role="warning"] {
    background: #fff3cd; color: #5c4400; border: 1px solid #e0b400; padding: 6px;
}
QLabel[role="ok"] { color: #1b5e20; }
QLabel[role="heading"] { font-weight: bold; }
QFrame#lockScreen { background: #f4f6fa; }
"""


def apply_theme(app: QApplication, *, larger_text: bool = False) -> None:
    """Set the base font (the system size, never smaller than 11 pt) and styles."""
    font = QFont(app.font())
    size = max(font.pointSize(), BASE_POINT_SIZE) if font.pointSize() > 0 else BASE_POINT_SIZE
    font.setPointSize(size + (LARGER_STEP if larger_text else 0))
    app.setFont(font)
    app.setStyleSheet(_STYLE)
