"""One-line ways for any screen to preview a print-out: cards, leaflets, letters...

Each ``preview_*`` function renders the print-out into memory on the database
worker (with a busy cursor meanwhile), then opens a ``PreviewDialog`` without
blocking, from which it can be printed or saved as a PDF. Problems the user
can fix are shown calmly; anything else goes to ``show_problem``.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import BinaryIO

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from carerdesk.desk import Desk, Tx
from carerdesk.errors import CarerdeskError
from carerdesk.printing import cards_pdf, presets
from carerdesk.printing.report import RenderReport
from carerdesk.services import print_cards, print_docs
from carerdesk.ui.errors import show_problem
from carerdesk.ui.pdf_preview import PreviewDialog
from carerdesk.ui.worker import DbWorker

LAYOUT_SETTING = "print/layout"  # the card layout chosen last, remembered on this computer
DEFAULT_LAYOUT = "a4-10"

Render = Callable[[Tx, BinaryIO], RenderReport]
OnOpen = Callable[[PreviewDialog], None]
Status = Callable[[str], None]


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = False) -> QMessageBox:
    """A calm message that does not block (opened with ``open()``)."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("printMessage")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def open_preview(
    worker: DbWorker, parent: QWidget | None, render: Render, *, title: str,
    suggested_name: str, status: Status | None = None, on_open: OnOpen | None = None,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Render with ``render(tx, out)`` on the worker, then open a preview of the result.

    ``status`` (if given) is told what is happening ("" when it is over);
    ``on_open`` gets the dialog once it is open; ``on_error`` replaces the
    calm message shown for a problem.
    """

    def run(desk: Desk) -> tuple[bytes, RenderReport]:
        out = io.BytesIO()
        # A transaction, not a read: rendering records an audit event.
        with desk.transaction() as tx:
            report = render(tx, out)
        return out.getvalue(), report

    def finish() -> None:
        QApplication.restoreOverrideCursor()
        if status is not None:
            status("")

    def done(result: tuple[bytes, RenderReport]) -> None:
        finish()
        data, report = result
        if report.pages == 0 or not data:
            text = "There is nothing to print."
            if report.warnings:
                text += " " + " ".join(report.warnings)
            tell(parent, title, text)
            return
        dialog = PreviewDialog(title, data, parent, suggested_name=suggested_name,
                               warnings=list(report.warnings))  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        if on_open is not None:
            on_open(dialog)

    def failed(exc: BaseException) -> None:
        finish()
        if on_error is not None:
            on_error(exc)
        elif isinstance(exc, CarerdeskError):
            tell(parent, title, exc.message, warning=True)
        else:
            show_problem(parent, exc)

    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    if status is not None:
        status(f"Preparing the {title[0].lower()}{title[1:]}...")
    worker.submit(run, done, failed)


def _stamp(prefix: str, when: date | None = None) -> str:
    return f"{prefix}-{(when or date.today()).isoformat()}.pdf"


# -- cards ----------------------------------------------------------------------------


def preview_cards(
    worker: DbWorker, parent: QWidget | None, card_ids: Sequence[uuid.UUID], layout: str, *,
    backs: bool = True, status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview a sheet of the given cards (fronts, then backs) in ``layout``."""
    ids = list(card_ids)
    n = len(ids)
    open_preview(
        worker, parent,
        lambda tx, out: print_cards.render_cards_pdf(tx, ids, out, layout=layout, backs=backs),
        title=f"Card sheet ({n} card{'s' if n != 1 else ''})",
        suggested_name=_stamp("cards"), status=status, on_open=on_open,
    )  # fmt: skip


def chosen_layout() -> str:
    """The card layout last chosen on the print page (a sheet of 10 until one is)."""
    value = QSettings().value(LAYOUT_SETTING, DEFAULT_LAYOUT)
    return str(value) if value else DEFAULT_LAYOUT


def remember_layout(layout: str) -> None:
    QSettings().setValue(LAYOUT_SETTING, layout)


def preview_card(
    worker: DbWorker, parent: QWidget | None, card_id: uuid.UUID, *,
    status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview one card (front and back) on the layout last chosen on the print page."""
    preview_cards(worker, parent, [card_id], chosen_layout(), status=status, on_open=on_open)


def preview_calibration(
    worker: DbWorker, parent: QWidget | None, layout: str, nudge: tuple[float, float], *,
    status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview the calibration page for card layout ``layout``, shifted by ``nudge`` (mm)."""
    def render(_tx: Tx, out: BinaryIO) -> RenderReport:
        return cards_pdf.render_calibration(presets.card_sheet(layout), out, nudge)

    open_preview(worker, parent, render, title="Calibration page",
                 suggested_name=f"calibration-{layout}.pdf", status=status,
                 on_open=on_open)  # fmt: skip


# -- letters, labels, leaflets, posters, stickers ---------------------------------------


def preview_leaflet(
    worker: DbWorker, parent: QWidget | None, *, carer_id: uuid.UUID | None = None,
    areas: Sequence[str] | None = None, large: bool = False, status: Status | None = None,
    on_open: OnOpen | None = None,
) -> None:
    """Preview the offers leaflet: for one carer, some areas, or the whole scheme."""
    chosen = list(areas) if areas else None
    open_preview(
        worker, parent,
        lambda tx, out: print_docs.render_leaflet(tx, out, areas=chosen, carer_id=carer_id,
                                                  large=large),
        title="Large print offers leaflet" if large else "Offers leaflet",
        suggested_name=_stamp("offers-leaflet-large" if large else "offers-leaflet"),
        status=status, on_open=on_open,
    )  # fmt: skip


def preview_renewals(
    worker: DbWorker, parent: QWidget | None, *, expiring_before: date,
    status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview renewal letters for cards expiring before the date."""
    open_preview(
        worker, parent,
        lambda tx, out: print_docs.render_renewal_letters(tx, out,
                                                          expiring_before=expiring_before),
        title="Renewal letters", suggested_name=_stamp("renewal-letters"),
        status=status, on_open=on_open,
    )  # fmt: skip


def preview_labels(
    worker: DbWorker, parent: QWidget | None, *, expiring_before: date, preset: str = "l7163",
    status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview address labels for the carers whose cards expire before the date."""
    open_preview(
        worker, parent,
        lambda tx, out: print_docs.render_labels(tx, out, expiring_before=expiring_before,
                                                 preset=preset),
        title="Address labels", suggested_name=_stamp("address-labels"),
        status=status, on_open=on_open,
    )  # fmt: skip


def preview_poster(
    worker: DbWorker, parent: QWidget | None, *, size: str = "A4",
    status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview the scheme poster (A4 or A3)."""
    open_preview(
        worker, parent, lambda tx, out: print_docs.render_poster(tx, out, size=size),
        title=f"Poster ({size})", suggested_name=f"poster-{size}.pdf",
        status=status, on_open=on_open,
    )  # fmt: skip


def preview_sticker(
    worker: DbWorker, parent: QWidget | None, business_id: uuid.UUID | None = None, *,
    shape: str = "square", status: Status | None = None, on_open: OnOpen | None = None,
) -> None:
    """Preview a window sticker ("We welcome Carer Passport holders"), for one business or
    blank."""
    open_preview(
        worker, parent,
        lambda tx, out: print_docs.render_sticker(tx, out, business_id=business_id,
                                                  shape=shape),
        title="Window sticker", suggested_name=f"window-sticker-{shape}.pdf",
        status=status, on_open=on_open,
    )  # fmt: skip
