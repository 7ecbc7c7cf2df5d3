"""Preview any print-out inside the app, then print it or save it as a PDF.

The PDF stays in memory (no personal data in temporary files). Its pages are
drawn by pdfium on a thread of the dialog's own (``pdf_render.PdfPages``), a few
at a time as they scroll into view, so the window never waits.

Printing draws each page as a picture at the printer's resolution (up to
``PRINT_DPI``), at its true size: never shrunk to fit, so cards and labels
land on the pre-cut sheet.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from carerdesk.ui.pdf_render import PageSize, PdfPages

log = logging.getLogger("carerdesk.ui.pdf_preview")

PRINT_DPI = 300  # enough for QR codes and small text; A4 at 600 dpi would need 140 MB a page
KEEP_PAGES = 12  # drawn pages kept in memory; the rest are drawn again when scrolled back to
GAP = 12
ACTUAL_SIZE_NOTE = (
    "Prints at actual size (100%). If your printer offers \"Fit to page\" or "
    "\"Shrink to fit\", turn it off, or cards and labels will not line up with the sheet."
)
FIT_WIDTH, WHOLE_PAGE, ACTUAL = "fit-width", "whole-page", "actual"


# -- pages on screen -------------------------------------------------------------------


class _PageView(QLabel):
    """One page: a white sheet of the right size, drawn when it scrolls into view."""

    def __init__(self, number: int) -> None:
        super().__init__(f"Page {number}")
        self.setObjectName(f"previewPage{number}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: white; color: #888; border: 1px solid #999;")
        self.drawn_scale = 0.0


def _uk_page_name(w_pt: float, h_pt: float) -> str:
    """The paper name (A4, A3, A5) or its size in mm, for the note under the pages."""
    w_mm, h_mm = sorted((w_pt * 25.4 / 72, h_pt * 25.4 / 72))
    for name, (a, b) in {"A4": (210, 297), "A3": (297, 420), "A5": (148, 210)}.items():
        if abs(w_mm - a) < 2 and abs(h_mm - b) < 2:
            return name
    return f"{w_pt * 25.4 / 72:.1f} x {h_pt * 25.4 / 72:.1f} mm"


def page_layout(size: PageSize) -> QPageLayout:
    """A zero-margin page layout exactly the size of a PDF page (points)."""
    w, h = size
    portrait = QSizeF(min(w, h), max(w, h))
    orientation = (QPageLayout.Orientation.Landscape if w > h
                   else QPageLayout.Orientation.Portrait)  # fmt: skip
    return QPageLayout(QPageSize(portrait, QPageSize.Unit.Point), orientation,
                       QMarginsF(0, 0, 0, 0))  # fmt: skip


# -- the dialog ------------------------------------------------------------------------


class PreviewDialog(QDialog):
    """Shows a PDF (kept in memory) with Print..., Save as PDF... and Close.

    Open it with ``open()`` (never blocks). ``printed`` is emitted once every
    page was sent to the printer; ``saved`` with the path of a saved copy.
    """

    printed = Signal(int)
    saved = Signal(str)
    ready = Signal(int)  # page count, once the document is open

    def __init__(self, title: str, pdf_bytes: bytes, parent: QWidget | None = None, *,
                 suggested_name: str = "print-out.pdf", warnings: list[str] | None = None,
                 note: str = ACTUAL_SIZE_NOTE) -> None:
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.setWindowTitle(title)
        self.pdf_bytes = pdf_bytes
        self.suggested_name = suggested_name
        self.sizes: list[PageSize] = []
        self.pages: list[_PageView] = []
        self._generation = 0
        self._scale = 1.0
        self._drawn: list[int] = []  # page indexes with a picture, oldest first
        self._spans: list[tuple[int, int]] = []  # each page's top and bottom in the sheet
        self._printing: list[int] = []
        self._print_total = 0
        self._painter: QPainter | None = None
        self._printer: QPrinter | None = None
        self._print_dialog: QPrintDialog | None = None
        self._build(title, warnings or [], note)
        self._start_thread()
        self._fit_to_screen()

    # -- building --------------------------------------------------------------------

    def _build(self, title: str, warnings: list[str], note: str) -> None:
        self.warning = QLabel("\n".join(f"• {w}" for w in warnings))
        self.warning.setObjectName("previewWarnings")
        self.warning.setProperty("role", "warning")
        self.warning.setWordWrap(True)
        # A long batch can warn about many cards: the list scrolls, the pages keep the room.
        self.warnings = QScrollArea()
        self.warnings.setObjectName("previewWarningList")
        self.warnings.setWidget(self.warning)
        self.warnings.setWidgetResizable(True)
        self.warnings.setFrameShape(QFrame.Shape.NoFrame)
        self.warning.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lines = min(max(len(warnings), 1), 5)
        self.warnings.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 16)
        self.warnings.setVisible(bool(warnings))
        self.note = QLabel(note)
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))

        self.previous_button = self._button("Pre&vious page", "previousPage", self.previous_page)
        self.next_button = self._button("&Next page", "nextPage", self.next_page)
        self.page_label = QLabel("Opening...")
        self.page_label.setObjectName("pageCount")
        self.page_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Page 888 of 888"))
        self.zoom = QComboBox()
        self.zoom.setObjectName("previewZoom")
        self.zoom.setAccessibleName("Zoom")
        self.zoom.addItem("Fit width", FIT_WIDTH)
        self.zoom.addItem("Whole page", WHOLE_PAGE)
        self.zoom.addItem("Actual size (100%)", ACTUAL)
        self.zoom.currentIndexChanged.connect(lambda _i: self._relayout())
        zoom_label = QLabel("&Zoom:")
        zoom_label.setBuddy(self.zoom)
        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        bar.addWidget(zoom_label)
        bar.addWidget(self.zoom)

        self.sheet = QWidget()
        self.sheet.setObjectName("previewSheet")
        self.sheet_layout = QVBoxLayout(self.sheet)
        self.sheet_layout.setSpacing(GAP)
        self.sheet_layout.setContentsMargins(GAP, GAP, GAP, GAP)
        self.sheet_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("previewPages")
        self.scroll.setAccessibleName(f"Preview of {title}")
        self.scroll.setWidget(self.sheet)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setStyleSheet("QScrollArea > QWidget > QWidget#previewSheet "
                                  "{ background: #d6d9de; }")
        self.scroll.verticalScrollBar().valueChanged.connect(lambda _v: self._on_scroll())

        self.status = QLabel()
        self.status.setObjectName("previewStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton("&Print...",
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button = self.buttons.addButton("&Save as PDF...",
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton("&Close",
                                                   QDialogButtonBox.ButtonRole.RejectRole)
        for b, name in ((self.print_button, "printButton"), (self.save_button, "saveAsPdf"),
                        (self.close_button, "closeButton")):
            b.setObjectName(name)
            b.setAccessibleName(b.text().replace("&", "").rstrip("."))
        self.print_button.setDefault(True)
        self.print_button.setEnabled(False)
        self.save_button.setAutoDefault(False)
        self.close_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(self.save_as_pdf)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.warnings)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        for first, second in ((self.print_button, self.save_button),
                              (self.save_button, self.close_button),
                              (self.close_button, self.previous_button),
                              (self.previous_button, self.next_button),
                              (self.next_button, self.zoom), (self.zoom, self.scroll)):
            QWidget.setTabOrder(first, second)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)
        button.setEnabled(False)
        button.clicked.connect(lambda _c=False: slot())  # type: ignore[operator]
        return button

    def _fit_to_screen(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = 1000, 720
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(width, height)

    # -- the document ------------------------------------------------------------------

    def _start_thread(self) -> None:
        self.source = PdfPages(self.pdf_bytes, self)
        self.source.opened.connect(self._opened)
        self.source.rendered.connect(self._rendered)
        self.source.failed.connect(self._failed)
        # If a parent deletes the dialog without closing it, still stop the thread.
        self.destroyed.connect(self.source.stop)

    def _failed(self, exc: BaseException) -> None:
        log.error("Could not draw the print-out", exc_info=(type(exc), exc, exc.__traceback__))
        self._say("This print-out could not be shown. The details are in the log "
                            "file; you can still save it as a PDF.")
        self._stop_printing(abort=True)

    def _opened(self, sizes: list[PageSize]) -> None:
        self.sizes = sizes
        for number in range(1, len(sizes) + 1):
            page = _PageView(number)
            self.pages.append(page)
            self.sheet_layout.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
        self.print_button.setEnabled(bool(sizes))
        self.next_button.setEnabled(len(sizes) > 1)
        self.previous_button.setEnabled(len(sizes) > 1)
        if sizes:
            w, h = sizes[0]
            self.note.setText(f"{self.note.text()}  Page size: {_uk_page_name(w, h)}."
                              if self.note.text() else "")
        self._relayout()
        self.ready.emit(len(sizes))

    @property
    def page_count(self) -> int:
        return len(self.sizes)

    # -- zoom and scrolling ------------------------------------------------------------

    def _scale_for(self, mode: str) -> float:
        """Screen pixels per point for the zoom ``mode``."""
        if mode == ACTUAL:
            return self.logicalDpiX() / 72
        widest = max((w for w, _h in self.sizes), default=595.0)
        viewport = self.scroll.viewport()
        # Leave room for the vertical scroll bar even before it shows, so that
        # fitting the width never brings up a horizontal one.
        bar = self.scroll.verticalScrollBar()
        spare = 0 if bar.isVisible() else bar.sizeHint().width()
        room_w = max(viewport.width() - spare - 2 * GAP - 4, 100)
        scale = room_w / widest
        if mode == WHOLE_PAGE:
            tallest = max((h for _w, h in self.sizes), default=842.0)
            scale = min(scale, max(viewport.height() - 2 * GAP - 4, 100) / tallest)
        return scale

    def _relayout(self) -> None:
        if not self.sizes:
            return
        self._scale = self._scale_for(str(self.zoom.currentData()))
        self._generation += 1
        self.source.skip_older_than(self._generation)
        # Where each page starts and ends in the sheet, worked out here rather than read
        # from the layout, which places the pages only later.
        self._spans = []
        top = GAP
        for page, (w, h) in zip(self.pages, self.sizes, strict=True):
            height = round(h * self._scale)
            page.setFixedSize(round(w * self._scale), height)
            page.drawn_scale = 0.0
            self._spans.append((top, top + height))
            top += height + GAP
        self._drawn.clear()
        self._on_scroll()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.sizes and self.zoom.currentData() != ACTUAL:
            self._relayout()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._relayout()

    def current_page(self) -> int:
        """The page (from 1) at the top third of the view."""
        if not self.pages:
            return 0
        mark = self.scroll.verticalScrollBar().value() + self.scroll.viewport().height() // 3
        for number in range(1, len(self._spans) + 1):
            if self._spans[number - 1][1] + GAP >= mark:
                return number
        return len(self.pages)

    def go_to_page(self, number: int) -> None:
        """Scroll so page ``number`` (from 1) is at the top."""
        if not self.pages:
            return
        number = max(1, min(number, len(self.pages)))
        self.scroll.verticalScrollBar().setValue(self._spans[number - 1][0] - GAP)
        self._on_scroll()

    def next_page(self) -> None:
        self.go_to_page(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page() - 1)

    def _on_scroll(self) -> None:
        if not self.pages or not self.isVisible():
            return
        current = self.current_page()
        self.page_label.setText(f"Page {current} of {len(self.pages)}")
        self.previous_button.setEnabled(current > 1)
        self.next_button.setEnabled(current < len(self.pages))
        top = self.scroll.verticalScrollBar().value()
        height = self.scroll.viewport().height()
        wanted = []
        for index, (page, (start, end)) in enumerate(zip(self.pages, self._spans, strict=True)):
            near = end >= top - height and start <= top + 2 * height
            if near and page.drawn_scale != self._scale:
                wanted.append(index)
        wanted.sort(key=lambda i: abs(i + 1 - current))
        ratio = self.devicePixelRatioF()
        for index in wanted:
            self.pages[index].drawn_scale = self._scale  # asked for: not asked again
            self.source.render(index, self._scale * ratio, self._generation, "view")

    def _rendered(self, index: int, generation: int, image: QImage, purpose: str) -> None:
        if purpose == "print":
            self._print_page(index, image)
            return
        if generation != self._generation or index >= len(self.pages):
            return
        image.setDevicePixelRatio(self.devicePixelRatioF())
        page = self.pages[index]
        page.setPixmap(QPixmap.fromImage(image))
        self._drawn.append(index)
        self._forget_far_pages()

    def _forget_far_pages(self) -> None:
        current = self.current_page() - 1
        while len(self._drawn) > KEEP_PAGES:
            far = max(self._drawn, key=lambda i: abs(i - current))
            self._drawn.remove(far)
            self.pages[far].clear()
            self.pages[far].setText(f"Page {far + 1}")
            self.pages[far].drawn_scale = 0.0

    # -- printing ----------------------------------------------------------------------

    def print_(self) -> None:
        """Ask which printer (Qt's print dialog, not blocking), then print."""
        if not self.sizes or self._painter is not None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(self.sizes[0]))
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.setMinMax(1, len(self.sizes))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
        dialog.accepted.connect(lambda: self.print_to(printer))
        dialog.finished.connect(lambda _r: setattr(self, "_print_dialog", None))
        self._print_dialog = dialog
        self._printer = printer
        QDialog.open(dialog)  # PySide6 hides the plain open() behind open(receiver, slot)

    def print_to(self, printer: QPrinter) -> bool:
        """Send the chosen pages to ``printer`` at actual size; False if it could not start."""
        if not self.sizes or self._painter is not None:
            return False
        first, last = 1, len(self.sizes)
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
            first, last = printer.fromPage(), min(printer.toPage() or last, last)
        elif printer.printRange() == QPrinter.PrintRange.CurrentPage:
            first = last = self.current_page()
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(self.sizes[first - 1]))
        painter = QPainter()
        if not painter.begin(printer):
            self._say("The printer could not be started. Check it is switched on "
                                "and connected, then try again.")
            return False
        self._printer, self._painter = printer, painter
        self._printing = list(range(first - 1, last))
        self._print_total = len(self._printing)
        self.print_button.setEnabled(False)
        self._ask_for_print_page()
        return True

    @property
    def printing(self) -> bool:
        return self._painter is not None

    def _ask_for_print_page(self) -> None:
        index = self._printing[0]
        done = self._print_total - len(self._printing)
        self._say(f"Sending page {done + 1} of {self._print_total} to the printer...")
        dpi = min(self._printer.resolution() if self._printer else PRINT_DPI, PRINT_DPI)
        self.source.render(index, dpi / 72, 0, "print")

    def _print_page(self, index: int, image: QImage) -> None:
        painter, printer = self._painter, self._printer
        if painter is None or printer is None or not self._printing:
            return
        first = len(self._printing) == self._print_total
        w, h = self.sizes[index]
        if not first:
            printer.setPageLayout(page_layout((w, h)))
            printer.newPage()
        res_x, res_y = printer.logicalDpiX(), printer.logicalDpiY()
        painter.drawImage(QRectF(0, 0, w / 72 * res_x, h / 72 * res_y), image)
        self._printing.pop(0)
        if self._printing:
            self._ask_for_print_page()
            return
        self._stop_printing(abort=False)
        total = self._print_total
        self._say(f"Sent {total} page{'s' if total != 1 else ''} to the printer.")
        self.printed.emit(total)

    def _stop_printing(self, *, abort: bool) -> None:
        if self._painter is None:
            return
        if abort and self._printer is not None:
            self._printer.abort()
        self._painter.end()
        self._painter = None
        self._printing = []
        self.print_button.setEnabled(bool(self.sizes))

    # -- saving ------------------------------------------------------------------------

    def save_as_pdf(self) -> None:
        """Ask where, then write the PDF's bytes there."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder) / self.suggested_name) if folder else self.suggested_name
        path, _filter = QFileDialog.getSaveFileName(self, "Save as PDF", start,
                                                    "PDF files (*.pdf)")
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            Path(path).write_bytes(self.pdf_bytes)
        except OSError:
            log.warning("Could not save a PDF", exc_info=True)
            self._say("The PDF could not be saved there. Choose another folder, "
                                "or check the memory stick is still plugged in.")
            return
        self._say(f"Saved as {Path(path).name}.")
        self.saved.emit(path)

    # -- closing -----------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self._print_dialog is not None:
            self._print_dialog.reject()
        self._stop_printing(abort=True)
        self.source.stop()
        super().done(result)
