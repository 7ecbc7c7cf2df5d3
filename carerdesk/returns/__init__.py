"""The monthly return: anonymous activity events and the figures counted from them.

- ``carerdesk.returns.events``: session hooks that record anonymous events as
  things happen (importing the module installs them);
- ``carerdesk.returns.backfill``: ``backfill_events(tx)`` for records made before;
- ``carerdesk.returns.figures``: ``month_figures(tx, "YYYY-MM") -> ReturnFigures``;
- ``carerdesk.returns.workbook``: ``write_return(tx, "YYYY-MM", path)``.

The names are re-exported here lazily, so importing the hooks stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "backfill_events": "carerdesk.returns.backfill",
    "month_figures": "carerdesk.returns.figures",
    "parse_month": "carerdesk.returns.figures",
    "ReturnFigures": "carerdesk.returns.figures",
    "write_return": "carerdesk.returns.workbook",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(_WHERE[name]), name)
