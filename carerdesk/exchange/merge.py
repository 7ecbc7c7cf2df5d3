"""Import: merge another site's export into this database, record by record (by UUID).

For each row the two copies' version vectors decide (see ``vectors``):

* a record new here is inserted (a tombstone too, so it can never come back);
* one changed only over there since the sites last met is updated;
* one changed only here, or not at all, is left alone;
* one changed on both sides is a **conflict**: the local values are kept and
  the other site's are stored for someone to choose from, field by field.
  Two exceptions settle themselves the same way at every site: if both
  sides hold the same values it is not a conflict, and a deletion (an
  erasure) always wins over an edit.

Rows are read and written in their stored form, in chunks, without model
objects (a whole site of 100,000 carers merges in well under a minute);
the caller's transaction makes the whole import all-or-nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.exchange.aftercare import Aftercare
from carerdesk.exchange.fileformat import ExchangeFile, read_blobs
from carerdesk.exchange.labels import record_title
from carerdesk.exchange.records import RECORD_TYPES, RecordType, to_plain
from carerdesk.exchange.sheet_merge import Counts, SheetMerge, norm
from carerdesk.models import ExchangeConflict
from carerdesk.services.permissions import Permission
from carerdesk.sheets.safety import BadFile

MERGE_CACHE_KIB = 131072  # 128 MiB, only while merging
LISTED = 5000  # changes listed one by one (for a preview); the counts cover them all
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ConflictInfo:
    """A record changed on both sides; which fields differ (never their values)."""

    conflict_id: int | None
    record_type: str
    record_id: uuid.UUID
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One record an import inserts, updates or deletes."""

    record_type: str
    record_id: uuid.UUID
    action: str
    title: str = ""  # what a person would call it: a name, a card number (never logged)


@dataclass
class ImportResult:
    """What an import changed (or, for a dry run, would change)."""

    site: str
    export_id: str
    dry_run: bool = False
    per_sheet: dict[str, Counts] = field(default_factory=dict)
    conflicts: list[ConflictInfo] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # the first LISTED of them
    likely_duplicates: int = 0
    erased_here: int = 0
    backup: str | None = None

    @property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self.per_sheet.values():
            total.add(counts)
        return total

    def to_json(self) -> dict[str, int]:
        """Exactly the document ``carerdesk import --json`` prints."""
        t = self.totals
        return {"inserted": t.inserted, "updated": t.updated, "deleted": t.deleted,
                "conflicts": t.conflicts, "unchanged": t.unchanged}  # fmt: skip


def apply_export(
    tx: Tx,
    source: ExchangeFile,
    *,
    dry_run: bool = False,
    joining: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Merge ``source`` into this database inside ``tx``.

    With ``dry_run`` everything is worked out and then undone (a savepoint),
    so the result says exactly what an import would change. Raises BadFile
    for a file that does not fit this database; nothing is changed then.
    """
    tx.require(Permission.EXCHANGE)
    meta = source.meta
    if not joining:
        if meta.scheme_id != tx.scheme().id:
            raise BadFile("The file comes from another scheme's site, so it cannot be imported.")
        if meta.site == tx.site_code:
            raise BadFile("The file was exported by this site: import files from other sites.")
    tx.session.flush()
    savepoint = tx.session.begin_nested() if dry_run else None
    try:
        result = _Merge(tx, source, joining, progress).run()
    except IntegrityError:
        raise BadFile(
            "The file does not fit this database (its records clash with records here, or "
            "refer to records it does not hold), so nothing was imported."
        ) from None
    finally:
        if savepoint is not None:
            savepoint.rollback()
            tx.session.expire_all()
    result.dry_run = dry_run
    return result


class _Merge:
    """One import: sheet after sheet, in the order records point to each other."""

    def __init__(
        self, tx: Tx, source: ExchangeFile, joining: bool, progress: Progress | None
    ) -> None:
        self.tx = tx
        self.conn: Connection = tx.session.connection()
        self.site = tx.site_code
        self.peer = source.meta.site
        self.source = source
        self.progress = progress
        self.result = ImportResult(site=self.peer, export_id=source.meta.export_id)
        self.after = Aftercare(tx, self.peer, find_duplicates=not joining)
        self.open_conflicts = {
            (c.record_id.bytes, c.record_type): c
            for c in tx.session.exec(
                select(ExchangeConflict).where(
                    ExchangeConflict.resolved_at == None,  # noqa: E711
                    ExchangeConflict.peer_site == self.peer,
                )
            )
        }

    def run(self) -> ImportResult:
        # A big page cache while merging: random UUID keys touch pages all over.
        before = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
        self.conn.exec_driver_sql(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
        try:
            return self._run()
        finally:
            self.conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")

    def _run(self) -> ImportResult:
        self.blobs = read_blobs(self.source.book)
        for n, rt in enumerate(RECORD_TYPES):
            if rt.table == "carer":
                self.after.prepare()
            if self.progress is not None:
                self.progress(n, len(RECORD_TYPES), f"Merging {rt.sheet.replace('_', ' ')}")
            counts = SheetMerge(self, rt).merge(self.source.book.rows(rt.sheet))
            self.result.per_sheet[rt.sheet] = counts
        self.result.erased_here = self.after.finish(self.source.meta)
        self.result.likely_duplicates = self.after.duplicates_found
        return self.result

    def changed(
        self, rt: RecordType, action: str, rid: bytes, raw: dict[str, Any] | None = None
    ) -> None:
        if len(self.result.changes) < LISTED:
            title = record_title(rt.table, raw) if raw is not None else ""
            self.result.changes.append(Change(rt.table, uuid.UUID(bytes=rid), action, title))

    def conflict(
        self, rt: RecordType, rid: bytes, local: dict[str, Any], remote: dict[str, Any],
        remote_vector: str,
    ) -> bool:  # fmt: skip
        """Store (or refresh) a conflict; False if the very same one is already waiting."""
        names = [c.name for c in rt.data_columns if norm(local[c.name]) != norm(remote[c.name])]
        known = self.open_conflicts.get((rid, rt.table))
        if known is not None and known.remote_vector == remote_vector:
            return False
        plain_local, plain_remote = to_plain(rt, local), to_plain(rt, remote)
        row = known or ExchangeConflict(
            record_type=rt.table, record_id=uuid.UUID(bytes=rid), peer_site=self.peer
        )
        row.local_values = {n: plain_local[n] for n in names}
        row.remote_values = {n: plain_remote[n] for n in names}
        row.remote_vector = remote_vector
        row.created_at = self.tx.now()
        self.tx.session.add(row)
        self.tx.session.flush()
        self.open_conflicts[(rid, rt.table)] = row
        self.result.conflicts.append(ConflictInfo(row.id, rt.table, row.record_id, tuple(names)))
        return True
