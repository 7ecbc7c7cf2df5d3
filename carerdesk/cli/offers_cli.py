"""``carerdesk offers export|import``: the offers sheet out to a workbook and back."""

from __future__ import annotations

import argparse
from pathlib import Path

from carerdesk.cli.common import ExitCode, emit_json, say, signed_in
from carerdesk.sheets.offers_sheet import export_offers, import_offers


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("offers", help="the offers sheet: export to edit in Excel, import it back")
    osub = p.add_subparsers(dest="offers_command", required=True, metavar="ACTION")

    q = osub.add_parser("export", help="write businesses and offers to a workbook")
    q.add_argument("--out", required=True, metavar="FILE.xlsx")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_export)

    q = osub.add_parser("import", help="apply an edited offers workbook")
    q.add_argument("file", metavar="FILE.xlsx")
    q.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_import)


def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.out).expanduser()
    with signed_in(args) as desk, desk.read() as tx:
        rows = export_offers(tx, out)
    if args.json:
        emit_json({"out": str(out), "rows": rows})
    else:
        say(f"Wrote {rows} rows to {out}.")
    return ExitCode.OK


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    with signed_in(args) as desk, desk.transaction() as tx:
        result = import_offers(tx, path, dry_run=args.dry_run)
    problems = [{"row": p.row_number, "reason": p.reason} for p in result.refused]
    if args.json:
        emit_json(
            {
                "updated": result.updated,
                "added": result.added,
                "unchanged": result.unchanged,
                "refused": len(result.refused),
                "problems": problems,
            }
        )
        return ExitCode.OK
    what = "Would change" if args.dry_run else "Changed"
    say(
        f"{what}: {result.updated} updated, {result.added} added, "
        f"{result.unchanged} unchanged, {len(result.refused)} refused."
    )
    for p in problems:
        say(f"  row {p['row']}: {p['reason']}")
    return ExitCode.OK
