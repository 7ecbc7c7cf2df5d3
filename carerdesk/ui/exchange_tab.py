"""The "Exchange with another site" tab: save this site's export, bring in another
site's after a preview, and settle what an import left waiting.

Files are written and read on the database worker, with a progress line and a
Stop button; the window never waits. An import is always checked first (a dry
run) and applied only when someone presses Apply.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from shiboken6 import isValid

from carerdesk.desk import Desk
from carerdesk.exchange import (
    ExportSummary,
    ImportResult,
    export_file,
    import_file,
    waiting_counts,
)
from carerdesk.exchange.operations import FileChanged
from carerdesk.exchange.records import BY_SHEET
from carerdesk.ui.data_page import DataTab, tab_layout
from carerdesk.ui.data_widgets import (
    ProgressLine,
    ask_open_path,
    ask_save_path,
    button_row,
    if_alive,
    paragraph,
    plural,
    push_button,
    say,
    status_line,
)
from carerdesk.ui.exchange_dialogs import ConflictsDialog, MatchesDialog
from carerdesk.ui.exchange_widgets import (
    ChangesModel,
    CountsModel,
    ExportDialog,
    PasswordDialog,
    needs_password,
    outcome_notes,
)
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.tables import make_table
from carerdesk.ui.worker import DbWorker, Job

EXPORT_FILTER = "Excel workbooks (*.xlsx);;All files (*)"
LISTED = 1000  # changes listed one by one in the preview; the counts cover them all
# What other pages should reload after an import wrote these tables.
_NAV_KIND = {
    "carer": "carer", "cared_for": "carer", "emergency_plan": "carer", "carer_photo": "carer",
    "card": "card", "card_event": "card", "print_batch": "card", "contact_log": "contact",
    "business": "business", "offer": "offer", "scheme_settings": "settings",
}  # fmt: skip


class ExchangeTab(DataTab):
    """Save an export for another site, import one after a preview, settle what waits."""

    def __init__(self, worker: DbWorker, nav: Navigator) -> None:
        super().__init__(worker, nav)
        self.setObjectName("exchangeTab")
        layout = tab_layout(self, "Exchange with another site", (
            "The sites of the scheme share their records by file. Save an export and take it "
            "to the other site; open the export another site gives you to bring its records "
            "in (you see what would change before anything does). Records changed at both "
            "sites, and carers who look like someone registered here, then wait for you."
        ))  # fmt: skip
        self.export_button = push_button(
            "Save an e&xport...",
            "saveExportButton",
            "Save every record of this site to a file, locked with a passphrase",
        )
        self.import_button = push_button(
            "Ope&n an export...",
            "openExportButton",
            "Bring in another site's export: you see what would change first",
        )
        self.conflicts_button = push_button(
            "Se&ttle conflicts...",
            "settleConflictsButton",
            "Choose the values to keep for records changed at both sites",
        )
        self.matches_button = push_button(
            "Chec&k likely matches...",
            "checkMatchesButton",
            "Merge or tell apart carers who look like someone registered here",
        )
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.open_export)
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.matches_button.clicked.connect(self.open_matches)
        sections = QHBoxLayout()
        sections.setSpacing(12)
        for title, buttons, stretch in (
            ("Send this site's records", [self.export_button], 1),
            ("Bring in another site's records", [self.import_button], 1),
            ("Waiting for you", [self.conflicts_button, self.matches_button], 2),
        ):
            box = QGroupBox(title)
            box.setLayout(button_row(*buttons))
            sections.addWidget(box, stretch)
        layout.addLayout(sections)

        self.progress = ProgressLine("exchangeProgress")
        self.stop_button = push_button(
            "Stop", "stopExchangeButton", "Stop: nothing is saved or imported"
        )
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        working = QHBoxLayout()
        working.addWidget(self.progress, 1)
        working.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addLayout(working)
        self.status = status_line("exchangeStatus")
        self.showing_passphrase = False
        layout.addWidget(self.status)
        self.preview = self._preview_panel()
        layout.addWidget(self.preview, 1)
        layout.addStretch(0)

        for before, after in itertools.pairwise([
            self.export_button, self.import_button, self.conflicts_button, self.matches_button,
            self.stop_button, self.apply_button, self.discard_button, self.counts_table,
            self.changes_table,
        ]):  # fmt: skip
            QWidget.setTabOrder(before, after)
        # The file previewed: its path, passphrase and export (Apply brings in that one only).
        self.pending: tuple[Path, str | None, str] | None = None
        self.job: Job | None = None  # the export or import under way
        self.export_dialog: ExportDialog | None = None
        self.password_dialog: PasswordDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.matches_dialog: MatchesDialog | None = None
        self.waiting = (0, 0)
        self.working = False
        self._show_waiting((0, 0))
        self.load_waiting()

    def _preview_panel(self) -> QWidget:
        panel = QWidget()
        self.counts = CountsModel()
        self.counts_table = make_table(
            self.counts, "exchangeCounts", "What changes, by record", stretch=0
        )
        self.changes = ChangesModel()
        self.changes_table = make_table(
            self.changes, "exchangeChanges", "The records that change", stretch=0
        )
        self.counts_caption = QLabel("&By kind of record:")
        self.counts_caption.setBuddy(self.counts_table)
        self.changes_caption = QLabel("&Which records:")
        self.changes_caption.setBuddy(self.changes_table)
        self.notes = paragraph("", "exchangeNotes")
        self.apply_button = push_button(
            "Appl&y these changes", "applyExchangeButton", "Bring in the records listed above"
        )
        self.discard_button = push_button(
            "Dis&card", "discardExchangeButton", "Leave this site's records as they are"
        )
        self.apply_button.clicked.connect(self.apply)
        self.discard_button.clicked.connect(lambda: self.discard())
        self.decision = QWidget()
        self.decision.setLayout(button_row(self.apply_button, self.discard_button))
        self.decision.layout().setContentsMargins(0, 0, 0, 0)
        tables = QHBoxLayout()
        for caption, table, stretch in (
            (self.counts_caption, self.counts_table, 2),
            (self.changes_caption, self.changes_table, 1),
        ):
            column = QVBoxLayout()
            column.addWidget(caption)
            column.addWidget(table, 1)
            tables.addLayout(column, stretch)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.notes)
        layout.addWidget(self.decision)
        layout.addLayout(tables, 1)
        panel.hide()
        return panel

    # -- busy, stopping, waiting ----------------------------------------------------

    def busy(self, on: bool) -> None:
        for button in (
            self.export_button,
            self.import_button,
            self.apply_button,
            self.discard_button,
        ):
            button.setEnabled(not on)
        self.conflicts_button.setEnabled(not on and self.waiting[0] > 0)
        self.matches_button.setEnabled(not on and self.waiting[1] > 0)
        self.working = on
        self.stop_button.setVisible(on)
        self.stop_button.setEnabled(True)
        if not on:
            self.progress.finish()
            self.job = None

    def stop(self) -> None:
        """Ask the running export or import to stop at its next step (it then undoes itself)."""
        if self.job is not None:
            self.job.stop()
            self.stop_button.setEnabled(False)
            self.progress.busy("Stopping…")

    def _start(self, text: str) -> None:
        """Show the work starting."""
        say(self.status, "")
        self.showing_passphrase = False
        self.progress.busy(text)
        self.busy(True)
        self.stop_button.setFocus()

    def _on_progress(self, prefix: str) -> Callable[[int, int, str], None]:
        def show(done: int, total: int, text: str) -> None:
            if not isValid(self):
                return
            what = text.lower() if text and text != "Done" else ""
            self.progress.step(done, total, f"{prefix}: {what}…" if what else f"{prefix}…")

        return show

    def _submit(self, run: Callable[[Desk, Callable[..., None]], Any], prefix: str,
                done: Callable[[Any], None],
                failed: Callable[[BaseException], None] | None = None) -> None:  # fmt: skip
        # Stop makes the job undo itself at its next step and report None; one that
        # finished first reports its real outcome.
        self.job = self.worker.submit(
            run,
            if_alive(self, done),
            if_alive(self, failed or self.failed),
            on_progress=self._on_progress(prefix),
        )

    def forget_passphrase(self) -> None:
        """Take the last export's passphrase off the screen (once someone has moved on)."""
        if self.showing_passphrase:
            self.showing_passphrase = False
            say(self.status, "")

    def load_waiting(self) -> None:
        """Count the conflicts and likely matches waiting, for the two buttons."""

        def run(desk: Desk) -> tuple[int, int]:
            with desk.read() as tx:
                return waiting_counts(tx)

        self.worker.submit(
            run, if_alive(self, self._show_waiting), lambda _exc: None, group="exchange-waiting"
        )

    def _show_waiting(self, counts: tuple[int, int]) -> None:
        self.waiting = counts
        conflicts, matches = counts
        self.conflicts_button.setText(f"Se&ttle conflicts ({conflicts:,})...")
        self.matches_button.setText(f"Chec&k likely matches ({matches:,})...")
        self.conflicts_button.setAccessibleName(f"Settle conflicts: {conflicts} waiting")
        self.matches_button.setAccessibleName(f"Check likely matches: {matches} waiting")
        self.conflicts_button.setEnabled(conflicts > 0 and not self.working)
        self.matches_button.setEnabled(matches > 0 and not self.working)

    # -- export ----------------------------------------------------------------------

    def export(self) -> ExportDialog:
        """Ask how to lock the file (without blocking); it is returned for tests."""
        dialog = ExportDialog(self)
        dialog.accepted.connect(lambda: self._export_to(dialog.password()))
        self.export_dialog = dialog
        say(self.status, "")
        dialog.open()
        return dialog

    def _export_to(self, password: str | None) -> None:
        desk = self.worker.desk
        stamp = desk.clock().strftime("%Y-%m-%d")
        path = ask_save_path(
            self, "Save the export for another site", f"{desk.site_code} export {stamp}.xlsx"
        )
        if path is None:
            say(self.status, "Nothing was saved.", "")
            return
        self._start("Saving the export…")

        def run(desk: Desk, progress: Callable[..., None]) -> ExportSummary:
            return export_file(desk, path, password=password, progress=progress)

        self._submit(run, "Saving the export", lambda s: self._exported(path, password, s))

    def _exported(self, path: Path, password: str | None, summary: ExportSummary | None) -> None:
        self.busy(False)
        if summary is None:
            say(self.status, "Stopped: no export was saved.", "")
            return
        records = plural(sum(summary.counts.values()), "record")
        carers = plural(summary.counts.get("carers", 0), "carer")
        if password is None:
            say(
                self.status,
                f"Saved {records} ({carers}) WITHOUT a password to:\n{path}\n"
                "Anyone who gets the file can read it: keep it safe, and delete "
                "it once the other site has brought it in.",
                "warning",
            )
        else:
            say(self.status, f"Saved {records} ({carers}) to:\n{path}\nGive the other site "
                             "the passphrase separately, not with the file (for example by "
                             f"phone):\n{password}")  # fmt: skip
            self.showing_passphrase = True
        self.nav.notify.emit("Saved an export for another site.")

    # -- import ----------------------------------------------------------------------

    def open_export(self) -> None:
        """Ask for another site's export and show what importing it would change."""
        path = ask_open_path(self, "Open another site's export", EXPORT_FILTER)
        if path is None:
            return
        self.discard(quiet=True)
        self._check(path, None)

    def _check(self, path: Path, password: str | None) -> None:
        self._start(f"Reading {path.name}…")

        def run(desk: Desk, progress: Callable[..., None]) -> ImportResult:
            return import_file(desk, path, password=password, dry_run=True, progress=progress)

        def failed(exc: BaseException) -> None:
            if needs_password(exc):
                self.busy(False)
                self.ask_password(path, wrong=password is not None)
            else:
                self.failed(exc)

        self._submit(
            run, "Checking what would change", lambda r: self._previewed(path, password, r), failed
        )

    def ask_password(self, path: Path, *, wrong: bool) -> PasswordDialog:
        """Ask for the file's passphrase (without blocking); returned for tests."""
        dialog = PasswordDialog(path.name, wrong, self)
        dialog.accepted.connect(lambda: self._check(path, dialog.password()))
        dialog.rejected.connect(lambda: say(self.status, "Nothing was imported.", ""))
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def _previewed(self, path: Path, password: str | None, result: ImportResult | None) -> None:
        self.busy(False)
        if result is None:
            say(self.status, "Stopped: nothing was imported.", "")
            return
        self._show_result(result)
        t = result.totals
        if t.inserted + t.updated + t.deleted + t.conflicts:
            self.pending = (path, password, result.export_id)
            self.decision.show()
            say(
                self.status,
                f"Nothing has changed yet. This is what bringing in {path.name} "
                f"from site {result.site} would do:",
                "warning",
            )
            self.apply_button.setFocus()
        else:
            self.decision.hide()
            say(
                self.status,
                f"Bringing in {path.name} from site {result.site} would change "
                "nothing: this site already has all of it.",
                "",
            )

    def apply(self) -> None:
        """Import the previewed file for real (read again, so the result is exact)."""
        if self.pending is None:
            return
        path, password, export_id = self.pending
        self._start(f"Reading {path.name}…")

        def run(desk: Desk, progress: Callable[..., None]) -> ImportResult:
            return import_file(desk, path, password=password, expected_export=export_id,
                               progress=progress)  # fmt: skip

        def failed(exc: BaseException) -> None:
            self.failed(exc)
            if isinstance(exc, FileChanged):
                self.discard(quiet=True)  # what was shown is not what the file holds now

        self._submit(run, "Bringing in the records", lambda r: self._imported(path, r), failed)

    def _imported(self, path: Path, result: ImportResult | None) -> None:
        self.busy(False)
        self.pending = None
        self.decision.hide()
        if result is None:
            self.preview.hide()
            say(self.status, "Stopped: nothing was imported.", "")
            return
        self._show_result(result)
        t = result.totals
        say(self.status, f"Brought in {path.name} from site {result.site}: "
                         f"{t.inserted:,} new, {t.updated:,} changed, {t.deleted:,} deleted, "
                         f"{t.conflicts:,} changed at both sites.\nA copy of the database from "
                         f"before the import is at:\n{result.backup}")  # fmt: skip
        written = [BY_SHEET[sheet].table for sheet, c in result.per_sheet.items()
                   if sheet in BY_SHEET and (c.inserted or c.updated or c.deleted)]  # fmt: skip
        for kind in sorted({_NAV_KIND[t] for t in written if t in _NAV_KIND}):
            self.nav.changed.emit(kind)
        self.nav.notify.emit(f"Brought in the records from site {result.site}.")
        self.load_waiting()

    def _show_result(self, result: ImportResult) -> None:
        rows = [
            (sheet, c)
            for sheet, c in result.per_sheet.items()
            if c.inserted or c.updated or c.deleted or c.conflicts or c.unchanged
        ]
        self.counts.set_rows(rows)
        self.changes.done = 0 if result.dry_run else 1
        self.changes.set_rows(result.changes[:LISTED])
        total = result.totals.inserted + result.totals.updated + result.totals.deleted
        more = f" (the first {LISTED:,} of {total:,})" if total > LISTED else ""
        self.changes_caption.setText(f"&Which records{more}:")
        self.changes_table.setVisible(bool(result.changes))
        self.changes_caption.setVisible(bool(result.changes))
        self.notes.setText(outcome_notes(result))
        self.notes.setVisible(bool(self.notes.text()))
        self.preview.show()

    def discard(self, quiet: bool = False) -> None:
        """Forget the previewed file; nothing changes (an import under way is stopped)."""
        if self.working and self.pending is not None:
            self.stop()  # leaving the page said "discard": the import undoes itself
        self.pending = None
        self.decision.hide()
        self.preview.hide()
        self.counts.set_rows([])
        self.changes.set_rows([])
        if not quiet:
            say(self.status, "Nothing was imported.", "")

    def has_pending(self) -> bool:
        return self.pending is not None

    # -- what waits --------------------------------------------------------------------

    def open_conflicts(self) -> ConflictsDialog:
        """Open the conflicts (without blocking); returned for tests."""
        dialog = ConflictsDialog(self.worker, self)
        dialog.changed.connect(self.load_waiting)
        dialog.changed.connect(lambda: self.nav.changed.emit("carer"))
        self.conflicts_dialog = dialog
        dialog.open()
        return dialog

    def open_matches(self) -> MatchesDialog:
        """Open the likely matches (without blocking); returned for tests."""
        dialog = MatchesDialog(self.worker, self.nav, self)
        dialog.changed.connect(self.load_waiting)
        dialog.changed.connect(lambda: self.nav.changed.emit("carer"))
        self.matches_dialog = dialog
        dialog.open()
        return dialog
