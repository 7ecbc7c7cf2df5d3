"""Dialogs of the users page: add a user, reset a password, change a role or your own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.models.enums import Role
from carerdesk.services import users
from carerdesk.services.users import UserSummary
from carerdesk.ui.errors import show_problem
from carerdesk.ui.widgets import FieldWithError, add_row, error_label, heading, set_error
from carerdesk.ui.worker import DbWorker

# Broken into lines by hand: three short lines never clip, whatever the text size.
ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.VOLUNTEER: (
        "Finds and registers carers, changes their details,\n"
        "logs contacts, queues cards and prints leaflets\n"
        "and offer lists."
    ),
    Role.STAFF: (
        "Everything a volunteer can do, and also prints card\n"
        "batches, marks cards as issued and keeps\n"
        "businesses and offers up to date."
    ),
    Role.COORDINATOR: (
        "Everything, including managing users and scheme\n"
        "settings, monthly returns, exchanging data with\n"
        "other sites and erasing records."
    ),
}


def note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class _FormDialog(QDialog):
    """A small form whose OK button runs one job (``job()``) on the worker."""

    def __init__(
        self, worker: DbWorker, title: str, ok_text: str, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self.result_value: Any = None
        self._busy = False
        self._pairs: list[tuple[QLineEdit, QLineEdit, str]] = []
        self.setWindowTitle(title)
        self.setObjectName(name)
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
        if isinstance(field, QLineEdit):  # room to see what is typed
            field.setMinimumWidth(24 * field.fontMetrics().averageCharWidth())
        self.rows[key] = add_row(self.form, label, field, name)

    def _password(self, key: str, label: str, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(200)
        self._row(key, label, edit, name)
        return edit

    def _password_twice(self, key: str, label: str, name: str) -> tuple[QLineEdit, QLineEdit]:
        """A password and the same again; OK refuses if the two differ."""
        first = self._password(key, f"&{label}", name)
        again = self._password("again", f"{label} a&gain", name + "Again")
        self._pairs.append((first, again, "again"))
        return first, again

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
            self.combo.setItemData(
                self.combo.count() - 1, ROLE_DESCRIPTIONS[member], Qt.ItemDataRole.ToolTipRole
            )
        self.description = QLabel()
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
        return Role(self.combo.currentData())  # Qt hands back a plain str

    def _describe(self) -> None:
        text = ROLE_DESCRIPTIONS[self.role()]
        self.description.setText(text)
        self.combo.setAccessibleDescription(text.replace("\n", " "))


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
        self.password, self.again = self._password_twice(
            "password", "Temporary password", "newPassword"
        )
        self.form.addRow(note(_FIRST_SIGN_IN))
        self.username.setFocus()

    def job(self) -> Callable[[Desk], UserSummary]:
        username, name = self.username.text(), self.display_name.text()
        role, password = self.role.role(), self.password.text()

        def add(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.add_user(
                    tx,
                    username=username,
                    role=role,
                    password=password,
                    display_name=name,
                    must_change_password=True,
                )

        return add


class ResetPasswordDialog(_FormDialog):
    """A new temporary password for someone who forgot theirs (also re-enables them)."""

    def __init__(self, worker: DbWorker, user: UserSummary, parent: QWidget | None = None) -> None:
        super().__init__(
            worker, "Reset a password", "&Reset password", "resetPasswordDialog", parent
        )
        self.user = user
        self.form.addRow(
            note(f"A new temporary password for {user.display_name} ({user.username}).")
        )
        self.password, self.again = self._password_twice(
            "password", "Temporary password", "resetPassword"
        )
        text = "They will be asked to choose their own password when they next sign in."
        self.form.addRow(
            note(text + (" This also lets them sign in again." if user.disabled else ""))
        )
        self.password.setFocus()

    def job(self) -> Callable[[Desk], UserSummary]:
        username, password = self.user.username, self.password.text()

        def reset(desk: Desk) -> UserSummary:
            with desk.transaction() as tx:
                return users.reset_password(tx, username, password)

        return reset


class ChangeRoleDialog(_FormDialog):
    """Choose what a user may do."""

    def __init__(self, worker: DbWorker, user: UserSummary, parent: QWidget | None = None) -> None:
        super().__init__(worker, "Change a role", "&Save", "changeRoleDialog", parent)
        self.user = user
        self.form.addRow(note(f"What may {user.display_name} ({user.username}) do?"))
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
        super().__init__(
            worker, "Change my password", "Change &password", "changePasswordDialog", parent
        )
        self.current = self._password("current_password", "C&urrent password", "currentPassword")
        self.new, self.again = self._password_twice("new_password", "New password", "myNewPassword")
        self.form.addRow(
            note(
                "Choose at least 8 characters. A short sentence is easy to "
                "remember and hard to guess."
            )
        )
        self.current.setFocus()

    def job(self) -> Callable[[Desk], None]:
        current, new = self.current.text(), self.new.text()

        def change(desk: Desk) -> None:
            with desk.transaction() as tx:
                users.change_own_password(tx, current, new)

        return change
