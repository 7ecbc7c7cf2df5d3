"""Shared fixtures: a real encrypted database in a temp folder, per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from carerdesk.desk import Desk, create_database, open_desk
from carerdesk.models.enums import Role

ADMIN = "admin"
ADMIN_PASSWORD = "admin-password-1"
USER_PASSWORD = "user-password-1"


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    # Real Argon2id, but with OWASP's minimum settings so tests stay quick.
    monkeypatch.setattr("carerdesk.store.keyfile.ARGON2_MEMORY_KIB", 19456)
    monkeypatch.setattr("carerdesk.store.keyfile.ARGON2_TIME", 2)
    monkeypatch.setattr("carerdesk.store.keyfile.ARGON2_LANES", 1)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "carerdesk.db"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One freshly created database, copied for each test (creating costs ~0.5 s)."""
    from carerdesk.store import keyfile

    saved = keyfile.ARGON2_MEMORY_KIB, keyfile.ARGON2_TIME, keyfile.ARGON2_LANES
    keyfile.ARGON2_MEMORY_KIB, keyfile.ARGON2_TIME, keyfile.ARGON2_LANES = 19456, 2, 1
    try:
        path = tmp_path_factory.mktemp("template") / "carerdesk.db"
        key = create_database(
            path,
            scheme_name="Testshire Carer Passport",
            site_code="TST",
            admin_username=ADMIN,
            admin_password=ADMIN_PASSWORD,
            admin_display_name="Test Coordinator",
        )
    finally:
        keyfile.ARGON2_MEMORY_KIB, keyfile.ARGON2_TIME, keyfile.ARGON2_LANES = saved
    return path, key


@pytest.fixture
def recovery_key(db_path: Path, _template: tuple[Path, str]) -> str:
    """A new database at ``db_path`` (a copy of the template); its recovery key."""
    source, key = _template
    for suffix in ("", ".keys"):
        shutil.copyfile(
            source.with_name(source.name + suffix), db_path.with_name(db_path.name + suffix)
        )
    return key


@pytest.fixture
def desk(db_path: Path, recovery_key: str) -> Iterator[Desk]:
    d = open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    yield d
    d.close()


@pytest.fixture
def desk_as(desk: Desk, db_path: Path) -> Iterator[Callable[[Role], Desk]]:
    """Open the same database as a new user with the given role."""
    from carerdesk.services import users

    opened: list[Desk] = []

    def _open(role: Role) -> Desk:
        name = f"{role.value}{len(opened) + 1}"
        with desk.transaction() as tx:
            users.add_user(
                tx, username=name, display_name=name.title(), role=role, password=USER_PASSWORD
            )
        d = open_desk(db_path, name, USER_PASSWORD)
        opened.append(d)
        return d

    yield _open
    for d in opened:
        d.close()
