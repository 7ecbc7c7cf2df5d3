"""The old-register wizard: choose a file, its sheet and header row, match its
columns to fields, see what would happen, then import in one transaction.

Every slow step (opening the file, the dry run, the import) runs on the
database worker with a progress bar. Nothing is added until the last step,
and stopping the import part-way adds nobody: it is one transaction.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
    QWizard,
)
from shiboken6 import isValid

from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError
from carerdesk.legacy import LegacyMapping, LegacyResult, Register, import_register, load_register
from carerdesk.ui.data_widgets import (
    MAPPING_FILTER,
    REGISTER_FILTER,
    MappingGrid,
    PreviewModel,
    ProblemsPanel,
    StepPage,
    ask_open_path,
    ask_save_path,
    button_row,
    dry_run_text,
    import_summary,
    labelled,
    paragraph,
    plural,
    problem_rows,
    push_button,
    say,
)
from carerdesk.ui.errors import show_problem
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.offers_list import confirm
from carerdesk.ui.tables import make_table
from carerdesk.ui.worker import DbWorker

RELOAD_DELAY_MS = 400
NEXT, CANCEL = QWizard.WizardButton.NextButton, QWizard.WizardButton.CancelButton


class Stopped(Exception):
    """The user stopped the dry run or the import part-way."""


class FilePage(StepPage):
    """Step 1: which file (and its password, if it has one)."""

    def __init__(self, wizard: LegacyWizard) -> None:
        super().__init__("File", "Choose the old register",
                         "An Excel (.xlsx or .xls), LibreOffice (.ods) or CSV file. Nothing "
                         "changes in carerdesk until the last step.", fills=False)
        self.owner = wizard
        self.path = QLineEdit()
        self.path.setPlaceholderText("Press “Choose…” to find the file")
        self.choose = push_button("C&hoose...", "legacyChooseFile", "Find the register file")
        self.choose.clicked.connect(self._choose)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Leave blank unless the file asks for one")
        self.password.setMaximumWidth(360)
        line = QHBoxLayout()
        line.addWidget(self.path, 1)
        line.addWidget(self.choose)
        form = QFormLayout()
        form.addRow(labelled("The &file", self.path, "legacyPath"), line)
        form.addRow(labelled("&Password (only if the file has one)", self.password,
                             "legacyPassword"), self.password)
        self.body.addLayout(form)
        self._opened: tuple[Path, str] | None = None

    def _choose(self) -> None:
        path = ask_open_path(self, "Choose the old register", REGISTER_FILTER)
        if path is not None:
            self.path.setText(str(path))
            say(self.problem, "")

    def chosen(self) -> Path | None:
        text = self.path.text().strip().strip('"')
        return Path(text).expanduser() if text else None

    def validatePage(self) -> bool:
        """Open the file on the worker; the wizard moves on by itself once it is read."""
        path = self.chosen()
        if path is None:
            say(self.problem, "Choose the register file first.", "error")
            return False
        wanted = (path, self.password.text())
        if self.owner.register is not None and self._opened == wanted:
            return True  # already open (with the sheet and header row chosen since)
        self.owner.button(NEXT).setEnabled(False)
        say(self.problem, "")
        self.progress.busy("Opening the file…")

        def done(_register: Register) -> None:
            self._opened = wanted
            self.progress.finish()
            self.owner.button(NEXT).setEnabled(True)
            self.owner.next()

        def failed(message: str) -> None:
            self.progress.finish()
            self.owner.button(NEXT).setEnabled(True)
            say(self.problem, message, "error")

        self.owner.register = None
        self.owner.open_register(done=done, failed=failed, path=path)
        return False


class SheetPage(StepPage):
    """Step 2: which sheet, and which row holds the column names."""

    def __init__(self, wizard: LegacyWizard) -> None:
        super().__init__("Sheet", "Which sheet, and where the column names are",
                         "carerdesk has guessed both. Check that the table below shows the "
                         "first carers, under the right column names.")
        self.owner = wizard
        self.sheet = QComboBox()
        self.sheet.setMinimumWidth(280)
        self.header_row = QSpinBox()
        self.header_row.setMinimumWidth(100)
        self.sheet.currentIndexChanged.connect(lambda *_: self.reload(None))
        self.reload_timer = QTimer(self)
        self.reload_timer.setSingleShot(True)
        self.reload_timer.setInterval(RELOAD_DELAY_MS)
        self.reload_timer.timeout.connect(lambda: self.reload(self.header_row.value()))
        self.header_row.valueChanged.connect(self._header_row_changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(labelled("&Sheet", self.sheet, "legacySheet"), self.sheet)
        form.addRow(labelled("&Header row (the row with the column names)", self.header_row,
                             "legacyHeaderRow"), self.header_row)
        self.rows_note = QLabel()
        self.rows_note.setObjectName("legacyRowsNote")
        self.preview = PreviewModel(self)
        self.table = make_table(self.preview, "legacyPreview", "The first rows of the sheet")
        self.body.addLayout(form)
        self.body.addWidget(self.rows_note)
        self.body.addWidget(self.table, 1)
        self._loading = False

    def initializePage(self) -> None:
        self.show_register(self.owner.register)

    def show_register(self, register: Register | None) -> None:
        """Show the sheet and header row of ``register`` (without reading the file)."""
        for control in (self.sheet, self.header_row):
            control.blockSignals(True)
        self.sheet.clear()
        if register is not None:
            self.sheet.addItems(register.sheet_names)
            self.sheet.setCurrentText(register.sheet)
            self.header_row.setRange(1, max(register.header_row + len(register.rows), 1))
            self.header_row.setValue(register.header_row)
            self.rows_note.setText(f"Under the header: {plural(len(register.rows), 'row')}. "
                                   "The first few are shown here, with their row numbers.")
        for control in (self.sheet, self.header_row):
            control.blockSignals(False)
        self.preview.set_register(register)
        self.table.resizeColumnsToContents()

    def _header_row_changed(self) -> None:
        # Wait for the typing to stop; meanwhile the old header row cannot be used.
        self._loading = True
        self.completeChanged.emit()
        self.reload_timer.start()

    def reload(self, header_row: int | None) -> None:
        """Read the file again with the chosen sheet and header row (None: find it)."""
        self.reload_timer.stop()
        self._loading = True
        self.completeChanged.emit()
        say(self.problem, "")
        self.progress.busy("Reading the sheet…")
        self.owner.open_register(sheet=self.sheet.currentText(), header_row=header_row,
                                 done=self._loaded, failed=self._failed)

    def _loaded(self, register: Register) -> None:
        self._loading = False
        self.progress.finish()
        self.show_register(register)
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self._loading = False
        self.progress.finish()
        self.owner.register = None  # moving on needs a sheet that was read
        self.preview.set_register(None)
        say(self.problem, message, "error")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self._loading and self.owner.register is not None


class MappingPage(StepPage):
    """Step 3: which field each column goes into; the choices can be saved for next time."""

    def __init__(self, wizard: LegacyWizard) -> None:
        super().__init__("Mapping", "Match the columns",
                         "Choose what each column of the file holds. carerdesk has guessed "
                         "from the column names; choose “Don't import” to leave one out.")
        self.owner = wizard
        self.grid = MappingGrid()
        self.grid.changed = lambda: say(self.problem, "")
        self.save = push_button("&Save this mapping...", "legacySaveMapping",
                                "Save these choices, to use again with the next file")
        self.load = push_button("&Load a mapping...", "legacyLoadMapping",
                                "Use choices saved before")
        self.save.clicked.connect(self.save_mapping)
        self.load.clicked.connect(self.load_mapping)
        self.body.addWidget(self.grid, 1)
        self.body.addLayout(button_row(self.save, self.load))

    def initializePage(self) -> None:
        say(self.problem, "")
        if self.owner.register is not None:
            self.grid.set_register(self.owner.register)

    def cleanupPage(self) -> None:
        # Going back: keep the choices made so far (they are checked on moving on).
        if self.owner.register is not None:
            self.owner.register.columns = self.grid.columns()

    def validatePage(self) -> bool:
        try:
            if self.owner.register is None:
                return False
            self.owner.register.set_columns(self.grid.by_header())
        except CarerdeskError as exc:
            say(self.problem, exc.message, "error")
            return False
        return True

    def save_mapping(self) -> None:
        register = self.owner.register
        if register is None:
            return
        mapping = LegacyMapping(sheet=register.sheet, header_row=register.header_row,
                                columns={k: v for k, v in self.grid.by_header().items() if v})
        path = ask_save_path(self, "Save this mapping", f"{register.path.stem} mapping.json",
                             suffix=".json", file_filter=MAPPING_FILTER)
        try:
            if path is not None:
                mapping.save(path)
                say(self.problem, f"Saved the mapping to {path}. Use “Load a mapping…” with "
                                  "the next file.")
        except CarerdeskError as exc:
            say(self.problem, exc.message, "error")

    def load_mapping(self) -> None:
        path = ask_open_path(self, "Load a mapping", MAPPING_FILTER)
        try:
            mapping = LegacyMapping.load(path) if path is not None else None
        except CarerdeskError as exc:
            say(self.problem, exc.message, "error")
            return
        if mapping is not None:
            self.progress.busy("Reading the file with that mapping…")
            self.owner.open_register(mapping=mapping, done=self._mapped, failed=self._not_mapped)

    def _mapped(self, register: Register) -> None:
        self.progress.finish()
        self.grid.set_register(register)
        self.owner.sheet_page.show_register(register)
        say(self.problem, f"Loaded the mapping: sheet “{register.sheet}”, column names on "
                          f"row {register.header_row}.")

    def _not_mapped(self, message: str) -> None:
        self.progress.finish()
        say(self.problem, message, "error")


class PreviewPage(StepPage):
    """Step 4: a dry run showing exactly what the import would do."""

    def __init__(self, wizard: LegacyWizard) -> None:
        super().__init__("Preview", "Check before importing",
                         "This is what the import would do. Nothing has been changed yet.")
        self.owner = wizard
        self.setButtonText(NEXT, "&Import")
        self.counts = QLabel()
        self.counts.setObjectName("legacyDryRunCounts")
        self.problems = ProblemsPanel("legacyProblems", "Rows that would not be imported")
        self.note = paragraph("", "legacyPreviewNote")
        self.body.addWidget(self.counts)
        self.body.addWidget(self.problems, 1)
        self.body.addWidget(self.note)
        self.result: LegacyResult | None = None
        self._token = object()

    def initializePage(self) -> None:
        self.result = None
        self.counts.clear()
        self.note.clear()
        self.problems.clear()
        say(self.problem, "")
        self.progress.busy("Checking every row…")
        token = self._token = object()

        def current(fn: Callable[..., None]) -> Callable[..., None]:
            return lambda *args: fn(*args) if self._token is token else None

        self.owner.run_import(dry_run=True, rejects=None, done=current(self._done),
                              failed=current(self._failed), progress=current(self.progress.step))

    def cleanupPage(self) -> None:
        self._token = object()  # going back: forget the dry run that may still be going
        self.owner.stop_work()

    def _done(self, result: LegacyResult) -> None:
        self.progress.finish()
        self.result = result
        counts, note = dry_run_text(result)
        self.counts.setText(counts)
        self.note.setText(note)
        self.problems.set_rows(problem_rows(result))
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.progress.finish()
        say(self.problem, message, "error")

    def isComplete(self) -> bool:
        return self.result is not None and self.result.rows > 0

    def validatePage(self) -> bool:
        register, result = self.owner.register, self.result
        if register is None or result is None:
            return False
        self.owner.rejects_path = None
        if result.rejected or result.duplicates:
            path = ask_save_path(self, "Save the rows not imported",
                                 f"{register.path.stem} - not imported.xlsx",
                                 folder=register.path.parent)
            if path is None or path == register.path:
                say(self.problem, "Choose where to save the rows not imported (not over the "
                                  "register itself), so that none are lost.", "error")
                return False
            self.owner.rejects_path = path
        return True


class ImportPage(StepPage):
    """Step 5: the import itself, then what it did."""

    def __init__(self, wizard: LegacyWizard) -> None:
        super().__init__("Import", "Importing the register", "", fills=False)
        self.owner = wizard
        self.summary = paragraph("", "legacySummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.again = push_button("&Go back and try again", "legacyTryAgain")
        self.again.clicked.connect(self.owner.back)
        self.again.hide()
        self.body.addWidget(self.summary)
        self.body.addLayout(button_row(self.again))
        self.running = False
        self.result: LegacyResult | None = None

    def initializePage(self) -> None:
        self.running, self.result = True, None
        self.setTitle("Importing the register")
        self.setSubTitle("Please wait. If you stop now, nobody from the file is added.")
        self.summary.clear()
        self.again.hide()
        say(self.problem, "")
        self.progress.busy("Importing…")
        self.owner.run_import(dry_run=False, rejects=self.owner.rejects_path, done=self._done,
                              failed=self._failed, progress=self.progress.step)

    def stopping(self) -> None:
        self.progress.busy("Stopping the import…")
        self.owner.button(CANCEL).setEnabled(False)

    def _done(self, result: LegacyResult) -> None:
        self.running, self.result = False, result
        self.progress.finish()
        self.setTitle("The import is finished")
        self.setSubTitle("Here is what happened. Imported carers can be found straight away.")
        self.summary.setText(import_summary(result, self.owner.rejects_path))
        self.owner.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.owner.imported(result)
        self.completeChanged.emit()

    def _failed(self, message: str) -> None:
        self.running = False
        self.progress.finish()
        if not message:
            self.owner.stopped()
            return
        self.setTitle("Nothing was imported")
        say(self.problem, f"Nobody was added. {message}", "error")
        self.owner.button(CANCEL).setEnabled(True)
        self.again.show()
        self.again.setFocus()

    def isComplete(self) -> bool:
        return self.result is not None


class LegacyWizard(QWizard):
    """Bring an old register in as carers. Open with ``open()`` (it does not block)."""

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.nav = nav
        self.register: Register | None = None
        self.rejects_path: Path | None = None
        self._stop = threading.Event()
        self.setObjectName("legacyWizard")
        self.setWindowTitle("Import an old register")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.sheet_page, self.mapping_page, self.preview_page,
                     self.import_page):
            self.addPage(page)
        self.resize(960, 660)

    def _alive(self, callback: Callable[..., None]) -> Callable[..., None]:
        return lambda *args: callback(*args) if isValid(self) else None

    def _problem(self, failed: Callable[[str], None], fallback: str) -> Callable[[Any], None]:
        """An error callback: known problems as their sentence, bugs also to the log."""

        def problem(exc: BaseException) -> None:
            if isinstance(exc, Stopped):
                failed("")
            elif isinstance(exc, CarerdeskError):
                failed(exc.message)
            else:
                failed(fallback)
                show_problem(self, exc)

        return self._alive(problem)

    def open_register(self, *, done: Callable[[Register], None], failed: Callable[[str], None],
                      path: Path | None = None, sheet: str | None = None,
                      header_row: int | None = None, mapping: LegacyMapping | None = None) -> None:
        """Read the file on the worker; ``done`` gets the register, ``failed`` a sentence."""
        source = path or self.file_page.chosen()
        password = self.file_page.password.text() or None

        def run(_desk: Desk) -> Register:
            assert source is not None
            return load_register(source, sheet=sheet, header_row=header_row, mapping=mapping,
                                 password=password)

        def loaded(register: Register) -> None:
            self.register = register
            done(register)

        self.worker.submit(run, self._alive(loaded),
                           self._problem(failed, "The file could not be read."),
                           group="legacy-open")

    def run_import(self, *, dry_run: bool, rejects: Path | None,
                   done: Callable[[LegacyResult], None], failed: Callable[[str], None],
                   progress: Callable[[int, int, str], None]) -> None:
        """Import (or dry-run) the register as mapped now, in one transaction.
        ``failed`` gets "" if the user stopped it."""
        assert self.register is not None
        register = dataclasses.replace(self.register, columns=dict(self.register.columns))
        stop = self._stop = threading.Event()
        verb = "Checking" if dry_run else "Importing"

        def run(desk: Desk, report: Callable[[int, int, str], None]) -> LegacyResult:
            def tick(n: int, total: int, _text: str) -> None:
                if stop.is_set():
                    raise Stopped()
                report(n, total, f"{verb} row {n:,} of {total:,}…")

            with desk.transaction() as tx:
                return import_register(tx, register, dry_run=dry_run, rejects_path=rejects,
                                       progress=tick)

        self.worker.submit(run, self._alive(done),
                           self._problem(failed, "Something went wrong, so nobody was added."),
                           on_progress=self._alive(progress))

    def imported(self, result: LegacyResult) -> None:
        """Tell the rest of the desk that carers were added."""
        if result.imported:
            self.nav.changed.emit("carer")
        self.nav.notify.emit(f"Imported {plural(result.imported, 'carer')} from the old "
                             "register.")

    def stop_work(self) -> None:
        """Stop a dry run that is still going (it changes nothing either way)."""
        self._stop.set()

    def reject(self) -> None:
        """Cancel: during the import, ask first and wait until it has rolled back."""
        if not self.import_page.running:
            self._stop.set()
            super().reject()
        elif confirm(self, "Stop the import?", "Stop the import? Nobody from this file will "
                     "be added.", "&Stop", "&Keep importing") and self.import_page.running:
            self._stop.set()
            self.import_page.stopping()

    def stopped(self) -> None:
        """The import was stopped and rolled back: close."""
        self.nav.notify.emit("The import was stopped. Nobody was added.")
        super().reject()
