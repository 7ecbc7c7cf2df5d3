"""Whole exchange operations on a desk: export, import (with a backup first), join a scheme."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from carerdesk.desk import Desk, create_database, open_desk
from carerdesk.errors import InvalidValue
from carerdesk.exchange.export import ExportSummary, Progress, export_site
from carerdesk.exchange.fileformat import ExchangeFile, read_export
from carerdesk.exchange.merge import ImportResult, apply_export
from carerdesk.exchange.records import BY_SHEET
from carerdesk.models import SchemeSettings
from carerdesk.services.permissions import Permission
from carerdesk.sheets.safety import BadFile
from carerdesk.store.paths import key_path
from carerdesk.validation import check_site_code


def export_file(
    desk: Desk, path: Path, *, password: str | None, progress: Progress | None = None
) -> ExportSummary:
    """Export this site to ``path`` in one transaction (encrypted if ``password``)."""
    with desk.transaction() as tx:
        return export_site(tx, path, password=password, progress=progress)


class FileChanged(BadFile):
    """The file is no longer the export that was checked (another was saved over it)."""


def import_file(
    desk: Desk,
    path: Path,
    *,
    password: str | None,
    dry_run: bool = False,
    progress: Progress | None = None,
    expected_export: str | None = None,
) -> ImportResult:
    """Import another site's export: file checked, database copied aside, one transaction.

    A dry run changes nothing and takes no copy. A file that cannot be read,
    or that belongs to another scheme, is refused before anything happens; so
    is one that is not the export ``expected_export`` (the one a preview showed).
    """
    source = read_export(path, password=password)
    if expected_export is not None and source.meta.export_id != expected_export:
        raise FileChanged(
            "The file has changed since it was checked (another export was saved over it), "
            "so nothing was imported. Open it again to see what it would change."
        )
    with desk.read() as tx:
        tx.require(Permission.EXCHANGE)
        if source.meta.scheme_id != tx.scheme().id:
            raise BadFile("The file comes from another scheme's site, so it cannot be imported.")
        if source.meta.site == tx.site_code:
            raise BadFile("The file was exported by this site: import files from other sites.")
    backup = None if dry_run else backup_before_import(desk)
    with desk.transaction() as tx:
        result = apply_export(tx, source, dry_run=dry_run, progress=progress)
    result.backup = str(backup) if backup is not None else None
    return result


def backup_before_import(desk: Desk) -> Path:
    """Copy the database and its key file aside: ``NAME.before-import-YYYYmmdd-HHMMSS.db``."""
    stamp = desk.clock().strftime("%Y%m%d-%H%M%S")
    db = desk.path
    target = db.with_name(f"{db.stem}.before-import-{stamp}{db.suffix}")
    n = 2
    while target.exists():
        target = db.with_name(f"{db.stem}.before-import-{stamp}-{n}{db.suffix}")
        n += 1
    desk.checkpoint()
    shutil.copy2(db, target)
    shutil.copy2(desk.keys_path, key_path(target))
    wal = db.with_name(db.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        # Someone else was reading, so not everything could be folded in: keep the log too.
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    return target


def site_codes(source: ExchangeFile) -> set[str]:
    """The codes of the sites an export knows."""
    rt = BY_SHEET["sites"]
    rows = source.book.rows(rt.sheet)
    header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
    if "code" not in header:
        raise BadFile("The export's sites sheet has no 'code' column, so it cannot be used.")
    at = header.index("code")
    return {str(row[at]).strip().upper() for row in rows if at < len(row) and row[at]}


def join_scheme(
    path: Path,
    export_file: Path,
    *,
    password: str | None,
    site_code: str,
    admin_username: str,
    admin_password: str,
    site_name: str | None = None,
    admin_display_name: str | None = None,
) -> str:
    """Start a new site of a scheme from another site's export; return the recovery key.

    The new encrypted database holds the scheme's settings and every record
    in the export, and its own site and first coordinator. If anything goes
    wrong, no database is left behind.
    """
    source = read_export(export_file, password=password)
    try:
        code = check_site_code(site_code)
    except ValueError as exc:
        raise InvalidValue({"site_code": str(exc)}) from None
    if code in site_codes(source):
        raise InvalidValue({"site_code": "Another site of this scheme already uses that code"})
    recovery = create_database(
        path,
        scheme_name=source.meta.scheme or "Carer Passport",
        site_code=code,
        site_name=site_name,
        admin_username=admin_username,
        admin_password=admin_password,
        admin_display_name=admin_display_name,
    )
    try:
        desk = open_desk(path, admin_username, admin_password)
        try:
            with desk.transaction() as tx:
                # The new database's own settings give way to the scheme's.
                tx.session.delete(tx.scheme())
                tx.session.flush()
                apply_export(tx, source, joining=True)
                schemes = tx.session.exec(select(SchemeSettings.id)).all()
                if schemes != [source.meta.scheme_id]:
                    raise BadFile(
                        "The export does not hold its scheme's settings, so no site can join "
                        "from it."
                    )
        finally:
            desk.close()
    except BaseException:
        for leftover in (path, key_path(path), *path.parent.glob(path.name + "-*")):
            leftover.unlink(missing_ok=True)
        raise
    return recovery
