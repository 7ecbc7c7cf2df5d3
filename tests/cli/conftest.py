"""Fixtures for the CLI tests: environment, an in-process runner, an initialised DB."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from carerdesk.cli.main import main

from .helpers import ADMIN, ADMIN_PASSWORD, Cli, Run


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for the CLI: a database path (not yet created), admin credentials."""
    path = tmp_path / "desk" / "cli.db"
    monkeypatch.setenv("CARERDESK_DB", str(path))
    monkeypatch.setenv("CARERDESK_USER", ADMIN)
    monkeypatch.setenv("CARERDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("CARERDESK_NEW_PASSWORD", raising=False)
    monkeypatch.delenv("CARERDESK_RECOVERY_KEY", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: never prompt
    monkeypatch.setattr("carerdesk.cli.main.setup_logging", lambda: None)
    # Every command signs in afresh, so make Argon2 cheaper still than tests/conftest.py.
    monkeypatch.setattr("carerdesk.store.keyfile.ARGON2_MEMORY_KIB", 1024)
    monkeypatch.setattr("carerdesk.store.keyfile.ARGON2_TIME", 1)
    return path


@pytest.fixture
def cli(db: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """``cli("carer", "find", "x")`` runs the command in-process and returns a Run."""

    def _run(*argv: str) -> Run:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse: usage errors, --help, --version
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Run(int(code), out, err)

    return _run


@pytest.fixture
def recovery_key(cli: Cli, db: Path) -> str:
    """``init --json`` a fresh database; returns the recovery key it printed."""
    run = cli("init", "--scheme", "Testshire Carer Passport", "--site", "tst",
              "--admin", ADMIN, "--json")  # fmt: skip
    assert run.code == 0, run.err
    doc = run.json()
    assert set(doc) == {"database", "site", "recovery_key"}
    assert Path(doc["database"]) == db
    assert doc["site"] == "TST"
    return doc["recovery_key"]
