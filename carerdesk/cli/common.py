"""Shared CLI plumbing: exit codes, sign-in, prompts and JSON output."""

from __future__ import annotations

import dataclasses
import enum
import getpass
import json
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel

from carerdesk.desk import Desk, open_desk
from carerdesk.errors import CarerdeskError
from carerdesk.store.paths import default_db_path


class ExitCode(enum.IntEnum):
    OK = 0
    USER_ERROR = 1
    USAGE = 2
    INTERNAL = 3


def db_path(args: Any) -> Path:
    return Path(args.db).expanduser() if args.db else default_db_path()


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def ask(prompt: str, env: str, *, secret: bool = True) -> str:
    """A value from the environment variable ``env``, else prompt for it."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not _interactive():
        raise CarerdeskError(f"Set {env}, or run this in a terminal to be asked.")
    return getpass.getpass(prompt) if secret else input(prompt)


def ask_new_password(env: str = "CARERDESK_NEW_PASSWORD", who: str = "the new") -> str:
    """A new password from ``env``, else asked twice in the terminal."""
    value = os.environ.get(env)
    if value is not None:
        return value
    first = ask(f"Choose {who} password: ", env)
    if getpass.getpass("Type it again: ") != first:
        raise CarerdeskError("The two passwords were not the same; nothing was changed.")
    return first


def sign_in(args: Any) -> Desk:
    """Unlock the database as ``--user`` / ``CARERDESK_USER`` with ``CARERDESK_PASSWORD``."""
    username = args.user or os.environ.get("CARERDESK_USER")
    if not username:
        username = ask("Username: ", "CARERDESK_USER", secret=False)
    password = ask("Password: ", "CARERDESK_PASSWORD")
    return open_desk(db_path(args), username.strip(), password)


@contextmanager
def signed_in(args: Any) -> Iterator[Desk]:
    """Sign in for one command; the desk is closed however the command ends."""
    desk = sign_in(args)
    try:
        yield desk
    finally:
        desk.close()


def jsonable(value: Any) -> Any:
    """Dates, UUIDs, enums, dataclasses and SQLModel rows as plain JSON values."""
    if isinstance(value, SQLModel):
        return {k: jsonable(v) for k, v in value.model_dump().items() if not isinstance(v, bytes)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Path):
        return str(value)
    return value


def emit_json(value: Any) -> None:
    json.dump(jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def say(text: str = "") -> None:
    print(text)
