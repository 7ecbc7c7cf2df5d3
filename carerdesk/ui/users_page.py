"""The users page: who may sign in, with which role, and their passwords."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError
from carerdesk.services import users
from carerdesk.services.users import UserSummary
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.user_dialogs import (
    AddUserDialog,
    ChangePasswordDialog,
    ChangeRoleDialog,
    ResetPasswordDialog,
    note,
)
from carerdesk.ui.widgets import heading
from carerdesk.ui.worker import DbWorker

# ChangePasswordDialog is offered here too, so the main window can use it for every role.
__all__ = ["ChangePasswordDialog", "UsersModel", "UsersPage"]

Index = QModelIndex | QPersistentModelIndex

_COLUMNS = ("Username", "Name", "Role", "Status", "Last signed in")


def _when(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in this computer's local time ("Never" if blank)."""
    if moment is None:
        return "Never"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def _status(user: UserSummary) -> str:
    if user.disabled:
        return "Disabled"
    return "Active, has a temporary password" if user.must_change_password else "Active"


class UsersModel(QAbstractTableModel):
    """Rows of ``UserSummary``."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.users: list[UserSummary] = []

    def set_users(self, rows: list[UserSummary]) -> None:
        self.beginResetModel()
        self.users = list(rows)
        self.endResetModel()

    def user_at(self, row: int) -> UserSummary | None:
        return self.users[row] if 0 <= row < len(self.users) else None

    def row_of(self, username: str) -> int:
        return next((i for i, u in enumerate(self.users) if u.username == username), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        user = self.users[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                user.username,
                user.display_name,
                user.role.label,
                _status(user),
                _when(user.last_sign_in),
            )[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return user.username
        return None


# -- the page ----------------------------------------------------------------


class UsersPage(QWidget):
    """The list of users, with buttons to add, disable, reset and change roles."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.dialog: QDialog | None = None
        self._select: str | None = None
        self.model = UsersModel(self)
        intro = note(
            "Everyone who uses carerdesk has their own username and password. A disabled "
            "user can no longer sign in; what they did stays recorded."
        )
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setAccessibleName("Users")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.add_button = self._button("&Add user...", "addUser", self.add_user)
        self.disable_button = self._button("Disa&ble", "disableUser", self.disable_user)
        self.reset_button = self._button("Reset &password...", "resetPassword", self.reset_password)
        self.role_button = self._button("&Change role...", "changeRole", self.change_role)
        self.mine_button = self._button(
            "Change &my password...", "changeMyPassword", self.change_my_password
        )
        row = QHBoxLayout()
        for button in (self.add_button, self.disable_button, self.reset_button, self.role_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.mine_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Users"))
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._update_buttons()
        self.load()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", "").rstrip("."))
        button.clicked.connect(lambda: slot())
        return button

    # -- loading -------------------------------------------------------------

    def load(self, select: str | None = None) -> None:
        """Read the users again; keep (or move) the selection to ``select``."""
        current = self.selected()
        # A newer load may supersede this one before it answers: it keeps the wish.
        self._select = select or self._select or (current.username if current else None)

        def read(desk: Desk) -> list[UserSummary]:
            with desk.read() as tx:
                return users.list_users(tx)

        def done(rows: list[UserSummary]) -> None:
            self.model.set_users(rows)
            row = self.model.row_of(self._select) if self._select else -1
            self._select = None
            if rows:
                self.table.selectRow(max(row, 0))
            self._update_buttons()

        self.worker.submit(read, done, lambda exc: show_problem(self, exc), group="users.list")

    def page_entered(self) -> None:
        self.load()

    def data_changed(self, what: str) -> None:
        if what == "user":
            self.load()

    def selected(self) -> UserSummary | None:
        index = self.table.currentIndex()
        return self.model.user_at(index.row()) if index.isValid() else None

    def select_user(self, username: str) -> None:
        row = self.model.row_of(username)
        if row >= 0:
            self.table.selectRow(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.reset_button, self.role_button):
            button.setEnabled(user is not None)
        self.disable_button.setEnabled(user is not None and not user.disabled)

    # -- actions -------------------------------------------------------------

    def _open(self, dialog: QDialog, on_accepted: Callable[[Any], None]) -> QDialog:
        """Show ``dialog`` without blocking; ``on_accepted(result)`` when it is accepted."""
        self.dialog = dialog

        def finished(code: int) -> None:
            if code == QDialog.DialogCode.Accepted:
                on_accepted(getattr(dialog, "result_value", None))
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _changed(self, user: UserSummary, text: str) -> None:
        self.load(select=user.username)
        self.nav.changed.emit("user")
        self.nav.notify.emit(text)

    def add_user(self) -> QDialog:
        return self._open(
            AddUserDialog(self.worker, self),
            lambda u: self._changed(u, f"Added the user {u.username}."),
        )

    def reset_password(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self._open(
            ResetPasswordDialog(self.worker, user, self),
            lambda u: self._changed(u, f"New password set for {u.username}."),
        )

    def change_role(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self._open(
            ChangeRoleDialog(self.worker, user, self),
            lambda u: self._changed(u, f"{u.username} is now a {u.role.label.lower()}."),
        )

    def change_my_password(self) -> QDialog:
        return self._open(
            ChangePasswordDialog(self.worker, self),
            lambda _: self.nav.notify.emit("Your password has been changed."),
        )

    def disable_user(self) -> QMessageBox | None:
        """Ask first; then stop the selected user signing in."""
        user = self.selected()
        if user is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Disable a user",
            f"Disable {user.display_name} ({user.username})?\n\nThey will no longer be able "
            "to sign in. What they did stays recorded. Reset their password to let them "
            "sign in again.",
            parent=self,
        )
        box.setObjectName("confirmDisable")
        yes = box.addButton("&Disable user", QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("confirmDisableYes")
        no = box.addButton("&Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setEscapeButton(no)
        username = user.username

        def answered() -> None:
            if box.clickedButton() is yes:
                self._disable(username)
            box.deleteLater()

        box.finished.connect(answered)
        self.dialog = box
        box.open()
        return box

    def _disable(self, username: str) -> None:
        def disable(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.disable_user(tx, username)

        self.worker.submit(
            disable,
            lambda u: self._changed(u, f"{u.username} can no longer sign in."),
            self._refused,
        )

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, CarerdeskError):
            show_problem(self, exc)
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Users", exc.message, parent=self)
        box.setObjectName("problemBox")
        box.finished.connect(box.deleteLater)
        self.dialog = box
        box.open()
