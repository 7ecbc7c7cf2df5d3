"""People who sign in: adding, disabling, passwords and roles.

Each user's password wraps the database's data key in the key file, so these
calls change the key file as well as the user table. The key file is changed
first and put back if the transaction does not commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue, NotFound, WrongPassword
from carerdesk.models import User
from carerdesk.models.enums import Role
from carerdesk.services.permissions import Permission
from carerdesk.store.keyfile import KeyFile
from carerdesk.validation import check_new_password, check_username, tidy


@dataclass(frozen=True)
class UserSummary:
    username: str
    display_name: str
    role: Role
    disabled: bool
    must_change_password: bool
    last_sign_in: datetime | None

    @classmethod
    def of(cls, user: User) -> UserSummary:
        return cls(
            user.username,
            user.display_name,
            user.role,
            user.disabled,
            user.must_change_password,
            user.last_sign_in,
        )


def _change_keyfile(tx: Tx, change) -> None:  # type: ignore[no-untyped-def]
    """Apply ``change(keyfile)`` to the key file now, undone on rollback."""
    path = tx.desk.keys_path
    before = path.read_bytes()
    keyfile = KeyFile.load(path)
    change(keyfile)
    keyfile.save(path)

    def undo() -> None:
        tmp = path.with_name(path.name + ".undo")
        tmp.write_bytes(before)
        tmp.replace(path)

    tx.on_rollback(undo)


def _find(tx: Tx, username: str) -> User:
    user = tx.session.exec(
        select(User).where(User.username == KeyFile.slot(username), User.deleted == False)  # noqa: E712
    ).first()
    if user is None:
        raise NotFound("There is no user with that username.")
    return user


def list_users(tx: Tx) -> list[UserSummary]:
    tx.require(Permission.MANAGE_USERS)
    rows = tx.session.exec(
        select(User).where(User.deleted == False).order_by(User.username)  # noqa: E712
    ).all()
    return [UserSummary.of(u) for u in rows]


def add_user(
    tx: Tx,
    *,
    username: str,
    role: Role,
    password: str,
    display_name: str | None = None,
    must_change_password: bool = False,
) -> UserSummary:
    """Add a user who can sign in with ``password`` (coordinators only)."""
    tx.require(Permission.MANAGE_USERS)
    errors: dict[str, str] = {}
    try:
        username = check_username(username)
    except ValueError as exc:
        errors["username"] = str(exc)
    try:
        check_new_password(password)
    except ValueError as exc:
        errors["password"] = str(exc)
    if errors:
        raise InvalidValue(errors)
    existing = tx.session.exec(select(User).where(User.username == username)).first()
    if existing is not None:
        raise InvalidValue({"username": "That username is already taken"})
    user = User(
        username=username,
        display_name=tidy(display_name) or username,
        role=role,
        must_change_password=must_change_password,
    )
    tx.session.add(user)
    tx.session.flush()
    tx.audit("user.add", user)
    _change_keyfile(tx, lambda kf: kf.set_user(username, password, tx.desk.data_key))
    return UserSummary.of(user)


def disable_user(tx: Tx, username: str) -> UserSummary:
    """Stop a user signing in: their wrapped key is removed from the key file."""
    tx.require(Permission.MANAGE_USERS)
    user = _find(tx, username)
    if user.id == tx.actor.user_id:
        raise CarerdeskError("You cannot disable your own account.")
    if user.role is Role.COORDINATOR and not user.disabled:
        others = tx.session.exec(
            select(User).where(
                User.role == Role.COORDINATOR,
                User.disabled == False,  # noqa: E712
                User.deleted == False,  # noqa: E712
                User.id != user.id,
            )
        ).first()
        if others is None:
            raise CarerdeskError("You cannot disable the last coordinator.")
    user.disabled = True
    tx.audit("user.disable", user)
    _change_keyfile(tx, lambda kf: kf.remove_user(user.username))
    return UserSummary.of(user)


def reset_password(tx: Tx, username: str, new_password: str) -> UserSummary:
    """Give a user a new password (and re-enable them); they must change it on sign-in."""
    tx.require(Permission.MANAGE_USERS)
    try:
        check_new_password(new_password)
    except ValueError as exc:
        raise InvalidValue({"password": str(exc)}) from None
    user = _find(tx, username)
    user.disabled = False
    user.must_change_password = user.id != tx.actor.user_id
    tx.audit("user.reset_password", user)
    _change_keyfile(tx, lambda kf: kf.set_user(user.username, new_password, tx.desk.data_key))
    return UserSummary.of(user)


def set_role(tx: Tx, username: str, role: Role) -> UserSummary:
    tx.require(Permission.MANAGE_USERS)
    user = _find(tx, username)
    if user.id == tx.actor.user_id and role is not Role.COORDINATOR:
        raise CarerdeskError("You cannot take away your own coordinator role.")
    user.role = role
    tx.audit("user.set_role", user)
    return UserSummary.of(user)


def change_own_password(tx: Tx, current_password: str, new_password: str) -> None:
    """Any user may change their own password, knowing the current one."""
    try:
        KeyFile.load(tx.desk.keys_path).unwrap_for_user(tx.actor.username, current_password)
    except WrongPassword:
        raise InvalidValue({"current_password": "The current password is not right"}) from None
    try:
        check_new_password(new_password)
    except ValueError as exc:
        raise InvalidValue({"new_password": str(exc)}) from None
    if new_password == current_password:
        raise InvalidValue({"new_password": "The new password must differ from the current one"})
    user = _find(tx, tx.actor.username)
    user.must_change_password = False
    tx.audit("user.change_password", user)
    _change_keyfile(tx, lambda kf: kf.set_user(tx.actor.username, new_password, tx.desk.data_key))


def current_user(tx: Tx) -> UserSummary:
    return UserSummary.of(_find(tx, tx.actor.username))
