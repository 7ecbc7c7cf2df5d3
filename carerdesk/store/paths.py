"""Where files live by default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "carerdesk"


def default_db_path() -> Path:
    """``CARERDESK_DB`` if set, else ``carerdesk.db`` in the user data folder."""
    env = os.environ.get("CARERDESK_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, appauthor=False)) / "carerdesk.db"


def key_path(db_path: Path) -> Path:
    """The key file that goes with a database."""
    return db_path.with_name(db_path.name + ".keys")


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP, appauthor=False))
