"""The exchange workbook: its ``_meta`` sheet, its ``_blobs`` sheet, and opening one.

A site export is an ordinary ``.xlsx`` workbook (encrypted unless someone
chose otherwise): ``_meta`` first (name/value rows: which scheme, which
site, when, what it covers), one sheet per record type, then ``_blobs``
holding values too long for one cell, in parts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from carerdesk.exchange.records import BY_SHEET, CELL_LIMIT, RECORD_TYPES
from carerdesk.sheets.safety import BadFile, Book, read_book
from carerdesk.validation import check_site_code

FORMAT = "carerdesk site exchange"
FORMAT_VERSION = 1
META_SHEET = "_meta"
BLOBS_SHEET = "_blobs"
BLOB_COLUMNS = ["sheet", "record_id", "column", "part", "text"]
COVERS = (
    "Every carer, cared-for person, emergency plan, photo, card, card event, print batch, "
    "business, offer and contact held at this site (from every site of the scheme), the "
    "sites, the scheme's settings and the card-signing public keys; erased and deleted "
    "records as tombstones. Users, passwords, private keys and the audit trail never leave "
    "the site."
)
PHOTOS = "Included: carer_photos.jpeg as base64 (long values in parts on _blobs)."
_NOT_EXPORT = "This file is not a carerdesk site export."


@dataclass(frozen=True)
class ExportMeta:
    """What an export's ``_meta`` sheet says about it."""

    scheme: str
    scheme_id: uuid.UUID
    site: str
    site_name: str
    export_id: str
    exported_at: datetime
    format_version: int
    schema_version: str


@dataclass
class ExchangeFile:
    """An opened export, checked enough to start merging it."""

    path: Path
    book: Book
    meta: ExportMeta


def meta_rows(meta: ExportMeta, counts: dict[str, int], tombstones: int) -> list[list[object]]:
    rows: list[list[object]] = [
        ["format", FORMAT],
        ["format_version", meta.format_version],
        ["scheme", meta.scheme],
        ["scheme_id", str(meta.scheme_id)],
        ["site", meta.site],
        ["site_name", meta.site_name],
        ["export_id", meta.export_id],
        ["exported_at", meta.exported_at.isoformat(timespec="microseconds")],
        ["schema_version", meta.schema_version],
        ["covers", COVERS],
        ["photos", PHOTOS],
        ["tombstones", tombstones],
    ]
    rows += [[f"rows:{sheet}", n] for sheet, n in counts.items()]
    return rows


def read_export(path: Path, *, password: str | None) -> ExchangeFile:
    """Open a site export; BadFile if it is not one, or cannot be read safely."""
    book = read_book(Path(path), password=password)
    if META_SHEET not in book.sheet_names:
        raise BadFile(_NOT_EXPORT)
    values: dict[str, object] = {}
    for row in book.rows(META_SHEET):
        if row and isinstance(row[0], str):
            values[row[0].strip()] = row[1] if len(row) > 1 else None
    if values.get("format") != FORMAT:
        raise BadFile(_NOT_EXPORT)
    try:
        version = int(str(values.get("format_version")))
        meta = ExportMeta(
            scheme=str(values.get("scheme") or ""),
            scheme_id=uuid.UUID(str(values.get("scheme_id"))),
            site=check_site_code(str(values.get("site") or "")),
            site_name=str(values.get("site_name") or ""),
            export_id=str(uuid.UUID(str(values.get("export_id")))),
            exported_at=_aware(datetime.fromisoformat(str(values.get("exported_at")))),
            format_version=version,
            schema_version=str(values.get("schema_version") or ""),
        )
    except ValueError:
        raise BadFile("The export's _meta sheet is damaged, so it cannot be imported.") from None
    if version > FORMAT_VERSION:
        raise BadFile(
            "The export comes from a newer version of carerdesk: update this copy first."
        )
    for rt in RECORD_TYPES:
        if rt.sheet not in book.sheet_names:
            raise BadFile(f"The export has no '{rt.sheet}' sheet, so it cannot be imported.")
    return ExchangeFile(Path(path), book, meta)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def blob_parts(sheet: str, record_id: uuid.UUID, column: str, text: str) -> Iterator[list]:
    """Rows of the ``_blobs`` sheet carrying one long value."""
    for part, start in enumerate(range(0, len(text), CELL_LIMIT), start=1):
        yield [sheet, str(record_id), column, part, text[start : start + CELL_LIMIT]]


def read_blobs(book: Book) -> dict[tuple[str, bytes, str], str]:
    """The long values on ``_blobs``, keyed by (sheet, record id, column)."""
    if BLOBS_SHEET not in book.sheet_names:
        return {}
    parts: dict[tuple[str, bytes, str], list[tuple[int, str]]] = {}
    rows = book.rows(BLOBS_SHEET)
    next(rows, None)  # header
    for number, row in enumerate(rows, start=2):
        if not any(cell is not None for cell in row):
            continue
        try:
            sheet, rid, column, part = (row + [None] * 5)[:4]
            text = row[4] if len(row) > 4 and row[4] is not None else ""
            rt = BY_SHEET[str(sheet)]
            rt.column(str(column))
            key = (rt.sheet, uuid.UUID(str(rid)).bytes, str(column))
            parts.setdefault(key, []).append((int(str(part)), str(text)))
        except (KeyError, ValueError, StopIteration):
            raise BadFile(
                f"Row {number} of the export's _blobs sheet is damaged, so it cannot be imported."
            ) from None
    return {key: "".join(t for _, t in sorted(chunks)) for key, chunks in parts.items()}
