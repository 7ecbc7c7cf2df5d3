"""The coordinators' "Data and returns" page: the monthly return, the exchange
with the scheme's other sites, the offers spreadsheet (export, then import with
a preview), and old registers.

Every file is written or read on the database worker; the page says plainly
where a file was saved, or what was wrong with one.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.services.permissions import Permission
from carerdesk.sheets.offers_sheet import OffersImportResult, export_offers, import_offers
from carerdesk.ui.data_widgets import (
    REGISTER_FILTER,
    ProblemRow,
    ProblemsPanel,
    ProgressLine,
    ask_open_path,
    ask_save_path,
    button_row,
    counts_text,
    if_alive,
    labelled,
    month_text,
    paragraph,
    plural,
    push_button,
    say,
    status_line,
)
from carerdesk.ui.errors import show_problem
from carerdesk.ui.legacy_wizard import LegacyWizard
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.widgets import FieldWithError, heading
from carerdesk.ui.worker import DbWorker

if TYPE_CHECKING:
    from carerdesk.ui.exchange_tab import ExchangeTab


def tab_layout(widget: QWidget, title: str, explanation: str) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(16, 16, 16, 16)
    layout.setSpacing(10)
    layout.addWidget(heading(title))
    text = paragraph(explanation)
    text.setMaximumWidth(900)
    layout.addWidget(text)
    return layout


class DataTab(QWidget):
    """A tab that submits work and shows its problems on its own status line."""

    status: QLabel

    def __init__(self, worker: DbWorker, nav: Navigator) -> None:
        super().__init__()
        self.worker = worker
        self.nav = nav

    def failed(self, exc: BaseException) -> None:
        self.busy(False)
        if isinstance(exc, CarerdeskError):
            say(self.status, exc.message, "error")
        else:
            say(self.status, "")
            show_problem(self, exc)

    def busy(self, on: bool) -> None:
        """Stop double clicks while a file is being written or read."""


class ReturnTab(DataTab):
    """Save the monthly return for commissioners."""

    def __init__(self, worker: DbWorker, nav: Navigator) -> None:
        super().__init__(worker, nav)
        self.setObjectName("returnTab")
        layout = tab_layout(self, "Monthly return", (
            "The figures for commissioners for one month and the year to date (from April): "
            "registrations, who carers are, contacts, cards and offers, with a 12-month "
            "trend. It is saved as an Excel workbook to send on."))  # fmt: skip
        today = worker.desk.clock().date()
        last_month = date(today.year, today.month, 1) - timedelta(days=1)
        self.month = QDateEdit()  # a month and year: Up and Down step through them
        self.month.setDisplayFormat("MMMM yyyy")
        self.month.setDateRange(QDate(2000, 1, 1), QDate(today.year, today.month, today.day))
        self.month.setDate(QDate(last_month.year, last_month.month, 1))
        self.month.setMinimumWidth(220)
        self.month_row = FieldWithError(self.month)
        caption = labelled("Mon&th", self.month, "returnMonth")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(caption, self.month_row)
        layout.addLayout(form)
        self.save_button = push_button("S&ave the return...", "saveReturnButton",
                                       "Choose where to save the return for this month")
        self.save_button.clicked.connect(self.save)
        layout.addLayout(button_row(self.save_button))
        self.privacy = paragraph(self._privacy(5), "returnPrivacyNote")
        self.privacy.setMaximumWidth(900)
        layout.addWidget(self.privacy)
        self.status = status_line("returnStatus")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.month.dateChanged.connect(lambda *_: self.month_row.set_error(None))

    @staticmethod
    def _privacy(threshold: int) -> str:
        text = ("It holds no personal data: no names, addresses, dates of birth or contact "
                "details, only counts.")
        if threshold > 1:
            text += (f" Counts from 1 to {threshold - 1} are shown as “<{threshold}”, so "
                     "nobody can be singled out (a scheme setting).")
        return text

    def load(self) -> None:
        """Read the small-count setting, for the note about it."""

        def run(desk: Desk) -> int:
            with desk.read() as tx:
                return tx.scheme().small_count_threshold

        self.worker.submit(run, if_alive(self, lambda t: self.privacy.setText(self._privacy(t))),
                           lambda _exc: None, group="return-threshold")

    def chosen_month(self) -> str:
        """The month chosen, as 'YYYY-MM'."""
        d = self.month.date()
        return f"{d.year():04d}-{d.month():02d}"

    def busy(self, on: bool) -> None:
        self.save_button.setEnabled(not on)

    def save(self) -> None:
        """Ask where, then write the return for the chosen month there."""
        from carerdesk.returns import write_return

        month = self.chosen_month()
        path = ask_save_path(self, "Save the monthly return", f"Monthly return {month}.xlsx")
        if path is None:
            return

        def run(desk: Desk) -> None:
            with desk.transaction() as tx:  # saving a return is audited
                write_return(tx, month, path)

        self.busy(True)
        say(self.status, f"Counting the figures for {month_text(month)}…", "")
        self.worker.submit(run, if_alive(self, lambda _: self._saved(month, path)),
                           if_alive(self, self.failed))

    def _saved(self, month: str, path: Path) -> None:
        self.busy(False)
        say(self.status, f"Saved the return for {month_text(month)} to:\n{path}")
        self.nav.notify.emit(f"Saved the monthly return for {month_text(month)}.")

    def failed(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidValue) and "month" in exc.errors:
            self.busy(False)
            say(self.status, "")
            self.month_row.set_error(exc.errors["month"])
            return
        if isinstance(exc, InvalidValue):
            self.busy(False)
            say(self.status, "; ".join(exc.errors.values()), "error")
            return
        super().failed(exc)


class OffersSheetTab(DataTab):
    """Export the offers to a spreadsheet, and import it back after a preview."""

    def __init__(self, worker: DbWorker, nav: Navigator) -> None:
        super().__init__(worker, nav)
        self.setObjectName("offersSheetTab")
        layout = tab_layout(self, "Offers spreadsheet", (
            "Export the businesses and their offers to a spreadsheet that staff can edit in "
            "Excel or LibreOffice, then import it back. Rows are matched by a hidden "
            "reference, so they can be sorted freely; a row added at the bottom becomes a "
            "new offer. Before anything changes you see what the import would do."))  # fmt: skip
        self.export_button = push_button("E&xport offers...", "exportOffersButton",
                                         "Save every offer to a spreadsheet")
        self.import_button = push_button("&Import offers...", "importOffersButton",
                                         "Bring back an edited offers spreadsheet")
        self.export_button.setVisible(worker.desk.can(Permission.FIND))
        self.import_button.setVisible(worker.desk.can(Permission.EDIT_OFFERS))
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.preview)
        layout.addLayout(button_row(self.export_button, self.import_button))
        self.progress = ProgressLine("offersSheetProgress")
        self.status = status_line("offersSheetStatus")
        self.counts = QLabel()
        self.counts.setObjectName("offersSheetCounts")
        self.counts.hide()
        self.refused = ProblemsPanel("offersRefused", "Rows refused", with_outcome=False)
        self.apply_button = push_button("Appl&y these changes", "applyOffersButton",
                                        "Make the changes listed above")
        self.discard_button = push_button("Dis&card", "discardOffersButton",
                                          "Leave the offers as they are")
        self.apply_button.clicked.connect(self.apply)
        self.discard_button.clicked.connect(self.discard)
        self.decision = QWidget()
        self.decision.setLayout(button_row(self.apply_button, self.discard_button))
        self.decision.layout().setContentsMargins(0, 0, 0, 0)
        self.decision.hide()
        for widget in (self.progress, self.status, self.counts, self.decision):
            layout.addWidget(widget)
        layout.addWidget(self.refused, 1)
        layout.addStretch(0)
        self.pending: Path | None = None

    def busy(self, on: bool) -> None:
        for button in (self.export_button, self.import_button, self.apply_button,
                       self.discard_button):
            button.setEnabled(not on)
        if not on:
            self.progress.finish()

    def export(self) -> None:
        """Ask where, then write every offer there."""
        path = ask_save_path(self, "Export the offers", "Offers.xlsx")
        if path is None:
            return

        def run(desk: Desk) -> int:
            with desk.read() as tx:
                return export_offers(tx, path)

        def done(rows: int) -> None:
            self.busy(False)
            say(self.status, f"Saved {plural(rows, 'row')} to:\n{path}\nEdit it, save it, then "
                             "use “Import offers…” to bring the changes back.")
            self.nav.notify.emit("Exported the offers spreadsheet.")

        self._start("Writing the offers spreadsheet…")
        self.worker.submit(run, if_alive(self, done), if_alive(self, self.failed))

    def preview(self) -> None:
        """Ask for an edited sheet and show what importing it would change."""
        path = ask_open_path(self, "Import offers", REGISTER_FILTER)
        if path is None:
            return
        self.discard(quiet=True)
        self._import(path, dry_run=True)

    def apply(self) -> None:
        """Import the previewed sheet for real, in one transaction."""
        if self.pending is not None:
            self._import(self.pending, dry_run=False)

    def discard(self, quiet: bool = False) -> None:
        """Forget the previewed sheet; nothing changes."""
        self.pending = None
        self.decision.hide()
        self.counts.hide()
        self.refused.clear()
        if not quiet:
            say(self.status, "Nothing was changed.", "")

    def has_pending(self) -> bool:
        return self.pending is not None

    def _start(self, text: str) -> None:
        say(self.status, "")
        self.progress.busy(text)
        self.busy(True)

    def _import(self, path: Path, *, dry_run: bool) -> None:
        def run(desk: Desk) -> OffersImportResult:
            with desk.transaction() as tx:
                return import_offers(tx, path, dry_run=dry_run)

        def done(result: OffersImportResult) -> None:
            self.busy(False)
            self._show_result(path, result, dry_run)

        self._start("Checking the spreadsheet…" if dry_run else "Applying the changes…")
        self.worker.submit(run, if_alive(self, done), if_alive(self, self.failed))

    def _show_result(self, path: Path, result: OffersImportResult, dry_run: bool) -> None:
        labels = (("Offers that would be changed", "New offers that would be added",
                   "Rows that would be refused") if dry_run else
                  ("Offers changed", "New offers added", "Rows refused"))  # fmt: skip
        self.counts.setText(counts_text([
            (labels[0], result.updated),
            (labels[1], result.added),
            ("Rows already the same", result.unchanged),
            (labels[2] + (" (listed below)" if result.refused else ""), len(result.refused)),
        ]))  # fmt: skip
        self.counts.show()
        self.refused.set_rows([ProblemRow(p.row_number, "", p.reason) for p in result.refused],
                              "Rows that would be refused" if dry_run else "Rows refused")
        changes = result.updated + result.added
        if dry_run:
            self.pending = path if changes else None
            self.decision.setVisible(bool(changes))
            if changes:
                say(self.status, f"Nothing has changed yet. This is what importing {path.name} "
                                 "would do:", "warning")
                self.apply_button.setFocus()
            else:
                say(self.status, f"Importing {path.name} would change nothing.", "")
            return
        self.pending = None
        self.decision.hide()
        say(self.status, f"Imported {path.name}.")
        self.nav.changed.emit("offer")
        self.nav.notify.emit(f"Imported the offers spreadsheet: {plural(changes, 'change')}.")


class OldRegisterTab(DataTab):
    """Start the wizard that brings in an old register."""

    def __init__(self, worker: DbWorker, nav: Navigator) -> None:
        super().__init__(worker, nav)
        self.setObjectName("oldRegisterTab")
        layout = tab_layout(self, "Old register", (
            "Bring the carers from an old register into carerdesk: an Excel, LibreOffice or "
            "CSV file. You choose the sheet and match its columns to carerdesk's fields, "
            "then see exactly what would happen before anything changes.\n\n"
            "Nobody is lost: every row is imported, listed as a duplicate for you to check, "
            "or rejected with a reason, and those rows are saved to a workbook you can fix "
            "and import again. Importing the same file twice adds nobody."))  # fmt: skip
        self.start_button = push_button("Start the &import...", "startLegacyImportButton",
                                        "Choose the old register and bring it in")
        self.start_button.clicked.connect(self.open_wizard)
        layout.addLayout(button_row(self.start_button))
        self.status = status_line("oldRegisterStatus")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.wizard: LegacyWizard | None = None

    def open_wizard(self) -> LegacyWizard:
        """Open the wizard (without blocking); it is returned for tests."""
        if self.wizard is not None and isValid(self.wizard) and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        if self.wizard is not None and isValid(self.wizard):
            self.wizard.deleteLater()
        wizard = LegacyWizard(self.worker, self.nav, parent=self)
        wizard.finished.connect(lambda _code: self._closed(wizard))
        self.wizard = wizard
        say(self.status, "")
        wizard.open()
        return wizard

    def _closed(self, wizard: LegacyWizard) -> None:
        """Leave what the import did on the tab, after the wizard has gone."""
        result = wizard.import_page.result
        if result is not None:
            say(self.status, wizard.import_page.summary.text())


class DataPage(QWidget):
    """Data and returns: files in and out of carerdesk, for coordinators."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataPage")
        self.worker = worker
        self.nav = nav
        can = worker.desk.can
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dataTabs")
        self.tabs.setAccessibleName("Data and returns")
        self.returns = ReturnTab(worker, nav) if can(Permission.RETURNS) else None
        self.exchange: ExchangeTab | None = None
        if can(Permission.EXCHANGE):
            # Imported here: the exchange tab builds on this module's DataTab.
            from carerdesk.ui.exchange_tab import ExchangeTab

            self.exchange = ExchangeTab(worker, nav)
        self.offers = OffersSheetTab(worker, nav)
        self.old_register = (OldRegisterTab(worker, nav)
                             if can(Permission.REGISTER) and can(Permission.EXCHANGE) else None)
        for tab, label, tip in (
            (self.returns, "&Monthly return", "Figures for commissioners (Alt+M)"),
            (self.exchange, "&Exchange with another site",
             "Share records with the scheme's other sites (Alt+E)"),
            (self.offers, "Offers s&preadsheet", "Offers to and from a spreadsheet (Alt+P)"),
            (self.old_register, "O&ld register", "Import an old register (Alt+L)"),
        ):
            if tab is not None:
                index = self.tabs.addTab(tab, label)
                self.tabs.setTabToolTip(index, tip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        if self.returns is not None:
            self.returns.load()

    def page_entered(self) -> None:
        if self.returns is not None:
            self.returns.load()
        if self.exchange is not None:
            self.exchange.forget_passphrase()
            self.exchange.load_waiting()
        self.tabs.setFocus()

    def data_changed(self, what: str) -> None:
        if what == "settings" and self.returns is not None:
            self.returns.load()
        if what == "carer" and self.exchange is not None:
            self.exchange.load_waiting()  # an erasure can settle what waited

    def has_unsaved_changes(self) -> bool:
        """A previewed import (offers, or another site's records) not yet applied counts
        as unsaved."""
        return self.offers.has_pending() or (
            self.exchange is not None and self.exchange.has_pending()
        )

    def discard_changes(self) -> None:
        self.offers.discard(quiet=True)
        if self.exchange is not None:
            self.exchange.discard(quiet=True)
