"""The carer record's tabs: cared-for people, emergency plan, cards, contacts, offers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from carerdesk.cardnumbers import parse_card_number
from carerdesk.desk import Desk
from carerdesk.models import Carer
from carerdesk.models.enums import (
    AgeGroup,
    CardKind,
    CardStatus,
    CarerType,
    ContactKind,
    MainNeed,
    Relationship,
    Role,
)
from carerdesk.services import cards, carer_details, carers, contacts, offers
from carerdesk.services.carer_details import CaredForFields, EmergencyPlanFields
from carerdesk.services.carers import CarerFields
from carerdesk.services.contacts import ContactFields
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs import (
    TABS,
    CardsTab,
    CaredForTab,
    CarerOffersTab,
    ContactsTab,
    EmergencyPlanTab,
    RecordTab,
)
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.worker import DbWorker

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SHOTS = Path("/tmp/shots")
T = TypeVar("T", bound=RecordTab)


# -- helpers ----------------------------------------------------------------------------


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = lambda: NOW
    return desk


def register(desk: Desk, *, area: str | None = "North Herts",
             dob: date = date(1970, 5, 1)) -> Carer:
    """A consenting carer, returned detached (as the record page hands it over)."""
    fields = CarerFields(first_name="Testy", last_name="McTestface", date_of_birth=dob,
                         postcode="SG1 1AA", area=area, consent_keep_record=True)
    with desk.transaction() as tx:
        carer_id = carers.register(tx, fields, allow_duplicate=True).id
    with desk.read() as tx:
        return carers.get_carer(tx, carer_id)


def issued_card(desk: Desk, carer_id: uuid.UUID, *, issue: bool = True) -> uuid.UUID:
    with desk.transaction() as tx:
        card_id = cards.queue_card(tx, carer_id).id
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card_id])
    if issue:
        with desk.transaction() as tx:
            cards.mark_issued(tx, [card_id])
    return card_id


def wait_idle(qtbot: Any, worker: DbWorker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)


def find(parent: QWidget, kind: type[QWidget], name: str) -> Any:
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def answer_next_question(button_name: str) -> None:
    """Click ``button_name`` in the next question box, once it is open."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            find(box, QPushButton, button_name).click()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)


class Opened:
    """Tabs built for a test, each in a window the size of the record page's tab area."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.workers: list[DbWorker] = []
        self.hosts: list[QWidget] = []  # qtbot only keeps weak references

    def __call__(self, cls: type[T], desk: Desk, carer: Carer) -> T:
        worker = DbWorker(desk)
        self.workers.append(worker)
        tab = cls(worker, Navigator())
        host = QWidget()
        host.setWindowTitle("Carer record")
        QVBoxLayout(host).addWidget(tab)
        host.resize(1100, 600)
        self.qtbot.addWidget(host)
        self.hosts.append(host)
        host.show()
        tab.load(carer)
        wait_idle(self.qtbot, worker)
        return tab


@pytest.fixture
def open_tab(qtbot: Any) -> Iterator[Opened]:
    opened = Opened(qtbot)
    yield opened
    for worker in opened.workers:
        worker.stop()


# -- the list of tabs --------------------------------------------------------------------


def test_tabs_are_listed_in_record_order() -> None:
    assert [cls for _label, cls in TABS] == [
        CaredForTab, EmergencyPlanTab, CardsTab, ContactsTab, CarerOffersTab]
    assert TABS[0][0] == "Cared-for &people"


# -- cared-for people --------------------------------------------------------------------


def test_cared_for_person_is_added_through_the_dialog(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    tab = open_tab(CaredForTab, desk, carer)
    assert tab.model.rowCount() == 0 and not tab.empty.isHidden()
    changed: list[str] = []
    tab.nav.changed.connect(changed.append)

    find(tab, QPushButton, "addCaredFor").click()
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(find(dialog, QLineEdit, "caredForName"), "Testina McTestface")
    dialog.relationship.setCurrentIndex(dialog.relationship.findData(Relationship.PARENT))
    dialog.age_group.setCurrentIndex(dialog.age_group.findData(AgeGroup.A85_PLUS))
    dialog.main_need.setCurrentIndex(dialog.main_need.findData(MainNeed.DEMENTIA))
    qtbot.keyClicks(find(dialog, QLineEdit, "caredForArea"), "South Herts")
    dialog.save_button.click()
    wait_idle(qtbot, tab.worker)

    with desk.read() as tx:
        people = carer_details.list_cared_for(tx, carer.id)
    assert [(p.name, p.relationship, p.age_group, p.main_need, p.area) for p in people] == [
        ("Testina McTestface", Relationship.PARENT, AgeGroup.A85_PLUS, MainNeed.DEMENTIA,
         "South Herts")]
    assert tab.dialog is None
    assert tab.model.data(tab.model.index(0, 4)) == "South Herts"
    assert changed == ["carer"]


def test_removing_a_cared_for_person_asks_first(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    with desk.transaction() as tx:
        carer_details.add_cared_for(tx, carer.id, CaredForFields(name="Testina McTestface"))
    tab = open_tab(CaredForTab, desk, carer)
    assert tab.model.rowCount() == 1

    answer_next_question("answerCancel")
    tab.remove_button.click()
    wait_idle(qtbot, tab.worker)
    assert tab.model.rowCount() == 1

    answer_next_question("answer0")
    tab.remove_button.click()
    wait_idle(qtbot, tab.worker)
    assert tab.model.rowCount() == 0
    with desk.read() as tx:
        assert carer_details.list_cared_for(tx, carer.id) == []


# -- emergency plan ----------------------------------------------------------------------


def test_emergency_plan_is_saved_and_phone_tidied(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    tab = open_tab(EmergencyPlanTab, desk, carer)
    activate(qtbot, tab.window())
    assert not tab.has_unsaved_changes() and not tab.save_button.isEnabled()

    qtbot.keyClicks(find(tab, QLineEdit, "planContactName"), "Testy Neighbour")
    phone = find(tab, QLineEdit, "planContactPhone")
    phone.setFocus()
    qtbot.keyClicks(phone, "07700900123")
    qtbot.keyClick(phone, Qt.Key.Key_Tab)  # leaving the field tidies it
    assert phone.text() == "07700 900123"
    tab.needs_to_know.setPlainText("Key safe by the back door.\nTablets at 8am.")
    assert tab.has_unsaved_changes()

    tab.save_button.click()
    wait_idle(qtbot, tab.worker)
    with desk.read() as tx:
        plan = carer_details.get_emergency_plan(tx, carer.id)
    assert plan is not None
    assert (plan.contact_name, plan.contact_phone) == ("Testy Neighbour", "07700 900123")
    assert plan.needs_to_know == "Key safe by the back door.\nTablets at 8am."
    assert not tab.has_unsaved_changes()
    assert tab.done.text() == "The emergency plan is saved."


def test_bad_emergency_phone_shows_a_message_and_saves_nothing(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    tab = open_tab(EmergencyPlanTab, desk, carer)
    activate(qtbot, tab.window())
    phone = find(tab, QLineEdit, "planBackupPhone")
    phone.setFocus()
    qtbot.keyClicks(phone, "12345")
    qtbot.keyClick(phone, Qt.Key.Key_Tab)
    row = tab.rows["backup_phone"]
    assert row.error.isVisibleTo(tab) and "phone number" in row.error.text()

    tab.save_button.click()
    wait_idle(qtbot, tab.worker)
    assert row.error.isVisibleTo(tab)
    assert tab.has_unsaved_changes()
    with desk.read() as tx:
        assert carer_details.get_emergency_plan(tx, carer.id) is None

    tab.discard_changes()
    assert phone.text() == "" and not row.error.isVisibleTo(tab)


# -- cards -----------------------------------------------------------------------------


def test_queueing_a_card_shows_its_number(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    carer = register(desk)
    tab = open_tab(CardsTab, desk, carer)
    assert tab.model.rowCount() == 0
    assert tab.kind.currentText() == "Standard card"
    changed: list[str] = []
    tab.nav.changed.connect(changed.append)

    find(tab, QPushButton, "queueCard").click()
    wait_idle(qtbot, tab.worker)

    assert tab.model.rowCount() == 1
    number = tab.model.data(tab.model.index(0, 0))
    assert parse_card_number(number) == number
    assert tab.model.data(tab.model.index(0, 2)) == "Queued"
    assert number in tab.done.text()
    assert changed == ["card"]
    assert tab.history_model.rowCount() == 1  # "Queued for printing"


def test_young_carer_card_is_the_default_for_a_young_carer(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk, dob=date(2014, 1, 1))
    tab = open_tab(CardsTab, desk, carer)
    assert tab.kind.currentData() == CardKind.YOUNG_CARER
    tab.queue_button.click()
    wait_idle(qtbot, tab.worker)
    with desk.read() as tx:
        [card] = cards.list_cards(tx, carer.id)
    assert card.kind is CardKind.YOUNG_CARER


def test_volunteer_does_not_see_mark_issued(
    desk: Desk, desk_as: Callable[[Role], Desk], open_tab: Opened
) -> None:
    carer = register(desk)
    issued_card(desk, carer.id, issue=False)  # printed, waiting to be handed over
    volunteer = desk_as(Role.VOLUNTEER)
    volunteer.clock = desk.clock

    tab = open_tab(CardsTab, volunteer, carer)
    assert tab.selected() is not None and tab.selected().status is CardStatus.PRINTED
    assert find(tab, QPushButton, "markIssued").isHidden()
    assert not find(tab, QPushButton, "reportLost").isHidden()

    staff_tab = open_tab(CardsTab, desk, carer)
    assert not find(staff_tab, QPushButton, "markIssued").isHidden()


def test_reporting_a_card_lost_shows_the_replacement(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    old_id = issued_card(desk, carer.id)
    tab = open_tab(CardsTab, desk, carer)

    answer_next_question("answer0")  # Lost
    find(tab, QPushButton, "reportLost").click()
    wait_idle(qtbot, tab.worker)

    with desk.read() as tx:
        all_cards = {c.id: c for c in cards.list_cards(tx, carer.id)}
    assert all_cards[old_id].status is CardStatus.LOST
    new = next(c for c in all_cards.values() if c.id != old_id)
    assert new.status is CardStatus.QUEUED
    assert new.number in tab.done.text() and "lost" in tab.done.text()
    assert tab.model.rowCount() == 2
    assert tab.selected() is not None and tab.selected().id == new.id


def test_issuing_a_printed_card(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    carer = register(desk)
    card_id = issued_card(desk, carer.id, issue=False)
    tab = open_tab(CardsTab, desk, carer)

    find(tab, QPushButton, "markIssued").click()
    wait_idle(qtbot, tab.worker)
    assert tab.selected() is not None and tab.selected().id == card_id
    assert tab.selected().status is CardStatus.ISSUED
    assert tab.model.data(tab.model.index(0, 4)) == "02/03/2026"
    assert find(tab, QPushButton, "markIssued").isHidden()
    assert not find(tab, QPushButton, "renewCard").isHidden()


# -- contacts ----------------------------------------------------------------------------


def test_ctrl_k_then_enter_logs_a_drop_in(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    carer = register(desk)
    tab = open_tab(ContactsTab, desk, carer)
    activate(qtbot, tab.window())
    tab.table.setFocus()

    qtbot.keyClick(tab.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible(), timeout=2000)
    dialog = tab.dialog
    assert dialog is not None
    focused = dialog.focusWidget()
    assert focused is dialog.kind
    qtbot.keyClick(focused, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.dialog is None, timeout=5000)
    wait_idle(qtbot, tab.worker)

    with desk.read() as tx:
        logged = contacts.list_contacts(tx, carer.id)
    assert [(c.kind, c.minutes, c.at) for c in logged] == [(ContactKind.DROP_IN, 15, NOW)]
    assert tab.model.rowCount() == 1
    assert tab.model.data(tab.model.index(0, 1)) == "Drop-in"
    assert tab.model.data(tab.model.index(0, 3)) == "Test Coordinator"


def test_ctrl_k_does_nothing_while_the_contacts_tab_is_hidden(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    tab = open_tab(ContactsTab, desk, carer)
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    first = QLabel("Details")
    tabs.addTab(first, "Details")
    tabs.addTab(tab, "Contacts")
    tabs.show()
    activate(qtbot, tabs)
    qtbot.keyClick(tabs, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert tab.dialog is None


def test_contacts_load_fifty_at_a_time(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    carer = register(desk)
    with desk.transaction() as tx:
        for i in range(60):
            contacts.log_contact(tx, carer.id, ContactFields(
                at=NOW - timedelta(hours=i), kind=ContactKind.PHONE, minutes=5))
    tab = open_tab(ContactsTab, desk, carer)
    assert tab.model.rowCount() == 50 and tab.model.canFetchMore()
    tab.model.fetchMore()
    wait_idle(qtbot, tab.worker)
    assert tab.model.rowCount() == 60 and not tab.model.canFetchMore()
    when = [tab.model.data(tab.model.index(r, 0)) for r in (0, 59)]
    assert when[0].startswith("02/03/2026") and when[1].startswith("27/02/2026")


def test_contact_is_corrected_through_the_dialog(
    desk: Desk, qtbot: Any, open_tab: Opened
) -> None:
    carer = register(desk)
    with desk.transaction() as tx:
        contacts.log_contact(tx, carer.id, ContactFields(minutes=10))
    tab = open_tab(ContactsTab, desk, carer)
    tab.edit_button.click()
    dialog = tab.dialog
    assert dialog is not None and dialog.minutes.value() == 10
    dialog.minutes.setValue(25)
    qtbot.keyClicks(find(dialog, QLineEdit, "contactReferredTo"), "Testshire Advice")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: tab.dialog is None, timeout=5000)
    wait_idle(qtbot, tab.worker)
    with desk.read() as tx:
        [row] = contacts.list_contacts(tx, carer.id)
    assert (row.minutes, row.referred_to, row.at) == (25, "Testshire Advice", NOW)


# -- offers ------------------------------------------------------------------------------


def add_offer(desk: Desk, text: str, **kw: Any) -> None:
    with desk.transaction() as tx:
        business = offers.add_business(tx, BusinessFields(
            name=f"Testy {text.split()[0]} Ltd", town="Stevenage", category="Food and drink"))
        offers.add_offer(tx, OfferFields(business_id=business.id, text=text, **kw))


def test_offers_tab_lists_cared_for_area_offers_and_hides_young_carer_ones(
    desk: Desk, open_tab: Opened
) -> None:
    carer = register(desk, area="North Herts")
    with desk.transaction() as tx:
        carer_details.add_cared_for(tx, carer.id, CaredForFields(name="Mum", area="South Herts"))
    add_offer(desk, "Southern tea 10% off", areas=["South Herts"])
    add_offer(desk, "Eastern cake free", areas=["East Herts"])
    add_offer(desk, "Youth cinema half price", eligible=[CarerType.YOUNG_CARER])
    add_offer(desk, "Anywhere coffee 2 for 1")

    tab = open_tab(CarerOffersTab, desk, carer)
    shown = {row.text for row in tab.model.rows}
    assert shown == {"Southern tea 10% off", "Anywhere coffee 2 for 1"}
    note = tab.note.text()
    assert "North Herts" in note and "South Herts" in note
    assert tab.count.text() == "2 offers apply to this carer."


# -- screenshots -------------------------------------------------------------------------


def seed_full_record(desk: Desk) -> Carer:
    carer = register(desk, area="North Herts")
    with desk.transaction() as tx:
        carer_details.add_cared_for(tx, carer.id, CaredForFields(
            name="Testina McTestface", relationship=Relationship.PARENT,
            age_group=AgeGroup.A85_PLUS, main_need=MainNeed.DEMENTIA, area="South Herts"))
        carer_details.add_cared_for(tx, carer.id, CaredForFields(
            name="Testo McTestface", relationship=Relationship.CHILD,
            age_group=AgeGroup.A18_25, main_need=MainNeed.LEARNING_DISABILITY))
        carer_details.set_emergency_plan(tx, carer.id, EmergencyPlanFields(
            contact_name="Testy Neighbour", contact_relationship="Neighbour",
            contact_phone="07700 900123", backup_name="Testa Friend",
            backup_phone="07700 900456", needs_to_know="Key safe by the back door."))
    old = issued_card(desk, carer.id)
    with desk.transaction() as tx:
        cards.report_lost(tx, old)
    with desk.transaction() as tx:
        for i, kind in enumerate([ContactKind.DROP_IN, ContactKind.PHONE, ContactKind.HOME_VISIT]):
            contacts.log_contact(tx, carer.id, ContactFields(
                at=NOW - timedelta(days=7 * i), kind=kind, minutes=15 + 10 * i,
                what_was_done="Talked through the carer's assessment and the card.",
                referred_to="Testshire Advice" if i == 1 else None))
    add_offer(desk, "10% off tea and cake", areas=["South Herts"],
              terms="Show your card at the till. Not with other offers.")
    add_offer(desk, "Free coffee refill", categories=["Cafes"])
    add_offer(desk, "Two for one cinema tickets on weekdays", categories=["Leisure"],
              areas=["North Herts"], terms="Monday to Thursday only.")
    return carer


def test_screenshots_of_each_tab(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font, style = app.font(), app.styleSheet()
    apply_theme(app)
    try:
        carer = seed_full_record(desk)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window = QWidget()
        window.resize(1366, 768)
        side = QVBoxLayout()
        for text in ("Find carers", "Offers and businesses", "Users", "Scheme settings"):
            side.addWidget(QPushButton(text))
        side.addStretch(1)
        tabs = QTabWidget()
        tabs.addTab(QLabel("Details go here"), "&Details")
        built: list[RecordTab] = []
        for label, cls in TABS:
            tab = open_tab(cls, desk, carer)
            tabs.addTab(tab, label)
            built.append(tab)
        body = QHBoxLayout(window)
        body.addLayout(side)
        body.addWidget(tabs, 1)
        qtbot.addWidget(window)
        window.show()
        for i, tab in enumerate(built, start=1):
            tabs.setCurrentIndex(i)
            qtbot.wait(50)
            window.grab().save(str(SHOTS / f"record_tab_{tab.objectName()}.png"))
        window.resize(1920, 1080)
        for tab in (built[1], built[4]):
            tabs.setCurrentWidget(tab)
            qtbot.wait(50)
            window.grab().save(str(SHOTS / f"record_tab_{tab.objectName()}_1920.png"))
        tabs.setCurrentWidget(built[0])
        built[0].table.selectRow(0)
        built[0].edit_selected()
        dialog = built[0].findChild(QDialog, "caredForDialog")
        qtbot.waitUntil(lambda: dialog.isVisible(), timeout=2000)
        dialog.grab().save(str(SHOTS / "record_tab_caredForDialog.png"))
        dialog.reject()
        tabs.setCurrentWidget(built[3])
        built[3].add()
        dialog = built[3].findChild(QDialog, "contactDialog")
        qtbot.waitUntil(lambda: dialog.isVisible(), timeout=2000)
        dialog.grab().save(str(SHOTS / "record_tab_contactDialog.png"))
        dialog.reject()
    finally:
        app.setFont(font)
        app.setStyleSheet(style)


def test_refused_card_shows_the_plain_reason(desk: Desk, qtbot: Any, open_tab: Opened) -> None:
    carer = register(desk)
    with desk.transaction() as tx:
        carers.update(tx, carer.id, CarerFields(consent_keep_record=False))
    tab = open_tab(CardsTab, desk, carer)
    shown: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            shown.append(box.text())
            box.accept()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(0, read_and_close)
    tab.queue_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == ["This carer has not agreed to us keeping their record: record their "
                     "consent first."]
    assert tab.model.rowCount() == 0
