"""Site exchange: two sites of one scheme share their records by file and agree."""

from __future__ import annotations

import base64
import io
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import select

from carerdesk import cardsign
from carerdesk.cardsign import CardCheck
from carerdesk.cli import exchange_cli
from carerdesk.cli import main as cli_main
from carerdesk.desk import Desk, open_desk
from carerdesk.errors import CarerdeskError, InvalidValue, PermissionDenied
from carerdesk.exchange import (
    ImportResult,
    export_file,
    import_file,
    join_scheme,
    list_conflicts,
    list_possible_duplicates,
    resolve_conflict,
    sheet_merge,
)
from carerdesk.exchange.export import select_sql
from carerdesk.exchange.records import RECORD_TYPES, SYNC_COLUMNS
from carerdesk.models import (
    CaredFor,
    Carer,
    ContactLog,
    EmergencyPlan,
    PossibleDuplicate,
    SchemeSettings,
    SigningKey,
)
from carerdesk.models.enums import CardStatus, ContactKind, Gender, Role
from carerdesk.services import cards, carer_details, carers, contacts, erasure, search
from carerdesk.sheets.safety import BadFile
from carerdesk.store.paths import key_path

ADMIN, PASSWORD = "admin", "admin-password-1"
FORMULA_NAMES = ("=HYPERLINK(\"http://x.example\")", "+44 7700", "-Minus", "@Sum")


# -- helpers (the property tests use them too) ----------------------------------


def register(desk: Desk, first: str = "Testy", last: str = "McTestface", **more: Any) -> uuid.UUID:
    fields = {"first_name": first, "last_name": last, "consent_keep_record": True, **more}
    with desk.transaction() as tx:
        return carers.register(tx, carers.CarerFields(**fields), allow_duplicate=True).id


def exchange(source: Desk, target: Desk, folder: Path, password: str | None = None,
             **options: Any) -> ImportResult:  # fmt: skip
    """Export ``source`` and import the file at ``target``."""
    path = folder / f"{source.site_code}-{uuid.uuid4().hex[:8]}.xlsx"
    export_file(source, path, password=password)
    return import_file(target, path, password=password, **options)


def snapshot(desk: Desk) -> dict[str, dict[str, tuple]]:
    """Every exchanged record as exported (values and sync fields), by sheet and id."""
    out: dict[str, dict[str, tuple]] = {}
    with desk.read() as tx:
        conn = tx.session.connection()
        for rt in RECORD_TYPES:
            n = len(rt.columns)
            out[rt.sheet] = {
                str(uuid.UUID(bytes=raw[0])): tuple(
                    c.to_cell(v) for c, v in zip(rt.columns, raw[:n], strict=True)
                )
                for raw in conn.exec_driver_sql(select_sql(rt))
            }
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def join(source: Desk, folder: Path, code: str = "STV") -> Desk:
    """A new site of ``source``'s scheme, started from its export."""
    folder.mkdir(exist_ok=True)
    path = folder / "start.xlsx"
    export_file(source, path, password=None)
    db = folder / "site.db"
    join_scheme(db, path, password=None, site_code=code, admin_username=ADMIN,
                admin_password=PASSWORD)  # fmt: skip
    return open_desk(db, ADMIN, PASSWORD)


@pytest.fixture
def site_a(desk: Desk) -> Desk:
    return desk


@pytest.fixture
def site_b(site_a: Desk, tmp_path: Path) -> Iterator[Desk]:
    b = join(site_a, tmp_path / "b")
    yield b
    b.close()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


# -- joining and converging -------------------------------------------------------


def test_a_new_site_joins_with_the_schemes_settings_and_records(site_a, tmp_path):
    carer_id = register(site_a, "Joyce", "Testington", postcode="SG1 1AA")
    with site_a.transaction() as tx:
        tx.scheme().card_validity_years = 2
    site_b = join(site_a, tmp_path / "b")
    try:
        assert site_b.site_code == "STV"
        with site_b.read() as tx, site_a.read() as tx_a:
            assert tx.scheme().id == tx_a.scheme().id
            assert tx.scheme().card_validity_years == 2
            assert carers.get_carer(tx, carer_id).first_name == "Joyce"
            assert search.find_carers(tx, "Testington").hits[0].carer_id == carer_id
        mine = {k: v for k, v in snapshot(site_b).items() if k != "sites"}
        theirs = {k: v for k, v in snapshot(site_a).items() if k != "sites"}
        assert mine == theirs
    finally:
        site_b.close()


def test_joining_with_a_code_another_site_uses_is_refused(site_a, outbox, tmp_path):
    export_file(site_a, outbox / "a.xlsx", password=None)
    with pytest.raises(InvalidValue) as err:
        join_scheme(tmp_path / "new.db", outbox / "a.xlsx", password=None, site_code="TST",
                    admin_username=ADMIN, admin_password=PASSWORD)  # fmt: skip
    assert "site_code" in err.value.errors
    assert not (tmp_path / "new.db").exists()


def test_two_sites_exchanging_both_ways_end_with_the_same_records(site_a, site_b, outbox):
    a_carer = register(site_a, "Alma", "Testfield")
    b_carer = register(site_b, "Bertie", "Testwood", postcode="SG1 1AA")
    with site_b.transaction() as tx:
        contacts.log_contact(tx, b_carer, contacts.ContactFields(kind=ContactKind.PHONE,
                                                                 minutes=10))  # fmt: skip
        carer_details.add_cared_for(tx, b_carer, carer_details.CaredForFields(name="Mo Testwood"))
    result = exchange(site_b, site_a, outbox)
    assert result.totals.inserted >= 4  # the site, the carer, the contact, the cared-for
    with site_a.read() as tx:
        assert search.find_carers(tx, "Testwood").hits[0].carer_id == b_carer
    with site_a.transaction() as tx:
        carers.update(tx, b_carer, carers.CarerFields(town="Hitchin"))
    exchange(site_a, site_b, outbox)
    with site_b.transaction() as tx:
        carers.update(tx, a_carer, carers.CarerFields(last_name="Testrenamed"))
    exchange(site_b, site_a, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    with site_a.read() as tx:  # the search index keeps up with what came in
        assert search.find_carers(tx, "Testrenamed").hits[0].carer_id == a_carer
        assert search.find_carers(tx, "Testfield").hits == []
    with site_b.read() as tx:
        assert carers.get_carer(tx, b_carer).town == "Hitchin"
        assert carers.get_carer(tx, a_carer).first_name == "Alma"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(site_a, site_b, outbox):
    register(site_b, "Twice", "Testimport")
    path = outbox / "b.xlsx"
    export_file(site_b, path, password=None)
    first = import_file(site_a, path, password=None)
    assert first.totals.inserted == 2  # the carer and site B
    before = snapshot(site_a)
    second = import_file(site_a, path, password=None)
    assert second.to_json() == {"inserted": 0, "updated": 0, "deleted": 0, "conflicts": 0,
                                "unchanged": first.totals.inserted + first.totals.unchanged}
    assert snapshot(site_a) == before


def test_the_export_has_one_sheet_per_record_type_and_a_meta_sheet(site_a, outbox):
    register(site_a)
    summary = export_file(site_a, outbox / "a.xlsx", password=None)
    assert summary.counts["carers"] == 1
    book = openpyxl.load_workbook(outbox / "a.xlsx", read_only=True)  # a second reader
    assert book.sheetnames[0] == "_meta"
    assert {rt.sheet for rt in RECORD_TYPES} <= set(book.sheetnames)
    meta = {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}
    assert meta["site"] == "TST"
    assert meta["scheme"] == "Testshire Carer Passport"
    assert meta["schema_version"] and meta["exported_at"] and meta["covers"]
    header = next(book["carers"].iter_rows(values_only=True))
    assert header[: len(SYNC_COLUMNS) + 1] == (*SYNC_COLUMNS, "sync_vector")
    assert "search_key" not in header
    assert "private_key" not in next(book["signing_keys"].iter_rows(values_only=True))
    book.close()
    calamine = CalamineWorkbook.from_path(str(outbox / "a.xlsx"))
    assert calamine.get_sheet_by_name("carers").to_python()[1][8] == "Testy"


def test_formula_looking_names_travel_as_text(site_a, site_b, outbox):
    names = [*FORMULA_NAMES, "<r><t>Not rich</t></r>", "Tom & Jerry <Testers>"]
    ids = [register(site_a, name, name) for name in names]
    path = outbox / "a.xlsx"
    export_file(site_a, path, password=None)
    sheet = openpyxl.load_workbook(path)["carers"]
    header = [c.value for c in sheet[1]]
    first = header.index("first_name") + 1
    cells = {sheet.cell(row, first).value: sheet.cell(row, first)
             for row in range(2, sheet.max_row + 1)}  # fmt: skip
    assert set(cells) == set(names)
    assert all(cells[n].data_type == "s" and cells[n].quotePrefix for n in FORMULA_NAMES)
    import_file(site_b, path, password=None)
    with site_b.read() as tx:
        assert [carers.get_carer(tx, i).first_name for i in ids] == names


def test_long_notes_and_photos_travel_in_parts(site_a, site_b, outbox):
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 400 + b"\xff\xd9"
    notes = "Line one\nline two_x0041_ & <b>\r\n" + "x" * 40_000
    carer_id = register(site_a, notes=notes)
    with site_a.transaction() as tx:
        carer_details.set_photo(tx, carer_id, jpeg)
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        assert carers.get_carer(tx, carer_id).notes == notes
        assert carer_details.get_photo(tx, carer_id) == jpeg
    assert base64.b64encode(jpeg)  # (the photo is base64 in the file)


# -- conflicts ----------------------------------------------------------------------


def test_a_record_changed_at_both_sites_is_a_conflict_and_the_local_value_stays(
    site_a, site_b, outbox
):
    carer_id = register(site_a, "Connie", "Testflict")
    exchange(site_a, site_b, outbox)
    with site_a.transaction() as tx:
        carers.update(tx, carer_id, carers.CarerFields(town="Hitchin", phone="07700 900123"))
    with site_b.transaction() as tx:
        carers.update(tx, carer_id, carers.CarerFields(town="Watford", phone="07700 900123"))
    result = exchange(site_b, site_a, outbox)
    assert result.to_json()["conflicts"] == 1
    assert result.conflicts[0].fields == ("town",)
    with site_a.read() as tx:
        assert carers.get_carer(tx, carer_id).town == "Hitchin"
        [conflict] = list_conflicts(tx)
    assert [(f.name, f.local, f.remote) for f in conflict.fields] == [
        ("town", "Hitchin", "Watford")
    ]
    # Settled at A, field by field: the settlement reaches B and closes B's copy too.
    assert exchange(site_a, site_b, outbox).to_json()["conflicts"] == 1
    with site_a.transaction() as tx:
        resolve_conflict(tx, conflict.conflict_id, {"town": "remote"})
    exchange(site_a, site_b, outbox)
    exchange(site_b, site_a, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    for desk in (site_a, site_b):
        with desk.read() as tx:
            assert carers.get_carer(tx, carer_id).town == "Watford"
            assert list_conflicts(tx) == []


def test_a_conflict_is_settled_field_by_field_whatever_the_kind_of_value(
    site_a, site_b, outbox
):
    carer_id = register(site_a)
    exchange(site_a, site_b, outbox)
    for desk, town, dob, gender, contact in (
        (site_a, "Hitchin", date(1950, 1, 2), Gender.WOMAN, True),
        (site_b, "Watford", date(1951, 3, 4), Gender.MAN, False),
    ):
        with desk.transaction() as tx:
            carers.update(tx, carer_id, carers.CarerFields(
                town=town, date_of_birth=dob, gender=gender, consent_contact=contact))  # fmt: skip
    exchange(site_b, site_a, outbox)
    with site_a.read() as tx:
        [conflict] = list_conflicts(tx)
    names = {f.name for f in conflict.fields}
    assert {"town", "date_of_birth", "gender", "consent_contact"} <= names
    with site_a.transaction() as tx:
        resolve_conflict(tx, conflict.conflict_id, {
            "town": "remote", "date_of_birth": "local", "gender": "remote",
            "consent_contact": "remote"})  # fmt: skip
    exchange(site_a, site_b, outbox)
    for desk in (site_a, site_b):
        with desk.read() as tx:
            carer = carers.get_carer(tx, carer_id)
            assert (carer.town, carer.date_of_birth, carer.gender, carer.consent_contact) == (
                "Watford", date(1950, 1, 2), Gender.MAN, False)  # fmt: skip
            assert search.find_carers(tx, "Watford").hits[0].carer_id == carer_id
    assert snapshot(site_a) == snapshot(site_b)
    with site_a.transaction() as tx, pytest.raises(CarerdeskError, match="already"):
        resolve_conflict(tx, conflict.conflict_id, {"town": "local"})


def test_the_same_change_at_both_sites_is_not_a_conflict(site_a, site_b, outbox):
    carer_id = register(site_a)
    exchange(site_a, site_b, outbox)
    for desk in (site_a, site_b):
        with desk.transaction() as tx:
            carers.update(tx, carer_id, carers.CarerFields(town="Stevenage"))
    assert exchange(site_b, site_a, outbox).to_json()["conflicts"] == 0
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)


def test_two_emergency_plans_for_one_carer_settle_on_one(site_a, site_b, outbox):
    carer_id = register(site_a)
    exchange(site_a, site_b, outbox)
    for desk, name in ((site_a, "Ann Testplan"), (site_b, "Ben Testplan")):
        with desk.transaction() as tx:
            carer_details.set_emergency_plan(
                tx, carer_id, carer_details.EmergencyPlanFields(contact_name=name)
            )
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)
    with site_a.read() as tx:
        plans = tx.session.exec(select(EmergencyPlan)).all()
    assert len(plans) == 1


# -- erasure and cards --------------------------------------------------------------


def test_an_erasure_at_one_site_reaches_the_other(site_a, site_b, outbox):
    carer_id = register(site_a, "Erasmo", "Testgone", postcode="SG9 9ZZ")
    with site_a.transaction() as tx:
        carer_details.add_cared_for(tx, carer_id, carer_details.CaredForFields(name="Mum Testgone"))
    exchange(site_a, site_b, outbox)
    with site_b.transaction() as tx:  # B logs a contact A never hears of before erasing
        contacts.log_contact(tx, carer_id, contacts.ContactFields(
            kind=ContactKind.PHONE, what_was_done="Testgone called"))  # fmt: skip
    with site_a.transaction() as tx:
        erasure.erase_carer(tx, carer_id)
    result = exchange(site_a, site_b, outbox)
    assert result.to_json()["deleted"] >= 2
    assert result.erased_here == 1
    with site_b.read() as tx:
        carer = tx.session.get(Carer, carer_id)
        assert carer.deleted and carer.first_name is None and carer.postcode is None
        assert search.find_carers(tx, "Testgone").hits == []
        for model in (CaredFor, ContactLog):
            rows = tx.session.exec(select(model).where(model.carer_id == carer_id)).all()
            assert rows and all(r.deleted for r in rows)
            assert not any("Testgone" in str(r.model_dump()) for r in rows)
    exchange(site_b, site_a, outbox)
    exchange(site_a, site_b, outbox)
    assert snapshot(site_a) == snapshot(site_b)


def test_a_card_issued_at_one_site_verifies_at_the_other(site_a, site_b, outbox):
    carer_id = register(site_a)
    with site_a.transaction() as tx:
        card = cards.queue_card(tx, carer_id)
        payload = cardsign.sign_card(tx, card)
    exchange(site_a, site_b, outbox)
    with site_b.read() as tx:
        check = cardsign.verify(tx, payload)
        keys = tx.session.exec(select(SigningKey)).all()
    assert check.result is CardCheck.VALID
    assert check.card_number == card.number and card.number.startswith("TST-")
    assert keys and all(k.private_key is None for k in keys)  # public halves only
    with site_b.transaction() as tx:
        cards.revoke(tx, card.id)
    exchange(site_b, site_a, outbox)
    with site_a.read() as tx:
        assert cardsign.verify(tx, payload).result is CardCheck.REVOKED
        assert cards.find_card(tx, card.number).status is CardStatus.REVOKED


# -- duplicates ---------------------------------------------------------------------


def test_a_carer_registered_at_both_sites_before_they_met_is_offered_as_a_match(
    site_a, outbox, tmp_path
):
    site_b = join(site_a, tmp_path / "b")
    try:
        mine = register(site_a, "Dupli", "Testcate", date_of_birth="1950-04-03")
        theirs = register(site_b, "Duply", "Testcate", date_of_birth="1950-04-03")
        result = exchange(site_b, site_a, outbox)
        assert result.likely_duplicates == 1
        with site_a.read() as tx:
            [dup] = list_possible_duplicates(tx)
            assert (dup.carer_id, dup.other_carer_id) == (mine, theirs)
            assert "date of birth" in dup.reason
            assert carers.get_carer(tx, theirs)  # kept, not merged silently
        exchange(site_b, site_a, outbox)
        with site_a.read() as tx:
            assert len(tx.session.exec(select(PossibleDuplicate)).all()) == 1
    finally:
        site_b.close()


# -- safety: nothing changes unless everything does ----------------------------------


def test_a_dry_run_reports_what_would_change_and_changes_nothing(site_a, site_b, outbox, db_path):
    register(site_b, "Dry", "Testrun")
    before = snapshot(site_a)
    result = exchange(site_b, site_a, outbox, dry_run=True)
    assert result.dry_run and result.to_json()["inserted"] == 2
    assert {(c.record_type, c.action) for c in result.changes} == {("carer", "inserted"),
                                                                   ("site", "inserted")}
    assert "Dry Testrun" in {c.title for c in result.changes}
    assert result.backup is None
    assert snapshot(site_a) == before
    assert not list(db_path.parent.glob("*.before-import-*"))


def test_a_copy_of_the_database_is_taken_before_an_import(site_a, site_b, outbox, db_path):
    register(site_b)
    result = exchange(site_b, site_a, outbox)
    backup = Path(result.backup)
    assert backup.parent == db_path.parent and ".before-import-" in backup.name
    assert key_path(backup).exists()
    copy = open_desk(backup, ADMIN, PASSWORD)
    try:
        with copy.read() as tx:
            assert tx.session.exec(select(Carer)).all() == []
    finally:
        copy.close()


def test_an_error_part_way_through_changes_nothing(site_a, site_b, outbox, monkeypatch):
    for n in range(3):
        register(site_b, f"Part{n}", "Testway")
    before = snapshot(site_a)
    calls = []
    real = sheet_merge.SheetMerge._flush

    def failing_flush(self):  # type: ignore[no-untyped-def]
        real(self)
        calls.append(self.rt.table)
        if self.rt.table == "card":
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(sheet_merge.SheetMerge, "_flush", failing_flush)
    with pytest.raises(RuntimeError):
        exchange(site_b, site_a, outbox)
    assert "carer" in calls  # the carers had been written when it failed
    assert snapshot(site_a) == before


def test_a_wrong_password_is_refused_and_nothing_changes(site_a, site_b, outbox, db_path):
    register(site_b)
    path = outbox / "b.xlsx"
    export_file(site_b, path, password="correct horse battery")
    before = files(db_path.parent)
    with pytest.raises(BadFile, match="password"):
        import_file(site_a, path, password="wrong horse")
    with pytest.raises(BadFile, match="password"):
        import_file(site_a, path, password=None)
    assert files(db_path.parent) == before


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a spreadsheet", b"name,town\nTesty,Testham\n"])
def test_a_file_that_is_not_an_export_is_refused(site_a, outbox, db_path, content):
    path = outbox / "odd.xlsx"
    path.write_bytes(content)
    before = files(db_path.parent)
    with pytest.raises(BadFile):
        import_file(site_a, path, password=None)
    assert files(db_path.parent) == before


def test_a_file_from_another_scheme_is_refused(site_a, outbox, tmp_path):
    from carerdesk.desk import create_database

    other = tmp_path / "other.db"
    create_database(other, scheme_name="Elsewhere", site_code="ELS", admin_username=ADMIN,
                    admin_password=PASSWORD)  # fmt: skip
    desk = open_desk(other, ADMIN, PASSWORD)
    try:
        export_file(desk, outbox / "els.xlsx", password=None)
    finally:
        desk.close()
    with pytest.raises(BadFile, match="another scheme"):
        import_file(site_a, outbox / "els.xlsx", password=None)


def test_only_a_coordinator_may_export(desk_as, outbox):
    staff = desk_as(Role.STAFF)
    with pytest.raises(PermissionDenied):
        export_file(staff, outbox / "x.xlsx", password=None)
    assert not (outbox / "x.xlsx").exists()


# -- the command line ---------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch, capsys, db_path) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("CARERDESK_USER", ADMIN)
    monkeypatch.setenv("CARERDESK_PASSWORD", PASSWORD)
    monkeypatch.delenv(exchange_cli.PASSWORD_ENV, raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setattr("carerdesk.cli.main.setup_logging", lambda: None)
    build = cli_main.build_parser

    def with_exchange():  # type: ignore[no-untyped-def]
        parser = build()
        sub = next(a for a in parser._actions if a.dest == "command")
        if "export" not in sub.choices:  # until cli/main.py registers it
            exchange_cli.register(sub)
        init = sub.choices["init"]
        if not any(a.dest == "from_file" for a in init._actions):  # until cli/admin.py does
            exchange_cli.add_init_from(init)
            for action in init._actions:
                action.required = action.required and action.dest != "scheme"
            plain = init.get_default("handler")
            init.set_defaults(handler=lambda args: exchange_cli.run_init_from(args)
                              if args.from_file else plain(args))  # fmt: skip
        return parser

    monkeypatch.setattr(cli_main, "build_parser", with_exchange)

    def run(*argv: str, db: Path = db_path) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_main.main(["--db", str(db), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_export_is_encrypted_and_prints_a_generated_passphrase_once(site_a, cli, outbox):
    code, out, err = cli("export", "--out", str(outbox / "a.xlsx"), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["encrypted"] and len(doc["password"].split("-")) >= 4
    with pytest.raises(BadFile, match="password"):
        import_file(site_a, outbox / "a.xlsx", password=None)


def test_cli_export_without_encryption_must_be_asked_for_and_warns(site_a, cli, outbox):
    code, out, err = cli("export", "--out", str(outbox / "a.xlsx"), "--no-encrypt", "--json")
    assert code == 0
    assert "NOT encrypted" in err
    assert json.loads(out)["encrypted"] is False and "password" not in json.loads(out)


def test_cli_import_prints_exactly_the_five_counts(site_a, site_b, cli, outbox, monkeypatch):
    carer_id = register(site_a)
    exchange(site_a, site_b, outbox)
    with site_a.transaction() as tx:
        carers.update(tx, carer_id, carers.CarerFields(town="Hitchin"))
    with site_b.transaction() as tx:
        carers.update(tx, carer_id, carers.CarerFields(town="Watford"))
    monkeypatch.setenv(exchange_cli.PASSWORD_ENV, "shared secret words")
    export_file(site_b, outbox / "b.xlsx", password="shared secret words")
    conflicts = outbox / "conflicts.json"
    code, out, err = cli("import", str(outbox / "b.xlsx"), "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out) == {"inserted": 1, "updated": 0, "deleted": 0, "conflicts": 1,
                               "unchanged": 2}  # fmt: skip
    code, out, err = cli("import", str(outbox / "b.xlsx"), "--dry-run")
    assert code == 0 and "would add site" in out and "nothing was changed" in out
    code, out, err = cli("import", str(outbox / "b.xlsx"), "--json",
                         "--conflicts-json", str(conflicts))  # fmt: skip
    assert json.loads(out)["conflicts"] == 1
    assert "conflict" in err and "Watford" not in err
    [listed] = json.loads(conflicts.read_text())
    assert listed["fields"] == ["town"] and "Watford" not in conflicts.read_text()


def test_cli_init_from_an_export_starts_a_new_site(site_a, cli, outbox, tmp_path, monkeypatch):
    register(site_a, "Founding", "Testmember")
    monkeypatch.setenv(exchange_cli.PASSWORD_ENV, "shared secret words")
    export_file(site_a, outbox / "a.xlsx", password="shared secret words")
    new_db = tmp_path / "new" / "site.db"
    code, out, err = cli("init", "--from", str(outbox / "a.xlsx"), "--site", "hit",
                         "--admin", "boss", "--json", db=new_db)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["site"] == "HIT" and json.loads(out)["recovery_key"]
    new = open_desk(new_db, "boss", PASSWORD)  # CARERDESK_PASSWORD
    try:
        with new.read() as tx:
            assert new.site_code == "HIT"
            assert tx.session.exec(select(SchemeSettings)).one().name == "Testshire Carer Passport"
            assert [c.first_name for c in tx.session.exec(select(Carer))] == ["Founding"]
    finally:
        new.close()
