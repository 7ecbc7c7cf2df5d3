"""Starting the desktop app: first run, sign in, main window, sign out."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog

from carerdesk.desk import Desk, open_desk
from carerdesk.logs import setup_logging
from carerdesk.store.paths import key_path
from carerdesk.ui.errors import install_excepthook
from carerdesk.ui.first_run import FirstRunWizard
from carerdesk.ui.gc_guard import GuiThreadGarbageCollector
from carerdesk.ui.main_window import MainWindow
from carerdesk.ui.sign_in import SignInDialog
from carerdesk.ui.theme import apply_theme


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("carerdesk")
    app.setOrganizationName("carerdesk")
    if not hasattr(app, "_carerdesk_gc"):
        app._carerdesk_gc = GuiThreadGarbageCollector(app)  # type: ignore[attr-defined]
    apply_theme(app, larger_text=bool(QSettings().value("larger_text", False, type=bool)))  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


class AppController:
    """Walks through first run and sign in, and back to sign in after sign out."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.window: MainWindow | None = None

    def start(self, username: str | None = None, password: str | None = None) -> bool:
        """Show the right first window. False if the user gave up before signing in."""
        if username and password:
            return self.show_main(open_desk(self.db_path, username, password))
        if not self.db_path.exists() and not key_path(self.db_path).exists():
            wizard = FirstRunWizard(self.db_path)
            if wizard.exec() != QDialog.DialogCode.Accepted and not wizard.username:
                return False
            return self.sign_in(wizard.username)
        return self.sign_in("")

    def sign_in(self, username: str) -> bool:
        dialog = SignInDialog(self.db_path, username)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.desk is None:
            return False
        return self.show_main(dialog.desk)

    def show_main(self, desk: Desk) -> bool:
        self.window = MainWindow(desk)
        self.window.signed_out.connect(self._after_sign_out)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return True

    def _after_sign_out(self) -> None:
        if not self.sign_in(""):
            QApplication.quit()


def run_app(db_path: Path, *, username: str | None = None, password: str | None = None) -> int:
    """Run the desktop app until its last window closes."""
    setup_logging()
    app = make_app()
    install_excepthook()
    controller = AppController(db_path)
    if not controller.start(username, password):
        return 0
    return app.exec()
