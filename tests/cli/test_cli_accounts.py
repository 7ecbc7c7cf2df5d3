"""The command line's accounts: signing in, users, roles, passwords, recovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from carerdesk.store.paths import key_path

from .helpers import (
    ADMIN,
    ADMIN_PASSWORD,
    NEW_PASSWORD,
    TESTY,
    VOLUNTEER_PASSWORD,
    Cli,
    as_user,
    fails,
    ok_json,
    snapshot,
)


def test_wrong_password_fails_and_changes_no_file(
    cli: Cli, db: Path, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(db.parent)
    monkeypatch.setenv("CARERDESK_PASSWORD", "not-the-password")
    message = fails(cli("info", "--json"))
    assert "password" in message
    fails(cli("carer", "add", *TESTY, "--json"))
    assert snapshot(db.parent) == before


def test_missing_database_fails_and_creates_nothing(cli: Cli, db: Path) -> None:
    fails(cli("info", "--json"))
    fails(cli("carer", "find", "x", "--json"))
    assert not db.parent.exists() or list(db.parent.iterdir()) == []


def test_no_password_and_no_terminal_says_which_variable_to_set(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARERDESK_PASSWORD")
    assert "CARERDESK_PASSWORD" in fails(cli("info", "--json"))


def add_volunteer(cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str = "vol") -> None:
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", VOLUNTEER_PASSWORD)
    summary = ok_json(cli("user", "add", name, "--role", "volunteer", "--json"))
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD")
    assert summary["username"] == name
    assert summary["role"] == "volunteer"


def test_added_user_can_sign_in_with_the_new_password(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_volunteer(cli, monkeypatch)
    users = ok_json(cli("user", "list", "--json"))
    assert {u["username"]: u["role"] for u in users} == {ADMIN: "coordinator", "vol": "volunteer"}
    as_user(monkeypatch, "vol", VOLUNTEER_PASSWORD)
    assert ok_json(cli("carer", "find", "anyone", "--json"))["count"] == 0
    # --user wins over CARERDESK_USER.
    monkeypatch.setenv("CARERDESK_PASSWORD", ADMIN_PASSWORD)
    assert ok_json(cli("--user", ADMIN, "user", "list", "--json"))


def test_adding_a_user_without_a_new_password_and_no_terminal_fails(
    cli: Cli, recovery_key: str
) -> None:
    assert "CARERDESK_NEW_PASSWORD" in fails(cli("user", "add", "vol", "--role", "volunteer"))
    assert len(ok_json(cli("user", "list", "--json"))) == 1


def test_unknown_role_is_a_usage_error(cli: Cli, recovery_key: str) -> None:
    assert cli("user", "add", "vol", "--role", "overlord").code == 2


def test_volunteer_cannot_list_users(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_volunteer(cli, monkeypatch)
    as_user(monkeypatch, "vol", VOLUNTEER_PASSWORD)
    message = fails(cli("user", "list", "--json"))
    assert "role" in message and "not allow" in message


def test_volunteer_cannot_erase_a_carer(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = ok_json(cli("carer", "add", *TESTY, "--json"))["id"]
    add_volunteer(cli, monkeypatch)
    as_user(monkeypatch, "vol", VOLUNTEER_PASSWORD)
    assert "not allow" in fails(cli("carer", "erase", cid, "--yes"))
    assert ok_json(cli("carer", "find", "McTestface", "--json"))["count"] == 1


def test_disabled_user_cannot_sign_in(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_volunteer(cli, monkeypatch)
    assert cli("user", "disable", "vol").code == 0
    users = {u["username"]: u for u in ok_json(cli("user", "list", "--json"))}
    assert users["vol"]["disabled"] is True
    as_user(monkeypatch, "vol", VOLUNTEER_PASSWORD)
    fails(cli("carer", "find", "anyone", "--json"))


def test_coordinator_cannot_disable_themselves(cli: Cli, recovery_key: str) -> None:
    fails(cli("user", "disable", ADMIN))
    assert ok_json(cli("info", "--json"))["counts"]["users"] == 1


def test_reset_password_lets_the_user_back_in(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_volunteer(cli, monkeypatch)
    assert cli("user", "disable", "vol").code == 0
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", NEW_PASSWORD)
    assert cli("user", "reset-password", "vol").code == 0
    as_user(monkeypatch, "vol", NEW_PASSWORD)
    assert ok_json(cli("carer", "find", "anyone", "--json"))["count"] == 0


def test_passwd_changes_your_own_password(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", NEW_PASSWORD)
    run = cli("passwd")
    assert run.code == 0, run.err
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD")
    fails(cli("info", "--json"))  # the old password no longer works
    monkeypatch.setenv("CARERDESK_PASSWORD", NEW_PASSWORD)
    assert ok_json(cli("info", "--json"))["site"] == "TST"


def test_passwd_refuses_a_too_short_new_password(
    cli: Cli, db: Path, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = key_path(db).read_bytes()
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", "x")
    fails(cli("passwd"))
    assert key_path(db).read_bytes() == keys
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD")
    assert ok_json(cli("info", "--json"))["site"] == "TST"


def test_recover_with_the_key_from_init_sets_a_new_password(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARERDESK_RECOVERY_KEY", recovery_key.lower().replace("-", " "))
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", NEW_PASSWORD)
    monkeypatch.delenv("CARERDESK_PASSWORD")
    monkeypatch.delenv("CARERDESK_USER")
    run = cli("recover", "--admin", ADMIN)
    assert run.code == 0, run.err
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD")
    as_user(monkeypatch, ADMIN, ADMIN_PASSWORD)
    fails(cli("info", "--json"))
    as_user(monkeypatch, ADMIN, NEW_PASSWORD)
    assert ok_json(cli("info", "--json"))["site"] == "TST"


@pytest.mark.parametrize(
    "key", ["AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", "not a key", ""]
)
def test_recover_with_a_wrong_key_changes_nothing(
    cli: Cli, db: Path, recovery_key: str, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    before = snapshot(db.parent)
    monkeypatch.setenv("CARERDESK_RECOVERY_KEY", key)
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", NEW_PASSWORD)
    fails(cli("recover"))
    assert snapshot(db.parent) == before
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD")
    assert ok_json(cli("info", "--json"))["site"] == "TST"


def test_recover_only_resets_coordinators(
    cli: Cli, recovery_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_volunteer(cli, monkeypatch)
    monkeypatch.setenv("CARERDESK_RECOVERY_KEY", recovery_key)
    monkeypatch.setenv("CARERDESK_NEW_PASSWORD", NEW_PASSWORD)
    assert "coordinator" in fails(cli("recover", "--admin", "vol"))


