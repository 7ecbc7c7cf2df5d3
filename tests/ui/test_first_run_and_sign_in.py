"""First run creates the scheme and shows the recovery key; signing in and out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWizard

from carerdesk.desk import open_desk
from carerdesk.store.recovery import normalise_recovery_key
from carerdesk.ui.first_run import FirstRunWizard
from carerdesk.ui.sign_in import SignInDialog
from tests.conftest import ADMIN, ADMIN_PASSWORD


def _type(qtbot, widget, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = widget.findChild(QLineEdit, name)
    assert edit is not None, name
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_first_run_creates_the_scheme_and_shows_the_recovery_key(qtbot, tmp_path):
    db = tmp_path / "new.db"
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()  # past the welcome page
    _type(qtbot, wizard, "schemeName", "Testshire Carer Passport")
    _type(qtbot, wizard, "siteCode", "tst")
    _type(qtbot, wizard, "siteName", "Testshire Centre")
    wizard.next()
    assert wizard.currentPage() is wizard.coordinator_page
    _type(qtbot, wizard, "adminUsername", "coord")
    _type(qtbot, wizard, "adminName", "Casey Coordinator")
    _type(qtbot, wizard, "adminPassword", "long-enough-pw")
    _type(qtbot, wizard, "adminPasswordAgain", "long-enough-pw")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=10_000)
    key = wizard.findChild(QLabel, "recoveryKey").text()
    assert normalise_recovery_key(key) == key
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # the key must be acknowledged first
    wizard.recovery_page.done_box.setChecked(True)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.username == "coord"
    open_desk(db, "coord", "long-enough-pw").close()


def test_first_run_explains_bad_site_code_and_short_password(qtbot, tmp_path):
    db = tmp_path / "new.db"
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    _type(qtbot, wizard, "schemeName", "Testshire")
    _type(qtbot, wizard, "siteCode", "1")
    wizard.next()
    assert wizard.currentPage() is wizard.scheme_page
    assert "site code" in wizard.scheme_page.rows["site_code"].error.text().lower()
    _type(qtbot, wizard, "siteCode", "TST")
    wizard.next()
    _type(qtbot, wizard, "adminUsername", "coord")
    _type(qtbot, wizard, "adminPassword", "short")
    _type(qtbot, wizard, "adminPasswordAgain", "short")
    wizard.next()
    assert wizard.currentPage() is wizard.coordinator_page
    assert "8 characters" in wizard.coordinator_page.rows["password"].error.text()
    assert not db.exists()


def test_sign_in_says_plainly_when_the_password_is_wrong(qtbot, desk, db_path):
    desk.close()
    dialog = SignInDialog(db_path, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "wrong-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert dialog.error.text() == "The password is not right for that username."
    assert dialog.desk is None
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.desk is not None, timeout=5000)
    assert dialog.desk.actor.username == ADMIN
    dialog.desk.close()
