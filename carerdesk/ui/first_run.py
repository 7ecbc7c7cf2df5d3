"""First run: create the scheme, the first coordinator, and show the recovery key."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from carerdesk.desk import create_database
from carerdesk.errors import CarerdeskError
from carerdesk.ui.errors import show_problem
from carerdesk.ui.threads import run_in_thread
from carerdesk.ui.widgets import FieldWithError, add_row, error_label, set_error
from carerdesk.validation import check_new_password, check_site_code, check_username, tidy


class _SchemePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your scheme")
        self.setSubTitle("These appear on cards and print-outs. You can change them later.")
        form = QFormLayout(self)
        self.scheme = QLineEdit()
        self.site_code = QLineEdit()
        self.site_code.setMaxLength(6)
        self.site_name = QLineEdit()
        self.rows: dict[str, FieldWithError] = {
            "scheme_name": add_row(form, "Scheme &name", self.scheme, "schemeName"),
            "site_code": add_row(form, "Site &code (2 to 6 letters)", self.site_code, "siteCode"),
            "site_name": add_row(form, "Site n&ame", self.site_name, "siteName"),
        }
        self.scheme.setPlaceholderText("e.g. Anytown Carer Passport")
        self.site_code.setPlaceholderText("e.g. ANY")
        self.site_name.setPlaceholderText("e.g. Anytown Carers Centre")

    def validatePage(self) -> bool:
        ok = True
        if not tidy(self.scheme.text()):
            self.rows["scheme_name"].set_error("The scheme needs a name")
            ok = False
        else:
            self.rows["scheme_name"].set_error(None)
        try:
            self.site_code.setText(check_site_code(self.site_code.text()))
            self.rows["site_code"].set_error(None)
        except ValueError as exc:
            self.rows["site_code"].set_error(str(exc))
            ok = False
        return ok


class _CoordinatorPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("The first coordinator")
        self.setSubTitle(
            "This person can add other users and change settings. Choose a password of "
            "at least 8 characters."
        )
        form = QFormLayout(self)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.rows = {
            "username": add_row(form, "&Username", self.username, "adminUsername"),
            "display_name": add_row(form, "Full &name", self.display_name, "adminName"),
            "password": add_row(form, "&Password", self.password, "adminPassword"),
            "again": add_row(form, "Password a&gain", self.again, "adminPasswordAgain"),
        }
        self.error = error_label()
        form.addRow(self.error)

    def validatePage(self) -> bool:
        ok = True
        for key, check, edit in (
            ("username", check_username, self.username),
            ("password", check_new_password, self.password),
        ):
            try:
                check(edit.text())
                self.rows[key].set_error(None)
            except ValueError as exc:
                self.rows[key].set_error(str(exc))
                ok = False
        if ok and self.password.text() != self.again.text():
            self.rows["again"].set_error("The two passwords are not the same")
            ok = False
        else:
            self.rows["again"].set_error(None)
        return ok


class _RecoveryPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your recovery key")
        self.setSubTitle(
            "If every password is forgotten, this key is the only way back in. "
            "Write it down now, or print or save it, and keep it locked away. "
            "It will not be shown again."
        )
        self.key = QLabel()
        self.key.setObjectName("recoveryKey")
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(max(self.font().pointSize(), 11) + 6)
        self.key.setFont(font)
        self.key.setAccessibleName("Recovery key")
        copy = QPushButton("&Copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.key.text()))
        save = QPushButton("&Save to a file...")
        save.clicked.connect(self._save)
        self.saved = QLabel()
        self.saved.setProperty("role", "ok")
        self.done_box = QCheckBox("I have &written the recovery key down and put it somewhere safe")
        self.done_box.setObjectName("recoveryConfirmed")
        self.done_box.toggled.connect(self.completeChanged)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addWidget(save)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.saved)
        layout.addStretch(1)
        layout.addWidget(self.done_box)

    def isComplete(self) -> bool:
        return self.done_box.isChecked()

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the recovery key", "carerdesk-recovery-key.txt", "Text files (*.txt)"
        )
        if path:
            Path(path).write_text(
                "carerdesk recovery key - keep this locked away\n\n" + self.key.text() + "\n",
                encoding="utf-8",
            )
            self.saved.setText("Saved. Move the file to a memory stick you keep locked away.")


class FirstRunWizard(QWizard):
    """Creates the database; ``username`` is the coordinator to sign in as afterwards."""

    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.username = ""
        self.recovery_key = ""
        self._created = False
        self.setWindowTitle("Set up carerdesk")
        self.setObjectName("firstRunWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        welcome = QWizardPage()
        welcome.setTitle("Welcome to carerdesk")
        text = QLabel(
            "This sets up a new, encrypted database on this computer for your Carer "
            "Passport scheme. It takes about a minute.\n\nYou will choose a name for the "
            f"scheme and a password for its first coordinator.\n\nDatabase: {db_path}"
        )
        text.setWordWrap(True)
        QVBoxLayout(welcome).addWidget(text)
        self.scheme_page = _SchemePage()
        self.coordinator_page = _CoordinatorPage()
        self.recovery_page = _RecoveryPage()
        for page in (welcome, self.scheme_page, self.coordinator_page, self.recovery_page):
            self.addPage(page)
        self.currentIdChanged.connect(self._entered)

    def validateCurrentPage(self) -> bool:
        if self.currentPage() is self.coordinator_page and not self._created:
            if not self.coordinator_page.validatePage():
                return False
            self._create()
            return False  # moves on by itself once the database exists
        return super().validateCurrentPage()

    def _create(self) -> None:
        s, c = self.scheme_page, self.coordinator_page
        args = dict(
            scheme_name=s.scheme.text(),
            site_code=s.site_code.text(),
            site_name=s.site_name.text(),
            admin_username=c.username.text(),
            admin_password=c.password.text(),
            admin_display_name=c.display_name.text(),
        )
        self.button(QWizard.WizardButton.NextButton).setEnabled(False)
        self.setCursor(Qt.CursorShape.WaitCursor)
        run_in_thread(lambda: create_database(self.db_path, **args), self._made, self._failed)

    def _made(self, recovery_key: str) -> None:
        self.unsetCursor()
        self._created = True
        self.recovery_key = recovery_key
        self.username = check_username(self.coordinator_page.username.text())
        self.recovery_page.key.setText(recovery_key)
        self.button(QWizard.WizardButton.NextButton).setEnabled(True)
        self.next()

    def _failed(self, exc: BaseException) -> None:
        self.unsetCursor()
        self.button(QWizard.WizardButton.NextButton).setEnabled(True)
        if isinstance(exc, CarerdeskError):
            set_error(self.coordinator_page.error, exc.message)
        else:
            show_problem(self, exc)

    def _entered(self, _id: int) -> None:
        if self.currentPage() is self.recovery_page:
            self.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def reject(self) -> None:
        if self._created:
            return  # the key must be acknowledged; the database already exists
        super().reject()
