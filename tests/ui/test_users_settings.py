"""The users and scheme settings pages, driven as a coordinator would."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox, QPushButton, QWidget

from carerdesk.desk import Desk, open_desk
from carerdesk.errors import CarerdeskError
from carerdesk.models.enums import Role
from carerdesk.services import settings, users
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.settings_page import SettingsPage
from carerdesk.ui.users_page import (
    AddUserDialog,
    ChangePasswordDialog,
    UsersPage,
)
from carerdesk.ui.worker import DbWorker
from tests.conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD

TEMP_PASSWORD = "temporary-pass-1"
SHOTS = Path("/tmp/shots")


@pytest.fixture
def ui(desk: Desk) -> Iterator[tuple[DbWorker, Navigator]]:
    worker = DbWorker(desk)
    nav = Navigator()
    yield worker, nav
    worker.stop()


def _run(qtbot, worker: DbWorker, fn: Callable[[Desk], Any]) -> Any:  # type: ignore[no-untyped-def]
    """Run ``fn`` on the worker (as the page would) and wait for its answer."""
    box: dict[str, Any] = {}
    worker.submit(fn, lambda r: box.setdefault("ok", r), lambda e: box.setdefault("error", e))
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    if "error" in box:
        raise box["error"]
    return box["ok"]


def _user_list(qtbot, worker: DbWorker) -> dict[str, users.UserSummary]:  # type: ignore[no-untyped-def]
    def read(desk: Desk) -> list[users.UserSummary]:
        with desk.read() as tx:
            return users.list_users(tx)

    return {u.username: u for u in _run(qtbot, worker, read)}


def _scheme(qtbot, worker: DbWorker) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    def read(desk: Desk) -> dict[str, Any]:
        with desk.read() as tx:
            s = settings.get_scheme(tx)
            return {"name": s.name, "idle": s.idle_lock_minutes, "colour": s.primary_colour}

    return _run(qtbot, worker, read)


def _users_page(qtbot, worker: DbWorker, nav: Navigator, rows: int = 1) -> UsersPage:  # type: ignore[no-untyped-def]
    page = UsersPage(worker, nav)
    qtbot.addWidget(page)
    page.resize(1146, 658)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == rows, timeout=5000)
    return page


def _settings_page(qtbot, worker: DbWorker, nav: Navigator) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(worker, nav)
    qtbot.addWidget(page)
    page.resize(1146, 658)
    page.show()
    qtbot.waitUntil(lambda: page._loaded is not None, timeout=5000)
    return page


def _add_volunteer(qtbot, worker: DbWorker, username: str) -> None:  # type: ignore[no-untyped-def]
    def add(desk: Desk) -> None:
        with desk.transaction() as tx:
            users.add_user(
                tx,
                username=username,
                role=Role.VOLUNTEER,
                password=USER_PASSWORD,
                display_name="Testy McTestface",
            )

    _run(qtbot, worker, add)


def _type(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.clear()
    qtbot.keyClicks(edit, text)


def _shoot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"test_{name}.png"))


# -- users ---------------------------------------------------------------------


def test_a_user_added_through_the_dialog_can_sign_in(qtbot, ui, db_path):
    worker, nav = ui
    page = _users_page(qtbot, worker, nav)
    qtbot.mouseClick(page.findChild(QPushButton, "addUser"), Qt.MouseButton.LeftButton)
    dialog = page.findChild(AddUserDialog, "addUserDialog")
    assert dialog is not None and dialog.isVisible()
    _type(qtbot, dialog.username, "testy")
    _type(qtbot, dialog.display_name, "Testy McTestface")
    dialog.role.combo.setCurrentIndex(dialog.role.combo.findData(Role.STAFF))
    assert "marks cards as issued" in dialog.role.description.text()
    _type(qtbot, dialog.password, TEMP_PASSWORD)
    _type(qtbot, dialog.again, TEMP_PASSWORD)
    with qtbot.waitSignal(nav.changed, timeout=5000) as changed:
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)  # Enter = Add user
    assert changed.args == ["user"]
    qtbot.waitUntil(lambda: page.model.row_of("testy") >= 0, timeout=5000)
    assert page.selected() is not None and page.selected().username == "testy"
    added = _user_list(qtbot, worker)["testy"]
    assert added.role is Role.STAFF and added.must_change_password
    open_desk(db_path, "testy", TEMP_PASSWORD).close()


def test_mismatched_passwords_show_a_message_and_add_nobody(qtbot, ui):
    worker, nav = ui
    page = _users_page(qtbot, worker, nav)
    dialog = page.add_user()
    _type(qtbot, dialog.username, "testy")
    _type(qtbot, dialog.password, TEMP_PASSWORD)
    _type(qtbot, dialog.again, TEMP_PASSWORD + "x")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    error = dialog.rows["again"].error
    assert error.isVisible() and "not the same" in error.text()
    assert "testy" not in _user_list(qtbot, worker)
    _shoot(dialog, "users_add_dialog_mismatch")


def test_a_taken_username_is_shown_next_to_the_field(qtbot, ui):
    worker, nav = ui
    page = _users_page(qtbot, worker, nav)
    dialog = page.add_user()
    _type(qtbot, dialog.username, ADMIN)
    _type(qtbot, dialog.password, TEMP_PASSWORD)
    _type(qtbot, dialog.again, TEMP_PASSWORD)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    error = dialog.rows["username"].error
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "already taken" in error.text()
    assert dialog.isVisible()


def test_a_disabled_user_can_no_longer_sign_in(qtbot, ui, db_path):
    worker, nav = ui
    _add_volunteer(qtbot, worker, "testy")
    page = _users_page(qtbot, worker, nav, rows=2)
    page.select_user("testy")
    qtbot.mouseClick(page.findChild(QPushButton, "disableUser"), Qt.MouseButton.LeftButton)
    confirm = page.findChild(QMessageBox, "confirmDisable")
    assert confirm is not None and confirm.isVisible()
    assert "Testy McTestface" in confirm.text()
    _shoot(confirm, "users_disable_confirm")
    with qtbot.waitSignal(nav.notify, timeout=5000):
        qtbot.mouseClick(
            confirm.findChild(QPushButton, "confirmDisableYes"), Qt.MouseButton.LeftButton
        )
    assert _user_list(qtbot, worker)["testy"].disabled
    qtbot.waitUntil(
        lambda: page.model.data(page.model.index(page.model.row_of("testy"), 3)) == "Disabled",
        timeout=5000,
    )
    assert not page.disable_button.isEnabled()
    with pytest.raises(CarerdeskError):
        open_desk(db_path, "testy", USER_PASSWORD)


def test_cancelling_the_confirmation_disables_nobody(qtbot, ui):
    worker, nav = ui
    _add_volunteer(qtbot, worker, "testy")
    page = _users_page(qtbot, worker, nav, rows=2)
    page.select_user("testy")
    confirm = page.disable_user()
    qtbot.keyClick(confirm, Qt.Key.Key_Escape)
    assert not _user_list(qtbot, worker)["testy"].disabled


def test_the_only_coordinator_cannot_be_disabled(qtbot, ui):
    worker, nav = ui
    page = _users_page(qtbot, worker, nav)
    page.select_user(ADMIN)
    confirm = page.disable_user()
    confirm.findChild(QPushButton, "confirmDisableYes").click()
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "problemBox") is not None, timeout=5000)
    problem = page.findChild(QMessageBox, "problemBox")
    assert problem.isVisible()
    assert problem.text() == "You cannot disable your own account."
    _shoot(problem, "users_refused")
    problem.accept()
    assert not _user_list(qtbot, worker)[ADMIN].disabled


def test_a_reset_password_lets_a_disabled_user_back_in(qtbot, ui, db_path):
    worker, nav = ui
    _add_volunteer(qtbot, worker, "testy")

    def disable(desk: Desk) -> None:
        with desk.transaction() as tx:
            users.disable_user(tx, "testy")

    _run(qtbot, worker, disable)
    page = _users_page(qtbot, worker, nav, rows=2)
    page.select_user("testy")
    dialog = page.reset_password()
    assert "sign in again" in " ".join(w.text() for w in dialog.findChildren(type(dialog.error)))
    _type(qtbot, dialog.password, TEMP_PASSWORD)
    _type(qtbot, dialog.again, TEMP_PASSWORD)
    with qtbot.waitSignal(nav.changed, timeout=5000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not _user_list(qtbot, worker)["testy"].disabled
    open_desk(db_path, "testy", TEMP_PASSWORD).close()


def test_changing_a_role_describes_it_and_saves_it(qtbot, ui):
    worker, nav = ui
    _add_volunteer(qtbot, worker, "testy")
    page = _users_page(qtbot, worker, nav, rows=2)
    page.select_user("testy")
    dialog = page.change_role()
    dialog.role.combo.setCurrentIndex(dialog.role.combo.findData(Role.COORDINATOR))
    assert "managing users" in dialog.role.combo.accessibleDescription()
    with qtbot.waitSignal(nav.changed, timeout=5000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert _user_list(qtbot, worker)["testy"].role is Role.COORDINATOR


def test_change_my_password_works_and_checks_the_current_one(qtbot, ui, db_path):
    worker, nav = ui
    page = _users_page(qtbot, worker, nav)
    qtbot.mouseClick(page.findChild(QPushButton, "changeMyPassword"), Qt.MouseButton.LeftButton)
    dialog = page.findChild(ChangePasswordDialog, "changePasswordDialog")
    _type(qtbot, dialog.current, "not-my-password")
    _type(qtbot, dialog.new, "a-brand-new-pass")
    _type(qtbot, dialog.again, "a-brand-new-pass")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    error = dialog.rows["current_password"].error
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "not right" in error.text()
    _type(qtbot, dialog.current, ADMIN_PASSWORD)
    with qtbot.waitSignal(nav.notify, timeout=5000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    open_desk(db_path, ADMIN, "a-brand-new-pass").close()
    with pytest.raises(CarerdeskError):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)


def test_change_password_dialog_stands_alone(qtbot, ui):
    worker, _nav = ui
    dialog = ChangePasswordDialog(worker)
    qtbot.addWidget(dialog)
    dialog.open()
    _type(qtbot, dialog.current, ADMIN_PASSWORD)
    _type(qtbot, dialog.new, "a-brand-new-pass")
    _type(qtbot, dialog.again, "a-brand-new-pass")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)


# -- settings ------------------------------------------------------------------


def test_scheme_name_and_idle_minutes_are_saved(qtbot, ui):
    worker, nav = ui
    page = _settings_page(qtbot, worker, nav)
    assert page.name.text() == "Testshire Carer Passport"
    assert not page.has_unsaved_changes()
    _shoot(page, "settings_page")
    _type(qtbot, page.name, "Newtown Carers Card")
    page.idle.setValue(25)
    assert page.has_unsaved_changes()
    with qtbot.waitSignal(nav.changed, timeout=5000) as changed:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert changed.args == ["settings"]
    assert _scheme(qtbot, worker) == {
        "name": "Newtown Carers Card",
        "idle": 25,
        "colour": "#1d4f91",
    }
    assert not page.has_unsaved_changes()


def test_a_bad_colour_is_explained_next_to_it_and_nothing_is_saved(qtbot, ui):
    worker, nav = ui
    page = _settings_page(qtbot, worker, nav)
    _type(qtbot, page.name, "Newtown Carers Card")
    _type(qtbot, page.primary.edit, "blue")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    error = page.rows["primary_colour"].error
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "six hex digits" in error.text()
    assert page.message.isVisible()
    assert not page.rows["name"].error.isVisible()
    _shoot(page, "settings_bad_colour")
    assert _scheme(qtbot, worker)["name"] == "Testshire Carer Passport"
    assert page.has_unsaved_changes()


def test_leaving_with_unsaved_changes_is_reported_and_can_be_undone(qtbot, ui):
    worker, nav = ui
    page = _settings_page(qtbot, worker, nav)
    assert not page.undo.isEnabled()
    page.photos.setChecked(True)
    assert page.has_unsaved_changes()
    assert page.undo.isEnabled() and page.unsaved.isVisible()
    qtbot.mouseClick(page.undo, Qt.MouseButton.LeftButton)
    assert not page.photos.isChecked()
    assert not page.has_unsaved_changes()


def test_a_png_logo_is_shown_and_saved_and_other_files_are_refused(qtbot, ui, tmp_path):
    worker, nav = ui
    page = _settings_page(qtbot, worker, nav)
    not_png = tmp_path / "logo.png"
    not_png.write_bytes(b"GIF89a not really")
    assert not page.set_logo_file(not_png)
    assert "PNG" in page.rows["logo_png"].error.text()
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4f91"))
    png = tmp_path / "real.png"
    assert image.save(str(png), "PNG")
    assert page.set_logo_file(png)
    assert not page.rows["logo_png"].error.isVisible()
    assert page.logo.remove.isEnabled() and page.has_unsaved_changes()
    with qtbot.waitSignal(nav.changed, timeout=5000):
        page.save()

    def logo(desk: Desk) -> bytes | None:
        with desk.read() as tx:
            return settings.get_scheme(tx).logo_png

    assert _run(qtbot, worker, logo) == png.read_bytes()
    _shoot(page, "settings_with_logo")


def test_sites_are_listed(qtbot, ui):
    worker, nav = ui
    page = _settings_page(qtbot, worker, nav)
    qtbot.waitUntil(lambda: page.sites.rowCount() == 1, timeout=5000)
    assert page.sites.data(page.sites.index(0, 0)) == "TST"
    assert "this computer" in page.sites.data(page.sites.index(0, 1))


# -- who sees the pages -----------------------------------------------------


def test_a_volunteer_has_no_users_or_settings_pages(qtbot, desk_as):
    for module in ("carer_record", "register_page", "offers_page"):
        pytest.importorskip(f"carerdesk.ui.{module}")
    from carerdesk.ui.main_window import MainWindow

    window = MainWindow(desk_as(Role.VOLUNTEER))
    qtbot.addWidget(window)
    window.show()
    try:
        for name in ("users", "settings"):
            assert window.findChild(QPushButton, f"nav_{name}") is None
            assert window.findChild(QAction, f"action_{name}") is None
            assert window.page(name) is None
    finally:
        window.close()


def _mnemonics(window) -> list[str]:  # type: ignore[no-untyped-def]
    """The Alt+letter keys of everything visible in the window, menus included."""
    texts = [a.text() for a in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        shown = widget.isVisibleTo(window)
        if shown and (
            isinstance(widget, QAbstractButton)
            or (isinstance(widget, QLabel) and widget.buddy() is not None)
        ):
            texts.append(widget.text())
    return [m.lower() for t in texts for m in re.findall(r"(?<!&)&([^&\s])", t)]


def test_a_coordinator_reaches_users_and_settings_from_the_window(qtbot, desk):
    for module in ("carer_record", "register_page", "offers_page"):
        pytest.importorskip(f"carerdesk.ui.{module}")
    from carerdesk.ui.main_window import MainWindow

    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        for name, page_class in (("users", UsersPage), ("settings", SettingsPage)):
            assert window.findChild(QPushButton, f"nav_{name}") is not None
            window.findChild(QAction, f"action_{name}").trigger()
            assert isinstance(window.pages.currentWidget(), page_class)
            keys = _mnemonics(window)
            assert sorted(keys) == sorted(set(keys)), f"Alt+letter used twice on {name}"
        qtbot.waitUntil(lambda: window.page("settings")._loaded is not None, timeout=5000)
        qtbot.wait(50)
        _shoot(window, "main_window_settings")
        window.show_page("users")
        page = window.page("users")
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
        qtbot.wait(50)
        _shoot(window, "main_window_users")
        dialog = page.add_user()
        _type(qtbot, dialog.username, "testy")
        _type(qtbot, dialog.password, TEMP_PASSWORD)
        _type(qtbot, dialog.again, TEMP_PASSWORD)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
        # the window passes "user" back to the page; the new user stays selected
        qtbot.waitUntil(
            lambda: page.selected() and page.selected().username == "testy", timeout=5000
        )
        qtbot.wait(100)
        assert page.selected().username == "testy"
    finally:
        window.close()
