"""Shared helpers for GUI tests: a main window over the test database, and waiting."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from carerdesk.desk import Desk
from carerdesk.services import carers
from carerdesk.services.carers import CarerFields
from carerdesk.ui.main_window import MainWindow
from tests.ui.file_dialogs import Dialogs

SCREEN = (1366, 768)


def wait_idle(qtbot: Any, window: MainWindow, timeout: int = 5000) -> None:
    """Wait until the database worker has nothing left to do."""
    qtbot.waitUntil(lambda: not window.worker.busy, timeout=timeout)


def register_carer_via_service(desk: Desk, *, allow_duplicate: bool = True,
                               **fields: Any) -> uuid.UUID:
    """Register an obviously fake carer straight through the service; its id."""
    values: dict[str, Any] = {"first_name": "Testy", "last_name": "McTestface",
                              "consent_keep_record": True}
    values.update(fields)
    with desk.transaction() as tx:
        carer = carers.register(tx, CarerFields(**values), allow_duplicate=allow_duplicate)
        return carer.id


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """Free each test's widgets here and now.

    Otherwise Python may collect a left-over widget later on the database
    thread, and Qt crashes deleting a widget from the wrong thread.
    """
    yield
    app = QApplication.instance()
    if app is not None:
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    if app is not None:
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def make_window(qtbot: Any) -> Iterator[Callable[[Desk], MainWindow]]:
    """Build main windows (1366 x 768, shown) over given desks; closed at the end."""
    made: list[MainWindow] = []

    def make(desk: Desk) -> MainWindow:
        window = MainWindow(desk)
        window.resize(*SCREEN)
        window.show()
        qtbot.waitExposed(window)
        made.append(window)
        wait_idle(qtbot, window)
        return window

    yield make
    for window in made:
        for page in window._page_by_name.values():
            if getattr(page, "has_unsaved_changes", lambda: False)():
                page.discard_changes()  # type: ignore[attr-defined]
        window.close()
        window.deleteLater()


@pytest.fixture
def window(make_window: Callable[[Desk], MainWindow], desk: Desk) -> MainWindow:
    """The main window, signed in as the test coordinator."""
    return make_window(desk)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    """File dialogs that answer with the paths queued by ``will_answer``."""
    return Dialogs(monkeypatch)
