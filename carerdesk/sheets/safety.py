"""Reading untrusted spreadsheet files safely: sniff the real type, refuse
anything dangerous before a parser sees it, and hand back plain cell values.

``read_book(path)`` opens ``.xlsx`` / ``.ods`` (zip), ``.xls`` (OLE2),
password-protected ``.xlsx`` (decrypted in memory, never to disk) and CSV
(UTF-8 with or without BOM, or Windows-1252; comma or semicolon). Every
refusal is a :class:`BadFile` holding one plain sentence, never the file's
content.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from carerdesk.errors import CarerdeskError

MAX_ROWS = 1_100_000
MAX_COLUMNS = 200
MAX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 10_000
MAX_FILE_BYTES = 1_000_000_000

_ZIP_BOMB = "The file is packed suspiciously tightly (a zip bomb) and was refused."
_XML_TRICKS = "The file contains XML tricks (entity definitions) and was refused."

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_HEAD_BYTES = 64 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ODS_ROW_TAG = re.compile(rb"<table:table-row[\s>/]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")

Cell = str | int | float | bool | date | datetime | None


class BadFile(CarerdeskError):
    """A file that cannot (or must not) be read; ``message`` is one plain sentence."""


class PasswordNeeded(BadFile):
    """The file is locked with a password, and none (or the wrong one) was given."""



def escape_text(value: str) -> tuple[str, bool]:
    """The text unchanged, and whether it needs a quote prefix to stay text.

    A spreadsheet program would run text starting with ``= + - @``, tab or
    carriage return as a formula; the writer marks such cells quote-prefixed.
    """
    return value, value.startswith(_FORMULA_STARTS)


@dataclass
class Book:
    """An opened workbook: sheet names and a row iterator per sheet."""

    sheet_names: list[str]
    _rows: Callable[[str], Iterator[list[Cell]]] = field(repr=False)

    def rows(self, sheet: str) -> Iterator[list[Cell]]:
        """The sheet's rows from the first, as lists of cell values.

        Raises BadFile (possibly part-way) for an unknown sheet or one with
        too many rows.
        """
        if sheet not in self.sheet_names:
            raise BadFile("The file has no sheet with that name.")
        return self._rows(sheet)


def read_book(path: Path, *, password: str | None = None) -> Book:
    """Open a spreadsheet file after checking it is safe to read.

    Raises BadFile for a missing, empty, non-spreadsheet, truncated, damaged,
    oversized or password-protected file (missing or wrong password).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        raise BadFile("The file does not exist.") from None
    except IsADirectoryError:
        raise BadFile("That is a folder, not a spreadsheet file.") from None
    except OSError:
        raise BadFile("The file could not be opened.") from None
    if size == 0:
        raise BadFile("The file is empty.")
    if size > MAX_FILE_BYTES:
        raise BadFile("The file is too large to read safely.")
    if head.startswith(_ZIP_MAGIC):
        data = path.read_bytes()
        return _zip_book(io.BytesIO(data))
    if head.startswith(_OLE_MAGIC):
        return _ole_book(path.read_bytes(), password)
    return _csv_book(path)


# ---------------------------------------------------------------- zip (xlsx, ods)


def _zip_book(data: io.BytesIO) -> Book:
    """Check a zip container (sizes, ratios, XML, dimensions), then open it."""
    try:
        zf = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadFile("The file is damaged or incomplete (it may have been cut short).") from None
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if len(infos) > MAX_ZIP_ENTRIES:
            raise BadFile("The file has too many parts to be a spreadsheet.")
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names and "mimetype" in names:
            kind = "ods"
        else:
            raise BadFile("The file is a zip archive, not a spreadsheet.")
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            raise BadFile("The file unpacks to more data than can be read safely.")
        for info in infos:
            if info.file_size > _CHUNK and (
                info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise BadFile(_ZIP_BOMB)
        for info in infos:
            if info.is_dir():
                continue
            _check_part(zf, info, kind)
    return _calamine_book(data)


def _check_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, kind: str) -> None:
    """Stream one part, checking its real size and CRC; for XML also its prologue
    (with defusedxml), any entity definitions, and a sheet's row count."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    is_sheet = (kind == "xlsx" and info.filename.startswith("xl/worksheets/")) or (
        kind == "ods" and info.filename == "content.xml"
    )
    row_tag = _ODS_ROW_TAG if kind == "ods" else _ROW_TAG
    try:
        with zf.open(info) as part:
            chunk = part.read(_CHUNK)
            if is_xml:
                _check_xml_head(chunk[:_HEAD_BYTES], is_sheet and kind == "xlsx")
            rows, carry = 0, b""
            while chunk:
                if is_xml:
                    if _DTD.search(carry + chunk):
                        raise BadFile(_XML_TRICKS)
                    carry = chunk[-16:]
                if is_sheet:
                    rows += len(row_tag.findall(chunk))
                    if rows > MAX_ROWS:
                        raise BadFile(_too_many_rows())
                chunk = part.read(_CHUNK)
    except zipfile.BadZipFile:
        raise BadFile("The file is damaged or incomplete (it may have been cut short).") from None
    except (OSError, EOFError, ValueError, NotImplementedError):
        raise BadFile("The file is damaged or uses a packing method that cannot be read.") from None


class _DimensionTarget:
    """Collects the ``ref`` of a worksheet's ``<dimension>`` element."""

    def __init__(self) -> None:
        self.ref: str | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.ref is None and tag.rsplit("}", 1)[-1] == "dimension":
            self.ref = attrib.get("ref")

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _check_xml_head(head: bytes, check_dimension: bool) -> None:
    """Parse the start of an XML part with defusedxml (no DTDs, no entities)."""
    if not head.strip():
        return
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("The file uses an unusual text encoding inside and was refused.")
    target = _DimensionTarget()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    try:
        parser.feed(head)
    except DefusedXmlException:
        raise BadFile(_XML_TRICKS) from None
    except Exception:
        # A part cut at 64 KB can end mid-token: only refuse if nothing parsed.
        if target.ref is None and len(head) < _HEAD_BYTES:
            raise BadFile("The file is damaged: part of it is not valid XML.") from None
    if check_dimension and target.ref:
        rows, cols = _dimension_size(target.ref)
        if rows > MAX_ROWS:
            raise BadFile(_too_many_rows())
        if cols > MAX_COLUMNS:
            raise BadFile(f"A sheet in the file has more than {MAX_COLUMNS} columns.")


def _dimension_size(ref: str) -> tuple[int, int]:
    """Rows and columns spanned by a reference like ``A1:Z100`` (``A1`` alone is 1x1)."""
    parts = ref.split(":")
    refs = [_CELL_REF.match(p.strip()) for p in parts]
    if not all(refs) or len(refs) > 2:
        return 0, 0
    cols = [_col_number(m.group(1)) for m in refs if m]
    rows = [int(m.group(2)) for m in refs if m]
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _too_many_rows() -> str:
    return f"A sheet in the file has more than {MAX_ROWS:,} rows."


# ---------------------------------------------------------------- OLE2 (xls, encrypted xlsx)


def _ole_book(data: bytes, password: str | None) -> Book:
    """An Excel 97-2003 file, or an encrypted workbook decrypted in memory."""
    import msoffcrypto
    from msoffcrypto import exceptions as mso_errors

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:
        raise BadFile("The file is damaged, or is not a spreadsheet.") from None
    fmt = getattr(office, "format", "")
    if fmt not in ("ooxml", "xls97"):
        raise BadFile("The file is an Office document but not a spreadsheet.")
    if not encrypted:
        if fmt != "xls97":
            raise BadFile("The file is damaged, or is not a spreadsheet.")
        return _calamine_book(io.BytesIO(data))
    if not password:
        raise PasswordNeeded(
            "The file is protected by a password; enter the password to open it."
        )
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except (mso_errors.InvalidKeyError, mso_errors.DecryptionError):
        raise PasswordNeeded("The password for the file is wrong.") from None
    except Exception:
        raise BadFile("The protected file is damaged and could not be opened.") from None
    out.seek(0)
    if fmt == "xls97":
        return _calamine_book(out)
    if not out.getvalue().startswith(_ZIP_MAGIC):
        raise PasswordNeeded("The password for the file is wrong.")
    return _zip_book(out)


# ---------------------------------------------------------------- calamine


def _calamine_book(data: IO[bytes]) -> Book:
    from python_calamine import CalamineWorkbook

    data.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(data)
        names = list(workbook.sheet_names)
    except Exception:
        raise BadFile("The file is damaged or is not a spreadsheet that can be read.") from None

    def rows(sheet: str) -> Iterator[list[Cell]]:
        try:
            data_sheet = workbook.get_sheet_by_name(sheet)
            if data_sheet.height > MAX_ROWS:
                raise BadFile(_too_many_rows())
            if data_sheet.width > MAX_COLUMNS:
                raise BadFile(f"A sheet in the file has more than {MAX_COLUMNS} columns.")
            source = data_sheet.iter_rows()
        except BadFile:
            raise
        except Exception:
            raise BadFile("A sheet in the file is damaged and could not be read.") from None
        # Pad so that row 1 and column A are the sheet's own: calamine's rows start
        # at the first used column, and (depending on its version) the first used row.
        start_row, start_col = data_sheet.start or (0, 0)
        blank = [None] * (start_col + data_sheet.width)
        count = 0
        for raw in source:
            if count == 0 and start_row and any(v not in ("", None) for v in raw):
                yield from (list(blank) for _ in range(start_row))
                count = start_row
            count += 1
            if count > MAX_ROWS:
                raise BadFile(_too_many_rows())
            yield [None] * start_col + [_cell(v) for v in raw]

    return Book(sheet_names=names, _rows=rows)


def _cell(value: object) -> Cell:
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, str | int | float | bool | date | datetime):
        return value
    return str(value)


# ---------------------------------------------------------------- CSV


def _csv_book(path: Path) -> Book:
    """Text checked for binary bytes, encoding and delimiter sniffed, then streamed."""
    with path.open("rb") as f:
        sample = f.read(_HEAD_BYTES)
    _refuse_binary(sample)
    encoding = _csv_encoding(path)
    text_sample = sample.decode(encoding, errors="ignore")
    if encoding == "utf-8-sig":
        text_sample = text_sample.lstrip("\ufeff")
    if text_sample.lstrip()[:1] == "<":
        raise BadFile("The file is a web page or XML document, not a spreadsheet.")
    delimiter = _csv_delimiter(text_sample)

    def rows(sheet: str) -> Iterator[list[Cell]]:
        with path.open("r", encoding=encoding, newline="") as f:
            reader = csv.reader(f, delimiter=delimiter)
            try:
                for count, raw in enumerate(reader, start=1):
                    if count > MAX_ROWS:
                        raise BadFile(_too_many_rows())
                    if len(raw) > MAX_COLUMNS:
                        raise BadFile(f"A row in the file has more than {MAX_COLUMNS} columns.")
                    yield [v if v != "" else None for v in raw]
            except csv.Error:
                raise BadFile("The file is not a well-formed CSV file.") from None

    return Book(sheet_names=[path.stem or "Sheet1"], _rows=rows)


_DOCUMENT_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def _refuse_binary(sample: bytes) -> None:
    if sample.startswith(_DOCUMENT_MAGIC):
        raise BadFile("The file is a PDF or picture, not a spreadsheet.")
    if sample.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise BadFile("The file is a compressed archive, not a spreadsheet.")
    text = sample[3:] if sample.startswith(codecs.BOM_UTF8) else sample
    controls = sum(1 for b in text if b < 0x20 and b not in (0x09, 0x0A, 0x0D))
    if b"\x00" in text or controls > max(2, len(text) // 1000):
        raise BadFile("The file is not a spreadsheet (it is not a workbook or a CSV file).")


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with BOM: utf-8-sig) if the whole file decodes as such, else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with path.open("rb") as f:
        first = f.read(3)
        bom = first == codecs.BOM_UTF8
        try:
            decoder.decode(first if not bom else b"")
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if bom else "utf-8"
        except UnicodeDecodeError:
            pass
    decoder = codecs.getincrementaldecoder("cp1252")("strict")
    with path.open("rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
        except UnicodeDecodeError:
            raise BadFile(
                "The file's text is in an unknown encoding (save it as CSV UTF-8)."
            ) from None
    return "cp1252"


def _csv_delimiter(sample: str) -> str:
    """Comma or semicolon: whichever splits the first lines most consistently."""
    lines = sample.splitlines()[:50]
    if len(sample) >= _HEAD_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";"):
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
