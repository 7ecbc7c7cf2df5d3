"""The command line as other tools see it: arguments, env vars, JSON, exit codes.

Most tests call ``carerdesk.cli.main.main`` in-process (fast, see conftest.py);
a few run ``python -m carerdesk`` to prove what a real shell sees. Users,
passwords and recovery are in test_cli_accounts.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carerdesk.store.paths import key_path

from .helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    TESTY,
    Cli,
    as_user,
    carer_count,
    fails,
    ok_json,
    snapshot,
)

# -- init, info, check ------------------------------------------------------


def test_init_then_info_reports_site_and_counts(cli: Cli, recovery_key: str) -> None:
    facts = ok_json(cli("info", "--json"))
    assert facts["site"] == "TST"
    assert facts["scheme"] == "Testshire Carer Passport"
    assert facts["schema_version"]
    assert facts["counts"]["carers"] == 0
    assert facts["counts"]["users"] == 1
    assert facts["counts"]["sites"] == 1


def test_init_prints_the_recovery_key_once_in_plain_text(cli: Cli, tmp_path: Path) -> None:
    run = cli("--db", str(tmp_path / "other.db"), "init", "--scheme", "Testshire",
              "--site", "TST", "--admin", ADMIN)
    assert run.code == 0, run.err
    key_lines = [line for line in run.out.splitlines() if line.count("-") == 7]
    assert len(key_lines) == 1
    assert "RECOVERY KEY" in run.out


def test_init_refuses_an_existing_database_and_leaves_it_alone(
    cli: Cli, db: Path, recovery_key: str
) -> None:
    before = snapshot(db.parent)
    message = fails(cli("init", "--scheme", "Other", "--site", "OTH", "--admin", "boss"))
    assert "already exists" in message
    assert snapshot(db.parent) == before


def test_init_with_a_bad_site_code_creates_nothing(cli: Cli, db: Path) -> None:
    fails(cli("init", "--scheme", "Testshire", "--site", "!!", "--admin", ADMIN))
    assert not db.exists()
    assert not key_path(db).exists()


def test_check_says_a_new_database_is_healthy(cli: Cli, recovery_key: str) -> None:
    run = cli("check")
    assert run.code == 0, run.err
    assert "healthy" in run.out
    assert ok_json(cli("check", "--json")) == {"ok": True, "problems": []}
    assert ok_json(cli("check", "--repair", "--json"))["ok"] is True


# -- carers -----------------------------------------------------------------


def test_carer_add_show_find_edit_round_trip(cli: Cli, recovery_key: str) -> None:
    added = ok_json(cli("carer", "add", *TESTY, "--town", "Stevenage", "--json"))
    cid = added["id"]
    assert added["postcode"] == "SG1 1AA"
    assert added["phone"] == "07700 900123"
    assert added["consent_keep_record"] is True

    record = ok_json(cli("carer", "show", cid, "--json"))
    assert record["carer"]["id"] == cid
    assert record["carer"]["first_name"] == "Testy"
    assert record["carer"]["date_of_birth"] == "1970-01-02"
    assert record["cards"] == []
    assert record["cared_for"] == []

    found = ok_json(cli("carer", "find", "mctest", "--json"))
    assert found["query"] == "mctest"
    assert found["count"] == 1
    assert [h["carer_id"] for h in found["hits"]] == [cid]
    assert ok_json(cli("carer", "find", "SG1 1AA", "--json"))["count"] == 1

    edited = ok_json(cli("carer", "edit", cid, "--preferred-name", "Tess", "--town", "Hitchin",
                         "--employment", "retired", "--json"))
    assert edited["preferred_name"] == "Tess"
    assert edited["town"] == "Hitchin"
    assert edited["employment"] == "retired"
    shown = ok_json(cli("carer", "show", cid, "--json"))["carer"]
    assert (shown["town"], shown["last_name"]) == ("Hitchin", "McTestface")
    assert ok_json(cli("carer", "find", "hitchin", "--json"))["count"] == 1
    assert ok_json(cli("carer", "find", "stevenage", "--json"))["count"] == 0


def test_carer_find_respects_the_limit(cli: Cli, recovery_key: str) -> None:
    for first in ("Alpha", "Bravo", "Charlie"):
        ok_json(cli("carer", "add", "--first", first, "--last", "Testperson", "--json"))
    found = ok_json(cli("carer", "find", "testperson", "--limit", "2", "--json"))
    assert found["count"] == 2
    assert len(found["hits"]) == 2


def test_likely_duplicate_is_refused_unless_allowed(cli: Cli, recovery_key: str) -> None:
    first = ok_json(cli("carer", "add", *TESTY, "--json"))
    run = cli("carer", "add", *TESTY, "--json")
    fails(run)
    doc = run.json()
    assert set(doc) == {"error", "duplicates"}
    assert [d["carer_id"] for d in doc["duplicates"]] == [first["id"]]
    assert "Testy" not in run.err  # no personal values in the message
    assert carer_count(cli) == 1

    fails(cli("carer", "add", *TESTY))  # without --json: message only
    assert carer_count(cli) == 1

    second = ok_json(cli("carer", "add", *TESTY, "--allow-duplicate", "--json"))
    assert second["id"] != first["id"]
    assert carer_count(cli) == 2


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--postcode", "NOTAPOSTCODE", "postcode"),
        ("--dob", "31/02/1970", "date"),
        ("--dob", "yesterday-ish", "date"),
        ("--phone", "12", "phone"),
        ("--gender", "banana", ""),
    ],
)
def test_bad_values_are_refused_with_a_plain_message_and_nothing_saved(
    cli: Cli, recovery_key: str, option: str, value: str, named: str
) -> None:
    run = cli("carer", "add", "--first", "Testy", "--last", "McTestface", option, value, "--json")
    message = fails(run)
    assert named in message.lower()
    assert value not in message
    assert run.out == ""
    assert carer_count(cli) == 0


def test_missing_name_is_refused(cli: Cli, recovery_key: str) -> None:
    message = fails(cli("carer", "add", "--first", "Testy", "--json"))
    assert "last name" in message
    assert carer_count(cli) == 0


def test_showing_an_unknown_carer_fails_plainly(cli: Cli, recovery_key: str) -> None:
    fails(cli("carer", "show", "00000000-0000-4000-8000-000000000000", "--json"))
    fails(cli("carer", "show", "not-a-reference", "--json"))


def test_erased_carer_is_no_longer_found(cli: Cli, recovery_key: str) -> None:
    cid = ok_json(cli("carer", "add", *TESTY, "--json"))["id"]
    run = cli("carer", "erase", cid, "--yes")
    assert run.code == 0, run.err
    assert ok_json(cli("carer", "find", "McTestface", "--json"))["count"] == 0
    assert ok_json(cli("carer", "find", "SG1 1AA", "--json"))["count"] == 0
    fails(cli("carer", "show", cid, "--json"))


def test_erase_without_yes_and_no_terminal_erases_nothing(cli: Cli, recovery_key: str) -> None:
    cid = ok_json(cli("carer", "add", *TESTY, "--json"))["id"]
    assert "--yes" in fails(cli("carer", "erase", cid))
    assert ok_json(cli("carer", "find", "McTestface", "--json"))["count"] == 1


# -- cards ------------------------------------------------------------------


def test_queued_card_can_be_shown_and_finds_its_carer(cli: Cli, recovery_key: str) -> None:
    cid = ok_json(cli("carer", "add", *TESTY, "--json"))["id"]
    card = ok_json(cli("card", "queue", cid, "--json"))
    number = card["number"]
    assert number.startswith("TST-")
    assert card["status"] == "queued"

    shown = ok_json(cli("card", "show", number, "--json"))
    assert shown["card"]["number"] == number
    assert shown["card"]["carer_id"] == cid
    assert isinstance(shown["history"], list)

    found = ok_json(cli("carer", "find", number, "--json"))
    assert found["card_number"] == number
    assert [h["carer_id"] for h in found["hits"]] == [cid]

    record = ok_json(cli("carer", "show", cid, "--json"))
    assert [c["number"] for c in record["cards"]] == [number]
    # A second standard card while one is live is refused.
    fails(cli("card", "queue", cid, "--json"))


def test_card_show_rejects_a_mistyped_number(cli: Cli, recovery_key: str) -> None:
    fails(cli("card", "show", "TST-000001-00", "--json"))
    fails(cli("card", "show", "hello", "--json"))


def test_lost_printed_card_gets_a_replacement(cli: Cli, db: Path, recovery_key: str) -> None:
    from carerdesk.desk import open_desk
    from carerdesk.services import cards

    cid = ok_json(cli("carer", "add", *TESTY, "--json"))["id"]
    old = ok_json(cli("card", "queue", cid, "--json"))
    fails(cli("card", "lost", old["number"]))  # still queued: cannot be lost yet
    desk = open_desk(db, ADMIN, ADMIN_PASSWORD)
    try:
        with desk.transaction() as tx:
            cards.mark_printed(tx, [old["id"]])
    finally:
        desk.close()

    new = ok_json(cli("card", "lost", old["number"], "--stolen", "--json"))
    assert new["number"] != old["number"]
    assert new["status"] == "queued"
    assert ok_json(cli("card", "show", old["number"], "--json"))["card"]["status"] == "stolen"
    found = ok_json(cli("carer", "find", new["number"], "--json"))
    assert [h["carer_id"] for h in found["hits"]] == [cid]


# -- usage ------------------------------------------------------------------


def test_usage_errors_exit_2(cli: Cli, recovery_key: str) -> None:
    assert cli("carer").code == 2
    assert cli("carer", "find").code == 2
    assert cli("carer", "find", "x", "--limit", "lots").code == 2
    assert cli("frobnicate").code == 2


def test_version_is_printed(cli: Cli) -> None:
    run = cli("--version")
    assert run.code == 0
    assert run.out.startswith("carerdesk ")


# -- demo -------------------------------------------------------------------


def test_demo_builds_a_database_to_sign_in_to(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("carerdesk.demo")
    path = tmp_path / "demo" / "demo.db"
    doc = ok_json(cli("--db", str(path), "demo", "--carers", "12", "--seed", "3",
                      "--no-gui", "--json"))
    assert Path(doc["database"]) == path
    as_user(monkeypatch, doc["username"], doc["password"])
    facts = ok_json(cli("--db", str(path), "info", "--json"))
    assert facts["counts"]["carers"] == 12
    assert ok_json(cli("--db", str(path), "check", "--json"))["ok"] is True
    # Run again without --rebuild: the same database is reused.
    again = ok_json(cli("--db", str(path), "demo", "--no-gui", "--json"))
    assert again["database"] == doc["database"]


def test_demo_never_replaces_a_real_database(cli: Cli, db: Path, recovery_key: str) -> None:
    pytest.importorskip("carerdesk.demo")
    before = snapshot(db.parent)
    fails(cli("--db", str(db), "demo", "--carers", "3", "--no-gui", "--json"))
    assert snapshot(db.parent) == before


# -- a real process ---------------------------------------------------------


def run_process(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "carerdesk", *argv],
        env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )


@pytest.fixture
def process_env(tmp_path: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARERDESK_")}
    home = tmp_path / "home"
    env.update(
        CARERDESK_DB=str(db), CARERDESK_USER=ADMIN, CARERDESK_PASSWORD=ADMIN_PASSWORD,
        HOME=str(home), XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"), PYTHONPATH=str(Path(__file__).parents[2]),
    )
    return env


def test_process_wrong_password_is_one_line_without_traceback(
    process_env: dict[str, str], db: Path, recovery_key: str
) -> None:
    before = snapshot(db.parent)
    good = run_process("info", "--json", env=process_env)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["site"] == "TST"
    after_good = snapshot(db.parent)

    process_env["CARERDESK_PASSWORD"] = "not-the-password"
    bad = run_process("info", "--json", env=process_env)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
    assert snapshot(db.parent) == after_good
    assert set(after_good) == set(before)


def test_process_unknown_command_is_a_usage_error(process_env: dict[str, str]) -> None:
    result = run_process("frobnicate", env=process_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "usage" in result.stderr


def test_process_version(process_env: dict[str, str]) -> None:
    result = run_process("--version", env=process_env)
    assert result.returncode == 0
    assert result.stdout.startswith("carerdesk ")
