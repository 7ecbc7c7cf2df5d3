"""The offers sheet: export, edit in a spreadsheet program, import back."""

from __future__ import annotations

import argparse
import io
import json
import sys
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import select

from carerdesk.cli import main as cli_main
from carerdesk.cli import offers_cli
from carerdesk.desk import Desk
from carerdesk.errors import PermissionDenied
from carerdesk.models import Business, Offer
from carerdesk.models.enums import CarerType, Role
from carerdesk.services import offers
from carerdesk.services.offers import BusinessFields, OfferFields
from carerdesk.sheets.offers_sheet import COLUMNS, export_offers, import_offers
from carerdesk.sheets.safety import BadFile

TODAY = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def _fixed_clock(desk: Desk) -> None:
    desk.clock = lambda: datetime(2025, 3, 3, 11, 30, tzinfo=UTC)


@pytest.fixture
def two_offers(desk: Desk) -> tuple[uuid.UUID, uuid.UUID]:
    with desk.transaction() as tx:
        cafe = offers.add_business(
            tx,
            BusinessFields(
                name="Testy Teashop", town="Stevenage", postcode="SG1 1AA",
                phone="07700 900123", category="Cafés",
            ),
        )  # fmt: skip
        tea = offers.add_offer(
            tx,
            OfferFields(
                business_id=cafe.id, text="10% off tea", categories=["Cafés"],
                eligible=[CarerType.YOUNG_CARER], starts_on=date(2025, 1, 1),
            ),
        )  # fmt: skip
        cake = offers.add_offer(tx, OfferFields(business_id=cafe.id, text="=Free cake"))
        offers.add_business(tx, BusinessFields(name="Example Garage"))
    return tea.id, cake.id


def column(name: str) -> int:
    return COLUMNS.index(name) + 1


def find_row(ws, offer_id: uuid.UUID) -> int:  # type: ignore[no-untyped-def]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, column("Offer ID")).value == str(offer_id):
            return r
    raise AssertionError("offer not in the sheet")


def offer_texts(desk: Desk) -> dict[uuid.UUID, str]:
    with desk.read() as tx:
        return {o.id: o.text for o in tx.session.exec(select(Offer)).all()}


def counts(result) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return result.updated, result.added, result.unchanged, len(result.refused)


def test_export_opens_in_both_readers_with_dates_and_formula_text(desk, two_offers, tmp_path):
    tea_id, cake_id = two_offers
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        assert export_offers(tx, path) == 3  # two offers and a business with none
    ws = openpyxl.load_workbook(path)["Offers"]
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.column_dimensions["A"].hidden
    tea = find_row(ws, tea_id)
    assert ws.cell(tea, column("Starts on")).value == datetime(2025, 1, 1)
    assert ws.cell(tea, column("For carer types")).value == CarerType.YOUNG_CARER.label
    cake = ws.cell(find_row(ws, cake_id), column("Offer"))
    assert cake.value == "=Free cake" and cake.data_type == "s" and cake.quotePrefix
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Offers").to_python()
    assert rows[0] == COLUMNS and len(rows) == 4
    assert "=Free cake" in {r[column("Offer") - 1] for r in rows}


def test_edited_offer_is_applied_and_reimport_is_a_no_op(desk, two_offers, tmp_path):
    tea_id, cake_id = two_offers
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        export_offers(tx, path)
    with desk.transaction() as tx:  # unedited: nothing to do
        assert counts(import_offers(tx, path)) == (0, 0, 3, 0)
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    ws.cell(find_row(ws, tea_id), column("Offer")).value = "15% off tea and coffee"
    wb.save(path)
    with desk.transaction() as tx:
        result = import_offers(tx, path)
    assert counts(result) == (1, 0, 2, 0)
    texts = offer_texts(desk)
    assert texts[tea_id] == "15% off tea and coffee" and texts[cake_id] == "=Free cake"
    with desk.transaction() as tx:
        assert counts(import_offers(tx, path)) == (0, 0, 3, 0)


def test_new_rows_add_offers_and_businesses(desk, two_offers, tmp_path):
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        export_offers(tx, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    new_rows = [
        {"Business": "Testy Teashop", "Offer": "Free refill", "Areas": "Stevenage; Hitchin"},
        {"Business": "Newco Testing Ltd", "Offer": "5% off", "Postcode": "sg1 2aa"},
    ]
    for values in new_rows:
        r = ws.max_row + 1
        for name, value in values.items():
            ws.cell(r, column(name)).value = value
    wb.save(path)
    with desk.transaction() as tx:
        result = import_offers(tx, path)
    assert counts(result) == (0, 2, 3, 0)
    with desk.read() as tx:
        refill = tx.session.exec(select(Offer).where(Offer.text == "Free refill")).one()
        assert refill.areas == ["Stevenage", "Hitchin"]
        newco = tx.session.exec(select(Business).where(Business.name == "Newco Testing Ltd")).one()
        assert newco.postcode == "SG1 2AA"
        assert len(tx.session.exec(select(Business)).all()) == 3


def test_invalid_rows_are_refused_with_their_row_number_and_no_values(desk, two_offers, tmp_path):
    tea_id, cake_id = two_offers
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        export_offers(tx, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    tea, cake = find_row(ws, tea_id), find_row(ws, cake_id)
    ws.cell(tea, column("Starts on")).value = "31/02/2025"
    ws.cell(tea, column("Offer")).value = "Changed but refused"
    ws.cell(cake, column("Phone")).value = "12345"
    wb.save(path)
    with desk.transaction() as tx:
        result = import_offers(tx, path)
    assert counts(result) == (0, 0, 1, 2)
    problems = {p.row_number: p.reason for p in result.refused}
    assert problems[tea].startswith("Starts on: This is not a date")
    assert problems[cake].startswith("Phone: ")
    assert "12345" not in problems[cake] and "31/02" not in problems[tea]
    assert offer_texts(desk)[tea_id] == "10% off tea"


def test_dry_run_reports_changes_without_making_them(desk, two_offers, tmp_path):
    tea_id, _ = two_offers
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        export_offers(tx, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    ws.cell(find_row(ws, tea_id), column("Retired")).value = "Yes"
    ws.cell(ws.max_row + 1, column("Business")).value = "Another Test Shop"
    wb.save(path)
    with desk.transaction() as tx:
        assert counts(import_offers(tx, path, dry_run=True)) == (1, 1, 2, 0)
    with desk.read() as tx:
        assert tx.session.get(Offer, tea_id).retired_on is None
        assert len(tx.session.exec(select(Business)).all()) == 2


def test_copied_row_keeping_its_offer_id_is_refused(desk, two_offers, tmp_path):
    tea_id, _ = two_offers
    path = tmp_path / "offers.xlsx"
    with desk.read() as tx:
        export_offers(tx, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    src, dst = find_row(ws, tea_id), ws.max_row + 1
    for c in range(1, len(COLUMNS) + 1):
        ws.cell(dst, c).value = ws.cell(src, c).value
    wb.save(path)
    with desk.transaction() as tx:
        result = import_offers(tx, path)
    assert [p.row_number for p in result.refused] == [dst]
    assert f"also on row {src}" in result.refused[0].reason


def test_importing_needs_permission_to_edit_offers(desk_as, two_offers, tmp_path):
    path = tmp_path / "offers.xlsx"
    volunteer = desk_as(Role.VOLUNTEER)
    with volunteer.read() as tx:
        export_offers(tx, path)
    with volunteer.transaction() as tx, pytest.raises(PermissionDenied):
        import_offers(tx, path)


def test_a_sheet_without_offer_columns_is_refused(desk, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("Surname,Postcode\nMcTestface,SG1 1AA\n", encoding="utf-8")
    with desk.transaction() as tx, pytest.raises(BadFile):
        import_offers(tx, path)


# -- CLI ------------------------------------------------------------------------------------


@pytest.fixture
def cli(desk: Desk, db_path: Path, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    """Run ``carerdesk ...`` in-process, with ``offers`` registered even before main.py has it."""
    from tests.conftest import ADMIN, ADMIN_PASSWORD

    monkeypatch.setenv("CARERDESK_DB", str(db_path))
    monkeypatch.setenv("CARERDESK_USER", ADMIN)
    monkeypatch.setenv("CARERDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr("carerdesk.cli.main.setup_logging", lambda: None)
    original = cli_main.build_parser

    def build_parser() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "offers" not in sub.choices:
            offers_cli.register(sub)
        return parser

    monkeypatch.setattr(cli_main, "build_parser", build_parser)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_main.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_round_trip(cli, desk, two_offers, tmp_path):
    tea_id, _ = two_offers
    path = tmp_path / "offers.xlsx"
    code, out, _ = cli("offers", "export", "--out", str(path), "--json")
    assert code == 0 and json.loads(out)["rows"] == 3
    wb = openpyxl.load_workbook(path)
    ws = wb["Offers"]
    ws.cell(find_row(ws, tea_id), column("Terms")).value = "Show your card"
    ws.cell(ws.max_row + 1, column("Business")).value = None
    ws.cell(ws.max_row, column("Offer")).value = "An offer with no business"
    wb.save(path)
    code, out, _ = cli("offers", "import", str(path), "--dry-run", "--json")
    expected = {"updated": 1, "added": 0, "unchanged": 2, "refused": 1}
    doc = json.loads(out)
    assert code == 0 and {k: doc[k] for k in expected} == expected
    assert doc["problems"] == [{"row": 5, "reason": "Business: Please give the business's name."}]
    code, out, _ = cli("offers", "import", str(path), "--json")
    assert json.loads(out)["updated"] == 1
    with desk.read() as tx:
        assert tx.session.get(Offer, tea_id).terms == "Show your card"


def test_cli_refuses_a_bad_file_with_one_line(cli, tmp_path):
    path = tmp_path / "offers.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    code, out, err = cli("offers", "import", str(path), "--json")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and err.startswith("carerdesk: ")
