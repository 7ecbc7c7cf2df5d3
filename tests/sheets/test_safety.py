"""Files in and out: formula-looking text stays text, untrusted files are refused quickly."""

from __future__ import annotations

import io
import random
import time
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import func, select

from carerdesk.desk import Desk
from carerdesk.models import AuditEvent, Business
from carerdesk.sheets import safety
from carerdesk.sheets.offers_sheet import import_offers
from carerdesk.sheets.safety import BadFile, escape_text, read_book
from carerdesk.sheets.writer import SheetSpec, generate_passphrase, write_book

TRICKY = ["=SUM(A1)", "+44 7700", "-5", "@user", "\tx", "\rx", "=1+1", "Zoë O'Brien-Smith"]
PASSWORD = "acorn-badger-cocoa"


def write(path: Path, rows: list[list[object]], *, password: str | None = None) -> Path:
    columns = [f"col{i}" for i in range(max(len(r) for r in rows))]
    write_book(path, [SheetSpec("Data", columns, rows)], password=password)
    return path


def read_all(path: Path, *, password: str | None = None) -> list[list[object]]:
    book = read_book(path, password=password)
    return list(book.rows(book.sheet_names[0]))


def decrypt(path: Path, password: str) -> io.BytesIO:
    office = msoffcrypto.OfficeFile(path.open("rb"))
    office.load_key(password=password)
    out = io.BytesIO()
    office.decrypt(out)
    out.seek(0)
    return out


def test_escape_text_flags_what_a_spreadsheet_would_run():
    assert [escape_text(t)[1] for t in TRICKY] == [True] * 6 + [True, False]
    assert escape_text("=SUM(A1)")[0] == "=SUM(A1)"


def test_formula_looking_text_round_trips_as_text(tmp_path):
    path = write(tmp_path / "t.xlsx", [[t] for t in TRICKY])
    assert [r[0] for r in read_all(path)[1:]] == TRICKY
    ws = openpyxl.load_workbook(path)["Data"]
    cells = [ws.cell(r, 1) for r in range(2, len(TRICKY) + 2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.quotePrefix for c in cells] == [True] * 7 + [False]
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    assert [r[0] for r in calamine[1:]] == TRICKY


def test_written_cells_keep_their_types_and_header_is_frozen(tmp_path):
    row = ["Testy", 7, 2.5, True, date(2025, 3, 3), datetime(2025, 3, 3, 9, 30), None, "x"]
    path = write(tmp_path / "t.xlsx", [row])
    assert read_all(path)[1] == row
    ws = openpyxl.load_workbook(path)["Data"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b


def test_dropdowns_are_offered_even_for_long_lists(tmp_path):
    many = [f"Category number {i}, with a comma" for i in range(30)]
    spec = SheetSpec("Data", ["Kind", "Answer"], [["a", "Yes"]],
                     validations={"Answer": ["Yes", "No"]}, suggestions={"Kind": many})  # fmt: skip
    write_book(tmp_path / "t.xlsx", [spec], password=None)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["Data"]
    found = {str(v.sqref): (v.formula1, v.errorStyle) for v in ws.data_validations.dataValidation}
    assert found["B2:B1048576"] == ('"Yes,No"', None)
    assert found["A2:A1048576"] == ("_lists!$A$1:$A$30", "information")


def test_writing_replaces_the_file_whole_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"old")
    write(path, [["new"]])
    assert read_all(path)[1] == ["new"]
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def test_encrypted_workbook_needs_the_right_password(tmp_path):
    path = write(tmp_path / "t.xlsx", [[t] for t in TRICKY], password=PASSWORD)
    assert not zipfile.is_zipfile(path)  # nothing readable without the password
    assert [r[0] for r in read_all(path, password=PASSWORD)[1:]] == TRICKY
    with pytest.raises(BadFile, match="password"):
        read_book(path)
    with pytest.raises(BadFile, match="password for the file is wrong"):
        read_book(path, password="wrong-password")
    ws = openpyxl.load_workbook(decrypt(path, PASSWORD))["Data"]
    assert ws.cell(2, 1).value == "=SUM(A1)"


def test_passphrase_is_several_random_words():
    words = generate_passphrase(5).split("-")
    assert len(words) == 5 and all(w.isalpha() for w in words)
    assert generate_passphrase() != generate_passphrase()


# -- other formats ------------------------------------------------------------------------------


def test_xls_from_excel_97_is_read(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Register")
    for c, v in enumerate(["Surname", "D.O.B", "Post Code"]):
        ws.write(0, c, v)
    ws.write(1, 0, "=McTestface")
    ws.write(1, 1, date(1950, 4, 3), xlwt.easyxf(num_format_str="dd/mm/yyyy"))
    ws.write(1, 2, "sg1 1aa")
    wb.save(str(tmp_path / "old.xls"))
    book = read_book(tmp_path / "old.xls")
    assert book.sheet_names == ["Register"]
    rows = list(book.rows("Register"))
    assert rows[1][0] == "=McTestface" and rows[1][2] == "sg1 1aa"
    assert rows[1][1] in (date(1950, 4, 3), datetime(1950, 4, 3))


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def test_ods_is_read(tmp_path):
    path = tmp_path / "t.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Carers">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Surname</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>=Testface</text:p>'
        "</table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", MANIFEST)
    assert list(read_book(path).rows("Carers")) == [["Surname"], ["=Testface"]]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ('\ufeffSurname,Town\nZoë O\'Brien,Hitchin\n=SUM(A1),"Stevenage, Herts"\n', "utf-8"),
        ("Surname;Town\nZoë O'Brien;Hitchin\n=SUM(A1);Stevenage, Herts\n", "cp1252"),
        ("Surname;Town\r\nZoë O'Brien;Hitchin\r\n=SUM(A1);Stevenage, Herts\r\n", "utf-8"),
    ],
    ids=["utf8-bom-comma", "windows-1252-semicolon", "utf8-semicolon-crlf"],
)
def test_csv_encodings_and_delimiters_read_correctly(tmp_path, data, encoding):
    path = tmp_path / "register.csv"
    path.write_bytes(data.encode(encoding))
    assert read_all(path) == [
        ["Surname", "Town"], ["Zoë O'Brien", "Hitchin"], ["=SUM(A1)", "Stevenage, Herts"]
    ]  # fmt: skip


# -- refusing bad files -------------------------------------------------------------------------


def _xlsx_bytes(tmp_path: Path, rows: int = 3) -> bytes:
    return write(tmp_path / "good.xlsx", [[f"Testy {i}", i] for i in range(rows)]).read_bytes()


def _replace_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = parts.pop(info.filename, None)
            dst.writestr(info, body if body is not None else src.read(info))
        for name, body in parts.items():
            dst.writestr(name, body)
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
    b"<si><t>&lol9;</t></si></sst>"
)


def _zip_bomb(tmp_path: Path) -> bytes:
    sheet = b'<worksheet xmlns="x"><sheetData>' + b" " * 150_000_000 + b"</sheetData></worksheet>"
    return _replace_parts(_xlsx_bytes(tmp_path), {"xl/worksheets/sheet1.xml": sheet})


def _huge_dimension(tmp_path: Path) -> bytes:
    data = _xlsx_bytes(tmp_path)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:B4"/>', b'<dimension ref="A1:B2000000"/>')
    assert b"B2000000" in sheet
    return _replace_parts(data, {"xl/worksheets/sheet1.xml": sheet})


BAD_FILES: dict[str, Callable[[Path], bytes]] = {
    "pdf": lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50,
    "png": lambda _: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    "random bytes": lambda _: random.Random(6).randbytes(50_000),
    "empty": lambda _: b"",
    "truncated xlsx": lambda p: _xlsx_bytes(p)[:-700],
    "truncated encrypted xlsx": lambda p: write(
        p / "enc.xlsx", [["Testy"]], password=PASSWORD
    ).read_bytes()[:5000],
    "zip that is not a workbook": lambda _: _replace_parts(
        _replace_parts(b"PK\x05\x06" + bytes(18), {}), {"readme.txt": b"hello"}
    ),
    "zip bomb": _zip_bomb,
    "billion laughs in shared strings": lambda p: _replace_parts(
        _xlsx_bytes(p), {"xl/sharedStrings.xml": LAUGHS}
    ),
    "billion laughs in a sheet": lambda p: _replace_parts(
        _xlsx_bytes(p), {"xl/worksheets/sheet1.xml": LAUGHS.replace(b"sst", b"worksheet")}
    ),
    "oversized dimension": _huge_dimension,
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_bad_file_is_refused_quickly_with_one_sentence(tmp_path, kind):
    path = tmp_path / "offers.xlsx"
    path.write_bytes(BAD_FILES[kind](tmp_path))
    started = time.perf_counter()
    with pytest.raises(BadFile) as caught:
        read_all(path, password=PASSWORD if "encrypted" in kind else None)
    assert time.perf_counter() - started < 5
    message = caught.value.message
    assert message.endswith(".") and message.count(". ") == 0 and "lol" not in message


def test_bad_files_leave_the_database_unchanged(desk: Desk, tmp_path):
    def state() -> tuple[int, int]:
        with desk.read() as tx:
            return (
                tx.session.exec(select(func.count()).select_from(Business)).one(),
                tx.session.exec(select(func.count()).select_from(AuditEvent)).one(),
            )

    before = state()
    for kind in ("random bytes", "truncated xlsx", "billion laughs in shared strings"):
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(BAD_FILES[kind](tmp_path))
        with pytest.raises(BadFile), desk.transaction() as tx:
            import_offers(tx, path)
    assert state() == before


def test_zip_whose_total_unpacked_size_is_too_big_is_refused(tmp_path, monkeypatch):
    data = _xlsx_bytes(tmp_path, rows=2000)
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 50_000)
    path = tmp_path / "big.xlsx"
    path.write_bytes(data)
    with pytest.raises(BadFile, match="unpacks to more data"):
        read_book(path)


def test_rows_are_counted_even_without_a_dimension(tmp_path, monkeypatch):
    data = _xlsx_bytes(tmp_path, rows=300)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:B301"/>', b"")
    path = tmp_path / "nodim.xlsx"
    path.write_bytes(_replace_parts(data, {"xl/worksheets/sheet1.xml": sheet}))
    assert len(read_all(path)) == 301
    monkeypatch.setattr(safety, "MAX_ROWS", 100)
    with pytest.raises(BadFile, match="more than 100 rows"):
        read_book(path)
    csv_path = tmp_path / "long.csv"
    csv_path.write_text("a,b\n" * 300, encoding="utf-8")
    with pytest.raises(BadFile, match="more than 100 rows"):
        read_all(csv_path)


def test_row_numbers_match_the_sheet_when_it_starts_lower_down(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws["B3"], ws["C4"] = "Surname", "McTestface"
    wb.save(tmp_path / "t.xlsx")
    rows = list(read_book(tmp_path / "t.xlsx").rows("Register"))
    assert rows == [[None] * 3, [None] * 3, [None, "Surname", None], [None, None, "McTestface"]]
    with pytest.raises(BadFile, match="no sheet with that name"):
        read_book(tmp_path / "t.xlsx").rows("Elsewhere")


def test_text_that_looks_like_raw_cell_xml_is_written_as_text(tmp_path):
    from python_calamine import CalamineWorkbook

    from carerdesk.sheets.writer import SheetSpec, write_book

    crafted = "<r><t>=HYPERLINK(1)</t></r>"
    path = tmp_path / "crafted.xlsx"
    write_book(path, [SheetSpec("s", ["Name"], [[crafted]])], password=None)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()
    assert rows[1][0] == crafted
