"""The offers page: filtering, review dates, the forms, and what volunteers may do."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from carerdesk.desk import Desk
from carerdesk.models.enums import CarerType, Role
from carerdesk.services import offers
from carerdesk.services.offers import REVIEW_INTERVAL_DAYS, BusinessFields, OfferFields
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_dialogs import BusinessDialog, OfferDialog
from carerdesk.ui.offers_page import OffersPage
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.worker import DbWorker

TODAY = date(2025, 3, 3)
SHOTS = Path("/tmp/shots")


# -- helpers ------------------------------------------------------------------------------


def set_today(desk: Desk, day: date = TODAY) -> None:
    desk.clock = lambda: datetime(day.year, day.month, day.day, 11, 30, tzinfo=UTC)


def add_business(desk: Desk, name: str, town: str, **kw: object) -> uuid.UUID:
    with desk.transaction() as tx:
        return offers.add_business(tx, BusinessFields(name=name, town=town, **kw)).id


def add_offer(desk: Desk, business_id: uuid.UUID, text: str, **kw: object) -> uuid.UUID:
    with desk.transaction() as tx:
        return offers.add_offer(tx, OfferFields(business_id=business_id, text=text, **kw)).id


def get_offer(desk: Desk, offer_id: uuid.UUID) -> offers.Offer:
    with desk.read() as tx:
        return offers.get_offer(tx, offer_id)


def offer_count(desk: Desk) -> int:
    with desk.read() as tx:
        return len(offers.list_offers(tx, include_retired=True))


class Seeded:
    """Two businesses in different towns; the teashop's offer is overdue for review."""

    def __init__(self, desk: Desk) -> None:
        self.teashop = add_business(desk, "Testy Teashop", "Stevenage", postcode="SG1 1AA",
                                    category="Food and drink", phone="07700 900123",
                                    sticker_given_on=date(2024, 5, 1))
        self.motors = add_business(desk, "McTestface Motors", "Hitchin", postcode="SG4 9ZZ",
                                   category="Motoring")
        self.tea = add_offer(desk, self.teashop, "10% off tea", last_checked_on=date(2024, 1, 8),
                             areas=["Stevenage"], eligible=[CarerType.YOUNG_CARER])
        self.tyres = add_offer(desk, self.motors, "Free tyre check",
                               last_checked_on=TODAY - timedelta(days=10))


def wait_idle(qtbot, worker: DbWorker) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)


@pytest.fixture
def open_page(qtbot) -> Iterator[Callable[[Desk], OffersPage]]:  # type: ignore[no-untyped-def]
    """Build the page on a desk, shown at laptop size; stops its worker afterwards."""
    workers: list[DbWorker] = []

    def _open(desk: Desk) -> OffersPage:
        worker = DbWorker(desk)
        workers.append(worker)
        page = OffersPage(worker, Navigator())
        # pytest-qt closes widgets before fixtures end: stop the worker first.
        qtbot.addWidget(page, before_close_func=lambda _: worker.stop())
        page.resize(1366, 768)
        page.show()
        wait_idle(qtbot, worker)
        return page

    yield _open
    for worker in workers:
        worker.stop()


@pytest.fixture
def seeded(desk: Desk) -> Seeded:
    set_today(desk)
    return Seeded(desk)


def shown_businesses(page: OffersPage) -> list[str]:
    return [row.business_name for row in page.offers.model.rows]


def select(page: OffersPage, offer_id: uuid.UUID) -> None:
    page.offers.table.selectRow(page.offers.model.row_of(offer_id))


def click_when_asked(qtbot, name: str = "confirmYes") -> None:  # type: ignore[no-untyped-def]
    """Answer the next modal question by clicking the button with this object name."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        qtbot.mouseClick(box.findChild(QPushButton, name), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def open_dialog(qtbot, page: OffersPage, button: QPushButton):  # type: ignore[no-untyped-def]
    tab = page.offers if button.objectName().endswith("OfferButton") else page.businesses
    tab.dialog = None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible(), timeout=5000)
    return tab.dialog


# -- the offers list ----------------------------------------------------------------------


def test_town_and_review_due_filters_narrow_the_offers(qtbot, open_page, seeded, desk) -> None:
    page = open_page(desk)
    tab = page.offers
    assert sorted(shown_businesses(page)) == ["McTestface Motors", "Testy Teashop"]
    towns = [tab.town.itemText(i) for i in range(tab.town.count())]
    assert towns == ["All towns", "Hitchin", "Stevenage"]

    tab.town.setCurrentIndex(tab.town.findData("Hitchin"))
    wait_idle(qtbot, tab.worker)
    assert shown_businesses(page) == ["McTestface Motors"]

    tab.town.setCurrentIndex(0)
    tab.due_only.setChecked(True)
    wait_idle(qtbot, tab.worker)
    assert shown_businesses(page) == ["Testy Teashop"]
    assert tab.count.text() == "1 offer shown; 1 due for review"


def test_overdue_review_is_marked_in_words_not_only_colour(open_page, seeded, desk) -> None:
    page = open_page(desk)
    model = page.offers.model
    tea = model.index(model.row_of(seeded.tea), model.REVIEW_COLUMN)
    tyres = model.index(model.row_of(seeded.tyres), model.REVIEW_COLUMN)
    assert model.data(tea) == "Overdue: 06/07/2024"
    assert model.data(tea, Qt.ItemDataRole.ForegroundRole) is not None
    tyres_due = TODAY - timedelta(days=10) + timedelta(days=REVIEW_INTERVAL_DAYS)
    assert model.data(tyres) == tyres_due.strftime("%d/%m/%Y")
    assert model.data(tyres, Qt.ItemDataRole.ForegroundRole) is None
    row = model.row_of(seeded.tea)
    cells = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert cells[:7] == ["Testy Teashop", "Stevenage", "10% off tea", "Food and drink",
                         "Stevenage", "Young carer (under 18)", ""]
    tyre_row = model.row_of(seeded.tyres)
    assert model.data(model.index(tyre_row, 4)) == "Anywhere"
    assert model.data(model.index(tyre_row, 5)) == "Everyone"


def test_text_filter_narrows_without_reading_again(qtbot, open_page, seeded, desk) -> None:
    page = open_page(desk)
    qtbot.keyClicks(page.offers.text, "tyre")
    assert shown_businesses(page) == ["McTestface Motors"]
    page.offers.text.clear()
    assert len(shown_businesses(page)) == 2


def test_checked_today_moves_an_overdue_review_date_on(qtbot, open_page, seeded, desk) -> None:
    page = open_page(desk)
    changed: list[str] = []
    page.nav.changed.connect(changed.append)
    select(page, seeded.tea)
    assert page.offers.checked_button.isEnabled()

    qtbot.mouseClick(page.offers.checked_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: changed == ["offer"], timeout=5000)
    wait_idle(qtbot, page.worker)

    offer = get_offer(desk, seeded.tea)
    assert offer.last_checked_on == TODAY
    assert offer.review_due_on == TODAY + timedelta(days=REVIEW_INTERVAL_DAYS)
    model = page.offers.model
    row = model.row_of(seeded.tea)
    next_review = TODAY + timedelta(days=REVIEW_INTERVAL_DAYS)
    assert model.data(model.index(row, model.REVIEW_COLUMN)) == next_review.strftime("%d/%m/%Y")
    assert page.offers.selected_ids() == [seeded.tea]  # the selection survives the refresh
    assert page.offers.count.text() == "2 offers shown"


def test_retired_offer_is_hidden_unless_show_retired_is_ticked(qtbot, open_page, seeded,
                                                               desk) -> None:
    page = open_page(desk)
    select(page, seeded.tyres)
    click_when_asked(qtbot)
    qtbot.mouseClick(page.offers.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_businesses(page) == ["Testy Teashop"], timeout=5000)
    assert get_offer(desk, seeded.tyres).retired_on == TODAY

    page.offers.show_retired.setChecked(True)
    wait_idle(qtbot, page.worker)
    model = page.offers.model
    row = model.row_of(seeded.tyres)
    assert row >= 0
    assert model.data(model.index(row, model.REVIEW_COLUMN)) == "Retired 03/03/2025"


def test_retire_can_be_called_off(qtbot, open_page, seeded, desk) -> None:
    page = open_page(desk)
    select(page, seeded.tyres)
    click_when_asked(qtbot, name="")  # the first unnamed button is "Keep"
    qtbot.mouseClick(page.offers.retire_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, page.worker)
    assert get_offer(desk, seeded.tyres).retired_on is None


# -- the offer form -----------------------------------------------------------------------


def test_offer_without_text_shows_the_message_by_the_field_then_saves(qtbot, open_page,
                                                                      seeded, desk) -> None:
    page = open_page(desk)
    before = offer_count(desk)
    dialog = open_dialog(qtbot, page, page.offers.add_button)
    assert isinstance(dialog, OfferDialog)
    qtbot.keyClicks(dialog.business.lineEdit(), "testy teashop (stevenage)")
    dialog.ticks[CarerType.PARENT_CARER].setChecked(True)
    qtbot.keyClicks(dialog.ends, "31/12/2025")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.rows["text"].error.isVisibleTo(dialog), timeout=5000)
    assert dialog.rows["text"].error.text() == "Please describe the offer"
    assert dialog.isVisible()
    assert offer_count(desk) == before

    qtbot.keyClicks(dialog.text, "Free biscuit with any drink")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    wait_idle(qtbot, page.worker)
    assert offer_count(desk) == before + 1
    assert "Free biscuit with any drink" in [r.text for r in page.offers.model.rows]
    with desk.read() as tx:
        new = next(r for r in offers.list_offers(tx) if r.text.startswith("Free biscuit"))
    assert new.business_id == seeded.teashop
    assert new.eligible == (CarerType.PARENT_CARER,)
    assert new.ends_on == date(2025, 12, 31)
    assert page.offers.selected_ids() == [new.offer_id]


def test_offer_form_checks_dates_and_business_before_saving(qtbot, open_page, seeded,
                                                            desk) -> None:
    page = open_page(desk)
    dialog = open_dialog(qtbot, page, page.offers.add_button)
    qtbot.keyClicks(dialog.business.lineEdit(), "No Such Shop")
    qtbot.keyClicks(dialog.text, "Half price")
    qtbot.keyClicks(dialog.starts, "31/02/2025")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "choose a business" in dialog.rows["business_id"].error.text()
    assert "not a date" in dialog.rows["starts_on"].error.text()
    dialog.rows["text"].set_error(None)
    dialog.done(0)  # close without asking


def test_editing_changes_only_what_was_typed(qtbot, open_page, seeded, desk) -> None:
    page = open_page(desk)
    select(page, seeded.tea)
    dialog = open_dialog(qtbot, page, page.offers.edit_button)
    assert dialog.windowTitle() == "Change an offer"
    assert dialog.text.text() == "10% off tea"
    assert dialog.ticks[CarerType.YOUNG_CARER].isChecked()
    dialog.text.setText("15% off tea")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    offer = get_offer(desk, seeded.tea)
    assert offer.text == "15% off tea"
    assert offer.review_due_on == date(2024, 7, 6)  # not moved: "last checked" was left alone


# -- businesses ---------------------------------------------------------------------------


def test_business_list_counts_live_offers_and_filters_by_town(qtbot, open_page, seeded,
                                                              desk) -> None:
    page = open_page(desk)
    tab = page.businesses
    model = tab.model
    row = model.row_of(seeded.teashop)
    cells = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert cells == ["Testy Teashop", "Stevenage", "SG1 1AA", "Food and drink", "",
                     "07700 900123", "01/05/2024", "1"]
    tab.town.setCurrentIndex(tab.town.findData("Hitchin"))
    wait_idle(qtbot, tab.worker)
    assert [b.name for b in model.rows] == ["McTestface Motors"]


def test_business_form_shows_a_bad_postcode_next_to_the_field(qtbot, open_page, seeded,
                                                              desk) -> None:
    page = open_page(desk)
    page.tabs.setCurrentWidget(page.businesses)
    dialog = open_dialog(qtbot, page, page.businesses.add_button)
    assert isinstance(dialog, BusinessDialog)
    qtbot.keyClicks(dialog.edits["name"], "Testy Bakery")
    qtbot.keyClicks(dialog.edits["postcode"], "NOT A POSTCODE")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.rows["postcode"].error.isVisibleTo(dialog), timeout=5000)
    assert dialog.isVisible()

    dialog.edits["postcode"].setText("sg1 2zz")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    wait_idle(qtbot, page.worker)
    added = next(b for b in page.businesses.model.rows if b.name == "Testy Bakery")
    assert added.postcode == "SG1 2ZZ"
    assert added.live_offers == 0


def test_retiring_a_business_retires_its_offers_in_both_lists(qtbot, open_page, seeded,
                                                              desk) -> None:
    page = open_page(desk)
    tab = page.businesses
    tab.table.selectRow(tab.model.row_of(seeded.motors))
    click_when_asked(qtbot)
    qtbot.mouseClick(tab.retire_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.row_of(seeded.motors) < 0, timeout=5000)
    wait_idle(qtbot, page.worker)
    assert shown_businesses(page) == ["Testy Teashop"]


# -- volunteers ---------------------------------------------------------------------------


def test_volunteer_sees_the_lists_without_editing_buttons(qtbot, open_page, seeded, desk,
                                                          desk_as) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    set_today(volunteer)
    page = open_page(volunteer)
    assert len(shown_businesses(page)) == 2
    for tab in (page.offers, page.businesses):
        assert tab.add_button.isHidden()
        assert tab.edit_button.isHidden()
        assert tab.retire_button.isHidden()
        assert not tab.view_button.isHidden()
    assert page.offers.checked_button.isHidden()

    select(page, seeded.tea)
    page.offers.table.setFocus()
    qtbot.keyClick(page.offers.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.offers.dialog is not None, timeout=5000)
    dialog = page.offers.dialog
    assert dialog.read_only
    assert dialog.save_button is None
    assert dialog.text.isReadOnly()
    assert not dialog.business.isEnabled()
    dialog.reject()


# -- how it looks -------------------------------------------------------------------------


def test_screenshots_at_laptop_size(qtbot, monkeypatch, seeded, desk) -> None:
    from carerdesk.ui import pages
    from carerdesk.ui.main_window import MainWindow

    # Only this page, so the window can be built whatever else is still being written.
    monkeypatch.setattr(pages, "PAGES", [p for p in pages.PAGES if p.name == "offers"])
    for i in range(4):
        add_offer(desk, seeded.teashop, f"Offer number {i + 1} for testing, with a longer "
                  "description than most", categories=["Food and drink", "Leisure"])
    app = QApplication.instance()
    style, font = app.styleSheet(), app.font()
    apply_theme(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = MainWindow(desk)
    qtbot.addWidget(window)
    try:
        window.resize(1366, 768)
        window.show()
        assert window.show_page("offers")
        page = window.page("offers")
        assert isinstance(page, OffersPage)
        wait_idle(qtbot, window.worker)
        assert window.review_label.text() == "1 offer due for review"
        select(page, seeded.tea)
        window.grab().save(str(SHOTS / "offers_tab.png"))
        page.tabs.setCurrentWidget(page.businesses)
        window.grab().save(str(SHOTS / "offers_businesses_tab.png"))
        page.tabs.setCurrentWidget(page.offers)
        dialog = open_dialog(qtbot, page, page.offers.edit_button)
        dialog.show_errors({"text": "Please describe the offer"})
        dialog.grab().save(str(SHOTS / "offers_offer_dialog.png"))
        assert dialog.height() <= 768
        dialog.done(0)
        page.tabs.setCurrentWidget(page.businesses)
        page.businesses.table.selectRow(0)
        dialog = open_dialog(qtbot, page, page.businesses.edit_button)
        dialog.grab().save(str(SHOTS / "offers_business_dialog.png"))
        dialog.done(0)
        page.tabs.setCurrentWidget(page.offers)
        select(page, seeded.tea)
        apply_theme(app, larger_text=True)
        page.refresh()
        wait_idle(qtbot, window.worker)
        window.grab().save(str(SHOTS / "offers_tab_larger_text.png"))
        qtbot.mouseClick(page.offers.checked_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.review_label.text() == "No offers due for review",
                        timeout=5000)
    finally:
        window.close()
        app.setStyleSheet(style)
        app.setFont(font)
