"""The database and its key file never hold personal data in clear, and a
failed open changes nothing on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from carerdesk.desk import create_database, open_desk
from carerdesk.errors import (
    AccountUnavailable,
    DatabaseDamaged,
    DatabaseExists,
    DatabaseMissing,
    WrongPassword,
)
from carerdesk.services import carers
from carerdesk.store.paths import key_path
from tests.conftest import ADMIN, ADMIN_PASSWORD

NAME = "Zebedee Quixotically"
POSTCODE = "SG1 1AA"


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _register(desk) -> None:  # type: ignore[no-untyped-def]
    first, last = NAME.split()
    with desk.transaction() as tx:
        carers.register(
            tx,
            carers.CarerFields(
                first_name=first,
                last_name=last,
                postcode=POSTCODE,
                phone="07700 900123",
                consent_keep_record=True,
            ),
        )


def test_no_plaintext_name_or_postcode_in_any_file(desk, db_path):
    _register(desk)
    # Look while the change may still sit in the write-ahead log, then after it is folded in.
    for _ in range(2):
        for path in db_path.parent.iterdir():
            data = path.read_bytes()
            for needle in (NAME.split()[1], POSTCODE, POSTCODE.replace(" ", ""), "900123"):
                assert needle.encode() not in data, f"{needle!r} readable in {path.name}"
                assert needle.encode("utf-16-le") not in data
        desk.checkpoint()


def test_database_uses_wal_and_full_sync(desk):
    with desk.read() as tx:
        conn = tx.session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")


def test_wrong_password_refuses_and_leaves_every_file_identical(desk, db_path):
    _register(desk)
    desk.close()
    before = _snapshot(db_path.parent)
    with pytest.raises(WrongPassword) as err:
        open_desk(db_path, ADMIN, "not-the-password")
    assert err.value.message == "The password is not right for that username."
    assert _snapshot(db_path.parent) == before


def test_unknown_user_is_refused_plainly(recovery_key, db_path):
    before = _snapshot(db_path.parent)
    with pytest.raises(AccountUnavailable):
        open_desk(db_path, "nobody", ADMIN_PASSWORD)
    assert _snapshot(db_path.parent) == before


@pytest.mark.parametrize("damage", ["truncate", "garble", "zero"])
def test_damaged_database_is_refused_and_not_touched(desk, db_path, damage):
    _register(desk)
    desk.checkpoint()
    desk.close()
    for extra in db_path.parent.glob(db_path.name + "-*"):
        extra.unlink()
    data = bytearray(db_path.read_bytes())
    if damage == "truncate":
        data = data[:100]
    elif damage == "garble":
        data[0:4096] = bytes(4096)
    else:
        data = bytearray(len(data))
    db_path.write_bytes(bytes(data))
    before = _snapshot(db_path.parent)
    with pytest.raises(DatabaseDamaged) as err:
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    assert "damaged" in err.value.message
    assert _snapshot(db_path.parent) == before


def test_missing_database_is_never_created_by_opening(desk, db_path):
    desk.close()
    for p in db_path.parent.glob(db_path.name + "*"):
        if p != key_path(db_path):
            p.unlink()
    with pytest.raises(DatabaseMissing):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    assert not db_path.exists()


def test_damaged_key_file_is_refused(recovery_key, db_path):
    key_path(db_path).write_text("{not json")
    before = _snapshot(db_path.parent)
    with pytest.raises(DatabaseDamaged):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    assert _snapshot(db_path.parent) == before


def test_missing_key_file_is_refused(recovery_key, db_path):
    key_path(db_path).unlink()
    with pytest.raises(DatabaseDamaged):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)


def test_key_file_of_another_database_is_refused(tmp_path, recovery_key, db_path):
    other = tmp_path / "other" / "x.db"
    create_database(
        other,
        scheme_name="Other",
        site_code="OTH",
        admin_username=ADMIN,
        admin_password=ADMIN_PASSWORD,
    )
    key_path(db_path).write_bytes(key_path(other).read_bytes())
    with pytest.raises(DatabaseDamaged):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)


def test_create_refuses_to_overwrite(recovery_key, db_path):
    before = _snapshot(db_path.parent)
    with pytest.raises(DatabaseExists):
        create_database(
            db_path,
            scheme_name="Again",
            site_code="TST",
            admin_username=ADMIN,
            admin_password=ADMIN_PASSWORD,
        )
    assert _snapshot(db_path.parent) == before


def test_key_file_holds_no_clear_key_and_database_header_is_random(desk, db_path):
    raw = key_path(db_path).read_text()
    assert desk.data_key.hex() not in raw
    assert not db_path.read_bytes().startswith(b"SQLite format 3")


def test_no_database_at_all_says_so_plainly(tmp_path):
    with pytest.raises(DatabaseMissing) as err:
        open_desk(tmp_path / "nothing-here.db", ADMIN, ADMIN_PASSWORD)
    assert "no carerdesk database" in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_database_error_never_shows_the_values_it_was_writing(desk):
    from sqlalchemy.exc import IntegrityError

    from carerdesk.models import Carer

    with desk.transaction() as tx:
        carer = Carer(first_name="Secretia", last_name="Testprivate", search_key=1)
        tx.session.add(carer)
    try:
        with desk.transaction() as tx:
            tx.session.add(Carer(first_name="Secretia", last_name="Testprivate", search_key=1))
            tx.session.flush()
    except IntegrityError as exc:
        assert "Secretia" not in str(exc)
        assert "Testprivate" not in str(exc)
    else:
        raise AssertionError("a repeated search key must be refused")
