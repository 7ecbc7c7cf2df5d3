"""Start the desktop app (imports Qt only when called)."""

from __future__ import annotations

from pathlib import Path

from carerdesk.errors import CarerdeskError


def launch_gui(db: Path, *, username: str | None = None, password: str | None = None) -> int:
    """Open the window on ``db``; signed in already when a login is given."""
    try:
        from carerdesk.ui.app import run_app
    except ImportError:
        raise CarerdeskError(
            "The desktop window is not available in this installation; "
            "use the commands instead (carerdesk --help)."
        ) from None
    return run_app(db, username=username, password=password)
