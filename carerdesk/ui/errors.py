"""Showing problems calmly: one sentence, with technical details hidden."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from carerdesk.errors import CarerdeskError
from carerdesk.logs import log_file

log = logging.getLogger("carerdesk.ui")


def show_problem(parent: QWidget | None, exc: BaseException, *, title: str = "carerdesk") -> None:
    """A user-fixable problem shows its sentence; anything else is logged as a bug."""
    if isinstance(exc, CarerdeskError):
        box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, parent=parent)
        box.setObjectName("problemBox")
        box.exec()
        return
    log.error("Unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        title,
        "Something went wrong inside carerdesk. Nothing you saved has been lost.",
        parent=parent,
    )
    box.setObjectName("bugBox")
    box.setInformativeText(f"The details are in the log file: {log_file()}")
    box.setDetailedText("".join(traceback.format_exception_only(type(exc), exc)).strip())
    box.exec()


def install_excepthook() -> None:
    """Unexpected errors in Qt callbacks go to the log and a calm dialog, not a crash."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("Unhandled error", exc_info=(kind, exc, tb))
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show_problem(None, exc)

    sys.excepthook = hook
