"""``carerdesk export`` / ``import``: share records with the scheme's other sites by file.

Also ``init --from FILE.xlsx``: start a new site from another site's export
(``add_init_from`` / ``run_init_from``, wired into ``init`` by cli/admin.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from carerdesk.cli.common import (
    ExitCode,
    ask,
    ask_new_password,
    db_path,
    emit_json,
    say,
    signed_in,
)
from carerdesk.errors import CarerdeskError

PASSWORD_ENV = "CARERDESK_EXPORT_PASSWORD"
_PREVIEW = 20
_VERB = {"inserted": "add", "updated": "update", "deleted": "delete"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how an encrypted workbook starts


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export this site's records for the scheme's other sites (encrypted)"
    )
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument(
        "--no-encrypt",
        action="store_true",
        help="write the file without a password (it holds personal data in clear)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help="merge another site's export into this database")
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    p.add_argument(
        "--conflicts-json",
        metavar="FILE",
        help="also write the conflicts (records and field names, never values) to FILE",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)


def add_init_from(parser: argparse.ArgumentParser) -> None:
    """Give ``init`` its ``--from FILE.xlsx`` option."""
    parser.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE.xlsx",
        help="join an existing scheme from another site's export (instead of --scheme)",
    )


def file_password(path: Path) -> str | None:
    """The export's password: CARERDESK_EXPORT_PASSWORD, else asked if the file has one."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    try:
        with path.open("rb") as f:
            encrypted = f.read(8) == _OLE_MAGIC
    except OSError:
        return None  # reading it will say what is wrong
    return ask("Password for the file: ", PASSWORD_ENV) if encrypted else None


def cmd_export(args: argparse.Namespace) -> int:
    from carerdesk.exchange import export_file
    from carerdesk.sheets.writer import generate_passphrase

    out = Path(args.out).expanduser()
    generated = False
    if args.no_encrypt:
        password = None
        print(
            "carerdesk: warning: the export is NOT encrypted, and it holds personal data. "
            "Keep it safe, and delete it once the other site has imported it.",
            file=sys.stderr,
        )
    else:
        password = os.environ.get(PASSWORD_ENV) or None
        if password is None:
            password, generated = generate_passphrase(), True
    with signed_in(args) as desk:
        summary = export_file(desk, out, password=password)
    if args.json:
        doc: dict[str, Any] = summary.to_json()
        if generated:
            doc["password"] = password
        emit_json(doc)
        return ExitCode.OK
    say(f"Wrote {sum(summary.counts.values()):,} records to {out}")
    if generated:
        say()
        say("PASSWORD for the file - shown only now. Give it to the other site separately")
        say("(by phone, not in the same email as the file):")
        say()
        say(f"    {password}")
    return ExitCode.OK


def cmd_import(args: argparse.Namespace) -> int:
    from carerdesk.exchange import import_file

    path = Path(args.file).expanduser()
    password = file_password(path)
    with signed_in(args) as desk:
        result = import_file(desk, path, password=password, dry_run=args.dry_run)
    for c in result.conflicts:
        print(
            f"carerdesk: conflict: {c.record_type} {c.record_id} was changed at both sites "
            f"({', '.join(c.fields)}); the value here was kept.",
            file=sys.stderr,
        )
    if result.likely_duplicates:
        print(
            f"carerdesk: {result.likely_duplicates} carer(s) from {result.site} look like people "
            "already registered here; they are listed for a coordinator to check.",
            file=sys.stderr,
        )
    if args.conflicts_json:
        conflicts = [
            {"conflict_id": None if result.dry_run else c.conflict_id,
             "record_type": c.record_type, "record_id": str(c.record_id),
             "fields": list(c.fields)}
            for c in result.conflicts
        ]  # fmt: skip
        Path(args.conflicts_json).expanduser().write_text(
            json.dumps(conflicts, indent=2) + "\n", encoding="utf-8"
        )
    if args.json:
        emit_json(result.to_json())
        return ExitCode.OK
    for sheet, counts in result.per_sheet.items():
        if counts.inserted or counts.updated or counts.deleted or counts.conflicts:
            say(f"  {sheet.replace('_', ' '):<16} {counts.inserted:>7,} new  "
                f"{counts.updated:>7,} changed  {counts.deleted:>6,} deleted  "
                f"{counts.conflicts:>5,} conflicts")  # fmt: skip
    t = result.totals
    say(
        f"From site {result.site}: {t.inserted:,} new, {t.updated:,} changed, "
        f"{t.deleted:,} deleted, {t.conflicts:,} conflicts, {t.unchanged:,} unchanged."
    )
    if result.dry_run:
        for change in result.changes[:_PREVIEW]:
            say(f"  would {_VERB[change.action]} {change.record_type} {change.record_id}")
        if t.inserted + t.updated + t.deleted > _PREVIEW:
            say(f"  ... and {t.inserted + t.updated + t.deleted - _PREVIEW:,} more")
        say("Dry run: nothing was changed.")
    elif result.backup:
        say(f"A copy of the database from before the import is at {result.backup}")
    return ExitCode.OK


def run_init_from(args: argparse.Namespace) -> int:
    """``carerdesk init --from FILE.xlsx --site CODE --admin USERNAME``."""
    from carerdesk.exchange import join_scheme

    path = db_path(args)
    source = Path(args.from_file).expanduser()
    if not source.is_file():
        raise CarerdeskError("There is no export file at the place given.")
    export_password = file_password(source)
    password = os.environ.get("CARERDESK_PASSWORD") or ask_new_password(
        "CARERDESK_PASSWORD", "the coordinator's"
    )
    recovery = join_scheme(
        path,
        source,
        password=export_password,
        site_code=args.site,
        admin_username=args.admin,
        admin_password=password,
        site_name=getattr(args, "site_name", None),
        admin_display_name=getattr(args, "admin_name", None),
    )
    if getattr(args, "json", False):
        emit_json({"database": path, "site": args.site.upper(), "recovery_key": recovery})
        return ExitCode.OK
    say(f"Created the database at {path}, joined to the scheme of the export.")
    say()
    say("RECOVERY KEY - write this down now and keep it somewhere safe and locked:")
    say()
    say(f"    {recovery}")
    say()
    say("It is shown only this once. With it, a coordinator can set a new password")
    say("if every password is forgotten. Without it, the data cannot be recovered.")
    return ExitCode.OK
