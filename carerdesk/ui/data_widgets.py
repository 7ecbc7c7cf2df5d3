"""Building blocks of the "Data and returns" page and the old-register wizard:
file choosers, status lines, problem lists and the column-mapping grid."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)
from shiboken6 import isValid

from carerdesk.legacy import FIELDS, LegacyResult, Register
from carerdesk.legacy.parsing import cell_text
from carerdesk.sheets.safety import Cell
from carerdesk.ui.tables import Column, RowsModel, make_table

XLSX_FILTER = "Excel workbooks (*.xlsx)"
REGISTER_FILTER = "Spreadsheets (*.xlsx *.xls *.ods *.csv);;All files (*)"
MAPPING_FILTER = "Column mappings (*.json)"
PREVIEW_ROWS = 8
EXAMPLES = 2
EXAMPLE_SCAN_ROWS = 200
_last_folder: Path | None = None


# -- small helpers -------------------------------------------------------------------


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 row``, ``3 rows`` (or the given plural)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def push_button(text: str, name: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text.replace("&", "").rstrip("."))
    if tip:
        button.setToolTip(tip)
    return button


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side, on the left."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def labelled(text: str, field: QWidget, name: str) -> QLabel:
    """A mnemonic label for ``field``, which gets its object and accessible names."""
    field.setObjectName(name)
    field.setAccessibleName(text.replace("&", ""))
    label = QLabel(text)
    label.setBuddy(field)
    return label


def paragraph(text: str, name: str = "") -> QLabel:
    """A wrapped, plain-text explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def status_line(name: str) -> QLabel:
    """A line that says what just happened (or went wrong); hidden while empty."""
    label = paragraph("", name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def say(label: QLabel, text: str, role: str = "ok") -> None:
    """Show ``text`` on a status line: role "ok", "error", "warning" or "" (plain)."""
    label.setProperty("role", role)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))
    if text:
        label.setAccessibleDescription(text)


def if_alive(widget: QWidget, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """A worker callback that does nothing once ``widget`` has been deleted."""
    return lambda value: callback(value) if isValid(widget) else None


def month_text(month: str) -> str:
    """'2025-03' → 'March 2025'."""
    return date(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


# -- choosing files ------------------------------------------------------------------


def _start_folder() -> Path:
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


def _remember(path: Path) -> None:
    global _last_folder
    _last_folder = path.parent


def ask_save_path(
    parent: QWidget, title: str, suggested: str, *, suffix: str = ".xlsx",
    file_filter: str = XLSX_FILTER, folder: Path | None = None,
) -> Path | None:
    """Ask where to save; the name gets ``suffix`` if it was left off. None if cancelled."""
    start = str((folder or _start_folder()) / suggested)
    chosen, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    _remember(path)
    return path


def ask_open_path(parent: QWidget, title: str, file_filter: str) -> Path | None:
    """Ask for a file to open. None if cancelled."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(_start_folder()), file_filter)
    if not chosen:
        return None
    path = Path(chosen)
    _remember(path)
    return path


class ProgressLine(QWidget):
    """What is happening now, with a progress bar; hidden when nothing is."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.bar = QProgressBar()
        self.bar.setObjectName(name)
        self.bar.setAccessibleName("Progress")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        self.hide()

    def busy(self, text: str) -> None:
        """Show ``text`` with a moving bar (length unknown)."""
        self.step(0, 0, text)

    def step(self, done: int, total: int, text: str = "") -> None:
        """Show ``done`` of ``total`` (0 of 0: still working, length unknown)."""
        if text:
            self.text.setText(text)
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(done if total else 0)
        self.bar.setTextVisible(bool(total))
        self.bar.setAccessibleDescription(f"{done} of {total}" if total else self.text.text())
        self.show()

    def finish(self) -> None:
        self.hide()


class StepPage(QWizardPage):
    """A wizard page with a body, then a progress line and a problem line (straight
    under the body, unless the body ``fills`` the page)."""

    def __init__(self, name: str, title: str, subtitle: str, fills: bool = True) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.body = QVBoxLayout()
        self.progress = ProgressLine(f"legacy{name}Progress")
        self.problem = status_line(f"legacy{name}Problem")
        layout = QVBoxLayout(self)
        layout.addLayout(self.body, 1 if fills else 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.problem)
        if not fills:
            layout.addStretch(1)


# -- lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemRow:
    """One row of a file that was (or would be) left out, and why."""

    row: int
    outcome: str
    reason: str


def problem_rows(result: LegacyResult) -> list[ProblemRow]:
    """The rows an import (or dry run) left out, in file order."""
    rows = [ProblemRow(r.row, "Rejected", r.reason) for r in result.rejected_rows]
    for d in result.duplicate_rows:
        what = f"same as row {d.matched_row}" if d.matched_row else "already registered"
        rows.append(ProblemRow(d.row, f"Duplicate: {what}", d.reason))
    return sorted(rows, key=lambda p: p.row)


def problems_model(with_outcome: bool = True) -> RowsModel[ProblemRow]:
    columns: list[Column[ProblemRow]] = [Column("Row", lambda p: str(p.row))]
    if with_outcome:
        columns.append(Column("What happens", lambda p: p.outcome))
    columns.append(Column("Reason", lambda p: p.reason))
    return RowsModel(columns)


class ProblemsPanel(QWidget):
    """A caption and a table of rows left out, with their reasons."""

    LIMIT = 500

    def __init__(self, name: str, caption: str, *, with_outcome: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption_text = caption
        self.model = problems_model(with_outcome)
        self.caption = QLabel(caption)
        self.table = make_table(self.model, name, caption, stretch=self.model.columnCount() - 1)
        self.caption.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        self.hide()

    def set_rows(self, rows: Sequence[ProblemRow], caption: str | None = None) -> None:
        """Show ``rows`` (the first ``LIMIT`` of them); hidden if there are none."""
        self.model.set_rows(rows[: self.LIMIT])
        more = f" (the first {self.LIMIT:,} of {len(rows):,})" if len(rows) > self.LIMIT else ""
        self.caption.setText(f"{caption or self.caption_text}{more}:")
        self.setVisible(bool(rows))

    def clear(self) -> None:
        self.set_rows([])


def cell_shown(value: object) -> str:
    """A cell as a spreadsheet program would show it (dates day first), on one line."""
    return " ".join((cell_text(value) or "").split())


class PreviewModel(RowsModel[tuple[int, list[Cell]]]):
    """The first rows under the header, numbered as in the file, under the header's names."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([], parent)
        self.header: list[str] = []

    def set_register(self, register: Register | None) -> None:
        self.beginResetModel()
        self.header = list(register.header) if register is not None else []
        self.columns = [Column("Row", lambda r: str(r[0]))] + [
            Column(name, lambda r, i=i: cell_shown(r[1][i]) if i < len(r[1]) else "")
            for i, name in enumerate(self.header)
        ]
        self.rows = list(register.rows[:PREVIEW_ROWS]) if register is not None else []
        self.endResetModel()


# -- the column mapping ----------------------------------------------------------------


def examples(register: Register, index: int, limit: int = EXAMPLES) -> str:
    """The first few values in column ``index``, to recognise what it holds."""
    found: list[str] = []
    for _, cells in register.rows[:EXAMPLE_SCAN_ROWS]:
        if index < len(cells):
            text = cell_shown(cells[index])
            if text and text not in found:
                found.append(text[:28] + ("…" if len(text) > 28 else ""))
                if len(found) >= limit:
                    break
    return ", ".join(found)


class MappingGrid(QScrollArea):
    """One line per column of the file: its name, example values, and a choice of
    the carerdesk field it goes into ("Don't import" leaves it out)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mappingGrid")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the choices
        self.combos: list[QComboBox] = []
        self.header: list[str] = []
        self.changed: Callable[[], None] = lambda: None

    def set_register(self, register: Register) -> None:
        """Show a line for every column of ``register``, set to its current mapping."""
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(16)
        for column, title in enumerate(("Column in the file", "For example", "Import as")):
            caption = QLabel(title)
            caption.setProperty("role", "heading")
            grid.addWidget(caption, 0, column)
        self.header = list(register.header)
        self.combos = []
        for index, key in enumerate(self.header):
            name = QLabel(key)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setWordWrap(True)
            name.setMaximumWidth(260)
            sample = QLabel(examples(register, index))
            sample.setTextFormat(Qt.TextFormat.PlainText)
            sample.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            sample.setStyleSheet("color: #555555;")
            combo = QComboBox()
            combo.setObjectName(f"mapColumn{index}")
            combo.setAccessibleName(f"Import column “{key}” as")
            combo.addItem("Don't import", None)
            for field, label in FIELDS.items():
                combo.addItem(label, field)
            combo.setCurrentIndex(max(combo.findData(register.columns.get(index)), 0))
            combo.currentIndexChanged.connect(lambda *_: self.changed())
            name.setBuddy(combo)
            grid.addWidget(name, index + 1, 0)
            grid.addWidget(sample, index + 1, 1)
            grid.addWidget(combo, index + 1, 2)
            self.combos.append(combo)
        grid.setRowStretch(len(self.header) + 1, 1)
        self.setWidget(inner)  # the scroll area deletes the previous one
        for before, after in zip(self.combos, self.combos[1:], strict=False):
            QWidget.setTabOrder(before, after)

    def columns(self) -> dict[int, str]:
        """Column index → chosen field (columns left out are not listed)."""
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def by_header(self) -> dict[str, str | None]:
        """Header name → chosen field or None, as ``Register.set_columns`` takes it."""
        return {self.header[i]: c.currentData() for i, c in enumerate(self.combos)}

    def choose(self, header: str, field: str | None) -> None:
        """Set the column named ``header`` to ``field`` (None: don't import)."""
        combo = self.combos[self.header.index(header)]
        combo.setCurrentIndex(max(combo.findData(field), 0))

    def first_combo(self) -> QComboBox | None:
        return self.combos[0] if self.combos else None


def dry_run_text(result: LegacyResult) -> tuple[str, str]:
    """What a dry run of an old register found: the counts, and a note on what next."""
    counts = counts_text([
        ("Rows with something in them", result.rows),
        ("Would be imported as new carers", result.imported),
        ("Duplicates (not imported, listed for you to check)", result.duplicates),
        ("Rejected (not imported, with the reason)", result.rejected),
        ("Blank rows (skipped)", result.blank),
    ])  # fmt: skip
    notes = []
    if not result.rows:
        notes.append("There is nobody to import under that header row.")
    elif not result.imported:
        notes.append("Nobody new would be imported.")
    if result.rejected or result.duplicates:
        notes.append("When you press Import you will be asked where to save the rows not "
                     "imported, with the reasons, so you can fix them and import them again.")
    return counts, " ".join(notes)


def import_summary(result: LegacyResult, rejects: Path | None) -> str:
    """What an import of an old register did, in a few short paragraphs."""
    lines = [f"Imported {plural(result.imported, 'new carer')}."]
    if result.rejected or result.duplicates:
        lines.append(f"{plural(result.duplicates, 'duplicate')} and "
                     f"{plural(result.rejected, 'rejected row')} were not imported. They are "
                     f"saved, with the reasons, in:\n{rejects}")
    if result.blank:
        lines.append(f"{plural(result.blank, 'blank row')} skipped.")
    return "\n\n".join(lines)


def counts_text(pairs: Sequence[tuple[str, int]]) -> str:
    """Lines like "Would be imported: 12" for a counts box."""
    return "\n".join(f"{label}: {n:,}" for label, n in pairs)
