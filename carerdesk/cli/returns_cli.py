"""``carerdesk returns``: the monthly return for commissioners, as an Excel workbook."""

from __future__ import annotations

import argparse
from pathlib import Path

from carerdesk.cli.common import ExitCode, emit_json, say, signed_in
from carerdesk.returns import events  # noqa: F401  (records events while the CLI runs)
from carerdesk.returns.backfill import backfill_events
from carerdesk.returns.figures import month_figures, month_label, parse_month
from carerdesk.returns.workbook import shown_figures, write_return


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("returns", help="write the monthly return (figures for commissioners)")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, e.g. 2026-05")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--json", action="store_true", help="also print the figures as JSON")
    p.set_defaults(handler=cmd_returns)


def cmd_returns(args: argparse.Namespace) -> int:
    month = parse_month(args.month)  # a mistyped month fails before signing in
    out = Path(args.out).expanduser()
    with signed_in(args) as desk, desk.transaction() as tx:
        backfill_events(tx)  # counts records made before events were recorded (once)
        write_return(tx, month, out)
        doc = shown_figures(month_figures(tx, month)) if args.json else None
    if doc is not None:
        emit_json({"out": str(out), **doc})
    else:
        say(f"The return for {month_label(month)} was written to {out}.")
    return ExitCode.OK
