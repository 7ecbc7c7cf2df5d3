"""Signals that let pages ask the main window to move between screens."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Navigator(QObject):
    # carer id (uuid.UUID), and a warning to show on opening ("" if none)
    open_carer = Signal(object, str)
    register_carer = Signal()
    show_find = Signal()
    # Something was saved: "carer", "card", "contact", "offer", "business", "user", "settings"
    changed = Signal(str)
    # A short, calm message for the status bar
    notify = Signal(str)
