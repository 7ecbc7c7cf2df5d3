"""The "Exchange with another site" tab and its dialogs, driven against two real sites.

Site A is the test database; site B joins its scheme from A's export, as a new
site would. Files travel between them through a temporary folder.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTabBar,
)
from sqlmodel import select

from carerdesk.desk import Desk, open_desk
from carerdesk.exchange import (
    export_file,
    import_file,
    join_scheme,
    list_conflicts,
    list_possible_duplicates,
)
from carerdesk.models import Carer
from carerdesk.models.enums import ContactKind, Gender
from carerdesk.services import carer_details, carers, contacts, erasure
from carerdesk.services.carer_details import EmergencyPlanFields
from carerdesk.services.carers import CarerFields
from carerdesk.services.contacts import ContactFields
from carerdesk.sheets.safety import BadFile
from carerdesk.ui.data_page import DataPage
from carerdesk.ui.exchange_tab import ExchangeTab
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.worker import DbWorker
from tests.ui.file_dialogs import Dialogs

ADMIN, PASSWORD = "admin", "admin-password-1"
SHOTS = Path("/tmp/shots")
SCREEN = (1366, 768)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an encrypted workbook starts
WAIT = 20_000


# -- two sites ----------------------------------------------------------------------------


def register(desk: Desk, first: str = "Testy", last: str = "McTestface", **more: Any) -> uuid.UUID:
    fields = {"first_name": first, "last_name": last, "consent_keep_record": True, **more}
    with desk.transaction() as tx:
        return carers.register(tx, CarerFields(**fields), allow_duplicate=True).id


def update(desk: Desk, carer_id: uuid.UUID, **changes: Any) -> None:
    with desk.transaction() as tx:
        carers.update(tx, carer_id, CarerFields(**changes))


def carer(desk: Desk, carer_id: uuid.UUID) -> Carer:
    with desk.read() as tx:
        return carers.get_carer(tx, carer_id)


def live_carers(desk: Desk) -> list[str]:
    with desk.read() as tx:
        rows = tx.session.exec(select(Carer).where(Carer.deleted == False)).all()  # noqa: E712
        return sorted(f"{c.first_name} {c.last_name}" for c in rows)


def send(source: Desk, target: Desk, folder: Path, password: str | None = None) -> None:
    """Export ``source`` and import the file at ``target`` (without the GUI)."""
    path = folder / f"{source.site_code}-{uuid.uuid4().hex[:8]}.xlsx"
    export_file(source, path, password=password)
    import_file(target, path, password=password)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def site_b(desk: Desk, tmp_path: Path) -> Iterator[Desk]:
    """A second site (STV) of the test scheme, started from site A's export."""
    folder = tmp_path / "b"
    folder.mkdir()
    start = folder / "start.xlsx"
    export_file(desk, start, password=None)
    join_scheme(folder / "site.db", start, password=None, site_code="STV",
                admin_username=ADMIN, admin_password=PASSWORD)  # fmt: skip
    b = open_desk(folder / "site.db", ADMIN, PASSWORD)
    yield b
    b.close()


# -- the page, dialogs and questions --------------------------------------------------------


def wait_idle(qtbot: Any, worker: DbWorker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=WAIT)


@pytest.fixture
def open_tab(qtbot: Any) -> Iterator[Callable[[Desk], ExchangeTab]]:
    """The data page on a desk with its own worker, on the exchange tab, at laptop size."""
    workers: list[DbWorker] = []
    pages: list[DataPage] = []  # kept, or Python would delete them with the last reference

    def _open(desk: Desk) -> ExchangeTab:
        worker = DbWorker(desk)
        workers.append(worker)
        page = DataPage(worker, Navigator())
        pages.append(page)
        qtbot.addWidget(page, before_close_func=lambda _: worker.stop())
        page.resize(*SCREEN)
        page.show()
        assert page.exchange is not None
        page.tabs.setCurrentWidget(page.exchange)
        wait_idle(qtbot, worker)
        return page.exchange

    yield _open
    for worker in workers:
        worker.stop()


def page_of(tab: ExchangeTab) -> DataPage:
    page = tab.window()
    assert isinstance(page, DataPage)
    return page


def click(qtbot: Any, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(qtbot: Any, radio: QRadioButton) -> None:
    """Click a choice on its round button (its label may be narrower than the cell)."""
    assert radio.isVisible() and radio.isEnabled(), radio.objectName()
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton, pos=QPoint(8, radio.height() // 2))
    assert radio.isChecked()


def answer_question(qtbot: Any, yes: bool) -> list[str]:
    """Answer the next yes/no question box (yes: its "confirmYes" button); its text goes
    into the list returned."""
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        button = box.findChild(QPushButton, "confirmYes") if yes else box.escapeButton()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)
    return seen


def type_password(qtbot: Any, tab: ExchangeTab, text: str) -> None:
    dialog = tab.password_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.entry.setText(text)
    click(qtbot, dialog.go)


def start_import(qtbot: Any, tab: ExchangeTab, dialogs: Dialogs, path: Path) -> None:
    dialogs.will_answer(path)
    click(qtbot, tab.import_button)
    wait_idle(qtbot, tab.worker)


def export_of(source: Desk, outbox: Path, password: str | None = None) -> Path:
    path = outbox / f"{source.site_code} export.xlsx"
    export_file(source, path, password=password)
    return path


def counts_shown(tab: ExchangeTab) -> dict[str, list[str]]:
    model = tab.counts
    return {model.data(model.index(r, 0)): [model.data(model.index(r, c)) for c in range(1, 6)]
            for r in range(model.rowCount())}  # fmt: skip


# -- saving an export ---------------------------------------------------------------------


def test_an_export_locked_with_generated_words_opens_at_the_other_site(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    carer_id = register(desk)
    tab = open_tab(desk)
    dialog = tab.export()
    first = dialog.words.text()
    assert dialog.words_choice.isChecked() and len(first.split("-")) >= 4
    click(qtbot, dialog.new_button)
    words = dialog.words.text()
    assert words != first
    click(qtbot, dialog.copy_button)
    assert QApplication.clipboard().text() == words
    out = outbox / "for STV.xlsx"
    dialogs.will_answer(out)
    click(qtbot, dialog.go)
    wait_idle(qtbot, tab.worker)
    assert tab.status.property("role") == "ok"
    assert str(out) in tab.status.text() and words in tab.status.text()
    assert "separately" in tab.status.text()
    page = tab.window()
    assert isinstance(page, DataPage)
    page.page_entered()  # coming back later: the passphrase is no longer on show
    wait_idle(qtbot, tab.worker)
    assert words not in tab.status.text()
    assert out.read_bytes()[:8] == OLE_MAGIC  # encrypted
    with pytest.raises(BadFile, match="password"):
        import_file(site_b, out, password=None)
    result = import_file(site_b, out, password=words)
    assert result.totals.unchanged >= 1
    assert carer(site_b, carer_id).last_name == "McTestface"


def test_saving_without_a_password_needs_a_second_yes(
    qtbot, desk, open_tab, dialogs, outbox
) -> None:
    register(desk)
    tab = open_tab(desk)
    dialog = tab.export()
    assert not dialog.warning.isVisible()
    dialog.no_password.setChecked(True)
    assert dialog.warning.isVisible() and "personal details" in dialog.warning.text()
    assert not dialog.words.isEnabled()
    out = outbox / "clear.xlsx"
    dialogs.will_answer(out)
    asked = answer_question(qtbot, yes=False)  # "Go back"
    click(qtbot, dialog.go)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    assert "without a password" in asked[0].lower()
    assert dialog.isVisible() and dialogs.asked == [] and not out.exists()
    asked = answer_question(qtbot, yes=True)
    click(qtbot, dialog.go)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    wait_idle(qtbot, tab.worker)
    assert dialogs.asked == ["Save the export for another site"]
    assert out.read_bytes()[:4] == b"PK\x03\x04"  # a plain workbook
    assert tab.status.property("role") == "warning" and "WITHOUT a password" in tab.status.text()


def test_a_typed_passphrase_must_be_long_enough_and_typed_twice(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    register(desk, "Owen", "Testphrase")
    tab = open_tab(desk)
    dialog = tab.export()
    dialog.own_choice.setChecked(True)
    dialog.own.setText("short")
    click(qtbot, dialog.go)
    assert dialog.isVisible() and "at least 8" in dialog.own_row.error.text()
    dialog.own.setText("tea and biscuits at four")
    dialog.again.setText("tea and biscuits at five")
    click(qtbot, dialog.go)
    assert dialog.isVisible() and "not the same" in dialog.again_row.error.text()
    dialog.again.setText("tea and biscuits at four")
    out = outbox / "own.xlsx"
    dialogs.will_answer(out)
    click(qtbot, dialog.go)
    wait_idle(qtbot, tab.worker)
    assert import_file(site_b, out, password="tea and biscuits at four").site == "TST"


# -- bringing in another site's export ------------------------------------------------------


def test_the_preview_shows_what_would_change_and_only_apply_changes_it(
    qtbot, desk, site_b, open_tab, dialogs, outbox, db_path
) -> None:
    register(site_b, "Bertie", "Testwood", postcode="SG1 1AA")
    path = export_of(site_b, outbox)
    tab = open_tab(desk)
    page = page_of(tab)
    changed: list[str] = []
    page.nav.changed.connect(changed.append)
    before = files_in(db_path.parent)
    start_import(qtbot, tab, dialogs, path)
    assert tab.preview.isVisible() and tab.decision.isVisible()
    assert tab.status.property("role") == "warning"
    assert "Nothing has changed yet" in tab.status.text()
    shown = counts_shown(tab)
    assert shown["Carers"][0] == "1" and shown["Sites"][0] == "1"
    listed = {(tab.changes.data(tab.changes.index(r, 0)), tab.changes.data(tab.changes.index(r, 1)))
              for r in range(tab.changes.rowCount())}  # fmt: skip
    assert listed == {("Carer", "New"), ("Site", "New")}
    assert page.has_unsaved_changes()
    assert live_carers(desk) == [] and files_in(db_path.parent) == before  # nothing yet

    click(qtbot, tab.apply_button)
    wait_idle(qtbot, tab.worker)
    assert live_carers(desk) == ["Bertie Testwood"]
    assert not page.has_unsaved_changes() and not tab.decision.isVisible()
    backup = re.search(r"^(.*before-import.*)$", tab.status.text(), re.M)
    assert backup is not None and Path(backup.group(1)).exists()
    assert Path(backup.group(1)).parent == db_path.parent
    assert "2 new" in tab.status.text()  # the carer and site B
    assert "carer" in changed


def test_discarding_the_preview_changes_nothing(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    register(site_b, "Dora", "Testdiscard")
    tab = open_tab(desk)
    page = page_of(tab)
    start_import(qtbot, tab, dialogs, export_of(site_b, outbox))
    assert page.has_unsaved_changes()
    click(qtbot, tab.discard_button)
    assert not page.has_unsaved_changes() and not tab.preview.isVisible()
    assert tab.status.text() == "Nothing was imported."
    start_import(qtbot, tab, dialogs, export_of(site_b, outbox))
    page.discard_changes()  # what leaving the page does, once the user agreed
    assert not page.has_unsaved_changes() and not tab.preview.isVisible()
    assert live_carers(desk) == []


def test_the_preview_counts_what_an_erasure_reaches_here_as_records(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    carer_id = register(desk, "Erin", "Testerased")
    send(desk, site_b, outbox)
    with site_b.transaction() as tx:  # two contacts only B holds
        for what in ("Rang", "Dropped in"):
            contacts.log_contact(tx, carer_id, ContactFields(kind=ContactKind.PHONE,
                                                             what_was_done=what))  # fmt: skip
    with desk.transaction() as tx:
        erasure.erase_carer(tx, carer_id)
    tab = open_tab(site_b)
    start_import(qtbot, tab, dialogs, export_of(desk, outbox))
    text = tab.notes.text()
    assert "2 records held only here about carers erased at another site" in text, text
    assert "2 carers" not in text


def test_a_wrong_passphrase_is_asked_again_and_changes_nothing(
    qtbot, desk, site_b, open_tab, dialogs, outbox, db_path
) -> None:
    register(site_b, "Penny", "Testlock")
    path = export_of(site_b, outbox, password="correct horse battery")
    tab = open_tab(desk)
    before = files_in(db_path.parent)
    start_import(qtbot, tab, dialogs, path)
    first = tab.password_dialog
    assert first is not None and first.isVisible() and not first.row.error.isVisible()
    assert not first.go.isEnabled()  # nothing typed yet
    type_password(qtbot, tab, "wrong horse")
    wait_idle(qtbot, tab.worker)
    again = tab.password_dialog
    assert again is not first and again is not None and again.isVisible()
    assert "not right" in again.row.error.text()
    click(qtbot, again.buttons.findChild(QPushButton, "cancelButton"))
    assert tab.status.text() == "Nothing was imported." and not tab.preview.isVisible()
    assert live_carers(desk) == [] and files_in(db_path.parent) == before

    start_import(qtbot, tab, dialogs, path)
    type_password(qtbot, tab, "correct horse battery")
    wait_idle(qtbot, tab.worker)
    assert tab.decision.isVisible() and counts_shown(tab)["Carers"][0] == "1"
    click(qtbot, tab.apply_button)  # the passphrase is remembered for applying
    wait_idle(qtbot, tab.worker)
    assert live_carers(desk) == ["Penny Testlock"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_plainly(
    qtbot, desk, open_tab, dialogs, tmp_path, db_path
) -> None:
    bad = tmp_path / "export.xlsx"
    bad.write_bytes(b"%PDF-1.4 this is a letter, not an export")
    tab = open_tab(desk)
    before = files_in(db_path.parent)
    start_import(qtbot, tab, dialogs, bad)
    assert tab.status.property("role") == "error"
    assert tab.status.text() == "The file is a PDF or picture, not a spreadsheet."
    assert tab.password_dialog is None and not tab.preview.isVisible()
    assert tab.import_button.isEnabled() and files_in(db_path.parent) == before


def test_stopping_an_import_changes_nothing(qtbot, desk, site_b, open_tab, dialogs, outbox) -> None:
    register(site_b, "Stella", "Teststop")
    tab = open_tab(desk)
    page = page_of(tab)
    start_import(qtbot, tab, dialogs, export_of(site_b, outbox))
    gate = threading.Event()
    tab.worker.submit(lambda _desk: gate.wait(10))  # holds the worker until Stop is pressed
    click(qtbot, tab.apply_button)
    click(qtbot, tab.stop_button)
    gate.set()
    wait_idle(qtbot, tab.worker)
    assert tab.status.text() == "Stopped: nothing was imported."
    assert live_carers(desk) == [] and not page.has_unsaved_changes()
    assert tab.import_button.isEnabled() and not tab.stop_button.isVisible()


def test_leaving_the_page_during_an_import_and_discarding_brings_nothing_in(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    register(site_b, "Lena", "Testleave")
    tab = open_tab(desk)
    page = page_of(tab)
    start_import(qtbot, tab, dialogs, export_of(site_b, outbox))
    gate = threading.Event()
    tab.worker.submit(lambda _desk: gate.wait(10))  # the import waits behind this
    click(qtbot, tab.apply_button)
    assert page.has_unsaved_changes()  # so leaving the page asks first...
    page.discard_changes()  # ...and the answer was "discard"
    gate.set()
    wait_idle(qtbot, tab.worker)
    assert live_carers(desk) == [], "discarding must not bring the records in after all"
    assert tab.status.text() == "Stopped: nothing was imported."
    assert not page.has_unsaved_changes() and tab.import_button.isEnabled()


def test_apply_brings_in_only_the_export_that_was_previewed(
    qtbot, desk, site_b, open_tab, dialogs, outbox
) -> None:
    register(site_b, "Petra", "Testpreview")
    path = export_of(site_b, outbox)
    tab = open_tab(desk)
    start_import(qtbot, tab, dialogs, path)
    assert tab.decision.isVisible()
    register(site_b, "Quentin", "Testlater")
    export_of(site_b, outbox)  # a newer export saved over the file (same name, same day)
    click(qtbot, tab.apply_button)
    wait_idle(qtbot, tab.worker)
    assert live_carers(desk) == []
    assert "changed since it was checked" in tab.status.text()
    assert not tab.decision.isVisible() and not page_of(tab).has_unsaved_changes()


# -- what waits: conflicts and likely matches -----------------------------------------------


def test_a_conflict_is_settled_field_by_field_in_the_dialog(
    qtbot, desk, site_b, open_tab, outbox
) -> None:
    carer_id = register(desk, "Connie", "Testflict")
    send(desk, site_b, outbox)
    update(desk, carer_id, town="Hitchin", date_of_birth=date(1950, 1, 2), gender=Gender.WOMAN)
    update(site_b, carer_id, town="Watford", date_of_birth=date(1951, 3, 4), gender=Gender.MAN)
    send(site_b, desk, outbox)
    tab = open_tab(desk)
    assert tab.conflicts_button.text() == "Se&ttle conflicts (1)..."
    dialog = tab.open_conflicts()
    wait_idle(qtbot, tab.worker)
    assert dialog.model.rowCount() == 1
    assert dialog.model.data(dialog.model.index(0, 0)) == "Carer: Connie Testflict"
    assert dialog.model.data(dialog.model.index(0, 1)) == "STV"
    grid = dialog.grid
    assert set(grid.radios) >= {"town", "date_of_birth", "gender"}
    here, there = grid.radios["date_of_birth"]
    assert (here.text(), there.text()) == ("02/01/1950", "04/03/1951")
    assert grid.radios["gender"][1].text() == "Man" and here.isChecked()
    click(qtbot, dialog.take_all)
    assert set(grid.choices().values()) == {"remote"}
    click(qtbot, dialog.keep_all)
    choose(qtbot, grid.radios["town"][1])
    choose(qtbot, grid.radios["gender"][1])
    assert grid.choices()["date_of_birth"] == "local"
    grid.radios["gender"][1].setFocus()
    qtbot.keyClick(grid.radios["gender"][1], Qt.Key.Key_Return)  # Enter saves
    wait_idle(qtbot, tab.worker)
    saved = carer(desk, carer_id)
    assert (saved.town, saved.gender, saved.date_of_birth) == (
        "Watford", Gender.MAN, date(1950, 1, 2))  # fmt: skip
    with desk.read() as tx:
        assert list_conflicts(tx) == []
    assert dialog.model.rowCount() == 0 and "Nothing is waiting" in dialog.status.text()
    assert not dialog.save_button.isEnabled()
    assert tab.conflicts_button.text() == "Se&ttle conflicts (0)..."
    assert not tab.conflicts_button.isEnabled()
    dialog.reject()


def test_a_conflict_can_be_settled_with_the_keyboard_alone(
    qtbot, desk, site_b, open_tab, outbox
) -> None:
    carer_id = register(desk, "Kiri", "Testkeys")
    send(desk, site_b, outbox)
    update(desk, carer_id, town="Hitchin", postcode="SG4 9AA")
    update(site_b, carer_id, town="Watford", postcode="WD17 1AA")
    send(site_b, desk, outbox)
    tab = open_tab(desk)
    tab.conflicts_button.setFocus()
    qtbot.keyClick(tab.conflicts_button, Qt.Key.Key_Space)
    dialog = tab.conflicts_dialog
    assert dialog is not None
    wait_idle(qtbot, tab.worker)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
    town_here, town_there = dialog.grid.radios["town"]
    assert dialog.focusWidget() is dialog.grid.order[0]
    dialog.grid.radios["town"][0].setFocus()
    qtbot.keyClick(town_here, Qt.Key.Key_Right)  # across to the other site's value
    assert town_there.isChecked() and dialog.grid.choices()["postcode"] == "local"
    qtbot.keyClick(town_there, Qt.Key.Key_Return)  # Enter saves
    wait_idle(qtbot, tab.worker)
    saved = carer(desk, carer_id)
    assert (saved.town, saved.postcode) == ("Watford", "SG4 9AA")
    dialog.reject()


def _likely_match(desk: Desk, site_b: Desk, outbox: Path) -> tuple[uuid.UUID, uuid.UUID]:
    """The same person registered at both sites before they met, and B's export brought in."""
    mine = register(desk, "Dupli", "Testcate", date_of_birth=date(1950, 4, 3), town="Hitchin")
    theirs = register(site_b, "Duply", "Testcate", date_of_birth=date(1950, 4, 3),
                      town="Watford", phone="07700 900123")  # fmt: skip
    send(site_b, desk, outbox)
    with desk.read() as tx:
        assert len(list_possible_duplicates(tx)) == 1
    return mine, theirs


def test_a_likely_match_can_be_told_apart(qtbot, desk, site_b, open_tab, outbox) -> None:
    _likely_match(desk, site_b, outbox)
    tab = open_tab(desk)
    assert tab.matches_button.text() == "Chec&k likely matches (1)..."
    dialog = tab.open_matches()
    wait_idle(qtbot, tab.worker)
    model = dialog.model
    assert model.data(model.index(0, 0)) == "Dupli Testcate, born 03/04/1950"
    assert model.data(model.index(0, 1)) == "Duply Testcate, born 03/04/1950"
    assert "date of birth" in model.data(model.index(0, 3))
    click(qtbot, dialog.different_button)
    wait_idle(qtbot, tab.worker)
    with desk.read() as tx:
        assert list_possible_duplicates(tx) == []
    assert live_carers(desk) == ["Dupli Testcate", "Duply Testcate"]
    assert "different people" in dialog.status.text()
    assert tab.matches_button.text() == "Chec&k likely matches (0)..."
    dialog.reject()


def test_closing_the_dialog_while_a_choice_is_saved_still_recounts(
    qtbot, desk, site_b, open_tab, outbox
) -> None:
    _likely_match(desk, site_b, outbox)
    tab = open_tab(desk)
    page = page_of(tab)
    changed: list[str] = []
    page.nav.changed.connect(changed.append)
    dialog = tab.open_matches()
    wait_idle(qtbot, tab.worker)
    gate = threading.Event()
    tab.worker.submit(lambda _desk: gate.wait(10))  # the choice waits behind this
    click(qtbot, dialog.different_button)
    dialog.reject()  # closed at once, before the choice is saved
    gate.set()
    wait_idle(qtbot, tab.worker)
    with desk.read() as tx:
        assert list_possible_duplicates(tx) == []
    assert tab.matches_button.text() == "Chec&k likely matches (0)..."
    assert not tab.matches_button.isEnabled() and "carer" in changed


def test_a_likely_match_is_merged_with_the_values_chosen(
    qtbot, desk, site_b, open_tab, outbox
) -> None:
    mine, theirs = _likely_match(desk, site_b, outbox)
    for carer_id, name in ((mine, "Ann Testplan"), (theirs, "Ben Testplan")):
        with desk.transaction() as tx:  # whichever record goes, its contact moves
            contacts.log_contact(tx, carer_id, ContactFields(kind=ContactKind.PHONE, minutes=5))
            carer_details.set_emergency_plan(tx, carer_id, EmergencyPlanFields(contact_name=name))
    tab = open_tab(desk)
    dialog = tab.open_matches()
    qtbot.waitUntil(lambda: dialog.merge_button.isEnabled(), timeout=WAIT)
    assert "1 contact moves onto the record that is kept" in dialog.notes.text()
    grid = dialog.grid
    assert set(grid.radios) >= {"first_name", "town"}
    assert grid.radios["town"][0].text() == "Hitchin" and grid.radios["town"][1].text() == "Watford"
    assert "Phone" in dialog.notes.text()  # only B's record has one: it is kept
    choose(qtbot, grid.radios["town"][1])
    plan_here, plan_there = grid.radios["emergency_plan"]  # both have one: choose which
    assert plan_here.text() == "The emergency plan registered here"
    assert plan_there.text() == "The emergency plan from site STV"
    choose(qtbot, plan_there)
    asked = answer_question(qtbot, yes=True)
    click(qtbot, dialog.merge_button)
    qtbot.waitUntil(lambda: bool(asked), timeout=WAIT)
    wait_idle(qtbot, tab.worker)
    assert "Merged" in dialog.status.text()
    with desk.read() as tx:
        assert list_possible_duplicates(tx) == []
        kept = [c for c in tx.session.exec(select(Carer).where(Carer.deleted == False))]  # noqa: E712
    assert len(kept) == 1 and kept[0].id in (mine, theirs)
    with desk.read() as tx:
        assert len(contacts.list_contacts(tx, kept[0].id)) == 2
        plan = carer_details.get_emergency_plan(tx, kept[0].id)
    assert plan is not None and plan.contact_name == "Ben Testplan"
    assert (kept[0].first_name, kept[0].town, kept[0].phone) == ("Dupli", "Watford",
                                                                "07700 900123")  # fmt: skip
    dialog.reject()


def test_open_record_here_goes_to_the_carer_registered_here(
    qtbot, desk, site_b, open_tab, outbox
) -> None:
    mine, _theirs = _likely_match(desk, site_b, outbox)
    tab = open_tab(desk)
    page = page_of(tab)
    opened: list[object] = []
    page.nav.open_carer.connect(lambda carer_id, _warning: opened.append(carer_id))
    dialog = tab.open_matches()
    wait_idle(qtbot, tab.worker)
    click(qtbot, dialog.open_button)
    assert opened == [mine] and not dialog.isVisible()


# -- the tab in the window ----------------------------------------------------------------------


def _mnemonics(texts: list[str]) -> list[str]:
    letters = []
    for text in texts:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        if found:
            letters.append(found.group(1).lower())
    return letters


def _shown_texts(top: Any) -> list[str]:
    """The texts that can carry a mnemonic and are on screen in ``top``."""
    texts = [w.text() for w in top.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in top.findChildren(QLabel) if w.isVisible() and w.buddy()]
    for bar in top.findChildren(QTabBar):
        if bar.isVisible():
            texts += [bar.tabText(i) for i in range(bar.count())]
    return texts


def test_the_tab_is_for_coordinators_and_its_keys_do_not_clash(
    qtbot, make_window, desk, desk_as, site_b, dialogs, outbox
) -> None:
    from carerdesk.models.enums import Role

    worker = DbWorker(desk_as(Role.STAFF))
    try:
        staff_page = DataPage(worker, Navigator())
        assert staff_page.exchange is None
        staff_page.deleteLater()
    finally:
        worker.stop()

    _likely_match(desk, site_b, outbox)
    window = make_window(desk)
    assert window.show_page("data")
    page = window.page("data")
    assert isinstance(page, DataPage) and page.exchange is not None
    tab = page.exchange
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "&Exchange with another site"
    page.tabs.setCurrentWidget(tab)
    register(site_b, "Keys", "Testclash")
    start_import(qtbot, tab, dialogs, export_of(site_b, outbox))
    assert tab.decision.isVisible() and tab.changes_table.isVisible()
    menus = [a.text() for a in window.menuBar().actions()]
    letters = _mnemonics(_shown_texts(window) + menus)
    assert "e" in letters
    assert len(letters) == len(set(letters)), sorted(letters)
    for dialog in (tab.export(), tab.open_matches()):
        wait_idle(qtbot, tab.worker)
        letters = _mnemonics(_shown_texts(dialog))
        assert len(letters) == len(set(letters)), (dialog.objectName(), sorted(letters))
        dialog.reject()


# -- how it looks ------------------------------------------------------------------------------


def test_screenshots_at_laptop_size(qtbot, make_window, desk, site_b, dialogs, outbox) -> None:
    app = QApplication.instance()
    style, font = app.styleSheet(), app.font()
    apply_theme(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        connie = register(desk, "Connie", "Testflict")
        send(desk, site_b, outbox)
        update(desk, connie, town="Hitchin", phone="07700 900111",
               notes="Prefers a call in the morning; her husband has dementia and needs "
                     "someone with him whenever she goes out.")  # fmt: skip
        update(site_b, connie, town="Watford", phone="07700 900222",
               notes="Prefers a text message.")  # fmt: skip
        send(site_b, desk, outbox)
        _likely_match(desk, site_b, outbox)
        for n in range(3):
            register(site_b, f"Newby{n}", "Testarrival")
        # For the preview: one more change at both sites, and one more likely match.
        update(desk, connie, town="Letchworth")
        update(site_b, connie, town="Baldock")
        register(desk, "Testy", "McTestface", date_of_birth=date(1961, 6, 1))
        register(site_b, "Testy", "McTestfase", date_of_birth=date(1961, 6, 1))
        window = make_window(desk)
        assert window.show_page("data")
        page = window.page("data")
        assert isinstance(page, DataPage) and page.exchange is not None
        tab = page.exchange
        page.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda: tab.conflicts_button.isEnabled(), timeout=WAIT)
        window.grab().save(str(SHOTS / "exchange_tab.png"))

        dialog = tab.export()
        qtbot.wait(50)
        dialog.grab().save(str(SHOTS / "exchange_export_dialog.png"))
        dialog.no_password.setChecked(True)
        qtbot.wait(50)
        dialog.grab().save(str(SHOTS / "exchange_export_no_password.png"))
        assert dialog.height() <= SCREEN[1] and dialog.width() <= SCREEN[0]
        dialog.reject()

        start_import(qtbot, tab, dialogs, export_of(site_b, outbox, "correct horse battery"))
        assert tab.password_dialog is not None
        type_password(qtbot, tab, "wrong")
        wait_idle(qtbot, tab.worker)
        tab.password_dialog.grab().save(str(SHOTS / "exchange_password_again.png"))
        type_password(qtbot, tab, "correct horse battery")
        wait_idle(qtbot, tab.worker)
        assert tab.decision.isVisible() and "changed at both sites" in tab.notes.text()
        assert "look like" in tab.notes.text() or "looks like" in tab.notes.text()
        window.grab().save(str(SHOTS / "exchange_preview.png"))
        click(qtbot, tab.apply_button)
        wait_idle(qtbot, tab.worker)
        window.grab().save(str(SHOTS / "exchange_applied.png"))

        conflicts = tab.open_conflicts()
        wait_idle(qtbot, tab.worker)
        assert conflicts.width() <= SCREEN[0] and conflicts.height() <= SCREEN[1] - 60
        conflicts.grab().save(str(SHOTS / "exchange_conflicts_dialog.png"))
        conflicts.reject()
        matches = tab.open_matches()
        qtbot.waitUntil(lambda: matches.merge_button.isEnabled(), timeout=WAIT)
        matches.grab().save(str(SHOTS / "exchange_matches_dialog.png"))
        apply_theme(app, larger_text=True)
        qtbot.wait(100)
        matches.grab().save(str(SHOTS / "exchange_matches_dialog_larger_text.png"))
        window.grab().save(str(SHOTS / "exchange_applied_larger_text.png"))
        matches.reject()
    finally:
        app.setStyleSheet(style)
        app.setFont(font)
