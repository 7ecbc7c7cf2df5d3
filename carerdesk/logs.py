"""Logging to a file in the user log folder. Never log personal values."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from carerdesk.store.paths import log_dir

_configured = False


def log_file() -> Path:
    return log_dir() / "carerdesk.log"


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send log records to a rotating file; return its path (None if unwritable)."""
    global _configured
    path = log_file()
    if _configured:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("carerdesk")
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
    return path
