"""Passwords wrap the data key; the recovery key can set a new password."""

from __future__ import annotations

import pytest

from carerdesk.desk import open_desk, recover_access
from carerdesk.errors import AccountUnavailable, InvalidValue, WrongPassword
from carerdesk.models.enums import Role
from carerdesk.services import carers, users
from carerdesk.store.keyfile import KeyFile
from carerdesk.store.paths import key_path
from carerdesk.store.recovery import new_recovery_key, normalise_recovery_key
from tests.conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD


def test_recovery_key_is_eight_groups_of_four_and_at_least_128_bits():
    key = new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    assert 32 * 5 >= 128
    assert new_recovery_key() != key


def test_recovery_key_typed_sloppily_still_reads():
    key = new_recovery_key()
    sloppy = key.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_recovery_key(sloppy) == key
    assert normalise_recovery_key("too short") is None


def test_recovery_key_sets_a_new_password_when_all_are_forgotten(desk, db_path, recovery_key):
    with desk.transaction() as tx:
        carers.register(tx, carers.CarerFields(first_name="Testy", last_name="McTestface"))
    desk.close()
    recover_access(db_path, recovery_key.lower(), ADMIN, "a-brand-new-password")
    with pytest.raises(WrongPassword):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    again = open_desk(db_path, ADMIN, "a-brand-new-password")
    with again.read() as tx:
        from carerdesk.services import search

        assert search.find_carers(tx, "mctestface").hits
    again.close()


def test_wrong_recovery_key_is_refused(recovery_key, db_path):
    before = key_path(db_path).read_bytes()
    with pytest.raises(WrongPassword):
        recover_access(db_path, new_recovery_key(), ADMIN, "a-brand-new-password")
    with pytest.raises(InvalidValue):
        recover_access(db_path, "not a key", ADMIN, "a-brand-new-password")
    assert key_path(db_path).read_bytes() == before


def test_recovery_only_resets_coordinators(desk, db_path, recovery_key):
    with desk.transaction() as tx:
        users.add_user(tx, username="vol", role=Role.VOLUNTEER, password=USER_PASSWORD)
    with pytest.raises(AccountUnavailable):
        recover_access(db_path, recovery_key, "vol", "a-brand-new-password")


def test_adding_a_user_or_changing_a_password_never_reencrypts(desk, db_path):
    desk.checkpoint()
    salt = db_path.read_bytes()[:16]
    with desk.transaction() as tx:
        users.add_user(tx, username="staffer", role=Role.STAFF, password=USER_PASSWORD)
    with desk.transaction() as tx:
        users.change_own_password(tx, ADMIN_PASSWORD, "another-password-2")
    desk.checkpoint()
    assert db_path.read_bytes()[:16] == salt
    k = KeyFile.load(key_path(db_path))
    assert k.unwrap_for_user("staffer", USER_PASSWORD) == desk.data_key
    assert k.unwrap_for_user(ADMIN, "another-password-2") == desk.data_key


def test_disabled_user_cannot_open(desk, db_path):
    with desk.transaction() as tx:
        users.add_user(tx, username="leaver", role=Role.STAFF, password=USER_PASSWORD)
    open_desk(db_path, "leaver", USER_PASSWORD).close()
    with desk.transaction() as tx:
        users.disable_user(tx, "leaver")
    assert "leaver" not in KeyFile.load(key_path(db_path)).users
    with pytest.raises(AccountUnavailable):
        open_desk(db_path, "leaver", USER_PASSWORD)


def test_unlock_and_usernames_ignore_case(desk, db_path):
    open_desk(db_path, ADMIN.upper(), ADMIN_PASSWORD).close()


def test_key_file_is_replaced_atomically(desk, db_path):
    folder = db_path.parent
    with desk.transaction() as tx:
        users.add_user(tx, username="temp1", role=Role.STAFF, password=USER_PASSWORD)
    assert not [p for p in folder.iterdir() if p.name.startswith(".keys-")]
