"""The main window: search as you type, scanning, locking, and what each role sees."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from carerdesk.models.enums import Role
from carerdesk.services import cards, users
from tests.conftest import ADMIN_PASSWORD, USER_PASSWORD
from tests.ui.conftest import register_carer_via_service


def _queue_card(desk, carer_id) -> str:  # type: ignore[no-untyped-def]
    with desk.transaction() as tx:
        return cards.queue_card(tx, carer_id).number


def test_search_box_has_focus_at_start_and_on_ctrl_f(qtbot, window):
    assert QApplication.focusWidget() is window.search
    window.search.clearFocus()
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search


def test_results_update_as_you_type_and_enter_opens_the_top_one(qtbot, window, desk):
    carer_id = register_carer_via_service(desk, last_name="Zebedee", postcode="SG1 1AA")
    register_carer_via_service(desk, first_name="Other", last_name="Person")
    qtbot.keyClicks(window.search, "z")
    qtbot.waitUntil(lambda: window.find_page.model.rowCount() == 1)
    qtbot.keyClicks(window.search, "eb")
    qtbot.waitUntil(lambda: window.find_page.model.query == "zeb")
    assert window.find_page.model.hit_at(0).carer_id == carer_id
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page_name() == "carer")
    record = window.page("carer")
    qtbot.waitUntil(lambda: record.carer_id == carer_id)


def test_finds_by_postcode_with_or_without_space(qtbot, window, desk):
    carer_id = register_carer_via_service(desk, postcode="SG1 1AA")
    for typed in ("sg11aa", "SG1 1AA"):
        window.search.clear()
        qtbot.keyClicks(window.search, typed)
        qtbot.waitUntil(lambda t=typed: window.find_page.model.query == t)
        assert [h.carer_id for h in window.find_page.model.hits] == [carer_id]


def test_a_scanned_card_opens_the_record_directly(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    number = _queue_card(desk, carer_id)
    # A USB scanner types fast, in lower case if Caps Lock is on, then presses Enter.
    QTest.keyClicks(window.search, number.lower(), delay=1)
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page_name() == "carer", timeout=5000)
    qtbot.waitUntil(lambda: window.page("carer").carer_id == carer_id)


def test_a_lost_card_warns_clearly_when_scanned(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    number = _queue_card(desk, carer_id)
    with desk.transaction() as tx:
        card = cards.find_card(tx, number)
        cards.mark_printed(tx, [card.id])
        cards.mark_issued(tx, [card.id])
        cards.report_lost(tx, card.id)
    qtbot.keyClicks(window.search, number)
    qtbot.waitUntil(lambda: window.find_page.banner.isVisible())
    assert "reported lost" in window.find_page.banner.text()
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page_name() == "carer")
    warning = window.page("carer").findChild(type(window.find_page.banner), "recordWarning")
    qtbot.waitUntil(lambda: warning.isVisible())
    assert "reported lost" in warning.text()


def test_a_mistyped_card_number_says_so(qtbot, window, desk):
    number = _queue_card(desk, register_carer_via_service(desk))
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    qtbot.keyClicks(window.search, wrong)
    qtbot.waitUntil(lambda: window.find_page.banner.isVisible())
    assert "not valid" in window.find_page.banner.text()


def test_ctrl_l_locks_and_hides_every_personal_detail(qtbot, window, desk):
    register_carer_via_service(desk, last_name="Zebedee")
    qtbot.keyClicks(window.search, "zeb")
    qtbot.waitUntil(lambda: window.find_page.model.rowCount() == 1)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    assert window.current_page_name() == "lock"
    assert not window.search.isVisible()
    assert not window.find_page.isVisible()
    assert "Zebedee" not in _visible_text(window)
    password = window.lock_screen.findChild(QLineEdit, "lockPassword")
    qtbot.keyClicks(password, "wrong-password")
    qtbot.keyClick(password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.lock_screen.error.isVisible())
    assert window.locked
    password.clear()
    qtbot.keyClicks(password, ADMIN_PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked)
    assert window.find_page.isVisible() and window.search.text() == "zeb"


def test_the_desk_locks_itself_when_left_alone(qtbot, window):
    window.idle.set_minutes(0.002)  # about a tenth of a second
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.search.isVisible()


def test_a_volunteer_sees_no_user_management(qtbot, make_window, desk_as):
    window = make_window(desk_as(Role.VOLUNTEER))
    assert window.page("users") is None and window.page("settings") is None
    names = {b.objectName() for b in window.findChildren(type(window._nav_buttons["find"]))}
    assert "nav_users" not in names and "nav_settings" not in names
    assert window.show_page("users") is False


def test_a_temporary_password_must_be_changed_at_first_sign_in(qtbot, make_window, desk,
                                                              db_path):  # fmt: skip
    from carerdesk.desk import open_desk

    with desk.transaction() as tx:
        users.add_user(tx, username="newbie", role=Role.VOLUNTEER, password=USER_PASSWORD,
                       must_change_password=True)  # fmt: skip
    newbie = open_desk(db_path, "newbie", USER_PASSWORD)
    window = make_window(newbie)
    qtbot.waitUntil(lambda: window.findChild(QLineEdit, "currentPassword") is not None)
    dialog = window.findChild(QLineEdit, "currentPassword").window()
    assert dialog.isVisible()
    dialog.reject()


def _visible_text(window) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractItemView, QLabel

    parts = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    for view in window.findChildren(QAbstractItemView):
        if view.isVisible() and view.model() is not None:
            m = view.model()
            parts += [str(m.index(r, c).data()) for r in range(m.rowCount())
                      for c in range(m.columnCount())]  # fmt: skip
    return " ".join(parts)



def test_a_locked_desk_with_unsaved_typing_will_not_close(qtbot, window):
    window.show_page("register")
    register = window.page("register")
    register.form.edits["first_name"].setText("Half-typed")
    assert register.has_unsaved_changes()
    window.lock()
    assert window.close() is False
    assert window.isVisible()
    assert "Unlock first" in window.lock_screen.error.text()
    window.unlock()
    register.discard_changes()
