"""People who sign in: the user table and the key file stay in step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from carerdesk.desk import Desk, open_desk
from carerdesk.errors import (
    AccountUnavailable,
    CarerdeskError,
    InvalidValue,
    NotFound,
    PermissionDenied,
    WrongPassword,
)
from carerdesk.models.enums import Role
from carerdesk.services import carers, users
from carerdesk.store.keyfile import KeyFile
from tests.conftest import ADMIN, ADMIN_PASSWORD, USER_PASSWORD

NEW_PASSWORD = "brand-new-pass-2"


def _slots(desk: Desk) -> set[str]:
    return set(KeyFile.load(desk.keys_path).users)


def _add(desk: Desk, username: str, role: Role = Role.VOLUNTEER, **kw: object) -> None:
    with desk.transaction() as tx:
        users.add_user(tx, username=username, role=role, password=USER_PASSWORD, **kw)


def _sign_in(db_path: Path, username: str, password: str) -> Desk:
    desk = open_desk(db_path, username, password)
    desk.close()
    return desk


def test_added_user_is_listed_and_can_sign_in(desk: Desk, db_path: Path) -> None:
    with desk.transaction() as tx:
        summary = users.add_user(
            tx,
            username="  Vera.Volunteer ",
            role=Role.VOLUNTEER,
            password=USER_PASSWORD,
            display_name=" Vera  Volunteer ",
            must_change_password=True,
        )
    assert summary.username == "vera.volunteer"
    assert (summary.display_name, summary.role) == ("Vera Volunteer", Role.VOLUNTEER)
    with desk.read() as tx:
        listed = users.list_users(tx)
    assert [u.username for u in listed] == [ADMIN, "vera.volunteer"]
    assert listed[1].must_change_password and not listed[1].disabled
    assert _slots(desk) == {ADMIN, "vera.volunteer"}
    signed_in = _sign_in(db_path, "Vera.Volunteer", USER_PASSWORD)
    assert signed_in.actor.role is Role.VOLUNTEER
    with desk.read() as tx:
        assert users.list_users(tx)[1].last_sign_in is not None


def test_add_user_checks_username_and_password(desk: Desk) -> None:
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as caught:
            users.add_user(tx, username="1 bad name", role=Role.STAFF, password="short")
        assert set(caught.value.errors) == {"username", "password"}
        with pytest.raises(InvalidValue) as taken:
            users.add_user(tx, username="ADMIN", role=Role.STAFF, password=USER_PASSWORD)
        assert "taken" in taken.value.errors["username"]
    assert _slots(desk) == {ADMIN}


def test_disabled_user_cannot_sign_in_and_loses_their_key(desk: Desk, db_path: Path) -> None:
    _add(desk, "vera")
    with desk.transaction() as tx:
        summary = users.disable_user(tx, "VERA")
    assert summary.disabled
    assert "vera" not in _slots(desk)
    with pytest.raises(AccountUnavailable):
        open_desk(db_path, "vera", USER_PASSWORD)


def test_reset_password_re_enables_and_asks_for_a_change(desk: Desk, db_path: Path) -> None:
    _add(desk, "vera")
    with desk.transaction() as tx:
        users.disable_user(tx, "vera")
    with desk.transaction() as tx:
        summary = users.reset_password(tx, "vera", NEW_PASSWORD)
    assert not summary.disabled and summary.must_change_password
    with pytest.raises(WrongPassword):
        open_desk(db_path, "vera", USER_PASSWORD)
    vera = open_desk(db_path, "vera", NEW_PASSWORD)
    try:
        with vera.transaction() as tx:
            users.change_own_password(tx, NEW_PASSWORD, "veras-own-pass-3")
        with vera.read() as tx:
            assert not users.current_user(tx).must_change_password
    finally:
        vera.close()
    _sign_in(db_path, "vera", "veras-own-pass-3")


def test_reset_password_checks_the_new_password_and_the_user(desk: Desk) -> None:
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue):
            users.reset_password(tx, ADMIN, "short")
        with pytest.raises(NotFound):
            users.reset_password(tx, "nobody", NEW_PASSWORD)


def test_cannot_disable_yourself(desk: Desk) -> None:
    with desk.transaction() as tx, pytest.raises(CarerdeskError, match="your own"):
        users.disable_user(tx, ADMIN)
    assert _slots(desk) == {ADMIN}


def test_a_disabled_users_open_desk_stops_working(desk: Desk, db_path: Path) -> None:
    _add(desk, "cora", Role.COORDINATOR)
    cora = open_desk(db_path, "cora", USER_PASSWORD)
    try:
        with cora.transaction() as tx:
            users.disable_user(tx, ADMIN)
    finally:
        cora.close()
    # The admin's desk was still open, but every later action is refused.
    with pytest.raises(AccountUnavailable), desk.transaction():
        pass
    with pytest.raises(AccountUnavailable), desk.read():
        pass
    _sign_in(db_path, "cora", USER_PASSWORD)


def test_a_role_change_applies_to_an_open_desk(desk: Desk, db_path: Path) -> None:
    _add(desk, "cora", Role.COORDINATOR)
    cora = open_desk(db_path, "cora", USER_PASSWORD)
    try:
        with desk.transaction() as tx:
            users.set_role(tx, "cora", Role.VOLUNTEER)
        with cora.read() as tx, pytest.raises(PermissionDenied):
            users.list_users(tx)
    finally:
        cora.close()


def test_set_role_changes_what_a_user_may_do(desk: Desk, db_path: Path) -> None:
    _add(desk, "vera")
    with desk.transaction() as tx:
        assert users.set_role(tx, "vera", Role.STAFF).role is Role.STAFF
    staff = open_desk(db_path, "vera", USER_PASSWORD)
    try:
        assert staff.actor.role is Role.STAFF
    finally:
        staff.close()
    with desk.transaction() as tx, pytest.raises(CarerdeskError, match="own coordinator"):
        users.set_role(tx, ADMIN, Role.STAFF)


def test_volunteer_cannot_see_or_add_users(desk_as: Callable[[Role], Desk]) -> None:
    for role in (Role.VOLUNTEER, Role.STAFF):
        other = desk_as(role)
        with other.transaction() as tx:
            with pytest.raises(PermissionDenied):
                users.list_users(tx)
            with pytest.raises(PermissionDenied):
                users.add_user(tx, username="sneaky", role=Role.COORDINATOR, password=USER_PASSWORD)
            with pytest.raises(PermissionDenied):
                users.disable_user(tx, ADMIN)
            with pytest.raises(PermissionDenied):
                users.set_role(tx, other.actor.username, Role.COORDINATOR)
        assert "sneaky" not in _slots(other)


def test_failed_transaction_puts_the_key_file_back(desk: Desk, db_path: Path) -> None:
    before = desk.keys_path.read_bytes()
    with pytest.raises(RuntimeError), desk.transaction() as tx:
        users.add_user(tx, username="vera", role=Role.VOLUNTEER, password=USER_PASSWORD)
        assert "vera" in _slots(desk)  # the key file changes straight away...
        raise RuntimeError("something later in the same action failed")
    assert desk.keys_path.read_bytes() == before  # ...and is put back byte for byte
    with pytest.raises(AccountUnavailable):
        open_desk(db_path, "vera", USER_PASSWORD)
    with desk.read() as tx:
        assert [u.username for u in users.list_users(tx)] == [ADMIN]
    assert sorted(p.name for p in desk.keys_path.parent.iterdir() if ".undo" in p.name) == []


def test_failed_disable_keeps_the_user_able_to_sign_in(desk: Desk, db_path: Path) -> None:
    _add(desk, "vera")
    before = desk.keys_path.read_bytes()
    with pytest.raises(RuntimeError), desk.transaction() as tx:
        users.disable_user(tx, "vera")
        raise RuntimeError("cancelled")
    assert desk.keys_path.read_bytes() == before
    _sign_in(db_path, "vera", USER_PASSWORD)


def test_changing_a_password_keeps_the_data_key_and_the_data(desk: Desk, db_path: Path) -> None:
    with desk.transaction() as tx:
        carer_id = carers.register(
            tx, carers.CarerFields(first_name="Testy", last_name="McTestface")
        ).id
    key = desk.data_key
    with desk.transaction() as tx:
        users.change_own_password(tx, ADMIN_PASSWORD, NEW_PASSWORD)
    with pytest.raises(WrongPassword):
        open_desk(db_path, ADMIN, ADMIN_PASSWORD)
    again = open_desk(db_path, ADMIN, NEW_PASSWORD)
    try:
        assert again.data_key == key
        with again.read() as tx:
            assert carers.get_carer(tx, carer_id).last_name == "McTestface"
    finally:
        again.close()


def test_change_own_password_needs_the_current_one(desk: Desk, db_path: Path) -> None:
    before = desk.keys_path.read_bytes()
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as wrong:
            users.change_own_password(tx, "not-my-password", NEW_PASSWORD)
        assert set(wrong.value.errors) == {"current_password"}
        with pytest.raises(InvalidValue) as short:
            users.change_own_password(tx, ADMIN_PASSWORD, "short")
        assert set(short.value.errors) == {"new_password"}
        with pytest.raises(InvalidValue) as same:
            users.change_own_password(tx, ADMIN_PASSWORD, ADMIN_PASSWORD)
        assert set(same.value.errors) == {"new_password"}
    assert desk.keys_path.read_bytes() == before


def test_any_role_may_change_their_own_password(
    desk_as: Callable[[Role], Desk], db_path: Path
) -> None:
    volunteer = desk_as(Role.VOLUNTEER)
    with volunteer.transaction() as tx:
        users.change_own_password(tx, USER_PASSWORD, NEW_PASSWORD)
    _sign_in(db_path, volunteer.actor.username, NEW_PASSWORD)
