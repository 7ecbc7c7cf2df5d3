"""A volunteer's morning, end to end through the real widgets:
first run, sign in, register (meeting a likely duplicate), queue a card, find the
carer by postcode and by card number, and log the contact."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from carerdesk.models.enums import ContactKind
from carerdesk.services import cards, contacts
from carerdesk.ui.first_run import FirstRunWizard
from carerdesk.ui.main_window import MainWindow
from carerdesk.ui.sign_in import SignInDialog
from tests.ui.conftest import wait_idle
from tests.ui.test_register_and_record import _click, _fill_in_testy, _register_page, _saved


def _first_run(qtbot, db) -> str:  # type: ignore[no-untyped-def]
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    for name, text in (("schemeName", "Testshire Carer Passport"), ("siteCode", "TST")):
        qtbot.keyClicks(wizard.findChild(QLineEdit, name), text)
    wizard.next()
    for name, text in (("adminUsername", "coord"), ("adminPassword", "long-enough-pw"),
                       ("adminPasswordAgain", "long-enough-pw")):  # fmt: skip
        qtbot.keyClicks(wizard.findChild(QLineEdit, name), text)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=10_000)
    assert wizard.findChild(QLabel, "recoveryKey").text()
    wizard.recovery_page.done_box.setChecked(True)
    wizard.accept()
    return wizard.username


def test_first_run_to_logged_contact(qtbot, tmp_path):
    db = tmp_path / "carerdesk.db"
    username = _first_run(qtbot, db)

    sign_in = SignInDialog(db, username)
    qtbot.addWidget(sign_in)
    sign_in.show()
    qtbot.keyClicks(sign_in.password, "long-enough-pw")
    qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sign_in.desk is not None, timeout=5000)
    desk = sign_in.desk

    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    wait_idle(qtbot, window)
    try:
        # Register Testy, then someone who looks like Testy: a duplicate warning.
        page = _register_page(qtbot, window)
        _fill_in_testy(qtbot, page.form)
        first = _saved(qtbot, page)
        _fill_in_testy(qtbot, page.form)
        _click(qtbot, page, "saveCarer")
        qtbot.waitUntil(lambda: page.duplicates_dialog is not None
                        and page.duplicates_dialog.isVisible(), timeout=5000)  # fmt: skip
        with qtbot.waitSignal(page.registered, timeout=5000) as registered:
            _click(qtbot, page.duplicates_dialog, "registerAnyway")
        second = registered.args[0]
        assert second != first

        # Queue the new carer's card from the panel shown after saving.
        _click(qtbot, page, "queueCard")
        qtbot.waitUntil(lambda: "queued" in page.after_text.text(), timeout=5000)
        with desk.read() as tx:
            number = cards.list_cards(tx, second)[0].number

        # Find by postcode (both carers live there), then by card number + Enter.
        window.focus_search()
        qtbot.keyClicks(window.search, "sg1 1aa")
        qtbot.waitUntil(lambda: window.find_page.model.query == "sg1 1aa")
        assert {h.carer_id for h in window.find_page.model.hits} == {first, second}
        window.search.clear()
        QTest.keyClicks(window.search, number)
        QTest.keyClick(window.search, Qt.Key.Key_Return)
        record = window.page("carer")
        qtbot.waitUntil(lambda: record.carer_id == second, timeout=5000)

        # Log the contact: Contacts tab, Ctrl+K, Enter.
        tabs = record.tabs
        tabs.setCurrentIndex(next(i for i in range(tabs.count())
                                  if "ontacts" in tabs.tabText(i)))  # fmt: skip
        wait_idle(qtbot, window)
        contacts_tab = tabs.currentWidget()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        contacts_tab.table.setFocus()
        QTest.keyClick(contacts_tab.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: contacts_tab.dialog is not None
                        and contacts_tab.dialog.isVisible(), timeout=5000)  # fmt: skip
        QTest.keyClick(contacts_tab.dialog.focusWidget(), Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: _logged(desk, second), timeout=5000)
        with desk.read() as tx:
            logged = contacts.list_contacts(tx, second)
        assert [(c.kind, c.minutes) for c in logged] == [(ContactKind.DROP_IN, 15)]
    finally:
        window.close()


def _logged(desk, carer_id) -> bool:  # type: ignore[no-untyped-def]
    with desk.read() as tx:
        return bool(contacts.list_contacts(tx, carer_id))
