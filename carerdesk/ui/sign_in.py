"""Signing in, and the lock screen that hides everything until the password is given."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk, open_desk
from carerdesk.errors import CarerdeskError
from carerdesk.store.keyfile import KeyFile
from carerdesk.ui.errors import show_problem
from carerdesk.ui.threads import run_in_thread
from carerdesk.ui.widgets import error_label, heading, set_error
from carerdesk.ui.worker import DbWorker


class SignInDialog(QDialog):
    """Username and password; opens the database off the GUI thread."""

    def __init__(self, db_path: Path, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.desk: Desk | None = None
        self.setWindowTitle("Sign in to carerdesk")
        self.setObjectName("signInDialog")
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        self.error.setObjectName("signInError")
        form = QFormLayout()
        user_label = QLabel("&Username")
        user_label.setBuddy(self.username)
        pass_label = QLabel("&Password")
        pass_label.setBuddy(self.password)
        form.addRow(user_label, self.username)
        form.addRow(pass_label, self.password)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("&Sign in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("signInButton")
        self.ok.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Sign in"))
        layout.addWidget(QLabel(f"Database: {db_path}"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def _sign_in(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            set_error(self.error, "Please type your username and password.")
            return
        self.ok.setEnabled(False)
        set_error(self.error, None)
        self.setCursor(Qt.CursorShape.WaitCursor)
        run_in_thread(lambda: open_desk(self.db_path, username, password), self._done, self._failed)

    def _done(self, desk: Desk) -> None:
        self.unsetCursor()
        self.desk = desk
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.unsetCursor()
        self.ok.setEnabled(True)
        if isinstance(exc, CarerdeskError):
            set_error(self.error, exc.message)
            self.password.selectAll()
            self.password.setFocus()
        else:
            show_problem(self, exc)


class LockScreen(QFrame):
    """Covers the window. Only the signed-in user's password opens it again."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, worker: DbWorker, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.username = username
        self.setObjectName("lockScreen")
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._try)
        self.error = error_label()
        self.error.setObjectName("lockError")
        unlock = QPushButton("&Unlock")
        unlock.setObjectName("unlockButton")
        unlock.clicked.connect(self._try)
        other = QPushButton("Sign in as &someone else")
        other.clicked.connect(self.sign_out_requested)
        box = QVBoxLayout()
        box.addWidget(heading("carerdesk is locked"))
        box.addWidget(QLabel(f"Signed in as {username}. Type your password to carry on."))
        label = QLabel("&Password")
        label.setBuddy(self.password)
        box.addWidget(label)
        box.addWidget(self.password)
        box.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(unlock)
        row.addWidget(other)
        box.addLayout(row)
        inner = QWidget()
        inner.setLayout(box)
        inner.setMaximumWidth(520)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(inner)
        middle.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(middle)
        outer.addStretch(2)

    def reset(self) -> None:
        self.password.clear()
        set_error(self.error, None)
        self.password.setFocus()

    def _try(self) -> None:
        password, username = self.password.text(), self.username
        if not password:
            set_error(self.error, "Please type your password.")
            return

        def check(desk: Desk) -> None:
            KeyFile.load(desk.keys_path).unwrap_for_user(username, password)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, CarerdeskError):
                set_error(self.error, exc.message)
                self.password.selectAll()
            else:
                show_problem(self, exc)

        self.worker.submit(check, lambda _: self.unlocked.emit(), failed)
