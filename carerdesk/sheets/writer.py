"""Writing workbooks that are safe to open: formula-looking text stays text,
the file appears all at once (temp file + rename), and with a password it is
encrypted (Office agile encryption) before it ever touches the target folder.
"""

from __future__ import annotations

import enum
import io
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from carerdesk.errors import CarerdeskError
from carerdesk.sheets.safety import MAX_ROWS, escape_text

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
_LIST_SOURCE_LIMIT = 255  # Excel's limit for an inline dropdown list
_LISTS_SHEET = "_lists"
_EXCEL_LAST_ROW = 1_048_575


@dataclass
class SheetSpec:
    """One sheet to write.

    Args:
        name: sheet name (at most 31 characters, none of ``[]:*?/\\``).
        columns: header names, written bold in a frozen first row.
        rows: the data rows, each in column order (may be a generator).
        validations: column name -> allowed values, offered as a dropdown.
        hidden: column names to hide (still present and read back).
        suggestions: column name -> values offered in a dropdown, where other
            values may still be typed.
    """

    name: str
    columns: list[str]
    rows: Iterable[Sequence[object]]
    validations: dict[str, list[str]] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    suggestions: dict[str, list[str]] = field(default_factory=dict)


def write_book(path: Path, sheets: list[SheetSpec], *, password: str | None) -> None:
    """Write ``sheets`` to the ``.xlsx`` file ``path``, replacing it atomically.

    With a password the workbook is assembled in memory, encrypted, and only
    the encrypted bytes are written. Raises CarerdeskError if the folder is
    missing or the file cannot be written.
    """
    with replacing(path) as tmp:
        if password:
            plain = io.BytesIO()
            _write_xlsx(plain, sheets)
            plain.seek(0)
            with tmp.open("wb") as out:
                encrypt(plain, password, out)
        else:
            _write_xlsx(tmp, sheets)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it once the block succeeds.

    So a spreadsheet appears all at once or not at all. Raises CarerdeskError
    if the folder is missing or the file cannot be written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CarerdeskError("The folder for the spreadsheet does not exist.")
    fd, tmp_name = tempfile.mkstemp(prefix=".carerdesk-", suffix=".xlsx", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError:
        raise CarerdeskError(
            "The spreadsheet could not be written (is the disk full, or the file open elsewhere?)."
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def encrypt(plain: IO[bytes], password: str, out: IO[bytes]) -> None:
    """Office agile encryption of the workbook ``plain`` into ``out``."""
    from msoffcrypto.format.ooxml import OOXMLFile

    OOXMLFile(plain).encrypt(password, out)


class _Formats:
    """Cached cell formats (xlsxwriter wants one object per combination)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.header = workbook.add_format({"bold": True})
        self.header_quoted = workbook.add_format({"bold": True, "quote_prefix": True})
        self.quoted = workbook.add_format({"quote_prefix": True})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})
        self.plain = workbook.add_format({})


def _write_xlsx(target: Path | io.BytesIO, sheets: list[SheetSpec]) -> None:
    workbook = xlsxwriter.Workbook(
        target if isinstance(target, io.BytesIO) else str(target),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    formats = _Formats(workbook)
    long_lists: list[list[str]] = []
    try:
        for spec in sheets:
            _write_sheet(workbook, spec, formats, long_lists)
        if long_lists:
            _write_lists_sheet(workbook, long_lists, formats)
    finally:
        workbook.close()


def _write_sheet(
    workbook: xlsxwriter.Workbook,
    spec: SheetSpec,
    formats: _Formats,
    long_lists: list[list[str]],
) -> None:
    ws = workbook.add_worksheet(spec.name)
    hidden = set(spec.hidden)
    for col, name in enumerate(spec.columns):
        width = min(max(len(name) + 2, 12), 40)
        ws.set_column(col, col, width, None, {"hidden": name in hidden})
    for col, name in enumerate(spec.columns):
        _write_cell(ws, 0, col, name, formats, header=True)
    ws.freeze_panes(1, 0)
    row = 0
    for row, values in enumerate(spec.rows, start=1):
        if row > min(MAX_ROWS, _EXCEL_LAST_ROW):
            raise CarerdeskError("There are too many rows to fit in one sheet.")
        for col, value in enumerate(values):
            if value is not None:
                _write_cell(ws, row, col, value, formats)
    dropdowns = [(n, v, True) for n, v in spec.validations.items()]
    dropdowns += [(n, v, False) for n, v in spec.suggestions.items()]
    for name, allowed, strict in dropdowns:
        if name not in spec.columns or not allowed:
            continue
        col = spec.columns.index(name)
        options: dict[str, Any] = {"validate": "list", "ignore_blank": True}
        if not strict:
            options["error_type"] = "information"
        inline = ",".join(allowed)
        if len(inline) <= _LIST_SOURCE_LIMIT and not any("," in a for a in allowed):
            options["source"] = list(allowed)
        else:
            long_lists.append(list(allowed))
            letter = xl_col_to_name(len(long_lists) - 1)
            options["source"] = f"={_LISTS_SHEET}!${letter}$1:${letter}${len(allowed)}"
        ws.data_validation(1, col, _EXCEL_LAST_ROW, col, options)
    if row:
        ws.autofilter(0, 0, row, max(len(spec.columns) - 1, 0))


def _write_lists_sheet(
    workbook: xlsxwriter.Workbook, lists: list[list[str]], formats: _Formats
) -> None:
    """A hidden sheet holding dropdown lists too long to write inline."""
    ws = workbook.add_worksheet(_LISTS_SHEET)
    for r in range(max(len(v) for v in lists)):
        for c, values in enumerate(lists):
            if r < len(values):
                _write_cell(ws, r, c, values[r], formats)
    ws.hide()


def _write_cell(
    ws: Any, row: int, col: int, value: object, formats: _Formats, *, header: bool = False
) -> None:
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float) and not isinstance(value, enum.Enum):
        ws.write_number(row, col, value)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value))
    elif isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        ws.write_datetime(row, col, value, formats.datetime)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, formats.date)
    else:
        if isinstance(value, enum.Enum):
            value = value.value
        text = str(value)
        text, needs_quote = escape_text(text)
        if header:
            fmt = formats.header_quoted if needs_quote else formats.header
        else:
            fmt = formats.quoted if needs_quote else None
        if text.startswith("<r>") and text.endswith("</r>"):
            # In constant-memory mode xlsxwriter writes such text as raw XML (a rich
            # string), which would let crafted text inject markup: write it as a rich
            # string of plain, escaped pieces instead, which reads back exactly.
            pieces = [formats.plain, text[:1], formats.plain, text[1:]]
            ws.write_rich_string(row, col, *pieces, *([fmt] if fmt is not None else []))
        else:
            ws.write_string(row, col, text, fmt)


def generate_passphrase(words: int = 5) -> str:
    """Several random words joined by hyphens, e.g. for an export password."""
    return "-".join(secrets.choice(_WORDS) for _ in range(max(words, 1)))


_WORDS = """
acorn actor admiral adult aerial album alder almond alpine amber anchor angle
ankle apple apricot april arch arena armour arrow artist ash aspen atlas attic
autumn avocado badge badger bagel baker balcony ballet bamboo banana banjo
barley barn basil basket beacon bean bear beaver bedrock beech beetle bell
berry bicycle birch biscuit bison blanket blossom boat bonnet border bottle
boulder bracket bramble branch bread breeze brick bridge bronze brook brush
bucket buffalo bugle bunny butter button cabin cactus camel candle canoe canvas
canyon carbon carpet carrot castle cedar cello chalk channel chapel cherry
chess chestnut chimney circle citrus clarinet clay cliff clock cloud clover
coast cobalt cocoa comet compass copper coral cotton cousin cradle crane
crayon cricket crocus crystal cup curtain cushion daisy dancer dawn delta
desert diamond dingo dolphin donkey dragon drum dune eagle easel echo elbow
elder elm ember emerald engine falcon feather fennel fern ferry fiddle field
finch fjord flame flannel flint flute forest fossil fountain fox garden garnet
gazelle geyser ginger glacier globe goose granite grape gravel grove guitar
gull hammock harbour harp hazel heather hedge heron hill honey horizon hornet
husky iceberg igloo island ivory ivy jacket jasmine jelly jigsaw juniper
kayak kernel kettle kitten kiwi koala ladder lagoon lake lantern larch lark
lava lemon lentil library lilac lily linen lion lobster locket lotus lynx
magnet mango maple marble meadow melon meteor mint mirror mitten moose moss
mountain muffin mussel needle nest nettle noodle nutmeg oak oasis ocean olive
onion orange orbit orchard otter owl oyster paddle panda pansy paper parcel
parrot pasta peach peanut pebble pelican pepper piano pigeon pillow pine
planet plum pocket pond poppy potato prairie puffin pumpkin quartz quill
rabbit radish rainbow raven reed ribbon river robin rocket rose saddle saffron
sailor salmon sandal satchel scarf shell shore silver sketch sledge snail
sparrow spruce squirrel star stone storm sugar summit swallow swan table
teapot thistle thunder tiger timber toffee tomato topaz torch tortoise tower
tulip tunnel turnip umbrella valley velvet violet walnut walrus willow window
winter wombat yacht yarrow zebra zephyr
""".split()  # noqa: SIM905
