"""Bringing an old register (xlsx, xls, ods or csv) in as carers, losing nobody.

Every data row ends as exactly one of: imported, a duplicate (of a carer
already here or of an earlier row; listed for review) or rejected with a
reason. Rejected and duplicate rows go to a rejects workbook the user can fix
and import again. Blank rows are skipped and counted::

    register = load_register(path)              # sheet, header row, suggested mapping
    with desk.transaction() as tx:
        result = import_register(tx, register, rejects_path=out)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.legacy.convert import RowProblems, RowValues, convert_row, field_label
from carerdesk.legacy.mapping import (
    HEADER_SEARCH_ROWS,
    LegacyMapping,
    best_header,
    check_columns,
    column_keys,
    find_header_row,
    suggest_mapping,
)
from carerdesk.legacy.parsing import is_blank
from carerdesk.models import Carer
from carerdesk.services import carer_details, carers
from carerdesk.services.permissions import Permission
from carerdesk.sheets.safety import Book, Cell, read_book
from carerdesk.sheets.writer import SheetSpec, write_book
from carerdesk.validation import fold

Progress = Callable[[int, int, str], None]
REJECTED_SHEET = "Rejected"
DUPLICATES_SHEET = "Duplicates"
SAME_NAME_ONLY = "Same name, and no date of birth or postcode to tell them apart"


@dataclass
class Register:
    """An old register opened and ready to import: which sheet, where the
    header is, how columns map to fields (editable), and the data rows."""

    path: Path
    sheet: str
    sheet_names: list[str]
    header_row: int
    header: list[str]
    columns: dict[int, str]
    rows: list[tuple[int, list[Cell]]] = field(repr=False)

    def mapping(self) -> LegacyMapping:
        """The current choices, to save and use again with ``load_register``."""
        return LegacyMapping(
            sheet=self.sheet,
            header_row=self.header_row,
            columns={self.header[i]: name for i, name in sorted(self.columns.items())},
        )

    def set_columns(self, columns: Mapping[str, str | None]) -> None:
        """Map columns by header name (None or "" leaves a column out)."""
        chosen = LegacyMapping(columns={k: v for k, v in columns.items() if v}).resolve(self.header)
        check_columns(chosen, self.header)
        self.columns = chosen


@dataclass(frozen=True)
class RejectedRow:
    row: int
    reason: str
    values: list[Cell]


@dataclass(frozen=True)
class DuplicateRow:
    """A row not imported because it matches a carer here or an earlier row."""

    row: int
    matches: str  # "row 12" or "carer <reference>"
    reason: str
    values: list[Cell]
    carer_id: uuid.UUID | None = None
    matched_row: int | None = None


@dataclass(frozen=True)
class LegacyResult:
    """What an import did (or, in a dry run, would do). rows = imported + duplicates + rejected."""

    rows: int
    blank: int
    imported: int
    duplicates: int
    rejected: int
    rejected_rows: list[RejectedRow] = field(default_factory=list, repr=False)
    duplicate_rows: list[DuplicateRow] = field(default_factory=list, repr=False)
    carer_ids: list[uuid.UUID] = field(default_factory=list, repr=False)
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "blank": self.blank,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


def load_register(
    path: Path,
    *,
    sheet: str | None = None,
    mapping: LegacyMapping | Path | None = None,
    header_row: int | None = None,
    password: str | None = None,
) -> Register:
    """Open an old register and work out its sheet, header row and columns.

    A saved ``mapping`` (or its JSON file) gives the sheet, header row and
    columns; where its sheet or header row do not fit this file (a rejects
    workbook being re-imported, say) they are found again. Raises BadFile for
    unreadable files and CarerdeskError for a missing sheet or header.
    """
    if isinstance(mapping, str | Path):
        mapping = LegacyMapping.load(Path(mapping))
    book = read_book(Path(path), password=password)
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise CarerdeskError("The file has no sheet with that name: " + _sheet_list(names))
    if sheet is None and mapping is not None and mapping.sheet in names:
        sheet = mapping.sheet
    if sheet is None:
        sheet = _likeliest_sheet(book)
    rows = list(book.rows(sheet))
    number = header_row or _header_from_mapping(rows, mapping) or find_header_row(rows)
    if not 1 <= number <= len(rows) or is_blank(rows[number - 1]):
        raise CarerdeskError("The header row chosen is empty or beyond the end of the sheet.")
    width = max(len(r) for r in rows[number - 1 :])
    raw_header = list(rows[number - 1]) + [None] * (width - len(rows[number - 1]))
    keys = column_keys(raw_header)
    if mapping is not None and mapping.columns:
        columns = mapping.resolve(keys)
    else:
        columns = suggest_mapping([h if isinstance(h, str) else "" for h in raw_header])
    data = [(n, rows[n - 1]) for n in range(number + 1, len(rows) + 1)]
    while data and is_blank(data[-1][1]):
        data.pop()
    return Register(Path(path), sheet, names, number, keys, columns, data)


def _likeliest_sheet(book: Book) -> str:
    """The sheet whose header names the most fields (the first with anything, if none do)."""
    best, best_score = None, -1
    for name in book.sheet_names:
        head = list(islice(book.rows(name), HEADER_SEARCH_ROWS))
        if all(is_blank(r) for r in head):
            continue
        score = best_header(head)[1]
        if score > best_score:
            best, best_score = name, score
    if best is None:
        raise CarerdeskError("The file has no sheet with anything in it.")
    return best


def _header_from_mapping(rows: list[list[Cell]], mapping: LegacyMapping | None) -> int | None:
    """The mapping's header row if its column names are there, else the first row
    (of the first 50) that has them all."""
    if mapping is None or not mapping.columns:
        return mapping.header_row if mapping else None
    want = {" ".join(k.split()).casefold() for k in mapping.columns}

    def fits(n: int) -> bool:
        return want <= {k.casefold() for k in column_keys(rows[n - 1])}

    if mapping.header_row and mapping.header_row <= len(rows) and fits(mapping.header_row):
        return mapping.header_row
    return next((n for n in range(1, min(len(rows), HEADER_SEARCH_ROWS) + 1) if fits(n)), None)


def _sheet_list(names: list[str]) -> str:
    return ", ".join(f"“{n}”" for n in names) + "."


def import_register(
    tx: Tx,
    register: Register,
    *,
    dry_run: bool = False,
    rejects_path: Path | None = None,
    progress: Progress | None = None,
) -> LegacyResult:
    """Register every new carer in ``register`` inside ``tx`` (the caller commits).

    Duplicates and rejected rows are counted, listed in the result and, with
    ``rejects_path``, written to a rejects workbook (also in a dry run, which
    otherwise leaves the database as it was).
    """
    tx.require(Permission.EXCHANGE)
    tx.require(Permission.REGISTER)
    check_columns(register.columns, register.header)
    savepoint = tx.session.begin_nested() if dry_run else None
    try:
        result = _import_rows(tx, register, dry_run, progress)
    finally:
        if savepoint is not None:
            savepoint.rollback()
    if not dry_run and result.imported:
        tx.audit("carer.import_legacy")
    if rejects_path is not None:
        write_rejects(Path(rejects_path), register, result)
    return result


def _import_rows(
    tx: Tx, register: Register, dry_run: bool, progress: Progress | None
) -> LegacyResult:
    today = tx.today()
    blank = 0
    rejected: list[RejectedRow] = []
    duplicates: list[DuplicateRow] = []
    added: dict[uuid.UUID, int] = {}
    total = len(register.rows)
    for done, (number, cells) in enumerate(register.rows, start=1):
        if progress is not None and (done % 100 == 0 or done == total):
            progress(done, total, "Importing the register")
        if is_blank(cells):
            blank += 1
            continue
        try:
            row = convert_row(cells, register.columns, register.header, today)
            match = _duplicate(tx, row, added)
            if match is None:
                carer = carers.register(tx, row.fields, allow_duplicate=True)
                if row.cared_for is not None:
                    carer_details.add_cared_for(tx, carer.id, row.cared_for)
                added[carer.id] = number
        except RowProblems as exc:
            rejected.append(RejectedRow(number, exc.reason, list(cells)))
            continue
        except InvalidValue as exc:
            reason = "; ".join(
                f"{field_label(k, register.columns, register.header)}: {m}"
                for k, m in exc.errors.items()
            )
            rejected.append(RejectedRow(number, reason, list(cells)))
            continue
        if match is not None:
            carer_id, reason = match
            row_before = added.get(carer_id)
            duplicates.append(
                DuplicateRow(
                    row=number,
                    matches=f"row {row_before}" if row_before else f"carer {carer_id}",
                    reason=reason,
                    values=list(cells),
                    carer_id=None if row_before else carer_id,
                    matched_row=row_before,
                )
            )
    imported = len(added)
    return LegacyResult(
        rows=imported + len(duplicates) + len(rejected),
        blank=blank,
        imported=imported,
        duplicates=len(duplicates),
        rejected=len(rejected),
        rejected_rows=rejected,
        duplicate_rows=duplicates,
        carer_ids=[] if dry_run else list(added),
        dry_run=dry_run,
    )


def _duplicate(tx: Tx, row: RowValues, added: dict[uuid.UUID, int]) -> tuple[uuid.UUID, str] | None:
    """The carer (already here, or imported from an earlier row) this row repeats."""
    found = carers.find_duplicates(tx, row.fields)
    if found:
        existing = [d for d in found if d.carer_id not in added]  # before earlier rows
        best = (existing or found)[0]
        return best.carer_id, best.reason
    f = row.fields
    if f.date_of_birth is not None or f.postcode is not None:
        return None
    # Nothing but a name (and perhaps a phone or email): only an exact repeat counts.
    same = tx.session.exec(
        select(Carer).where(
            func.lower(Carer.last_name) == func.lower(f.last_name),
            Carer.deleted == False,  # noqa: E712
        )
    ).all()
    for c in same:
        if fold(c.first_name or "") != fold(f.first_name or ""):
            continue
        if c.date_of_birth is not None or c.postcode is not None:
            continue
        if all(getattr(f, k) in (None, getattr(c, k)) for k in ("phone", "email")):
            return c.id, SAME_NAME_ONLY
    return None


def write_rejects(path: Path, register: Register, result: LegacyResult) -> None:
    """A workbook of the rows not imported, in their original form, to fix and import again.

    "Rejected": original row number, reason, then the original columns.
    "Duplicates": original row number, what it matched (a row or a carer
    reference), why, then the original columns.
    """
    width = len(register.header)

    def padded(values: list[Cell]) -> list[Cell]:
        return list(values[:width]) + [None] * (width - len(values))

    write_book(
        path,
        [
            SheetSpec(
                REJECTED_SHEET,
                ["Row", "Reason", *register.header],
                ([r.row, r.reason, *padded(r.values)] for r in result.rejected_rows),
            ),
            SheetSpec(
                DUPLICATES_SHEET,
                ["Row", "Matches", "Why", *register.header],
                ([d.row, d.matches, d.reason, *padded(d.values)] for d in result.duplicate_rows),
            ),
        ],
        password=None,
    )
