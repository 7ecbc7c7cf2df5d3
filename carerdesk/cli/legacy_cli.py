"""``carerdesk import-legacy FILE``: bring in an old register, accounting for every row."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from carerdesk.cli.common import ExitCode, emit_json, say, signed_in
from carerdesk.legacy import import_register, load_register
from carerdesk.legacy.mapping import FIELDS

PASSWORD_ENV = "CARERDESK_IMPORT_PASSWORD"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-legacy",
        help="import carers from an old register (.xlsx, .xls, .ods or .csv)",
        description="Import carers from an old register. Every row ends imported, "
        "a duplicate (for review) or rejected with a reason; with --rejects those rows "
        f"are written to a workbook to fix and import again. A password-protected file "
        f"is opened with {PASSWORD_ENV}.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: the first)")
    p.add_argument(
        "--header-row", type=int, metavar="N", help="the header's row number (default: found)"
    )
    p.add_argument("--mapping", metavar="FILE.json", help="a saved column mapping to use")
    p.add_argument(
        "--save-mapping", metavar="FILE.json", help="save the mapping used, to use again"
    )
    p.add_argument("--rejects", metavar="OUT.xlsx", help="write rejected and duplicate rows here")
    p.add_argument("--dry-run", action="store_true", help="count what would happen, change nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import_legacy)


def cmd_import_legacy(args: argparse.Namespace) -> int:
    register = load_register(
        Path(args.file).expanduser(),
        sheet=args.sheet,
        mapping=Path(args.mapping).expanduser() if args.mapping else None,
        header_row=args.header_row,
        password=os.environ.get(PASSWORD_ENV) or None,
    )
    if args.save_mapping:
        register.mapping().save(Path(args.save_mapping).expanduser())
    rejects = Path(args.rejects).expanduser() if args.rejects else None
    with signed_in(args) as desk, desk.transaction() as tx:
        result = import_register(tx, register, dry_run=args.dry_run, rejects_path=rejects)
    if args.json:
        emit_json(result.counts())
        return ExitCode.OK
    say(f"Sheet “{register.sheet}”, header on row {register.header_row}.")
    for index, name in sorted(register.columns.items()):
        say(f"  {register.header[index]} → {FIELDS[name]}")
    verb = "would be imported" if args.dry_run else "imported"
    say(
        f"{result.rows} row(s): {result.imported} {verb}, {result.duplicates} duplicate(s), "
        f"{result.rejected} rejected; {result.blank} blank row(s) skipped."
    )
    if (result.rejected or result.duplicates) and rejects is None:
        say("Use --rejects OUT.xlsx to get the rows not imported, with reasons.")
    elif rejects is not None:
        say(f"Rows not imported, with reasons: {rejects}")
    return ExitCode.OK
