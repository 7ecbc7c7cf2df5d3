"""The monthly return: anonymous events, a month's figures, the workbook and the CLI."""

from __future__ import annotations

import argparse
import io
import re
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from sqlmodel import func, select

import carerdesk.returns.events  # noqa: F401  (installs the hooks until desk.py does)
from carerdesk.desk import Desk, Tx
from carerdesk.errors import InvalidValue, PermissionDenied
from carerdesk.models import ActivityEvent, Carer, RegistrationLink
from carerdesk.models.enums import (
    CarerStatus,
    CaringHours,
    ContactKind,
    Ethnicity,
    Gender,
    MainNeed,
    ReferralSource,
    Role,
)
from carerdesk.returns.backfill import backfill_events
from carerdesk.returns.figures import FLOW, month_figures, parse_month
from carerdesk.returns.workbook import write_return
from carerdesk.services import cards, carer_details, carers, contacts, erasure, settings
from carerdesk.services.carer_details import CaredForFields
from carerdesk.services.carers import CarerFields
from carerdesk.services.contacts import ContactFields

from ..conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD

ACTIVITY = "Activity"
PEOPLE = {
    # key: (first name, last name, date of birth, postcode, phone)
    "A": ("Testy", "McTestface", date(1950, 2, 3), "SG1 1AA", "07700 900123"),
    "B": ("Fakey", "Fakerson", date(2010, 6, 1), "SG1 1AB", "07700 900124"),
    "C": ("Dummy", "Dummington", None, "SG1 1AD", "07700 900125"),
    "D": ("Mocky", "Mockworth", date(1980, 7, 8), "SG1 1AE", "07700 900126"),
    "E": ("Stubby", "Stubbings", date(2003, 9, 10), "SG1 1AF", "07700 900127"),
    "F": ("Samply", "Sampleton", None, "SG1 1AG", "07700 900128"),
}


@contextmanager
def on(desk: Desk, day: date) -> Iterator[Tx]:
    """A transaction on ``day`` (the hooks read the desk's clock from the session)."""
    desk.clock = lambda: datetime.combine(day, time(12), UTC)
    with desk.transaction() as tx:
        tx.session.info["clock"] = desk.clock
        yield tx


def register(tx: Tx, key: str, **details: Any) -> uuid.UUID:
    first, last, dob, postcode, phone = PEOPLE[key]
    fields = CarerFields(first_name=first, last_name=last, date_of_birth=dob, postcode=postcode,
                         phone=phone, email=f"{first.lower()}@example.org",
                         consent_keep_record=True, **details)  # fmt: skip
    return carers.register(tx, fields, allow_duplicate=True).id


def issue(tx: Tx, card_id: uuid.UUID) -> None:
    cards.mark_printed(tx, [card_id])
    cards.mark_issued(tx, [card_id])


def set_threshold(desk: Desk, n: int) -> None:
    with desk.transaction() as tx:
        settings.update_scheme(tx, settings.SchemeFields(small_count_threshold=n))


@pytest.fixture
def scheme(desk: Desk) -> dict[str, uuid.UUID]:
    """Six carers over March to May 2026, with contacts, cards and a closure."""
    ids: dict[str, uuid.UUID] = {}
    with on(desk, date(2026, 3, 10)) as tx:
        ids["A"] = register(tx, "A", gender=Gender.WOMAN, area="Northtown")
    with on(desk, date(2026, 4, 5)) as tx:
        ids["B"] = register(tx, "B", gender=Gender.MAN, area="Northtown")
        ids["C"] = register(tx, "C", gender=Gender.WOMAN, area="Southtown")
        contacts.log_contact(tx, ids["B"], ContactFields(kind=ContactKind.DROP_IN, minutes=10))
    with on(desk, date(2026, 5, 4)) as tx:
        ids["D"] = register(tx, "D", gender=Gender.WOMAN, area="Northtown",
                            ethnicity=Ethnicity.WHITE_BRITISH, caring_hours=CaringHours.H50_PLUS,
                            referral_source=ReferralSource.GP)  # fmt: skip
        ids["E"] = register(tx, "E", gender=Gender.MAN, area="Northtown")
        ids["F"] = register(tx, "F", gender=Gender.NON_BINARY)
    with on(desk, date(2026, 5, 6)) as tx:
        carer_details.add_cared_for(tx, ids["D"], CaredForFields(
            name="Cared McTestface", main_need=MainNeed.DEMENTIA, area="Southtown"))  # fmt: skip
        contacts.log_contact(tx, ids["D"], ContactFields(kind=ContactKind.PHONE, minutes=30,
                                                         referred_to="Carers Trust"))  # fmt: skip
        contacts.log_contact(tx, ids["E"], ContactFields(kind=ContactKind.DROP_IN, minutes=15))
        first_d, first_e = cards.queue_card(tx, ids["D"]), cards.queue_card(tx, ids["E"])
        issue(tx, first_d.id)
        issue(tx, first_e.id)
    with on(desk, date(2026, 5, 20)) as tx:
        issue(tx, cards.renew(tx, first_d.id).id)
        issue(tx, cards.report_lost(tx, first_e.id).id)
        carers.close_record(tx, ids["C"], CarerStatus.MOVED)
    return ids


def values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def figure(rows: list[tuple[Any, ...]], section: str, label: str) -> tuple[Any, Any]:
    """(month, year to date) of ``label`` under heading ``section`` on the Return sheet."""
    start = next(n for n, r in enumerate(rows) if r[0] == section)
    for r in rows[start + 1 :]:
        if r[0] == label:
            return r[1], r[2]
    raise KeyError(label)


# -- figures -----------------------------------------------------------------


def test_month_and_year_to_date_count_registrations_contacts_and_cards(desk, scheme):
    with on(desk, date(2026, 6, 2)) as tx:
        f = month_figures(tx, "2026-05")

    def row(section: str, label: str) -> tuple[Any, Any]:
        r = f.row(section, label)
        return r.month, r.year_to_date

    assert f.year_start == date(2026, 4, 1)
    assert row(FLOW, "Open at the start") == (3, 1)  # A, B, C; at 1 April only A
    assert row(FLOW, "New registrations") == (3, 5)
    assert row(FLOW, "Closed (moved, died or withdrawn)") == (1, 1)
    assert row(FLOW, "Open at the end") == (5, 5)
    assert row("New carers by gender", "Woman") == (1, 2)
    assert row("New carers by gender", "Man") == (1, 2)
    assert row("New carers by gender", "Non binary") == (1, 1)
    assert row("New carers by age", "26 to 64") == (1, 1)
    assert row("New carers by age", "18 to 25") == (1, 1)
    assert row("New carers by age", "Under 18") == (0, 1)
    assert row("New carers by age", "Not known") == (1, 2)
    assert row("New carers by ethnic group", "White") == (1, 1)
    assert row("New carers by the area they live in", "Northtown") == (2, 3)
    # The cared-for person was added two days after registering: it still counts.
    assert row("New carers by the area of the person they care for", "Southtown") == (1, 1)
    assert row("New carers by the main need of the person they care for", "Dementia") == (1, 1)
    assert row("New carers by referral source", "GP or primary care") == (1, 1)
    assert row(ACTIVITY, "Contacts") == (2, 3)
    assert row(ACTIVITY, "Contacts: Phone") == (1, 1)
    assert row(ACTIVITY, "Minutes of contact") == (45, 55)
    assert row(ACTIVITY, "Referrals to other services") == (1, 1)
    assert row(ACTIVITY, "Cards issued (a carer's first card)") == (2, 2)
    assert row(ACTIVITY, "Cards renewed") == (1, 1)
    assert row(ACTIVITY, "Cards replaced (lost or stolen)") == (1, 1)
    young = "Young and young adult carers"
    assert row(young, "New young carers (under 18)") == (0, 1)
    assert row(young, "New young adult carers (18 to 25)") == (1, 1)
    assert row(young, "Contacts with young carers") == (0, 1)
    assert row(young, "Cards issued to young adult carers") == (2, 2)
    quality = f.row("Data quality: new carers with a detail not known", "Ethnic group")
    assert quality.month == pytest.approx(2 / 3, abs=1e-3)
    assert quality.year_to_date == pytest.approx(4 / 5)
    assert [p.month for p in f.trend] == [f"2025-{m:02d}" for m in range(6, 13)] + [
        f"2026-{m:02d}" for m in range(1, 6)
    ]
    assert [p.new_registrations for p in f.trend[-3:]] == [1, 2, 3]
    assert [p.open_at_end for p in f.trend[-3:]] == [1, 3, 5]


def test_the_year_to_date_starts_on_1_april(desk, scheme):
    with on(desk, date(2026, 6, 2)) as tx:
        march, april = month_figures(tx, "2026-03"), month_figures(tx, "2026-04")
    assert march.year_start == date(2025, 4, 1)
    assert march.row(FLOW, "New registrations").year_to_date == 1
    assert april.row(FLOW, "New registrations").year_to_date == 2  # March is last year
    assert april.row(FLOW, "Open at the start").year_to_date == 1


def test_details_given_after_registering_count_until_the_next_month_ends(desk):
    with on(desk, date(2026, 3, 1)) as tx:
        early = register(tx, "A")
    with on(desk, date(2026, 5, 30)) as tx:
        late = register(tx, "B")
    with on(desk, date(2026, 6, 2)) as tx:
        for who in (early, late):
            carer_details.add_cared_for(tx, who, CaredForFields(area="Easttown"))
        carers.update(tx, late, CarerFields(gender=Gender.MAN))
    with on(desk, date(2026, 6, 2)) as tx:
        may, march = month_figures(tx, "2026-05"), month_figures(tx, "2026-03")
    area = "New carers by the area of the person they care for"
    assert may.row(area, "Easttown").month == 1
    assert may.row("New carers by gender", "Man").month == 1
    assert may.row(FLOW, "New registrations").month == 1  # corrected, not counted twice
    with pytest.raises(KeyError):
        march.row(area, "Easttown")  # too late to change March
    assert march.row(area, "Not known").month == 1


def test_a_contact_corrected_or_removed_is_corrected_in_the_figures(desk):
    with on(desk, date(2026, 5, 4)) as tx:
        carer = register(tx, "A")
        first = contacts.log_contact(tx, carer, ContactFields(minutes=10)).id
        second = contacts.log_contact(tx, carer, ContactFields(minutes=20, referred_to="GP")).id
    with on(desk, date(2026, 5, 5)) as tx:
        contacts.update_contact(tx, first, ContactFields(kind=ContactKind.PHONE, minutes=25))
        contacts.remove_contact(tx, second)
    with on(desk, date(2026, 5, 6)) as tx:
        f = month_figures(tx, "2026-05")
    assert f.row(ACTIVITY, "Contacts").month == 1
    assert f.row(ACTIVITY, "Contacts: Phone").month == 1
    assert f.row(ACTIVITY, "Minutes of contact").month == 25
    assert f.row(ACTIVITY, "Referrals to other services").month == 0


def test_closing_reopening_and_erasing_move_the_open_count(desk):
    with on(desk, date(2026, 5, 4)) as tx:
        a, b = register(tx, "A"), register(tx, "B")
    with on(desk, date(2026, 6, 4)) as tx:
        carers.close_record(tx, a, CarerStatus.WITHDRAWN)
    with on(desk, date(2026, 7, 4)) as tx:
        carers.close_record(tx, a, CarerStatus.ACTIVE)
        erasure.erase_carer(tx, b)
    with on(desk, date(2026, 7, 5)) as tx:
        trend = {p.month: p for p in month_figures(tx, "2026-07").trend}
        july = month_figures(tx, "2026-07")
    assert [trend[m].open_at_end for m in ("2026-05", "2026-06", "2026-07")] == [2, 1, 1]
    assert july.row(FLOW, "Reopened").month == 1
    assert july.row(FLOW, "Erased on request while open").month == 1


def test_erasing_a_carer_leaves_a_past_months_return_identical(desk, scheme, tmp_path):
    set_threshold(desk, 0)
    before, after = tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    with on(desk, date(2026, 6, 10)) as tx:
        write_return(tx, "2026-05", before)
    with on(desk, date(2026, 6, 11)) as tx:
        for key in ("B", "C", "D", "E"):
            erasure.erase_carer(tx, scheme[key])
    with on(desk, date(2026, 6, 10)) as tx:  # same "generated" time, for a cell-by-cell check
        write_return(tx, "2026-05", after)
        links = tx.session.scalar(select(func.count()).select_from(RegistrationLink))
    assert values(before) == values(after)
    assert figure(values(after)["Return"], FLOW, "New registrations") == (3, 5)
    assert links == 1  # only F's registration can still be corrected


def test_rows_from_another_site_are_counted_there_not_here(desk):
    with on(desk, date(2026, 5, 4)) as tx:
        tx.session.info["keep_sync_fields"] = True
        tx.session.add(Carer(first_name="Testy", last_name="McTestface", site_code="OTH",
                             registered_on=date(2026, 5, 1)))  # fmt: skip
    with on(desk, date(2026, 5, 4)) as tx:
        assert tx.session.scalar(select(func.count()).select_from(ActivityEvent)) == 0


def test_work_rolled_back_in_a_savepoint_counts_nothing(desk):
    with on(desk, date(2026, 5, 4)) as tx:
        savepoint = tx.session.begin_nested()
        register(tx, "A")
        savepoint.rollback()
        register(tx, "B")
    with on(desk, date(2026, 5, 4)) as tx:
        assert month_figures(tx, "2026-05").row(FLOW, "New registrations").month == 1


def test_a_bad_or_future_month_is_refused_plainly(desk):
    assert parse_month(" 2026-5 ") == "2026-05"
    for bad in ("May 2026", "2026-13", "2026/05", "26-05", "", "2026-00"):
        with pytest.raises(InvalidValue) as err:
            parse_month(bad)
        assert err.value.message == "Give the month as YYYY-MM, for example 2026-05."
    with on(desk, date(2026, 5, 4)) as tx, pytest.raises(InvalidValue) as err:
        month_figures(tx, "2026-06")
    assert "not started yet" in err.value.message


def test_only_coordinators_export_returns(desk_as, tmp_path):
    staff = desk_as(Role.STAFF)
    with staff.transaction() as tx, pytest.raises(PermissionDenied):
        write_return(tx, "2026-05", tmp_path / "r.xlsx")
    assert not (tmp_path / "r.xlsx").exists()


# -- the workbook ---------------------------------------------------------------


def test_small_counts_show_as_under_five_unless_the_setting_is_off(desk, scheme, tmp_path):
    path = tmp_path / "return.xlsx"
    with on(desk, date(2026, 6, 2)) as tx:
        write_return(tx, "2026-05", path)
    rows = values(path)["Return"]
    assert figure(rows, FLOW, "New registrations") == ("<5", 5)
    assert figure(rows, FLOW, "Reopened") == (0, 0)  # zero is not hidden
    assert figure(rows, ACTIVITY, "Minutes of contact") == (45, 55)  # not a count of people
    trend = values(path)["Trend"]
    assert ("May 2026", "<5", "<5", 5, "<5", "<5") in trend
    set_threshold(desk, 0)
    with on(desk, date(2026, 6, 2)) as tx:
        write_return(tx, "2026-05", path)
    rows = values(path)["Return"]
    assert figure(rows, FLOW, "New registrations") == (3, 5)
    assert any("shown exactly" in str(r[0]) for r in rows[:8])


def test_no_personal_value_appears_anywhere_in_the_workbook(desk, scheme, tmp_path):
    set_threshold(desk, 0)
    path = tmp_path / "return.xlsx"
    with on(desk, date(2026, 6, 2)) as tx:
        write_return(tx, "2026-05", path)
    personal = {"Cared McTestface", "Carers Trust", "example.org"}
    for first, last, dob, postcode, phone in PEOPLE.values():
        personal |= {first, last, postcode, postcode.replace(" ", ""), phone,
                     phone.replace(" ", "")}  # fmt: skip
        if dob is not None:
            personal |= {dob.isoformat(), f"{dob:%d/%m/%Y}", f"{dob.day} {dob:%B %Y}"}
    cells = [str(v) for rows in values(path).values() for r in rows for v in r if v is not None]
    with zipfile.ZipFile(path) as z:
        raw = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for value in personal:
        assert not any(value.lower() in c.lower() for c in cells), "a personal value leaked"
        assert value.lower() not in raw.lower(), "a personal value leaked"


def test_the_workbook_opens_in_calamine_and_has_a_chart_on_the_trend_sheet(desk, scheme, tmp_path):
    path = tmp_path / "return.xlsx"
    with on(desk, date(2026, 6, 2)) as tx:
        write_return(tx, "2026-05", path)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Return", "Trend", "Notes"]
    rows = book.get_sheet_by_name("Return").to_python()
    assert rows[0][0] == "Carer Passport monthly return"
    assert any(r[0] == "Month: May 2026" for r in rows)
    assert any("financial year starts on 1 April" in str(r[0]) for r in rows)
    trend = book.get_sheet_by_name("Trend").to_python()
    months = [r[0] for r in trend if re.fullmatch(r"[A-Z][a-z]+ 20\d\d", str(r[0]))]
    assert months[0] == "June 2025" and months[-1] == "May 2026" and len(months) == 12
    assert load_workbook(path)["Trend"]._charts
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


def test_a_formula_looking_area_stays_text(desk, tmp_path):
    set_threshold(desk, 0)
    with on(desk, date(2026, 5, 4)) as tx:
        register(tx, "A", area="=1+2")
    path = tmp_path / "return.xlsx"
    with on(desk, date(2026, 5, 4)) as tx:
        write_return(tx, "2026-05", path)
    sheet = load_workbook(path)["Return"]
    cell = next(c for r in sheet.iter_rows() for c in r if c.value == "=1+2")
    assert cell.data_type == "s"
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Return").to_python()
    assert ["=1+2", 1, 1] in [list(r[:3]) for r in rows]


def test_write_refuses_a_missing_folder_or_another_file_type(desk, tmp_path):
    with desk.transaction() as tx:
        with pytest.raises(Exception, match="folder for the return does not exist"):
            write_return(tx, "2026-05", tmp_path / "nowhere" / "r.xlsx")
        with pytest.raises(InvalidValue, match=r"ending \.xlsx"):
            write_return(tx, "2026-05", tmp_path / "r.csv")


# -- records made before events, and the demo ------------------------------------


def test_backfill_counts_only_what_was_done_before_events_were_recorded(desk):
    with on(desk, date(2026, 5, 4)) as tx:
        tx.session.info["keep_sync_fields"] = True  # stored as it is: the hooks skip it
        tx.session.add(Carer(first_name="Testy", last_name="McTestface", site_code="TST",
                             registered_on=date(2026, 4, 1), gender=Gender.WOMAN))  # fmt: skip
    with on(desk, date(2026, 5, 4)) as tx:
        carer = register(tx, "B")
        contacts.log_contact(tx, carer, ContactFields(minutes=5))
    with on(desk, date(2026, 5, 5)) as tx:
        assert backfill_events(tx) == 1
        assert backfill_events(tx) == 0
        f = month_figures(tx, "2026-05")
    assert f.row(FLOW, "New registrations").year_to_date == 2
    assert f.row("New carers by gender", "Woman").year_to_date == 1
    assert f.row(ACTIVITY, "Contacts").month == 1


def test_the_demo_comes_with_its_events_counted_once(tmp_path):
    from carerdesk.demo import DEMO_PASSWORD, DEMO_USERNAME, build_demo
    from carerdesk.desk import open_desk

    info = build_demo(tmp_path / "demo.db", carers=80, seed=3)
    demo = open_desk(info.path, DEMO_USERNAME, DEMO_PASSWORD)
    try:
        with demo.transaction() as tx:
            added = backfill_events(tx)  # build_demo has done it already
            events = tx.session.scalar(select(func.count()).select_from(ActivityEvent))
        with demo.transaction() as tx:
            assert backfill_events(tx) == 0
            month = f"{tx.today():%Y-%m}"
            f = month_figures(tx, month)
            open_now = tx.session.scalar(
                select(func.count()).select_from(Carer).where(Carer.status == CarerStatus.ACTIVE)
            )
            contacts_logged = tx.session.scalar(
                select(func.sum(ActivityEvent.weight)).where(ActivityEvent.kind == "contact.logged")
            )
    finally:
        demo.close()
    assert added == 0 and events > 80
    assert f.row(FLOW, "Open at the end").month == open_now
    assert contacts_logged > 0


# -- the command line ---------------------------------------------------------


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(desk: Desk, db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Run:  # fmt: skip
    """``cli("returns", ...)`` in-process, with the returns command added if main lacks it."""
    from carerdesk.cli import main as cli_main
    from carerdesk.cli import returns_cli

    original = cli_main.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "returns" not in sub.choices:
            returns_cli.register(sub)
        return parser

    monkeypatch.setattr(cli_main, "build_parser", build)
    monkeypatch.setattr(cli_main, "setup_logging", lambda: None)
    monkeypatch.setenv("CARERDESK_DB", str(db_path))
    monkeypatch.setenv("CARERDESK_USER", ADMIN)
    monkeypatch.setenv("CARERDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = cli_main.main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return int(code), out, err

    return run


def test_cli_writes_the_return_and_prints_json(cli, tmp_path):
    import json

    out = tmp_path / "return.xlsx"
    code, stdout, _ = cli("returns", "--month", "2020-01", "--out", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert doc["out"] == str(out) and doc["month"] == "2020-01"
    assert doc["sections"][0]["title"] == FLOW and len(doc["trend"]) == 12
    assert load_workbook(out).sheetnames == ["Return", "Trend", "Notes"]
    code, stdout, _ = cli("returns", "--month", "2020-02", "--out", str(out))
    assert code == 0 and "February 2020" in stdout


def test_cli_refuses_a_bad_month_in_one_line(cli, tmp_path, desk_as, monkeypatch):
    out = tmp_path / "return.xlsx"
    for month in ("2020-13", "May", "2999-01"):
        code, _, err = cli("returns", "--month", month, "--out", str(out))
        assert code == 1 and len(err.strip().splitlines()) == 1
        assert err.startswith("carerdesk: ")
    assert not out.exists()
    code, _, _ = cli("returns", "--out", str(out))
    assert code == 2  # --month is required: a usage error
    desk_as(Role.VOLUNTEER)
    monkeypatch.setenv("CARERDESK_USER", "volunteer1")
    monkeypatch.setenv("CARERDESK_PASSWORD", USER_PASSWORD)
    code, _, err = cli("returns", "--month", "2020-01", "--out", str(out))
    assert code == 1 and "monthly returns" in err and not out.exists()
