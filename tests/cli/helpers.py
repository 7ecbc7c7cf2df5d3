"""Shared bits for the CLI tests: credentials, a command's result, assertions."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ADMIN = "admin"
ADMIN_PASSWORD = "admin-password-1"
NEW_PASSWORD = "brand-new-password-2"
VOLUNTEER_PASSWORD = "volunteer-password-3"
TESTY = ["--first", "Testy", "--last", "McTestface", "--dob", "1970-01-02",
         "--postcode", "sg11aa", "--phone", "07700 900123", "--consent", "all"]  # fmt: skip


@dataclass
class Run:
    """What one command did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout as exactly one JSON document (json.loads rejects trailing text)."""
        return json.loads(self.out)


Cli = Callable[..., Run]


def ok_json(run: Run) -> Any:
    """Exit 0 and one JSON document on stdout; returns it."""
    assert run.code == 0, (run.code, run.err)
    return run.json()


def fails(run: Run) -> str:
    """Exit 1 with one plain line on stderr; returns that line."""
    assert run.code == 1, (run.code, run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("carerdesk: ")
    return lines[0]


def carer_count(cli: Cli) -> int:
    return ok_json(cli("info", "--json"))["counts"]["carers"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` by name, to prove nothing was written."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def as_user(monkeypatch: pytest.MonkeyPatch, name: str, password: str) -> None:
    monkeypatch.setenv("CARERDESK_USER", name)
    monkeypatch.setenv("CARERDESK_PASSWORD", password)
