"""Drawing the pages of an in-memory PDF with pdfium, on a thread of their own.

pdfium is not thread-safe: no two pdfium calls may run at once anywhere in the
process, even on different documents. So every pdfium call in carerdesk's GUI
holds ``PDFIUM_LOCK``, and each document is opened, drawn and closed on its
own thread only (``PdfPages``), so the window never waits for a page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

log = logging.getLogger("carerdesk.ui.pdf_render")

PDFIUM_LOCK = threading.Lock()
PageSize = tuple[float, float]  # points (1/72 inch)


class _Renderer(QObject):
    """Owns one pdfium document; lives on its ``PdfPages``' thread."""

    opened = Signal(object)  # list[PageSize]
    failed = Signal(object)
    rendered = Signal(int, int, object, str)  # page index, generation, QImage, purpose

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._doc: pdfium.PdfDocument | None = None
        self.wanted = 0  # drawings for the screen older than this generation are skipped
        self.stopping = False

    @Slot()
    def open(self) -> None:
        try:
            with PDFIUM_LOCK:
                self._doc = pdfium.PdfDocument(self._data)
                sizes = [self._doc.get_page_size(i) for i in range(len(self._doc))]
        except Exception as exc:
            self.failed.emit(exc)
            return
        self.opened.emit([(float(w), float(h)) for w, h in sizes])

    @Slot(int, float, int, str)
    def render(self, index: int, scale: float, generation: int, purpose: str) -> None:
        if self.stopping or self._doc is None:
            return
        if purpose == "view" and generation < self.wanted:
            return
        try:
            with PDFIUM_LOCK:
                page = self._doc[index]
                bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True)
                fmt = (QImage.Format.Format_RGBX8888 if bitmap.n_channels == 4
                       else QImage.Format.Format_RGB888)  # fmt: skip
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                               fmt).copy()  # fmt: skip
                bitmap.close()
                page.close()
        except Exception as exc:
            self.failed.emit(exc)
            return
        self.rendered.emit(index, generation, image, purpose)

    @Slot()
    def close(self) -> None:
        """Close the document and end the thread (queued after any waiting drawings)."""
        with PDFIUM_LOCK:
            if self._doc is not None:
                self._doc.close()
                self._doc = None
        thread = QThread.currentThread()
        if thread is not None:
            thread.quit()


class _Requests(QObject):
    """GUI-side signals that queue work on the renderer's thread."""

    open = Signal()
    render = Signal(int, float, int, str)
    close = Signal()


def _stopper(thread: QThread, renderer: _Renderer, requests: _Requests) -> Callable[..., None]:
    """A callable that closes the document and stops the thread, once."""
    done = [False]

    def stop(*_args: object) -> None:
        if done[0]:
            return
        done[0] = True
        renderer.stopping = True
        if thread.isRunning():
            requests.close.emit()
            if not thread.wait(10_000):
                log.warning("The PDF drawing thread did not stop in time")

    return stop


class PdfPages(QObject):
    """A PDF held in memory whose pages are drawn, on request, on a thread of their own.

    ``opened`` gives the page sizes in points; ``rendered`` gives (page index,
    generation, QImage, purpose) for each ``render`` asked for; ``failed`` an
    exception. Call ``stop()`` when done (it is also called if the object's
    owner is deleted first).
    """

    opened = Signal(object)
    rendered = Signal(int, int, object, str)
    failed = Signal(object)

    def __init__(self, data: bytes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("carerdesk-pdf")
        self._renderer = _Renderer(data)
        self._renderer.moveToThread(self._thread)
        self._requests = _Requests()
        self._requests.open.connect(self._renderer.open)
        self._requests.render.connect(self._renderer.render)
        self._requests.close.connect(self._renderer.close)
        self._renderer.opened.connect(self.opened)
        self._renderer.rendered.connect(self.rendered)
        self._renderer.failed.connect(self.failed)
        self.stop = _stopper(self._thread, self._renderer, self._requests)
        self._thread.start()
        self._requests.open.emit()

    def render(self, index: int, scale: float, generation: int, purpose: str) -> None:
        """Draw page ``index`` at ``scale`` pixels per point ("view" or "print")."""
        self._requests.render.emit(index, scale, generation, purpose)

    def skip_older_than(self, generation: int) -> None:
        """Drawings for the screen asked for before ``generation`` are no longer wanted."""
        self._renderer.wanted = generation
