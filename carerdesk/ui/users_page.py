"""The users page: who may sign in, with which role, and their passwords."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models.enums import Role
from carerdesk.services import users
from carerdesk.services.users import UserSummary
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.widgets import FieldWithError, add_row, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker

Index = QModelIndex | QPersistentModelIndex

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.VOLUNTEER: (
        "Finds and registers carers, changes their details, logs contacts, "
        "queues cards and prints leaflets and offer lists."
    ),
    Role.STAFF: (
        "Everything a volunteer can do, and also prints card batches, marks cards as "
        "issued and keeps businesses and offers up to date."
    ),
    Role.COORDINATOR: (
        "Everything, including managing users and scheme settings, monthly returns, "
        "exchanging data with other sites and erasing records."
    ),
}
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


# -- dialogs -----------------------------------------------------------------


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class _FormDialog(QDialog):
    """A small form whose OK button runs one job (``job()``) on the worker."""

    def __init__(self, worker: DbWorker, title: str, ok_text: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.result_value: Any = None
        self._busy = False
        self._pairs: list[tuple[QLineEdit, QLineEdit, str]] = []
        self.setWindowTitle(title)
        self.setObjectName(name)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, FieldWithError] = {}
        self.error = error_label()
        self.error.setObjectName("dialogError")
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("okButton")
        self.ok.setDefault(True)
        cancel = self.buttons.addButton("&Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancelButton")
        self.buttons.accepted.connect(self._check_and_run)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _row(self, key: str, label: str, field: QWidget, name: str) -> None:
        self.rows[key] = add_row(self.form, label, field, name)

    def _password(self, key: str, label: str, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(200)
        self._row(key, label, edit, name)
        return edit

    def _password_twice(self, key: str, label: str, name: str) -> QLineEdit:
        """A password and the same again; OK refuses if the two differ."""
        first = self._password(key, f"&{label}", name)
        again = self._password("again", f"{label} a&gain", name + "Again")
        self._pairs.append((first, again, "again"))
        return first

    def _role(self, role: Role) -> _RoleChooser:
        chooser = _RoleChooser(role)
        self._row("role", "&Role", chooser, "roleChooser")
        chooser.combo.setObjectName("role")
        chooser.combo.setAccessibleName("Role")
        return chooser

    def _check_and_run(self) -> None:
        for row in self.rows.values():
            row.set_error(None)
        set_error(self.error, None)
        for first, again, key in self._pairs:
            if first.text() != again.text():
                self.rows[key].set_error("The two passwords are not the same")
                again.selectAll()
                again.setFocus()
                return
        self._busy = True
        self.ok.setEnabled(False)
        self.worker.submit(self.job(), self._done, self._failed)

    def job(self) -> Callable[[Desk], Any]:
        """The function of the desk that does the work (reads the fields now)."""
        raise NotImplementedError

    def _done(self, value: Any) -> None:
        self._busy = False
        self.ok.setEnabled(True)
        self.result_value = value
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.ok.setEnabled(True)
        if isinstance(exc, InvalidValue):
            first: QWidget | None = None
            for key, message in exc.errors.items():
                row = self.rows.get(key)
                if row is None:
                    set_error(self.error, message)
                    continue
                row.set_error(message)
                first = first or row.field
            if first is not None:
                first.setFocus()
        elif isinstance(exc, CarerdeskError):
            set_error(self.error, exc.message)
        else:
            show_problem(self, exc)

    def reject(self) -> None:
        if not self._busy:  # a job is on its way back to this dialog
            super().reject()


class _RoleChooser(QWidget):
    """A role combo with a plain description of what the chosen role can do."""

    def __init__(self, role: Role = Role.VOLUNTEER) -> None:
        super().__init__()
        self.combo = QComboBox()
        for member in Role:
            self.combo.addItem(member.label, member)
            self.combo.setItemData(self.combo.count() - 1, ROLE_DESCRIPTIONS[member],
                                   Qt.ItemDataRole.ToolTipRole)
        self.description = _note("")
        self.description.setObjectName("roleDescription")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.description)
        self.setFocusProxy(self.combo)
        self.combo.currentIndexChanged.connect(self._describe)
        self.combo.setCurrentIndex(max(self.combo.findData(role), 0))
        self._describe()

    def role(self) -> Role:
        return self.combo.currentData()

    def _describe(self) -> None:
        text = ROLE_DESCRIPTIONS[self.role()]
        self.description.setText(text)
        self.combo.setAccessibleDescription(text)


_FIRST_SIGN_IN = "They will be asked to choose their own password when they first sign in."


class AddUserDialog(_FormDialog):
    """A new user with a temporary password, to be changed at first sign-in."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, "Add a user", "&Add user", "addUserDialog", parent)
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username.setPlaceholderText("e.g. jsmith")
        self._row("username", "&Username", self.username, "newUsername")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(120)
        self._row("display_name", "Full &name", self.display_name, "newDisplayName")
        self.role = self._role(Role.VOLUNTEER)
        self.password = self._password_twice("password", "Temporary password", "newPassword")
        self.form.addRow(_note(_FIRST_SIGN_IN))
        self.username.setFocus()

    def job(self) -> Callable[[Desk], UserSummary]:
        username, name = self.username.text(), self.display_name.text()
        role, password = self.role.role(), self.password.text()

        def add(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.add_user(tx, username=username, role=role, password=password,
                                      display_name=name, must_change_password=True)

        return add


class ResetPasswordDialog(_FormDialog):
    """A new temporary password for someone who forgot theirs (also re-enables them)."""

    def __init__(self, worker: DbWorker, user: UserSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, "Reset a password", "&Reset password", "resetPasswordDialog",
                         parent)
        self.user = user
        self.form.addRow(_note(f"A new temporary password for {user.display_name} "
                               f"({user.username})."))
        self.password = self._password_twice("password", "Temporary password", "resetPassword")
        text = "They will be asked to choose their own password when they next sign in."
        self.form.addRow(_note(text + (" This also lets them sign in again."
                                       if user.disabled else "")))
        self.password.setFocus()

    def job(self) -> Callable[[Desk], UserSummary]:
        username, password = self.user.username, self.password.text()

        def reset(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.reset_password(tx, username, password)

        return reset


class ChangeRoleDialog(_FormDialog):
    """Choose what a user may do."""

    def __init__(self, worker: DbWorker, user: UserSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, "Change a role", "&Save", "changeRoleDialog", parent)
        self.user = user
        self.form.addRow(_note(f"What may {user.display_name} ({user.username}) do?"))
        self.role = self._role(user.role)
        self.role.combo.setFocus()

    def job(self) -> Callable[[Desk], UserSummary]:
        username, role = self.user.username, self.role.role()

        def change(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.set_role(tx, username, role)

        return change


class ChangePasswordDialog(_FormDialog):
    """The signed-in user changes their own password (any role may use this)."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, "Change my password", "Change &password",
                         "changePasswordDialog", parent)
        self.current = self._password("current_password", "C&urrent password",
                                      "currentPassword")
        self.new = self._password_twice("new_password", "New password", "myNewPassword")
        self.form.addRow(_note("Choose at least 8 characters. A short sentence is easy to "
                               "remember and hard to guess."))
        self.current.setFocus()

    def job(self) -> Callable[[Desk], None]:
        current, new = self.current.text(), self.new.text()

        def change(desk: Desk) -> None:
            with desk.transaction() as tx:
                users.change_own_password(tx, current, new)

        return change


# -- the page ----------------------------------------------------------------


class UsersPage(QWidget):
    """The list of users, with buttons to add, disable, reset and change roles."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.dialog: QDialog | None = None
        self.model = UsersModel(self)
        intro = _note(
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
        self.disable_button = self._button("&Disable", "disableUser", self.disable_user)
        self.reset_button = self._button("&Reset password...", "resetPassword",
                                         self.reset_password)
        self.role_button = self._button("Change &role...", "changeRole", self.change_role)
        self.mine_button = self._button("Change &my password...", "changeMyPassword",
                                        self.change_my_password)
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
        keep = select or (self.selected().username if self.selected() else None)

        def read(desk: Desk) -> list[UserSummary]:
            with desk.read() as tx:
                return users.list_users(tx)

        def done(rows: list[UserSummary]) -> None:
            self.model.set_users(rows)
            row = self.model.row_of(keep) if keep else -1
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
        return self._open(AddUserDialog(self.worker, self),
                          lambda u: self._changed(u, f"Added the user {u.username}."))

    def reset_password(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self._open(ResetPasswordDialog(self.worker, user, self),
                          lambda u: self._changed(u, f"New password set for {u.username}."))

    def change_role(self) -> QDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self._open(
            ChangeRoleDialog(self.worker, user, self),
            lambda u: self._changed(u, f"{u.username} is now a {u.role.label.lower()}."),
        )

    def change_my_password(self) -> QDialog:
        return self._open(ChangePasswordDialog(self.worker, self),
                          lambda _: self.nav.notify.emit("Your password has been changed."))

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
            disable, lambda u: self._changed(u, f"{u.username} can no longer sign in."),
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
