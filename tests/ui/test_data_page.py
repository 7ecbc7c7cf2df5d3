"""The "Data and returns" page: the monthly return, the offers spreadsheet and
the old-register wizard, driven page by page against the real database."""

from __future__ import annotations

import csv
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWizard

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue
from carerdesk.services import offers
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.services.search import find_carers
from carerdesk.ui import legacy_wizard
from carerdesk.ui.data_page import DataPage
from carerdesk.ui.legacy_wizard import LegacyWizard
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.worker import DbWorker

SHOTS = Path("/tmp/shots")
SCREEN = (1366, 768)

# Row 1 a title, row 2 empty, row 3 the header; data from row 4.
REGISTER = [
    ["Testshire Carers Register (test data)"],
    [],
    ["Surname", "Forename", "D.O.B", "Post Code", "Tel", "Notes"],
    ["McTestface", "Testy", "03/04/1950", "sg1 1aa", "07700 900123", "Likes tea"],  # 4 new
    ["Testperson", "Siân", "3.4.50", "SG1 2AB", "7700900124", ""],  # 5 new
    ["", "", "", "", "", ""],  # 6 blank
    ["Testington", "Bad", "01/01/1970", "NOT A PC", "", ""],  # 7 rejected: postcode
    ["MCTESTFACE", "Testy", "03/04/1950", "SG1 1AA", "", ""],  # 8 duplicate of row 4
    ["", "Nameless", "01/01/1980", "SG1 4AB", "", ""],  # 9 rejected: no name
]
EXPECTED = {"rows": 5, "blank": 1, "imported": 2, "duplicates": 1, "rejected": 2}


# -- helpers ------------------------------------------------------------------------------


def write_register(folder: Path) -> Path:
    path = folder / "old register.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(REGISTER)
    return path


def wait_idle(qtbot: Any, worker: DbWorker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=10_000)


@pytest.fixture
def open_page(qtbot: Any) -> Iterator[Callable[[Desk], DataPage]]:
    """The page on a desk with its own worker, shown at laptop size; the worker stops after."""
    workers: list[DbWorker] = []

    def _open(desk: Desk) -> DataPage:
        worker = DbWorker(desk)
        workers.append(worker)
        page = DataPage(worker, Navigator())
        qtbot.addWidget(page, before_close_func=lambda _: worker.stop())
        page.resize(*SCREEN)
        page.show()
        wait_idle(qtbot, worker)
        return page

    yield _open
    for worker in workers:
        worker.stop()


def set_today(desk: Desk, year: int = 2025, month: int = 4, day: int = 15) -> None:
    desk.clock = lambda: datetime(year, month, day, 11, 0, tzinfo=UTC)


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_when_asked(qtbot: Any, name: str) -> None:
    """Answer the next modal question by clicking the button with this object name."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        button = box.findChild(QPushButton, name) if box is not None else None
        if button is None:
            QTimer.singleShot(20, answer)
            return
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def found(desk: Desk, query: str) -> int:
    with desk.read() as tx:
        return len(find_carers(tx, query).hits)


def carer_count(desk: Desk) -> int:
    from sqlmodel import func, select

    from carerdesk.models import Carer

    with desk.read() as tx:
        return tx.session.exec(select(func.count()).select_from(Carer)).one()


def open_wizard(qtbot: Any, page: DataPage, register: Path) -> LegacyWizard:
    """Open the wizard, choose ``register`` and move on to the sheet step."""
    assert page.old_register is not None
    page.tabs.setCurrentWidget(page.old_register)
    click(qtbot, page.old_register.start_button)
    wizard = page.old_register.wizard
    assert isinstance(wizard, LegacyWizard) and wizard.isVisible()
    wizard.file_page.path.setText(str(register))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.sheet_page, timeout=10_000)
    return wizard


def to_preview(qtbot: Any, wizard: LegacyWizard) -> None:
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    qtbot.waitUntil(lambda: wizard.preview_page.result is not None, timeout=10_000)


# -- the old-register wizard ------------------------------------------------------------


def test_wizard_finds_the_header_and_suggests_the_columns(qtbot, desk, open_page, tmp_path,
                                                         dialogs) -> None:
    page = open_page(desk)
    wizard = open_wizard(qtbot, page, write_register(tmp_path))
    sheet = wizard.sheet_page
    assert sheet.header_row.value() == 3
    assert sheet.preview.header[:3] == ["Surname", "Forename", "D.O.B"]
    preview = sheet.preview
    assert preview.data(preview.index(0, 0)) == "4"  # the row number in the file
    assert preview.data(preview.index(0, 1)) == "McTestface"
    wizard.next()
    grid = wizard.mapping_page.grid
    assert grid.by_header() == {"Surname": "last_name", "Forename": "first_name",
                                "D.O.B": "date_of_birth", "Post Code": "postcode",
                                "Tel": "phone", "Notes": "notes"}
    # A saved mapping comes back as it was saved.
    grid.choose("Notes", None)
    saved = tmp_path / "my mapping.json"
    dialogs.will_answer(saved)
    click(qtbot, wizard.mapping_page.save)
    assert json.loads(saved.read_text())["columns"].get("Notes") is None
    grid.choose("Notes", "notes")
    dialogs.will_answer(saved)
    click(qtbot, wizard.mapping_page.load)
    qtbot.waitUntil(lambda: "Loaded the mapping" in wizard.mapping_page.problem.text(),
                    timeout=10_000)
    assert wizard.mapping_page.grid.by_header()["Notes"] is None
    wizard.reject()


def test_choosing_another_sheet_or_header_row_reads_the_file_again(qtbot, desk, open_page,
                                                                   tmp_path) -> None:
    path = tmp_path / "register.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["This workbook is test data only"])
    register = book.create_sheet("Carers")
    for row in REGISTER:
        register.append(row)
    book.save(path)
    page = open_page(desk)
    wizard = open_wizard(qtbot, page, path)
    sheet = wizard.sheet_page
    assert [sheet.sheet.itemText(i) for i in range(sheet.sheet.count())] == ["Read me", "Carers"]
    assert sheet.sheet.currentText() == "Carers"  # the one with carers' column names
    assert sheet.header_row.value() == 3
    sheet.header_row.setValue(1)
    assert not sheet.isComplete()  # no moving on with the old header row meanwhile
    qtbot.waitUntil(lambda: sheet.preview.header[:1] == ["Testshire Carers Register (test data)"],
                    timeout=10_000)
    assert sheet.isComplete()
    sheet.sheet.setCurrentText("Read me")
    qtbot.waitUntil(lambda: sheet.preview.header == ["This workbook is test data only"],
                    timeout=10_000)
    sheet.sheet.setCurrentText("Carers")
    qtbot.waitUntil(lambda: sheet.header_row.value() == 3, timeout=10_000)
    qtbot.waitUntil(sheet.isComplete, timeout=10_000)
    wizard.reject()


def test_mapping_without_a_name_column_is_refused_on_the_page(qtbot, desk, open_page,
                                                              tmp_path) -> None:
    page = open_page(desk)
    wizard = open_wizard(qtbot, page, write_register(tmp_path))
    wizard.next()
    wizard.mapping_page.grid.choose("Surname", None)
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert "last name" in wizard.mapping_page.problem.text()
    assert wizard.mapping_page.problem.isVisible()
    wizard.reject()


def test_dry_run_counts_then_import_adds_the_new_carers(qtbot, desk, open_page, tmp_path,
                                                       dialogs) -> None:
    page = open_page(desk)
    changed: list[str] = []
    page.nav.changed.connect(changed.append)
    before = carer_count(desk)
    wizard = open_wizard(qtbot, page, write_register(tmp_path))
    to_preview(qtbot, wizard)
    preview = wizard.preview_page
    assert preview.result is not None and preview.result.counts() == EXPECTED
    assert carer_count(desk) == before  # the dry run changed nothing
    assert [(r.row, r.outcome) for r in preview.problems.model.rows] == [
        (7, "Rejected"), (8, "Duplicate: same as row 4"), (9, "Rejected")]
    assert preview.isComplete()

    rejects = tmp_path / "not imported.xlsx"
    dialogs.will_answer(rejects)
    wizard.next()  # "Import"
    assert wizard.currentPage() is wizard.import_page
    qtbot.waitUntil(lambda: wizard.import_page.result is not None, timeout=10_000)
    assert wizard.import_page.result.counts() == EXPECTED
    assert "Imported 2 new carers." in wizard.import_page.summary.text()
    assert str(rejects) in wizard.import_page.summary.text()
    assert changed == ["carer"]
    assert carer_count(desk) == before + 2
    assert found(desk, "Testperson") == 1
    assert found(desk, "McTestface") == 1
    book = openpyxl.load_workbook(rejects)
    assert book.sheetnames == ["Rejected", "Duplicates"]
    assert [r[0] for r in book["Rejected"].iter_rows(min_row=2, values_only=True)] == [7, 9]
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    wizard.accept()
    assert "Imported 2 new carers." in page.old_register.status.text()  # left on the tab


def test_import_asks_where_to_save_the_rows_not_imported(qtbot, desk, open_page, tmp_path,
                                                        dialogs) -> None:
    page = open_page(desk)
    before = carer_count(desk)
    wizard = open_wizard(qtbot, page, write_register(tmp_path))
    to_preview(qtbot, wizard)
    dialogs.will_answer(None)  # the user cancels the save dialog
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    assert "none are lost" in wizard.preview_page.problem.text()
    assert carer_count(desk) == before
    wizard.reject()


def test_stopping_the_import_adds_nobody(qtbot, desk, open_page, tmp_path, dialogs,
                                         monkeypatch) -> None:
    gate = threading.Event()
    real = legacy_wizard.import_register

    def held(tx: Any, register: Any, **kw: Any) -> Any:
        if not kw.get("dry_run"):
            gate.wait(10)  # the import waits until the user has asked to stop
        return real(tx, register, **kw)

    monkeypatch.setattr(legacy_wizard, "import_register", held)
    page = open_page(desk)
    before = carer_count(desk)
    wizard = open_wizard(qtbot, page, write_register(tmp_path))
    to_preview(qtbot, wizard)
    dialogs.will_answer(tmp_path / "rejects.xlsx")
    wizard.next()
    assert wizard.import_page.running
    click_when_asked(qtbot, "confirmYes")
    wizard.reject()  # Cancel (or Escape)
    assert wizard.isVisible()  # stays open until the import has really stopped
    gate.set()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10_000)
    assert carer_count(desk) == before
    assert found(desk, "Testperson") == 0


def test_a_file_that_is_not_a_spreadsheet_is_explained_on_the_first_step(
    qtbot, desk, open_page, tmp_path
) -> None:
    bad = tmp_path / "register.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a spreadsheet")
    page = open_page(desk)
    assert page.old_register is not None
    wizard = page.old_register.open_wizard()
    wizard.file_page.path.setText(str(bad))
    wizard.next()
    problem = wizard.file_page.problem
    qtbot.waitUntil(lambda: problem.isVisible(), timeout=10_000)
    assert wizard.currentPage() is wizard.file_page
    assert problem.property("role") == "error"
    assert "spreadsheet" in problem.text() or "damaged" in problem.text()
    wizard.reject()


# -- the offers spreadsheet --------------------------------------------------------------


def add_teashop(desk: Desk) -> None:
    with desk.transaction() as tx:
        shop = offers.add_business(tx, BusinessFields(name="Testy Teashop", town="Stevenage",
                                                      postcode="SG1 1AA"))
        offers.add_offer(tx, OfferFields(business_id=shop.id, text="10% off tea"))


def offer_texts(desk: Desk) -> list[str]:
    with desk.read() as tx:
        return sorted(r.text for r in offers.list_offers(tx))


def test_offers_export_then_import_shows_nothing_would_change(qtbot, desk, open_page, tmp_path,
                                                             dialogs) -> None:
    add_teashop(desk)
    page = open_page(desk)
    tab = page.offers
    page.tabs.setCurrentWidget(tab)
    sheet = tmp_path / "offers"  # the ".xlsx" is added
    dialogs.will_answer(sheet)
    click(qtbot, tab.export_button)
    wait_idle(qtbot, page.worker)
    sheet = sheet.with_name("offers.xlsx")
    assert sheet.exists() and str(sheet) in tab.status.text()
    dialogs.will_answer(sheet)
    click(qtbot, tab.import_button)
    wait_idle(qtbot, page.worker)
    assert "Rows already the same: 1" in tab.counts.text()
    assert "would change nothing" in tab.status.text()
    assert not tab.decision.isVisible()
    assert not page.has_unsaved_changes()


def test_an_edited_offers_sheet_is_previewed_then_applied(qtbot, desk, open_page, tmp_path,
                                                         dialogs) -> None:
    add_teashop(desk)
    page = open_page(desk)
    changed: list[str] = []
    page.nav.changed.connect(changed.append)
    tab = page.offers
    page.tabs.setCurrentWidget(tab)
    sheet = tmp_path / "offers.xlsx"
    dialogs.will_answer(sheet)
    click(qtbot, tab.export_button)
    wait_idle(qtbot, page.worker)
    book = openpyxl.load_workbook(sheet)
    ws = book["Offers"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("Offer") + 1, value="20% off tea")
    ws.append(["", "", "McTestface Motors", "", "", "", "", "NOT A PC", "", "", "", "", "",
               "", "Free tyre check"])
    book.save(sheet)

    dialogs.will_answer(sheet)
    click(qtbot, tab.import_button)
    wait_idle(qtbot, page.worker)
    assert "Offers that would be changed: 1" in tab.counts.text()
    assert [r.row for r in tab.refused.model.rows] == [3]
    assert "ostcode" in tab.refused.model.rows[0].reason
    assert offer_texts(desk) == ["10% off tea"]  # nothing yet
    assert page.has_unsaved_changes()

    click(qtbot, tab.apply_button)
    wait_idle(qtbot, page.worker)
    assert offer_texts(desk) == ["20% off tea"]
    assert "Offers changed: 1" in tab.counts.text()
    assert changed == ["offer"]
    assert not page.has_unsaved_changes()


def test_a_bad_offers_file_is_refused_plainly(qtbot, desk, open_page, tmp_path,
                                              dialogs) -> None:
    bad = tmp_path / "offers.xlsx"
    bad.write_text("Dear team, please find the offers attached.")
    page = open_page(desk)
    tab = page.offers
    page.tabs.setCurrentWidget(tab)
    dialogs.will_answer(bad)
    click(qtbot, tab.import_button)
    wait_idle(qtbot, page.worker)
    assert tab.status.property("role") == "error"
    assert tab.status.isVisible() and tab.status.text()
    assert not tab.decision.isVisible()


# -- the monthly return ------------------------------------------------------------------


def _returns_importable() -> bool:
    try:
        from carerdesk.returns import write_return  # noqa: F401
    except Exception:  # pragma: no cover - only while the returns module is unfinished
        return False
    return True


def _returns_ready() -> None:
    try:
        from carerdesk.returns import write_return  # noqa: F401
    except Exception as exc:  # pragma: no cover - only while the returns module is unfinished
        pytest.skip(f"carerdesk.returns is not importable yet ({exc})")


def test_saving_the_monthly_return_writes_a_workbook(qtbot, desk, open_page, tmp_path,
                                                    dialogs) -> None:
    _returns_ready()
    set_today(desk)
    page = open_page(desk)
    tab = page.returns
    assert tab is not None
    assert tab.chosen_month() == "2025-03"  # last month
    assert "<5" in tab.privacy.text()
    out = tmp_path / "return.xlsx"
    dialogs.will_answer(out)
    click(qtbot, tab.save_button)
    qtbot.waitUntil(lambda: "Saved the return" in tab.status.text(), timeout=20_000)
    assert "March 2025" in tab.status.text() and str(out) in tab.status.text()
    book = openpyxl.load_workbook(out)
    assert "Trend" in book.sheetnames


def test_the_month_cannot_be_one_not_yet_started(qtbot, desk, open_page) -> None:
    set_today(desk)
    page = open_page(desk)
    tab = page.returns
    assert tab is not None
    tab.month.setDate(QDate(2025, 9, 1))
    assert tab.chosen_month() == "2025-04"
    tab.failed(InvalidValue({"month": "That month has not started yet"}))
    assert tab.month_row.error.isVisible()
    assert tab.save_button.isEnabled()


# -- how it looks ------------------------------------------------------------------------


def test_screenshots_at_laptop_size(qtbot, desk, monkeypatch, tmp_path, dialogs) -> None:
    from carerdesk.services.permissions import Permission
    from carerdesk.ui import pages
    from carerdesk.ui.main_window import MainWindow

    set_today(desk)
    add_teashop(desk)
    spec = pages.PageSpec("data", "Data and returns", DataPage, Permission.EXCHANGE)
    monkeypatch.setattr(pages, "PAGES", [spec])
    app = QApplication.instance()
    style, font = app.styleSheet(), app.font()
    apply_theme(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = MainWindow(desk)
    qtbot.addWidget(window)
    try:
        window.resize(*SCREEN)
        window.show()
        assert window.show_page("data")
        page = window.page("data")
        assert isinstance(page, DataPage)
        wait_idle(qtbot, window.worker)
        if page.returns is not None and _returns_importable():
            dialogs.will_answer(tmp_path / "return.xlsx")
            click(qtbot, page.returns.save_button)
            qtbot.waitUntil(lambda: not window.worker.busy and page.returns.save_button
                            .isEnabled(), timeout=20_000)
        window.grab().save(str(SHOTS / "data_return_tab.png"))
        page.tabs.setCurrentWidget(page.offers)
        sheet = tmp_path / "offers.xlsx"
        dialogs.will_answer(sheet)
        click(qtbot, page.offers.export_button)
        wait_idle(qtbot, window.worker)
        book = openpyxl.load_workbook(sheet)
        book["Offers"].cell(row=2, column=15, value="20% off tea")
        book["Offers"].append(["", "", "McTestface Motors", "", "", "", "", "NOT A PC", "",
                               "", "", "", "", "", "Free tyre check"])
        book.save(sheet)
        dialogs.will_answer(sheet)
        click(qtbot, page.offers.import_button)
        wait_idle(qtbot, window.worker)
        window.grab().save(str(SHOTS / "data_offers_tab.png"))
        page.offers.discard()
        assert page.old_register is not None
        page.tabs.setCurrentWidget(page.old_register)
        window.grab().save(str(SHOTS / "data_old_register_tab.png"))

        bad = tmp_path / "not a register.xlsx"
        bad.write_bytes(b"PK\x03\x04 cut short")
        wizard = page.old_register.open_wizard()
        assert isinstance(wizard, LegacyWizard)
        assert wizard.width() <= SCREEN[0] and wizard.height() <= SCREEN[1]
        wizard.file_page.path.setText(str(bad))
        wizard.next()
        qtbot.waitUntil(lambda: wizard.file_page.problem.isVisible(), timeout=10_000)
        wizard.grab().save(str(SHOTS / "data_wizard_1_file_problem.png"))
        wizard.file_page.path.setText(str(write_register(tmp_path)))
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.sheet_page, timeout=10_000)
        wizard.grab().save(str(SHOTS / "data_wizard_2_sheet.png"))
        wizard.next()
        wizard.grab().save(str(SHOTS / "data_wizard_3_mapping.png"))
        apply_theme(app, larger_text=True)
        qtbot.wait(100)  # let the layouts follow the larger font
        wizard.grab().save(str(SHOTS / "data_wizard_3_mapping_larger_text.png"))
        window.grab().save(str(SHOTS / "data_old_register_tab_larger_text.png"))
        apply_theme(app)
        wizard.next()
        qtbot.waitUntil(lambda: wizard.preview_page.result is not None, timeout=10_000)
        wizard.grab().save(str(SHOTS / "data_wizard_4_preview.png"))
        dialogs.will_answer(tmp_path / "rejects.xlsx")
        wizard.next()
        qtbot.waitUntil(lambda: wizard.import_page.result is not None, timeout=10_000)
        wizard.grab().save(str(SHOTS / "data_wizard_5_done.png"))
        wizard.accept()
    finally:
        window.close()
        app.setStyleSheet(style)
        app.setFont(font)
