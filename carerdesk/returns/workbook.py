"""Writing the monthly return as a formatted Excel workbook (openpyxl).

Three sheets: "Return" (the figures, month and year to date, by section),
"Trend" (the last 12 months, with a chart) and "Notes" (definitions). Counts
below the scheme's small-count threshold are written as "<5" (zero stays 0),
so the file never lets anyone single a person out; it holds no personal data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.returns.figures import FigureRow, ReturnFigures, month_figures, month_label
from carerdesk.sheets.safety import escape_text

if TYPE_CHECKING:
    from carerdesk.desk import Tx

NAVY = "1D4F91"
_TITLE = Font(size=16, bold=True, color=NAVY)
_BOLD = Font(bold=True)
_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor=NAVY)
_SECTION_FILL = PatternFill("solid", fgColor="DCE6F2")
_NOTE = Font(italic=True, color="555555")
_RIGHT = Alignment(horizontal="right")
_WRAP = Alignment(wrap_text=True, vertical="top")
_LINE = Border(bottom=Side(style="thin", color="A6A6A6"))
_FORMATS = {"count": "#,##0", "minutes": "#,##0", "share": "0.0%"}
TREND_COLUMNS = ("Month", "New registrations", "Closed or erased", "Open at the end",
                 "Contacts", "Cards issued, renewed or replaced")  # fmt: skip


def shown(value: int | float | None, kind: str, threshold: int) -> int | float | str:
    """A figure as the return shows it: counts from 1 to ``threshold - 1`` become
    "<threshold"; no figure (a share of nobody) is a dash."""
    if value is None:
        return "–"
    if kind == "count" and threshold > 0 and 0 < value < threshold:
        return f"<{threshold}"
    return value


def shown_figures(figures: ReturnFigures) -> dict[str, Any]:
    """The return as plain data, with small counts suppressed (for ``--json``)."""
    t = figures.threshold
    return {
        "month": figures.month,
        "year_start": figures.year_start.isoformat(),
        "scheme": figures.scheme_name,
        "site": figures.site_code,
        "small_counts_below": t,
        "sections": [
            {"title": s.title, "rows": [
                {"label": r.label, "month": shown(r.month, r.kind, t),
                 "year_to_date": shown(r.year_to_date, r.kind, t)} for r in s.rows]}
            for s in figures.sections
        ],
        "trend": [
            dict(zip(("month", "new_registrations", "closed", "open_at_end", "contacts",
                      "cards_issued"),
                     (p.month, *(shown(v, "count", t) for v in (
                         p.new_registrations, p.closed, p.open_at_end, p.contacts,
                         p.cards_issued))), strict=True))
            for p in figures.trend
        ],
    }  # fmt: skip


def write_return(tx: Tx, month: str, path: Path) -> None:
    """Write the return for ``month`` ('YYYY-MM') to ``path`` (.xlsx), replacing it whole."""
    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        raise InvalidValue({"out": "The return is an Excel workbook: give a file name "
                                   "ending .xlsx"})  # fmt: skip
    if not path.parent.is_dir():
        raise CarerdeskError("The folder for the return does not exist.")
    figures = month_figures(tx, month)
    book = build_workbook(figures)
    fd, tmp = tempfile.mkstemp(prefix=".carerdesk-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    tx.audit("return.export")


def build_workbook(figures: ReturnFigures) -> Workbook:
    """The return's workbook, ready to save."""
    book = Workbook()
    _return_sheet(book.active, figures)
    _trend_sheet(book.create_sheet("Trend"), figures)
    _notes_sheet(book.create_sheet("Notes"), figures)
    book.properties.title = f"Monthly return {figures.month}"
    book.properties.creator = "carerdesk"
    return book


def _put(ws: Worksheet, row: int, column: int, value: Any) -> Any:
    """Write one cell; text that a spreadsheet would run as a formula stays text."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value, prefix = escape_text(value)
        cell.value = value
        if prefix:
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _figure(ws: Worksheet, row: int, column: int, value: Any, kind: str) -> None:
    cell = _put(ws, row, column, value)
    cell.alignment = _RIGHT
    if not isinstance(value, str):
        cell.number_format = _FORMATS.get(kind, "General")


def _heading(ws: Worksheet, figures: ReturnFigures, title: str) -> int:
    """The title block; returns the next free row."""
    _put(ws, 1, 1, title).font = _TITLE
    end = figures.period_end
    lines = (
        f"Scheme: {figures.scheme_name}",
        f"Site: {figures.site_name} ({figures.site_code})",
        f"Month: {month_label(figures.month)}",
        f"Year to date: {_day(figures.year_start)} to {_day(end)} "
        "(the financial year starts on 1 April)",
        f"Generated: {_day(figures.generated_at)} at {figures.generated_at:%H:%M} (UTC)",
        _suppression_text(figures.threshold),
    )
    for n, text in enumerate(lines, start=2):
        _put(ws, n, 1, text)
    return len(lines) + 3


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _suppression_text(threshold: int) -> str:
    if threshold <= 1:
        return "Small counts are shown exactly (the small-count setting is off)."
    return (f"To protect privacy, counts below {threshold} (other than 0) are shown as "
            f"<{threshold}; no personal data is included.")  # fmt: skip


def _return_sheet(ws: Worksheet, figures: ReturnFigures) -> None:
    ws.title = "Return"
    row = _heading(ws, figures, "Carer Passport monthly return")
    for col, text in enumerate(("Measure", "Month", "Year to date"), start=1):
        cell = _put(ws, row, col, text)
        cell.font, cell.fill = _HEAD, _HEAD_FILL
        if col > 1:
            cell.alignment = _RIGHT
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    t = figures.threshold
    for section in figures.sections:
        row += 2
        for col in (1, 2, 3):
            ws.cell(row=row, column=col).fill = _SECTION_FILL
        _put(ws, row, 1, section.title).font = _BOLD
        if section.note:
            row += 1
            _put(ws, row, 1, section.note).font = _NOTE
        for line in section.rows:
            row += 1
            _line(ws, row, line, t)
    ws.column_dimensions["A"].width = 62
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 14
    ws.sheet_view.showGridLines = False
    ws.page_setup.fitToWidth = 1


def _line(ws: Worksheet, row: int, line: FigureRow, threshold: int) -> None:
    _put(ws, row, 1, line.label).border = _LINE
    _figure(ws, row, 2, shown(line.month, line.kind, threshold), line.kind)
    _figure(ws, row, 3, shown(line.year_to_date, line.kind, threshold), line.kind)
    ws.cell(row=row, column=2).border = ws.cell(row=row, column=3).border = _LINE


def _trend_sheet(ws: Worksheet, figures: ReturnFigures) -> None:
    top = _heading(ws, figures, "The last 12 months")
    for col, text in enumerate(TREND_COLUMNS, start=1):
        cell = _put(ws, top, col, text)
        cell.font, cell.fill, cell.alignment = _HEAD, _HEAD_FILL, _WRAP
    t = figures.threshold
    for n, point in enumerate(figures.trend, start=top + 1):
        _put(ws, n, 1, month_label(point.month))
        values: Sequence[int] = (point.new_registrations, point.closed, point.open_at_end,
                                 point.contacts, point.cards_issued)  # fmt: skip
        for col, value in enumerate(values, start=2):
            _figure(ws, n, col, shown(value, "count", t), "count")
    last = top + len(figures.trend)
    ws.column_dimensions["A"].width = 18
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 16
    months = Reference(ws, min_col=1, min_row=top + 1, max_row=last)

    bars = BarChart()
    bars.title = "New registrations and closures"
    bars.y_axis.title = "Carers"
    bars.add_data(Reference(ws, min_col=2, max_col=3, min_row=top, max_row=last),
                  titles_from_data=True)  # fmt: skip
    bars.set_categories(months)
    bars.height, bars.width = 8, 18
    ws.add_chart(bars, f"H{top}")

    lines = LineChart()
    lines.title = "Carers on the register and contacts"
    lines.y_axis.title = "Number"
    lines.add_data(Reference(ws, min_col=4, max_col=5, min_row=top, max_row=last),
                   titles_from_data=True)  # fmt: skip
    lines.set_categories(months)
    lines.height, lines.width = 8, 18
    ws.add_chart(lines, f"H{top + 18}")
    _put(ws, last + 2, 1, "Months with a small count (shown as <n) appear as gaps in "
                          "the charts.").font = _NOTE  # fmt: skip


_NOTES = (
    ("What this is", "The scheme's figures for one month and for the financial year to date "
     "(from 1 April), for commissioners. It holds no personal data: no names, addresses, "
     "dates of birth or record numbers."),
    ("Small counts", "Counts of people or events from 1 up to the scheme's small-count "
     "setting are shown as <n, so that nobody can be picked out. Zero is shown as 0. "
     "Minutes and shares are not counts of people and are shown exactly."),
    ("Where the figures come from", "Each registration, closure, contact, assessment, "
     "referral and card issued is recorded at the time as an anonymous event (an age band, "
     "a gender, an area... never who). The return counts these events, so a month's "
     "figures do not change when a carer's record is erased later."),
    ("This site", "Each site counts the work done at that site. Records brought in from "
     "another site's exchange file are counted in that site's return."),
    ("Open at the start / end", "Carers registered here and not closed or erased: new "
     "registrations and reopened records add to it; closures and erasures of open records "
     "take from it. In the year-to-date column, the number open at the start is the "
     "number on 1 April."),
    ("New registrations", "Counted in the month of the registration date. A new carer's age "
     "band is their age on that day. Details given in the weeks after registering (the "
     "person they care for, their ethnic group...) are added to the month they registered "
     "in, until the end of the following month."),
    ("Cared-for area and main need", "A carer who cares for people in more than one area, "
     "or with different main needs, is counted under each."),
    ("Young carers", "Young carers are under 18; young adult carers are 18 to 25 (the carer "
     "type on their record)."),
    ("Contacts and minutes", "Contacts logged with carers, by the kind of contact, in the "
     "month of the contact. A contact corrected or removed later is corrected here too."),
    ("Assessments", "Carers' assessments offered and completed, in the month of the date "
     "recorded."),
    ("Referrals", "Contacts in which the carer was referred to another service."),
    ("Cards", "Issued: a carer's first card (or a new card after one was cancelled). "
     "Renewed: a new card following one that was about to expire or had expired. "
     "Replaced: a new card following one reported lost or stolen. Counted when handed over."),
    ("Offers and businesses", "Businesses taking part (not retired), offers running on the "
     "month's last day, and those whose review date has passed. Worked out from the offer "
     "records as they are now."),
    ("Data quality", "Of the carers newly registered, the share for whom a detail was not "
     "given (not stated or not known)."),
    ("Trend", "The 12 months up to and including the month of this return."),
)  # fmt: skip


def _notes_sheet(ws: Worksheet, figures: ReturnFigures) -> None:
    row = _heading(ws, figures, "Notes and definitions")
    for term, text in _NOTES:
        _put(ws, row, 1, term).font = _BOLD
        _put(ws, row, 2, text).alignment = _WRAP
        row += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
