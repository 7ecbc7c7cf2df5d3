"""Export: everything this site holds that the scheme's other sites should have.

Rows go straight from the tables to the sheets in their stored form (no
model objects), so the export of 100,000 carers with their cards and
contacts streams through in constant memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import select

from carerdesk.desk import Tx
from carerdesk.exchange import vectors
from carerdesk.exchange.fileformat import (
    BLOB_COLUMNS,
    BLOBS_SHEET,
    FORMAT_VERSION,
    META_SHEET,
    ExportMeta,
    blob_parts,
    meta_rows,
)
from carerdesk.exchange.records import (
    CELL_LIMIT,
    RECORD_TYPES,
    SYNC_COLUMNS,
    Column,
    RecordType,
)
from carerdesk.models import Site
from carerdesk.services.permissions import Permission
from carerdesk.sheets.fastxlsx import write_fast_book
from carerdesk.sheets.writer import SheetSpec
from carerdesk.store import migrate

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    path: Path
    export_id: str
    site: str
    exported_at: datetime
    encrypted: bool
    counts: dict[str, int] = field(default_factory=dict)
    tombstones: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "out": str(self.path),
            "export_id": self.export_id,
            "site": self.site,
            "exported_at": self.exported_at.isoformat(),
            "encrypted": self.encrypted,
            "rows": self.counts,
            "tombstones": self.tombstones,
        }


def select_sql(rt: RecordType) -> str:
    """Every exchanged column of ``rt`` plus its stored vector, in sheet order."""
    cols = ", ".join(f't."{c.name}"' for c in rt.columns)
    return (
        f'SELECT {cols}, v.vector, v.stamp_version, v.stamp_updated_at FROM "{rt.table}" t '
        "LEFT JOIN exchange_vector v ON v.record_id = t.id"
    )


def export_site(
    tx: Tx, path: Path, *, password: str | None, progress: Progress | None = None
) -> ExportSummary:
    """Write this site's export workbook to ``path`` (encrypted if ``password``).

    Raises CarerdeskError if the file cannot be written; nothing is changed then.
    """
    tx.require(Permission.EXCHANGE)
    tx.session.flush()
    conn = tx.session.connection()
    scheme = tx.scheme()
    site = tx.session.exec(select(Site).where(Site.code == tx.site_code)).first()
    counts = {rt.sheet: _count(conn, rt.table) for rt in RECORD_TYPES}
    tombstones = sum(_count(conn, rt.table, "WHERE deleted") for rt in RECORD_TYPES)
    meta = ExportMeta(
        scheme=scheme.name,
        scheme_id=scheme.id,
        site=tx.site_code,
        site_name=site.name if site is not None else tx.site_code,
        export_id=str(uuid.uuid4()),
        exported_at=tx.now(),
        format_version=FORMAT_VERSION,
        schema_version=migrate.head_revision(),
    )
    moved: list[tuple[bytes, str, int, int]] = []
    long_values: list[tuple[RecordType, bytes, Column]] = []
    total = sum(counts.values()) or 1
    done = [0]

    def tick(rt: RecordType) -> None:
        done[0] += 1
        if progress is not None and done[0] % 5000 == 0:
            progress(done[0], total, f"Writing {rt.sheet.replace('_', ' ')}")

    sheets = [SheetSpec(META_SHEET, ["name", "value"], meta_rows(meta, counts, tombstones))]
    for rt in RECORD_TYPES:
        rows = _rows(conn, rt, tx.site_code, moved, long_values, lambda rt=rt: tick(rt))
        sheets.append(SheetSpec(rt.sheet, rt.header, rows))
    sheets.append(SheetSpec(BLOBS_SHEET, BLOB_COLUMNS, _blob_rows(conn, long_values)))
    write_fast_book(Path(path), sheets, password=password)
    # Changes made here since the last exchange now have a count of their own.
    vectors.store(conn, moved)
    tx.audit("exchange.export")
    if progress is not None:
        progress(total, total, "Done")
    return ExportSummary(
        Path(path), meta.export_id, meta.site, meta.exported_at, bool(password), counts, tombstones
    )


def _count(conn: Connection, table: str, where: str = "") -> int:
    return int(conn.exec_driver_sql(f'SELECT count(*) FROM "{table}" {where}').scalar() or 0)


def _rows(
    conn: Connection,
    rt: RecordType,
    site: str,
    moved: list[tuple[bytes, str, int, int]],
    long_values: list[tuple[RecordType, bytes, Column]],
    tick: Callable[[], None],
) -> Iterator[list[Any]]:
    """The sheet rows of ``rt``, noting vectors that moved on and values too long for a cell."""
    n = len(rt.columns)
    cells_of = [c.to_cell for c in rt.columns]
    long_cols = [(i, c) for i, c in enumerate(rt.columns) if c.may_be_long]
    for raw in conn.exec_driver_sql(select_sql(rt)):
        version, updated = raw[2], raw[3]
        vector, changed = vectors.current(site, version, updated, raw[n], raw[n + 1], raw[n + 2])
        if changed:
            moved.append((raw[0], vector, version, updated))
        cells = [None if v is None else f(v) for f, v in zip(cells_of, raw[:n], strict=True)]
        for i, col in long_cols:
            value = cells[i]
            if value is not None and len(value) > CELL_LIMIT:
                long_values.append((rt, raw[0], col))
                cells[i] = None
        cells.insert(len(SYNC_COLUMNS), vector)
        tick()
        yield cells


def _blob_rows(
    conn: Connection, long_values: list[tuple[RecordType, bytes, Column]]
) -> Iterator[list[Any]]:
    """Long values, fetched one at a time (photos need not all fit in memory)."""
    for rt, rid, col in long_values:
        raw = conn.exec_driver_sql(
            f'SELECT "{col.name}" FROM "{rt.table}" WHERE id = ?', (rid,)
        ).scalar()
        yield from blob_parts(rt.sheet, uuid.UUID(bytes=rid), col.name, col.to_cell(raw))
