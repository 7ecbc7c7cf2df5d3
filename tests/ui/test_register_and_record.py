"""Registering a carer through the real widgets, and opening their record."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton, QWidget
from sqlmodel import func, select

from carerdesk.desk import Desk
from carerdesk.models import Carer
from carerdesk.models.enums import CardStatus, CarerStatus, CarerType, ContactKind, Role
from carerdesk.services import cards, carer_details, carers, contacts
from carerdesk.ui.carer_form import CarerForm
from carerdesk.ui.carer_record import CarerRecordPage
from carerdesk.ui.main_window import MainWindow
from carerdesk.ui.register_page import RegisterPage, prepare_photo
from tests.ui.conftest import register_carer_via_service, wait_idle

LOST = "This card was reported lost: it is no longer valid."


# -- helpers ------------------------------------------------------------------------


def _register_page(qtbot: Any, window: MainWindow) -> RegisterPage:
    assert window.show_page("register")
    page = window.page("register")
    assert isinstance(page, RegisterPage)
    wait_idle(qtbot, window)
    return page


def _open_record(qtbot: Any, window: MainWindow, carer_id: uuid.UUID,
                 warning: str = "") -> CarerRecordPage:
    page = window.page("carer")
    assert isinstance(page, CarerRecordPage)
    window.nav.open_carer.emit(carer_id, warning)
    qtbot.waitUntil(lambda: page.carer_id == carer_id, timeout=5000)
    wait_idle(qtbot, window)
    assert window.current_page_name() == "carer"
    return page


def _type(qtbot: Any, form: CarerForm, name: str, text: str, *, leave: bool = True) -> None:
    edit = form.edits[name]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    if leave:
        qtbot.keyClick(edit, Qt.Key.Key_Tab)


def _click(qtbot: Any, parent: QWidget, name: str) -> None:
    button = parent.findChild(QAbstractButton, name)
    assert button is not None, name
    assert button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _answer_when_asked(qtbot: Any, button_text: str) -> Callable[[], bool]:
    """Click ``button_text`` in the next modal question; returns 'was it answered?'."""
    answered: list[bool] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        for button in box.findChildren(QPushButton):
            if button.text().replace("&", "") == button_text:
                answered.append(True)
                button.click()
                return
        raise AssertionError(f"No button {button_text!r}")

    QTimer.singleShot(0, answer)
    return lambda: bool(answered)


def _fill_in_testy(qtbot: Any, form: CarerForm, *, consent: bool = True) -> None:
    _type(qtbot, form, "first_name", "Testy")
    _type(qtbot, form, "last_name", "McTestface")
    _type(qtbot, form, "date_of_birth", "3/4/1950")
    _type(qtbot, form, "postcode", "sg11aa")
    if consent:
        box = form.boxes["consent_keep_record"]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Space)
        assert box.isChecked()


def _carer_count(desk: Desk) -> int:
    with desk.read() as tx:
        return tx.session.exec(select(func.count()).select_from(Carer)).one()


def _saved(qtbot: Any, page: RegisterPage, before: int = 0) -> uuid.UUID:
    """Click Save and wait for the registration to be done."""
    with qtbot.waitSignal(page.registered, timeout=5000) as signal:
        _click(qtbot, page, "saveCarer")
    return signal.args[0]


# -- registering ------------------------------------------------------------------


def test_registering_through_the_form_saves_the_carer(qtbot, window, desk):
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form)
    assert page.form.edits["postcode"].text() == "SG1 1AA"  # tidied as they left it
    assert page.form.edits["date_of_birth"].text() == "03/04/1950"
    _type(qtbot, page.form, "phone", "07700900123")

    carer_id = _saved(qtbot, page)

    with desk.read() as tx:
        carer = carers.get_carer(tx, carer_id)
    assert (carer.first_name, carer.last_name) == ("Testy", "McTestface")
    assert carer.date_of_birth == date(1950, 4, 3)
    assert carer.postcode == "SG1 1AA"
    assert carer.phone == "07700 900123"
    assert carer.consent_keep_record and not carer.consent_contact
    assert page.after.isVisible()
    assert "Testy McTestface is registered" in page.after_text.text()
    assert not page.has_unsaved_changes()  # the form is ready for the next carer
    assert page.form.edits["first_name"].text() == ""


def test_a_bad_postcode_is_explained_beside_it_and_nothing_is_saved(qtbot, window, desk):
    page = _register_page(qtbot, window)
    _type(qtbot, page.form, "first_name", "Testy")
    _type(qtbot, page.form, "last_name", "McTestface")
    _type(qtbot, page.form, "postcode", "not a postcode")

    error = page.form.rows["postcode"].error
    assert error.isVisible()
    assert "not a UK postcode" in error.text()

    page.form.boxes["consent_keep_record"].setChecked(True)
    _click(qtbot, page, "saveCarer")
    wait_idle(qtbot, window)
    assert error.isVisible()
    assert _carer_count(desk) == 0
    assert page.has_unsaved_changes()


def test_registering_without_consent_asks_first(qtbot, window, desk):
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form, consent=False)
    _click(qtbot, page, "saveCarer")
    assert page.question is not None and page.question.isVisible()
    assert _carer_count(desk) == 0
    with qtbot.waitSignal(page.registered, timeout=5000):
        page.question.findChild(QPushButton, "questionYes").click()
    assert "no card can be made" in page.after_text.text()


def test_a_young_carers_type_and_allowances_follow_their_age(qtbot, window):
    page = _register_page(qtbot, window)
    form = page.form
    assert not form.allowances.isVisibleTo(form)
    twelve_years_ago = date.today().replace(year=date.today().year - 12, day=1)
    _type(qtbot, form, "date_of_birth", twelve_years_ago.strftime("%d/%m/%Y"))
    assert form.age_label.text() == "Age 12."
    assert "Young carer" in form.type_label.text()
    assert form.allowances.isVisibleTo(form)
    parent = form.combos["carer_type"][0]
    parent.setCurrentIndex(parent.findData(CarerType.PARENT_CARER))
    assert "Parent carer (as chosen)" in form.type_label.text()
    assert form.values().carer_type is CarerType.PARENT_CARER


def test_a_likely_duplicate_can_be_registered_as_someone_else(qtbot, window, desk):
    register_carer_via_service(desk, date_of_birth=date(1950, 4, 3))
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form)
    _click(qtbot, page, "saveCarer")
    qtbot.waitUntil(lambda: page.duplicates_dialog is not None
                    and page.duplicates_dialog.isVisible(), timeout=5000)
    dialog = page.duplicates_dialog
    assert dialog.model.rowCount() == 1
    assert _carer_count(desk) == 1

    with qtbot.waitSignal(page.registered, timeout=5000):
        _click(qtbot, dialog, "registerAnyway")
    assert _carer_count(desk) == 2


def test_a_likely_duplicate_can_open_the_existing_record(qtbot, window, desk):
    existing = register_carer_via_service(desk, postcode="SG1 1AA")
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form)
    _click(qtbot, page, "saveCarer")
    qtbot.waitUntil(lambda: page.duplicates_dialog is not None
                    and page.duplicates_dialog.isVisible(), timeout=5000)

    _click(qtbot, page.duplicates_dialog, "openExisting")
    record = window.page("carer")
    qtbot.waitUntil(lambda: record.carer_id == existing, timeout=5000)
    assert window.current_page_name() == "carer"
    assert _carer_count(desk) == 1
    assert page.form.edits["first_name"].text() == "Testy"  # left as it was


def test_a_card_can_be_queued_straight_after_registering(qtbot, window, desk):
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form)
    carer_id = _saved(qtbot, page)

    _click(qtbot, page, "queueCard")
    qtbot.waitUntil(lambda: "queued" in page.after_text.text(), timeout=5000)
    with desk.read() as tx:
        queued = cards.list_cards(tx, carer_id)
    assert [c.status for c in queued] == [CardStatus.QUEUED]
    assert queued[0].number in page.after_text.text()
    assert not page.queue_button.isEnabled()


def test_logging_the_contact_after_registering_opens_the_record(qtbot, window, desk):
    page = _register_page(qtbot, window)
    _fill_in_testy(qtbot, page.form)
    carer_id = _saved(qtbot, page)

    _click(qtbot, page, "logContact")
    record = window.page("carer")
    qtbot.waitUntil(lambda: record.carer_id == carer_id, timeout=5000)
    with desk.read() as tx:
        logged = contacts.list_contacts(tx, carer_id)
    assert [(c.kind, c.minutes) for c in logged] == [(ContactKind.DROP_IN, 15)]


def test_a_chosen_photo_is_cropped_and_stored_with_the_carer(qtbot, window, desk, tmp_path):
    picture = QImage(1200, 800, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.darkCyan)
    path = tmp_path / "face.png"
    assert picture.save(str(path))
    page = _register_page(qtbot, window)
    page.set_photo_file(str(path))
    assert page.photo is not None and page.has_unsaved_changes()
    _fill_in_testy(qtbot, page.form)
    carer_id = _saved(qtbot, page)

    with desk.read() as tx:
        jpeg = carer_details.get_photo(tx, carer_id)
    stored = QImage.fromData(jpeg, "JPEG")
    assert (stored.width(), stored.height()) == (467, 600)  # 35:45, 600 px high
    assert len(jpeg) <= carer_details.MAX_PHOTO_BYTES


def test_a_photo_is_saved_at_lower_quality_if_needed_to_fit(qtbot, monkeypatch):
    # Random noise is the hardest picture to compress: at full quality it is over 1 MB.
    width, height = 350, 450  # exactly 35:45, so nothing is cropped
    pixels = random.Random(1).randbytes(width * height * 3)
    noise = QImage(pixels, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    monkeypatch.setattr("carerdesk.ui.register_page.PHOTO_QUALITY", 100)
    jpeg = prepare_photo(noise)
    assert jpeg.startswith(b"\xff\xd8\xff")
    assert len(jpeg) <= carer_details.MAX_PHOTO_BYTES
    assert QImage.fromData(jpeg, "JPEG").size() == noise.size()


# -- the record ---------------------------------------------------------------------


def test_the_record_shows_the_carer_and_a_warning_banner(qtbot, window, desk):
    carer_id = register_carer_via_service(desk, date_of_birth=date(1950, 4, 3),
                                          postcode="SG1 1AA")
    page = _open_record(qtbot, window, carer_id, LOST)

    assert page.name_label.text() == "Testy McTestface"
    assert "SG1 1AA" in page.summary.text()
    assert "Adult" in page.summary.text()
    assert page.card_label.text() == "No valid card."
    banner = page.findChild(QWidget, "recordWarning")
    assert banner.isVisible() and banner.text() == LOST
    assert page.form.edits["first_name"].text() == "Testy"
    assert "Consent recorded by Test Coordinator" in page.form.consent_line.text()

    page = _open_record(qtbot, window, carer_id)
    assert not banner.isVisible()


def test_editing_details_on_the_record_saves_them(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    page = _open_record(qtbot, window, carer_id)
    _type(qtbot, page.form, "town", "Testville")
    _type(qtbot, page.form, "phone", "07700 900123")
    assert page.has_unsaved_changes()

    _click(qtbot, page, "saveDetails")
    wait_idle(qtbot, window)
    with desk.read() as tx:
        carer = carers.get_carer(tx, carer_id)
    assert (carer.town, carer.phone, carer.first_name) == ("Testville", "07700 900123", "Testy")
    assert not page.has_unsaved_changes()
    assert page.form.edits["town"].text() == "Testville"


def test_a_record_can_be_closed_with_a_reason(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    page = _open_record(qtbot, window, carer_id)
    _click(qtbot, page, "closeRecord")
    dialog = page.close_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.reason, "Moved to another county")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _click(qtbot, dialog, "closeRecordButton")
    wait_idle(qtbot, window)
    with desk.read() as tx:
        carer = carers.get_carer(tx, carer_id)
    assert carer.status is CarerStatus.MOVED
    assert "Record closed" in page.summary.text()


def test_leaving_a_dirty_form_asks_and_keep_editing_keeps_it(qtbot, window):
    page = _register_page(qtbot, window)
    _type(qtbot, page.form, "first_name", "Testy")
    answered = _answer_when_asked(qtbot, "Keep editing")
    window.focus_search()
    assert answered()
    assert window.current_page_name() == "register"
    assert page.form.edits["first_name"].text() == "Testy"


def test_escape_on_a_clean_record_goes_back_to_the_search_box(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    page = _open_record(qtbot, window, carer_id)
    page.form.edits["town"].setFocus()
    qtbot.keyClick(page.form.edits["town"], Qt.Key.Key_Escape)
    assert window.current_page_name() == "find"


def test_a_volunteer_does_not_see_erase(qtbot, make_window, desk, desk_as):
    carer_id = register_carer_via_service(desk)
    window = make_window(desk_as(Role.VOLUNTEER))
    page = _open_record(qtbot, window, carer_id)
    assert page.save_button.isVisibleTo(page)
    assert not page.erase_button.isVisibleTo(page)


def test_a_coordinator_erases_only_after_typing_erase(qtbot, window, desk):
    carer_id = register_carer_via_service(desk)
    page = _open_record(qtbot, window, carer_id)
    assert page.erase_button.isVisibleTo(page)
    _click(qtbot, page, "eraseCarer")
    dialog = page.erase_dialog
    assert dialog is not None and not dialog.go.isEnabled()
    qtbot.keyClicks(dialog.confirm, "ERASE")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _click(qtbot, dialog, "eraseButton")
    wait_idle(qtbot, window)
    assert window.current_page_name() == "find"
    with desk.read() as tx:
        assert tx.session.get(Carer, carer_id).deleted


def test_tab_goes_through_the_form_in_reading_order_then_to_save(qtbot, window):
    page = _register_page(qtbot, window)
    window.activateWindow()
    page.form.focus_chain[0].setFocus()
    seen = []
    for _ in range(45):
        widget = QApplication.focusWidget()
        seen.append(widget.objectName())
        if widget is page.clear_button:
            break
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert seen[:6] == ["title", "first_name", "last_name", "preferred_name", "date_of_birth",
                        "address_line1"]
    assert seen.index("postcode") < seen.index("carer_type") < seen.index("consent_keep_record")
    assert seen[-3:] == ["notes", "saveCarer", "clearForm"]  # allowances: young carers only
