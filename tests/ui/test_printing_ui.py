"""The print page, the preview dialog, and the one-line preview helpers."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QVBoxLayout, QWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from carerdesk.desk import Desk
from carerdesk.errors import PermissionDenied
from carerdesk.models import Card, CardEvent
from carerdesk.models.enums import CardStatus, Role
from carerdesk.printing import presets
from carerdesk.services import cards, carers, offers
from carerdesk.services.carers import CarerFields
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.services.permissions import Permission
from carerdesk.ui import pages, print_actions
from carerdesk.ui.main_window import MainWindow
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.pdf_preview import PreviewDialog
from carerdesk.ui.print_actions import LAYOUT_SETTING
from carerdesk.ui.print_page import PrintPage
from carerdesk.ui.print_widgets import CalibrationDialog, ChooseCardsDialog
from carerdesk.ui.theme import apply_theme
from carerdesk.ui.worker import DbWorker

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SHOTS = Path("/tmp/shots")
SCREEN = (1366, 768)


# -- helpers ---------------------------------------------------------------------------


@pytest.fixture
def desk(desk: Desk) -> Desk:
    desk.clock = lambda: NOW
    return desk


@pytest.fixture(autouse=True)
def _own_print_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Layouts and nudges go to a file of this test's own; the chosen layout is forgotten."""
    monkeypatch.setenv("CARERDESK_CONFIG_DIR", str(tmp_path / "config"))
    QSettings().remove(LAYOUT_SETTING)
    yield
    QSettings().remove(LAYOUT_SETTING)


def queue_for(desk: Desk, first: str = "Testy", last: str = "McTestface") -> uuid.UUID:
    """Register an obviously fake, consenting carer and queue a card; the card's id."""
    fields = CarerFields(first_name=first, last_name=last, postcode="SG1 1AA",
                         address_line1="1 Test Street", town="Testville", area="North Herts",
                         consent_keep_record=True, consent_contact=True)
    with desk.transaction() as tx:
        carer = carers.register(tx, fields, allow_duplicate=True)
        return cards.queue_card(tx, carer.id).id


def withdraw_consent(desk: Desk, card_id: uuid.UUID) -> None:
    with desk.transaction() as tx:
        carer_id = tx.get(Card, card_id, "card").carer_id
        carers.update(tx, carer_id, CarerFields(consent_keep_record=False))


def status_of(desk: Desk, card_id: uuid.UUID) -> CardStatus:
    with desk.read() as tx:
        return tx.get(Card, card_id, "card").status


def wait_idle(qtbot: Any, worker: DbWorker) -> None:
    qtbot.waitUntil(lambda: not worker.busy, timeout=10_000)


def wait_drawn(qtbot: Any, dialog: PreviewDialog, pages: int) -> None:
    """Wait until the preview knows its pages and has drawn the first."""

    def drawn() -> bool:
        if dialog.page_count != pages:
            return False
        pixmap = dialog.pages[0].pixmap()
        return pixmap is not None and not pixmap.isNull()

    qtbot.waitUntil(drawn, timeout=10_000)


def answer_next_question(button_name: str) -> None:
    """Click ``button_name`` in the next question box, once it is open."""

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            button = box.findChild(QPushButton, button_name)
            assert button is not None, button_name
            button.click()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


class Built:
    """Print pages built straight on a worker, each in a window the page's size."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.workers: list[DbWorker] = []
        self.hosts: list[QWidget] = []  # qtbot only keeps weak references

    def __call__(self, desk: Desk) -> PrintPage:
        worker = DbWorker(desk)
        self.workers.append(worker)
        page = PrintPage(worker, Navigator())
        host = QWidget()
        QVBoxLayout(host).addWidget(page)
        host.resize(1150, 640)  # what the main window leaves a page at 1366 x 768
        self.qtbot.addWidget(host)
        self.hosts.append(host)
        host.show()
        wait_idle(self.qtbot, worker)
        return page


@pytest.fixture
def build(qtbot: Any) -> Iterator[Built]:
    built = Built(qtbot)
    yield built
    for host in built.hosts:
        for dialog in host.findChildren(PreviewDialog):
            dialog.reject()
        host.close()
    for worker in built.workers:
        worker.stop()


def select_rows(table: Any, rows: list[int]) -> None:
    table.clearSelection()
    model = table.selectionModel()
    for row in rows:
        index = table.model().index(row, 0)
        model.select(index, model.SelectionFlag.Select | model.SelectionFlag.Rows)


def sample_pdf(pages: int = 2) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for n in range(pages):
        canvas.drawString(72, 760, f"Test page {n + 1}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


# -- the card queue ----------------------------------------------------------------------


def test_card_without_consent_cannot_print_and_is_left_off_the_sheet(
    desk: Desk, qtbot: Any, build: Built
) -> None:
    ready = queue_for(desk)
    blocked = queue_for(desk, "Testina", "McTestface")
    withdraw_consent(desk, blocked)
    page = build(desk)

    rows = {r.card_id: r for r in page.model.rows}
    assert set(rows) == {ready, blocked}
    assert not rows[ready].blocking and rows[ready].readiness.startswith("Ready")
    assert rows[blocked].blocking
    assert rows[blocked].readiness.startswith("Cannot print:")
    assert "consent" in rows[blocked].readiness
    assert "1 cannot print yet" in page.queue_title.text()
    blocked_row = [r.card_id for r in page.model.rows].index(blocked)
    page.table.setCurrentIndex(page.model.index(blocked_row, 0))
    assert page.detail.text().startswith(f"{rows[blocked].number}: Cannot print:")
    opened: list[uuid.UUID] = []
    page.nav.open_carer.connect(lambda carer_id, _warning: opened.append(carer_id))
    page.table.doubleClicked.emit(page.model.index(blocked_row, 1))
    assert opened == [rows[blocked].carer_id]

    select_rows(page.table, [0, 1])
    page.print_selected.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10_000)
    dialog = page.preview
    assert dialog is not None
    wait_drawn(qtbot, dialog, 2)  # one sheet of fronts, one of backs
    assert [r.card_id for r in page.pending] == [ready]
    assert "1 of the chosen cards cannot print yet" in page.message.text()
    assert page.pending_note.isVisibleTo(page) and page.mark_printed_button.isEnabled()
    assert dialog.page_label.text() == "Page 1 of 2"
    dialog.next_page()
    assert dialog.page_label.text() == "Page 2 of 2"
    dialog.reject()

    answer_next_question("answer0")  # "Yes, mark them printed"
    page.mark_printed_button.click()
    wait_idle(qtbot, page.worker)
    assert status_of(desk, ready) is CardStatus.PRINTED
    assert status_of(desk, blocked) is CardStatus.QUEUED
    assert [r.card_id for r in page.printed_model.rows] == [ready]
    assert [r.card_id for r in page.model.rows] == [blocked]
    assert not page.mark_printed_button.isEnabled() and page.pending_note.isHidden()

    select_rows(page.printed, [0])
    page.issue_button.click()
    wait_idle(qtbot, page.worker)
    assert status_of(desk, ready) is CardStatus.ISSUED
    assert page.printed_model.rows == []


def test_some_failed_marks_only_the_ticked_cards_printed(
    desk: Desk, qtbot: Any, build: Built
) -> None:
    good, failed = queue_for(desk), queue_for(desk, "Testina", "McTestface")
    page = build(desk)
    page.print_all.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10_000)
    wait_drawn(qtbot, page.preview, 2)  # both cards fit on one sheet
    page.preview.reject()

    answer_next_question("answer1")  # "Some failed: let me choose"
    page.mark_printed_button.click()
    dialog = page.choose_dialog
    assert isinstance(dialog, ChooseCardsDialog) and dialog.isVisible()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "print_choose_cards.png"))
    row = [value for _text, value, _on in dialog.model.items].index(failed)
    dialog.model.set_checked(row, False)
    dialog.accept()
    wait_idle(qtbot, page.worker)

    assert status_of(desk, good) is CardStatus.PRINTED
    assert status_of(desk, failed) is CardStatus.QUEUED
    assert [r.card_id for r in page.model.rows] == [failed]


def test_reprint_previews_a_printed_card_and_records_a_new_batch(
    desk: Desk, qtbot: Any, build: Built
) -> None:
    card_id = queue_for(desk)
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card_id])
    page = build(desk)
    assert [r.card_id for r in page.printed_model.rows] == [card_id]

    select_rows(page.printed, [0])
    page.reprint_button.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10_000)
    wait_drawn(qtbot, page.preview, 2)
    page.preview.reject()
    answer_next_question("answer0")  # "Yes, mark it printed"
    page.mark_printed_button.click()
    wait_idle(qtbot, page.worker)

    with desk.read() as tx:
        history = cards.card_history(tx, card_id)
    assert [e.note for e in history if e.to_status is CardStatus.PRINTED] == [None, "Reprinted"]
    assert isinstance(history[-1], CardEvent)


def test_removing_a_card_from_the_queue_asks_first(desk: Desk, qtbot: Any, build: Built) -> None:
    card_id = queue_for(desk)
    page = build(desk)
    select_rows(page.table, [0])

    answer_next_question("answerCancel")
    page.remove_button.click()
    wait_idle(qtbot, page.worker)
    assert status_of(desk, card_id) is CardStatus.QUEUED

    answer_next_question("answer0")
    page.remove_button.click()
    wait_idle(qtbot, page.worker)
    assert status_of(desk, card_id) is CardStatus.REVOKED
    assert page.model.rows == []


def test_calibration_saves_the_nudge_and_previews_a_test_page(
    desk: Desk, qtbot: Any, build: Built
) -> None:
    page = build(desk)
    page.calibrate_button.click()
    dialog = page.calibration_dialog
    assert isinstance(dialog, CalibrationDialog) and dialog.isVisible()
    assert dialog.layout_name == page.layout_combo.currentData() == "a4-10"
    dialog.across.setValue(1.5)
    dialog.down.setValue(-0.5)
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "print_calibration.png"))

    dialog.preview_button.click()
    qtbot.waitUntil(lambda: bool(dialog.findChildren(PreviewDialog)), timeout=10_000)
    preview = dialog.findChildren(PreviewDialog)[0]
    wait_drawn(qtbot, preview, 1)
    preview.reject()

    dialog.accept()
    assert presets.nudge_for("a4-10") == (1.5, -0.5)


# -- who may print -------------------------------------------------------------------------


def test_volunteers_cannot_build_the_print_page(
    desk: Desk, desk_as: Callable[[Role], Desk], qtbot: Any
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    assert PrintPage.PERMISSION is Permission.PRINT_BATCH
    assert not volunteer.can(PrintPage.PERMISSION) and desk.can(PrintPage.PERMISSION)
    worker = DbWorker(volunteer)
    try:
        with pytest.raises(PermissionDenied):
            PrintPage(worker, Navigator())
    finally:
        worker.stop()
    spec = next((s for s in pages.PAGES if s.name == "print"), None)
    if spec is None:
        pytest.skip("the print page is not in carerdesk.ui.pages yet")
    assert spec.permission is PrintPage.PERMISSION


# -- the preview dialog ----------------------------------------------------------------------


def test_save_as_pdf_writes_the_bytes(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = sample_pdf()
    dialog = PreviewDialog("Test print-out", data, None, suggested_name="test.pdf")
    qtbot.addWidget(dialog)
    dialog.open()
    wait_drawn(qtbot, dialog, 2)
    target = tmp_path / "saved"
    asked: list[str] = []

    def fake_ask(_parent: Any, _title: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(target), "PDF files (*.pdf)"

    monkeypatch.setattr("carerdesk.ui.pdf_preview.QFileDialog.getSaveFileName", fake_ask)
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    dialog.save_button.click()

    assert asked[0].endswith("test.pdf")
    assert target.with_suffix(".pdf").read_bytes() == data
    assert saved == [str(target.with_suffix(".pdf"))]
    assert dialog.status.text() == "Saved as saved.pdf."
    dialog.reject()


def test_print_opens_the_print_dialog_without_blocking_and_escape_closes(qtbot: Any) -> None:
    dialog = PreviewDialog("Test print-out", sample_pdf(3), None, suggested_name="test.pdf")
    qtbot.addWidget(dialog)
    dialog.open()
    wait_drawn(qtbot, dialog, 3)
    dialog.print_button.click()
    chooser = dialog.findChild(QPrintDialog, "printDialog")
    assert chooser is not None and chooser.isVisible()
    chooser.reject()
    assert not dialog.printing and dialog.isVisible()

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_card_that_cannot_print_is_explained_calmly(desk: Desk, qtbot: Any, build: Built) -> None:
    card_id = queue_for(desk)
    withdraw_consent(desk, card_id)
    page = build(desk)
    print_actions.preview_cards(page.worker, page, [card_id], "a4-10")
    wait_idle(qtbot, page.worker)
    qtbot.waitUntil(lambda: page.findChild(QMessageBox, "printMessage") is not None, timeout=5000)
    box = page.findChild(QMessageBox, "printMessage")
    assert box.text().startswith("This card cannot be printed yet.")
    assert "consent" in box.text() and "Testy" not in box.text()
    assert not page.findChildren(PreviewDialog)
    box.accept()


def test_printing_keeps_each_page_at_its_true_size(
    desk: Desk, qtbot: Any, build: Built, tmp_path: Path
) -> None:
    queue_for(desk)
    page = build(desk)
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("cr80"))
    wait_idle(qtbot, page.worker)
    page.print_all.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10_000)
    dialog = page.preview
    wait_drawn(qtbot, dialog, 2)
    assert "actual size (100%)" in dialog.note.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printed: list[int] = []
    dialog.printed.connect(printed.append)
    assert dialog.print_to(printer)
    qtbot.waitUntil(lambda: printed == [2], timeout=20_000)
    dialog.reject()

    source = pdfium.PdfDocument(dialog.pdf_bytes)
    result = pdfium.PdfDocument(out.read_bytes())
    assert len(result) == len(source) == 2
    for i in range(2):
        (w, h), (rw, rh) = source.get_page_size(i), result.get_page_size(i)
        assert abs(w - rw) < 1.5 and abs(h - rh) < 1.5  # a CR80 card, not shrunk onto A4
    assert source.get_page_size(0)[0] > source.get_page_size(0)[1]  # landscape card
    source.close()
    result.close()


def test_one_card_previews_on_the_layout_chosen_last(desk: Desk, qtbot: Any, build: Built) -> None:
    card_id = queue_for(desk)
    page = build(desk)
    page.layout_combo.setCurrentIndex(page.layout_combo.findData("cr80"))
    assert print_actions.chosen_layout() == "cr80"
    opened: list[PreviewDialog] = []
    print_actions.preview_card(page.worker, page, card_id, on_open=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    wait_drawn(qtbot, opened[0], 2)
    width, height = opened[0].sizes[0]
    assert abs(width - 85.6 * 72 / 25.4) < 1 and abs(height - 53.98 * 72 / 25.4) < 1
    opened[0].reject()


# -- letters, leaflets, posters ------------------------------------------------------------


def test_offers_leaflet_preview_opens(desk: Desk, qtbot: Any, build: Built) -> None:
    with desk.transaction() as tx:
        business = offers.add_business(tx, BusinessFields(name="Testy Teas", town="Testville"))
        offers.add_offer(tx, OfferFields(business_id=business.id,
                                         text="10% off tea and cake", areas=["North Herts"]))
    queue_for(desk)  # a carer in North Herts, so the area is offered
    page = build(desk)
    tab = page.leaflets
    wait_idle(qtbot, page.worker)
    assert [text for text, _v, _on in tab.areas_model.items] == ["North Herts"]
    assert tab.business.count() == 2  # "any business" and Testy Teas

    tab.areas_model.set_checked(0, True)
    tab.large.setChecked(True)
    tab.leaflet_button.click()
    qtbot.waitUntil(lambda: bool(tab.findChildren(PreviewDialog)), timeout=10_000)
    dialog = tab.findChildren(PreviewDialog)[0]
    qtbot.waitUntil(lambda: dialog.page_count >= 1, timeout=10_000)
    assert dialog.windowTitle() == "Large print offers leaflet"
    dialog.reject()


def test_nothing_to_print_says_so_calmly(desk: Desk, qtbot: Any, build: Built) -> None:
    page = build(desk)
    page.tabs.setCurrentWidget(page.letters)
    page.letters.letters_button.click()
    wait_idle(qtbot, page.worker)
    qtbot.waitUntil(lambda: page.letters.findChild(QMessageBox, "printMessage") is not None,
                    timeout=5000)  # fmt: skip
    box = page.letters.findChild(QMessageBox, "printMessage")
    assert box.text().startswith("There is nothing to print")
    assert not page.letters.findChildren(PreviewDialog)
    box.accept()


def test_renewal_letters_preview_one_page_per_carer(desk: Desk, qtbot: Any, build: Built) -> None:
    for first in ("Testy", "Testina"):
        card_id = queue_for(desk, first)
        with desk.transaction() as tx:
            cards.mark_printed(tx, [card_id])
            cards.mark_issued(tx, [card_id])
    page = build(desk)
    page.letters.expiring.setDate(date(2030, 1, 1))
    print_actions.preview_renewals(page.worker, page, expiring_before=date(2030, 1, 1))
    qtbot.waitUntil(lambda: bool(page.findChildren(PreviewDialog)), timeout=10_000)
    dialog = page.findChildren(PreviewDialog)[0]
    wait_drawn(qtbot, dialog, 2)
    dialog.reject()


# -- how it looks ----------------------------------------------------------------------------


def test_screenshots_of_each_tab_and_a_card_sheet(
    desk: Desk, qtbot: Any, make_window: Callable[[Desk], MainWindow]
) -> None:
    for first, last in (("Testy", "McTestface"), ("Testina", "Longname-Testington-Smythe"),
                        ("Tess", "Testerson")):
        queue_for(desk, first, last)
    withdraw_consent(desk, queue_for(desk, "Testo", "Noconsent"))
    printed = queue_for(desk, "Tester", "Printed")
    with desk.transaction() as tx:
        cards.mark_printed(tx, [printed])
    apply_theme(QApplication.instance())  # as the app does, for the warning colours
    window = make_window(desk)
    page = window.page("print")
    if page is None:  # not registered in pages.py yet: add it by hand
        page = PrintPage(window.worker, window.nav)
        window.pages.addWidget(page)
        window._page_by_name["print"] = page
    assert window.show_page("print")
    wait_idle(qtbot, window.worker)
    SHOTS.mkdir(exist_ok=True)
    blocked_row = next(i for i, r in enumerate(page.model.rows) if r.blocking)
    page.table.setCurrentIndex(page.model.index(blocked_row, 0))
    for index, name in enumerate(("queue", "letters", "leaflets")):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        window.grab().save(str(SHOTS / f"print_{name}.png"))

    page.tabs.setCurrentIndex(0)
    page.print_all.click()
    qtbot.waitUntil(lambda: page.preview is not None, timeout=10_000)
    dialog = page.preview
    dialog.resize(1000, 708)  # its size on a 1366 x 768 screen
    wait_drawn(qtbot, dialog, 2)
    qtbot.wait(100)
    dialog.grab().save(str(SHOTS / "print_preview_cards.png"))
    dialog.reject()
