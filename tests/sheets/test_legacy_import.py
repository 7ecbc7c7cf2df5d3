"""Importing old registers in every format they come in, losing nobody.

Each test builds its register file (xlsx, xls, ods, csv) in ``tmp_path``, with
a title above the header, real date cells, a blank row and the usual mistakes.
"""

from __future__ import annotations

import argparse
import csv
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import func, select

from carerdesk.cli import legacy_cli
from carerdesk.cli import main as cli_main
from carerdesk.desk import Desk
from carerdesk.errors import CarerdeskError, PermissionDenied
from carerdesk.legacy import LegacyMapping, import_register, load_register
from carerdesk.models import AuditEvent, CaredFor, Carer
from carerdesk.models.enums import Ethnicity, Gender, Relationship, Role
from carerdesk.services import carer_details
from carerdesk.sheets.safety import BadFile

from ..conftest import ADMIN, ADMIN_PASSWORD

HEADER = ["Surname", "Forename", "D.O.B", "Post Code", "Tel", "Mobile", "Address 1",
          "Town", "Email", "Date registered", "Gender", "Ethnicity", "Carer for", "Notes",
          "Ref"]  # fmt: skip
TITLE = ["Testshire Carers Register 2019"]
SUBTITLE = ["Kept by the drop-in team (test data)"]
HYPERLINK = '=HYPERLINK("http://example.org","click")'
SERIAL_1950_04_03 = 18356


def _r(surname=None, forename=None, dob=None, pc=None, tel=None, mob=None, addr=None,
       town=None, email=None, reg=None, gender=None, eth=None, cares=None, notes=None,
       ref=None) -> list[object]:  # fmt: skip
    return [surname, forename, dob, pc, tel, mob, addr, town, email, reg, gender, eth, cares,
            notes, ref]  # fmt: skip


# File row numbers: 1 title, 2 subtitle, 3 empty, 4 header, data from 5.
DATA: list[list[object]] = [
    _r("McTestface", "Testy", datetime(1950, 4, 3), "sg1 1aa", 7700900123, None,
       "1 Test Street", "Stevenage", "testy@example.org", date(2019, 5, 1), "F",
       "White British", "Mother", "Likes tea; biscuits", "R001"),  # 5 imported
    _r("O’Testperson", "Siân", "3.4.50", "SG1  2AB", "07700 900124", 7700900125,
       gender="Male", cares="Husband - stroke", ref="R002"),  # 6 imported
    _r(),  # 7 blank
    _r("D'Arcy-Núñez", "  Zoë  ", "3rd April 1960", "sg13ab", gender="Unsure",
       ref="R003"),  # 8 imported, gender kept in notes
    _r(None, None, "03/04/1950", "SG1 4AB", ref="R004"),  # 9 rejected: no name
    _r("Testington", "Bad", "01/01/1970", "NOT A PC", ref="R005"),  # 10 rejected: postcode
    _r("Testington", "Impossible", "31/02/1950", "SG1 5AB", addr=HYPERLINK,
       ref="R006"),  # 11 rejected: date
    _r("MCTESTFACE", "Testy", SERIAL_1950_04_03, "SG1 1AA", ref="R007"),  # 12 duplicate of 5
    _r("=Testy", "+Formula", "1 May 1980", "SG1 6AB", notes="-5 for the bus",
       ref="R008"),  # 13 imported, formula-looking text
]  # fmt: skip
EXPECTED = {"rows": 8, "blank": 1, "imported": 4, "duplicates": 1, "rejected": 3}


# -- building registers in each format ---------------------------------------------


def _grid() -> list[list[object]]:
    return [TITLE, SUBTITLE, [], HEADER, *DATA]


def _as_text(value: object) -> str:
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


def write_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    wb.create_sheet("Notes").append(["Nothing to see here"])
    wb.move_sheet("Notes", offset=-1)  # the register is not the first sheet
    for r, row in enumerate(_grid(), start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c, value)
            if isinstance(value, str) and value[:1] in "=+-@":
                cell.data_type, cell.quotePrefix = "s", True  # typed text, not a formula
            elif isinstance(value, datetime | date):
                cell.number_format = "DD/MM/YYYY"
    wb.save(path)
    return path


def write_xls(path: Path) -> Path:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (writes Excel 97-2003 files) not installed")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Register")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(_grid()):
        for c, value in enumerate(row):
            if isinstance(value, datetime | date):
                ws.write(r, c, value, date_style)
            elif value is not None:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime | date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value:%Y-%m-%d}">'
                f"<text:p>{value:%d/%m/%Y}</text:p></table:table-cell>")  # fmt: skip
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")  # fmt: skip
    return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}'
            "</text:p></table:table-cell>")  # fmt: skip


def write_ods(path: Path) -> Path:
    """A minimal OpenDocument spreadsheet, written by hand (it is a zip of XML)."""
    rows = "".join(
        "<table:table-row>" + ("".join(map(_ods_cell, row)) or "<table:table-cell/>")
        + "</table:table-row>"
        for row in _grid()
    )  # fmt: skip
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Register">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/>'
                "</manifest:manifest>")  # fmt: skip
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _write_csv(path: Path, encoding: str, delimiter: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        for row in _grid():
            writer.writerow([_as_text(v) for v in row])
    return path


def write_csv_utf8_bom(path: Path) -> Path:
    return _write_csv(path, "utf-8-sig", ",")


def write_csv_windows_1252(path: Path) -> Path:
    return _write_csv(path, "cp1252", ";")


WRITERS: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "xlsx": (".xlsx", write_xlsx),
    "xls": (".xls", write_xls),
    "ods": (".ods", write_ods),
    "csv-utf8-bom": (".csv", write_csv_utf8_bom),
    "csv-windows-1252-semicolons": (".csv", write_csv_windows_1252),
}


@pytest.fixture(params=list(WRITERS))
def register_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    suffix, write = WRITERS[request.param]
    return write(tmp_path / f"old register{suffix}")


@pytest.fixture
def xlsx(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "register.xlsx")


def _carers(desk: Desk) -> dict[str, Carer]:
    with desk.read() as tx:
        rows = tx.session.exec(select(Carer).where(Carer.deleted == False)).all()  # noqa: E712
    return {f"{c.first_name} {c.last_name}": c for c in rows}


def _import(desk: Desk, path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    register = load_register(path, mapping=kwargs.pop("mapping", None))  # type: ignore[arg-type]
    with desk.transaction() as tx:
        return import_register(tx, register, **kwargs)  # type: ignore[arg-type]


# -- every format ------------------------------------------------------------------


def test_every_format_imports_with_every_row_accounted_for(desk: Desk, register_file: Path) -> None:
    register = load_register(register_file)
    assert register.sheet == ("Register" if register_file.suffix != ".csv" else "old register")
    assert register.header_row == 4
    assert register.header == HEADER
    with desk.transaction() as tx:
        result = import_register(tx, register)
    assert result.counts() == EXPECTED
    assert result.rows == result.imported + result.duplicates + result.rejected
    assert [r.row for r in result.rejected_rows] == [9, 10, 11]
    assert [(d.row, d.matched_row) for d in result.duplicate_rows] == [(12, 5)]

    found = _carers(desk)
    assert set(found) == {"Testy McTestface", "Siân O’Testperson", "Zoë D'Arcy-Núñez",
                          "+Formula =Testy"}  # fmt: skip
    testy = found["Testy McTestface"]
    assert testy.date_of_birth == date(1950, 4, 3)
    assert (testy.postcode, testy.phone) == ("SG1 1AA", "07700 900123")
    assert (testy.address_line1, testy.town) == ("1 Test Street", "Stevenage")
    assert testy.registered_on == date(2019, 5, 1)
    assert (testy.gender, testy.ethnicity) == (Gender.WOMAN, Ethnicity.WHITE_BRITISH)
    assert testy.notes == "Likes tea; biscuits"
    sian = found["Siân O’Testperson"]
    assert sian.date_of_birth == date(1950, 4, 3)
    assert (sian.postcode, sian.phone, sian.phone_other) == (
        "SG1 2AB", "07700 900124", "07700 900125")  # fmt: skip
    assert sian.gender is Gender.MAN
    zoe = found["Zoë D'Arcy-Núñez"]
    assert (zoe.first_name, zoe.date_of_birth) == ("Zoë", date(1960, 4, 3))
    assert zoe.notes == "Gender in the old register: Unsure"
    formula = found["+Formula =Testy"]
    assert (formula.first_name, formula.last_name, formula.notes) == (
        "+Formula", "=Testy", "-5 for the bus")  # fmt: skip
    with desk.read() as tx:
        cared = {c.carer_id: c for c in tx.session.exec(select(CaredFor)).all()}
    assert cared[testy.id].relationship is Relationship.PARENT
    assert (cared[sian.id].relationship, cared[sian.id].notes) == (
        Relationship.PARTNER, "Husband - stroke")  # fmt: skip


def test_reimporting_the_same_file_adds_nobody(desk: Desk, xlsx: Path) -> None:
    first = _import(desk, xlsx)
    again = _import(desk, xlsx)
    assert again.counts() == {**EXPECTED, "imported": 0, "duplicates": 5}
    assert len(_carers(desk)) == first.imported == 4
    ids = {d.carer_id for d in again.duplicate_rows}
    assert ids == set(first.carer_ids)
    assert {d.matches for d in again.duplicate_rows} == {f"carer {i}" for i in first.carer_ids}


def test_a_name_only_row_is_not_added_twice(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Forename,Surname\nTesty,McTestface\nTesta,McTestface\n", encoding="utf-8")
    assert _import(desk, path).imported == 2
    again = _import(desk, path)
    assert (again.imported, again.duplicates) == (0, 2)


def test_dry_run_counts_the_same_but_changes_nothing(desk: Desk, xlsx: Path) -> None:
    seen: list[tuple[int, int]] = []
    dry = _import(
        desk, xlsx, dry_run=True, progress=lambda done, total, _: seen.append((done, total))
    )
    assert dry.counts() == EXPECTED
    assert seen[-1] == (9, 9)  # rows 5 to 13
    assert _carers(desk) == {}
    with desk.read() as tx:
        assert tx.session.exec(select(func.count()).select_from(CaredFor)).one() == 0
    assert _import(desk, xlsx).counts() == EXPECTED


def test_an_error_part_way_changes_nothing(
    desk: Desk, xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = carer_details.add_cared_for
    calls: list[int] = []

    def failing(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the disk fell over")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(carer_details, "add_cared_for", failing)
    with pytest.raises(RuntimeError):
        _import(desk, xlsx)
    assert _carers(desk) == {}
    with desk.read() as tx:
        actions = tx.session.exec(select(AuditEvent.action)).all()
    assert "carer.register" not in actions


def test_imports_are_audited_through_registration(desk: Desk, xlsx: Path) -> None:
    _import(desk, xlsx)
    with desk.read() as tx:
        actions = tx.session.exec(select(AuditEvent.action)).all()
    assert actions.count("carer.register") == 4
    assert actions.count("carer.import_legacy") == 1


def test_a_volunteer_cannot_import_a_register(desk_as: Callable[[Role], Desk], xlsx: Path) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    with pytest.raises(PermissionDenied, match="exchange data"):
        _import(volunteer, xlsx)


# -- rejects workbook -----------------------------------------------------------------


def _sheet_values(path: Path, sheet: str) -> list[list[object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_rejects_workbook_has_row_numbers_reasons_and_original_values(
    desk: Desk, xlsx: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rejects.xlsx"
    _import(desk, xlsx, rejects_path=out)
    rejected = _sheet_values(out, "Rejected")
    assert rejected[0] == ["Row", "Reason", *HEADER]
    assert [r[0] for r in rejected[1:]] == [9, 10, 11]
    reasons = {r[0]: r[1] for r in rejected[1:]}
    assert reasons[9] == "No name"
    assert reasons[10].startswith("Post Code: That is not a UK postcode")
    assert reasons[11].startswith("D.O.B: That date does not exist")
    row_11 = rejected[3][2:]
    assert row_11[:4] == ["Testington", "Impossible", "31/02/1950", "SG1 5AB"]
    assert row_11[HEADER.index("Address 1")] == HYPERLINK  # stays text, never a formula
    assert row_11[HEADER.index("Ref")] == "R006"

    duplicates = _sheet_values(out, "Duplicates")
    assert duplicates[0] == ["Row", "Matches", "Why", *HEADER]
    assert duplicates[1][:3] == [12, "row 5", "Similar name and same date of birth and postcode"]
    assert duplicates[1][3:5] == ["MCTESTFACE", "Testy"]
    assert len(duplicates) == 2

    calamine = CalamineWorkbook.from_path(str(out))
    assert calamine.sheet_names == ["Rejected", "Duplicates"]
    rows = calamine.get_sheet_by_name("Rejected").to_python()
    assert [int(r[0]) for r in rows[1:]] == [9, 10, 11]
    assert rows[3][2 + HEADER.index("Address 1")] == HYPERLINK


def test_fixed_rejects_import_with_the_saved_mapping(
    desk: Desk, xlsx: Path, tmp_path: Path
) -> None:
    register = load_register(xlsx)
    saved = tmp_path / "testshire.json"
    register.mapping().save(saved)
    out = tmp_path / "rejects.xlsx"
    with desk.transaction() as tx:
        import_register(tx, register, rejects_path=out)

    wb = openpyxl.load_workbook(out)
    ws = wb["Rejected"]
    col = {name: i + 1 for i, name in enumerate(HEADER, start=2)}
    ws.cell(2, col["Surname"], "Testerson")
    ws.cell(2, col["Forename"], "Fixed")
    ws.cell(3, col["Post Code"], "SG1 7AB")
    ws.cell(4, col["D.O.B"], "28/02/1950")
    wb.save(out)

    again = _import(desk, out, mapping=LegacyMapping.load(saved))
    assert again.counts() == {"rows": 3, "blank": 0, "imported": 3, "duplicates": 0,
                              "rejected": 0}  # fmt: skip
    assert len(_carers(desk)) == 7


def test_a_named_sheet_and_header_row_can_be_chosen(desk: Desk, xlsx: Path) -> None:
    register = load_register(xlsx, sheet="Register", header_row=4)
    assert register.columns[0] == "last_name"
    with pytest.raises(CarerdeskError, match="no sheet with that name"):
        load_register(xlsx, sheet="Carers 2020")


def test_columns_can_be_remapped_by_header_name(desk: Desk, xlsx: Path) -> None:
    register = load_register(xlsx)
    register.set_columns({"Surname": "last_name", "Forename": "first_name", "Notes": None})
    assert register.columns == {0: "last_name", 1: "first_name"}
    result = _import(desk, xlsx, mapping=register.mapping())
    assert result.counts()["rows"] == 8
    assert _carers(desk)["Testy McTestface"].date_of_birth is None


def test_a_file_that_is_not_a_spreadsheet_changes_nothing(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"%PDF-1.4 not a register")
    with pytest.raises(BadFile):
        load_register(path)
    assert _carers(desk) == {}


# -- command line --------------------------------------------------------------------


@pytest.fixture
def run(
    desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> Callable[..., tuple[int, str, str]]:
    """Run ``carerdesk ARGS`` in-process against the test database."""
    monkeypatch.setenv("CARERDESK_DB", str(db_path))
    monkeypatch.setenv("CARERDESK_USER", ADMIN)
    monkeypatch.setenv("CARERDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(cli_main, "setup_logging", lambda: None)
    original = cli_main.build_parser

    def build() -> argparse.ArgumentParser:
        # Until main.py registers the command itself.
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "import-legacy" not in sub.choices:
            legacy_cli.register(sub)
        return parser

    monkeypatch.setattr(cli_main, "build_parser", build)

    def _run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_main.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_cli_prints_exactly_the_counts(run: Callable, xlsx: Path, tmp_path: Path) -> None:
    saved, out = tmp_path / "mapping.json", tmp_path / "rejects.xlsx"
    code, stdout, err = run("import-legacy", str(xlsx), "--dry-run", "--save-mapping",
                            str(saved), "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(stdout) == EXPECTED
    assert json.loads(saved.read_text(encoding="utf-8"))["columns"]["D.O.B"] == "date_of_birth"

    code, stdout, err = run("import-legacy", str(xlsx), "--mapping", str(saved),
                            "--rejects", str(out), "--json")  # fmt: skip
    assert code == 0, err
    assert json.loads(stdout) == EXPECTED
    assert out.exists()
    code, stdout, _ = run("import-legacy", str(xlsx), "--json")
    assert json.loads(stdout) == {**EXPECTED, "imported": 0, "duplicates": 5}


def test_cli_refuses_a_bad_file_in_one_sentence(run: Callable, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"\x00\x01\x02binary junk" * 10)
    code, stdout, err = run("import-legacy", str(path), "--json")
    assert code == 1
    assert stdout == ""
    assert err.startswith("carerdesk: ") and len(err.strip().splitlines()) == 1
