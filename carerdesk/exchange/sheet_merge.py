"""Merging one sheet of an export: each row decided by version vectors, written in chunks.

See ``carerdesk.exchange.merge`` for the rules. Rows stay in their stored
form (no model objects) and go in by ``executemany``, 5,000 at a time.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection

from carerdesk.exchange import vectors
from carerdesk.exchange.aftercare import Aftercare
from carerdesk.exchange.records import ADDED_LATER, VECTOR_COLUMN, CellError, Column, RecordType
from carerdesk.exchange.vectors import Order
from carerdesk.sheets.safety import BadFile

CHUNK = 5000
ABSENT = sys.maxsize  # the position of a column the file does not have: past every row's end
# Records a carer has at most one of: two sites may each have made one.
ONE_PER_CARER = ("emergency_plan", "carer_photo")


class MergeContext(Protocol):
    """What a sheet needs from the import it is part of."""

    site: str
    conn: Connection
    blobs: dict[tuple[str, bytes, str], str]
    after: Aftercare

    def conflict(
        self, rt: RecordType, rid: bytes, local: dict[str, Any], remote: dict[str, Any],
        remote_vector: str,
    ) -> bool: ...  # fmt: skip

    def changed(
        self, rt: RecordType, action: str, rid: bytes, raw: dict[str, Any] | None = None
    ) -> None: ...


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def norm(value: Any) -> Any:
    """Empty text and no value are the same (a spreadsheet cannot tell them apart)."""
    return None if value == "" else value


def _later(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether copy ``a`` beats ``b`` when one must win: the same answer at every site."""

    def key(row: dict[str, Any]) -> tuple:
        return (row["updated_at"], row["site_code"], row["version"], repr(sorted(row.items())))

    return key(a) > key(b)


class SheetMerge:
    """Merging one sheet: rows are decided one by one and written in chunks."""

    def __init__(self, merge: MergeContext, rt: RecordType) -> None:
        self.m = merge
        self.rt = rt
        self.conn = merge.conn
        self.counts = Counts()
        self.names = rt.names
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.vectors: list[tuple[bytes, str, int, int]] = []
        self.seen: set[bytes] = set()
        self.local = self._local_vectors()
        self.by_carer = self._by_carer() if rt.table in ONE_PER_CARER else {}
        self._plan: list[tuple[Column, int, bool]] | None = None

    def _local_vectors(self) -> dict[bytes, tuple[str, bool]]:
        """Every local record of this type: its vector now, and whether it is deleted."""
        site, out = self.m.site, {}
        sql = (
            f'SELECT t.id, t.version, t.updated_at, t.deleted, v.vector, v.stamp_version, '
            f'v.stamp_updated_at FROM "{self.rt.table}" t '
            "LEFT JOIN exchange_vector v ON v.record_id = t.id"
        )
        for rid, version, updated, deleted, stored, sv, su in self.conn.exec_driver_sql(sql):
            out[bytes(rid)] = (vectors.current(site, version, updated, stored, sv, su)[0],
                               bool(deleted))  # fmt: skip
        return out

    def _by_carer(self) -> dict[bytes, bytes]:
        sql = f'SELECT carer_id, id FROM "{self.rt.table}"'
        return {bytes(c): bytes(i) for c, i in self.conn.exec_driver_sql(sql)}

    # -- reading -------------------------------------------------------------

    def merge(self, rows: Iterator[list[Any]]) -> Counts:
        header = next(rows, None)
        positions = self._positions(header or [])
        id_at, vector_at = positions["id"], positions[VECTOR_COLUMN]
        for number, cells in enumerate(rows, start=2):
            if not any(c is not None for c in cells):
                continue
            rid = self._cell(self.rt.column("id"), cells, id_at, number)
            if rid in self.seen:
                raise BadFile(
                    f"Row {number} of the sheet '{self.rt.sheet}' repeats a record, "
                    "so the file cannot be imported."
                )
            self.seen.add(rid)
            remote_text = cells[vector_at] if vector_at < len(cells) else None
            try:
                remote_vector = vectors.parse(str(remote_text or ""))
            except ValueError:
                raise self._bad(number, VECTOR_COLUMN) from None
            row = (cells, positions, number)
            self._decide(rid, vectors.render(remote_vector), remote_vector,
                         lambda row=row: self._decode(*row))  # fmt: skip
            if len(self.inserts) + len(self.updates) >= CHUNK:
                self._flush()
        self._flush()
        return self.counts

    def _positions(self, header: list[Any]) -> dict[str, int]:
        found = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
        for name in ADDED_LATER.get(self.rt.table, ()):
            found.setdefault(name, ABSENT)
        for name in self.rt.header:
            if name not in found:
                raise BadFile(
                    f"The sheet '{self.rt.sheet}' has no '{name}' column, so it cannot be imported."
                )
        return {name: found[name] for name in self.rt.header}

    def _cell(self, col: Column, cells: list[Any], at: int, number: int) -> Any:
        value = cells[at] if at < len(cells) else None
        try:
            return col.from_cell(value)
        except CellError:
            raise self._bad(number, col.name) from None

    def _decode(self, cells: list[Any], positions: dict[str, int], number: int) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        size = len(cells)
        for col, at, plain_text in self.plan(positions):
            value = cells[at] if at < size else None
            if value.__class__ is str and plain_text:
                raw[col.name] = value  # most cells: text that is kept as it is
                continue
            if value is None and col.may_be_long and self.m.blobs:
                value = self.m.blobs.get((self.rt.sheet, raw["id"], col.name))
            try:
                raw[col.name] = col.from_cell(value)
            except CellError:
                raise self._bad(number, col.name) from None
        return raw

    def plan(self, positions: dict[str, int]) -> list[tuple[Column, int, bool]]:
        if self._plan is None:
            self._plan = [(c, positions[c.name], c.kind == "text") for c in self.rt.columns]
        return self._plan

    def _bad(self, number: int, column: str) -> BadFile:
        return BadFile(
            f"Row {number} of the sheet '{self.rt.sheet}' has a value in the column "
            f"'{column}' that cannot be read, so the file cannot be imported."
        )

    # -- deciding -------------------------------------------------------------

    def _decide(
        self, rid: bytes, remote_text: str, remote_vector: vectors.Vector,
        decode: Callable[[], dict[str, Any]],
    ) -> None:  # fmt: skip
        local = self.local.get(rid)
        if local is None:
            self._insert(decode(), remote_text)
            return
        local_text, local_deleted = local
        if local_text == remote_text:
            self.counts.unchanged += 1
            return
        order = vectors.compare(vectors.parse(local_text), remote_vector)
        if order in (Order.SAME, Order.LOCAL_NEWER):
            self.counts.unchanged += 1
            return
        remote = decode()
        if order is Order.REMOTE_NEWER:
            self._update(remote, remote_text)
            self._changed("deleted" if remote["deleted"] and not local_deleted else "updated",
                          rid, remote)  # fmt: skip
            return
        self._concurrent(rid, remote, remote_vector, vectors.parse(local_text), local_deleted)

    def _concurrent(
        self, rid: bytes, remote: dict[str, Any], remote_vector: vectors.Vector,
        local_vector: vectors.Vector, local_deleted: bool,
    ) -> None:  # fmt: skip
        self._flush()
        local = self._fetch(rid)
        merged = vectors.render(vectors.merge(local_vector, remote_vector))
        same = all(norm(local[c.name]) == norm(remote[c.name]) for c in self.rt.data_columns)
        if same or remote["deleted"] or local["deleted"]:
            # Settled the same way at every site: equal values, or a deletion wins.
            if remote.get("merged_into") and not local["deleted"] and not same:
                self.m.after.merged_away(local)  # what changed here waits on the record kept
            remote_wins = (remote["deleted"] and not local["deleted"]) or (
                remote["deleted"] == local["deleted"] and _later(remote, local)
            )
            if remote_wins:
                self._update(remote, merged)
                if remote["deleted"] and not local_deleted:
                    self._changed("deleted", rid, remote)
                else:
                    self.counts.unchanged += 1
            else:
                self.vectors.append((rid, merged, local["version"], local["updated_at"]))
                self.counts.unchanged += 1
            return
        if self.m.conflict(self.rt, rid, local, remote, vectors.render(remote_vector)):
            self.counts.conflicts += 1
        else:
            self.counts.unchanged += 1

    def _changed(self, action: str, rid: bytes, raw: dict[str, Any] | None = None) -> None:
        setattr(self.counts, action, getattr(self.counts, action) + 1)
        self.m.changed(self.rt, action, rid, raw)

    def _fetch(self, rid: bytes) -> dict[str, Any]:
        cols = ", ".join(f'"{n}"' for n in self.names)
        row = self.conn.exec_driver_sql(
            f'SELECT {cols} FROM "{self.rt.table}" WHERE id = ?', (rid,)
        ).one()
        return dict(zip(self.names, row, strict=True))

    # -- writing --------------------------------------------------------------

    def _insert(self, remote: dict[str, Any], remote_text: str) -> None:
        if self.by_carer and self._one_per_carer(remote, remote_text):
            return
        self.inserts.append(remote)
        self.vectors.append((remote["id"], remote_text, remote["version"], remote["updated_at"]))
        self.m.after.inserted(self.rt, remote)
        self._changed("deleted" if remote["deleted"] else "inserted", remote["id"], remote)

    def _update(self, remote: dict[str, Any], vector_text: str) -> None:
        self.updates.append(remote)
        self.vectors.append((remote["id"], vector_text, remote["version"], remote["updated_at"]))
        self.m.after.updated(self.rt, remote, vector_text)

    def _one_per_carer(self, remote: dict[str, Any], remote_text: str) -> bool:
        """Both sites made a carer's plan (or photo): a live one beats a removed one,
        else the smaller UUID wins, the same at every site.

        The loser's values wait in a conflict (unless the winner already took
        them into account), so someone can still pick from them. Returns True
        if the remote record was dealt with here (and so must not be inserted).
        """
        local_id = self.by_carer.get(remote["carer_id"])
        if local_id is None or local_id == remote["id"]:
            self.by_carer[remote["carer_id"]] = remote["id"]
            return False
        if local_id not in self.local:  # two in the file itself
            raise BadFile(
                f"The sheet '{self.rt.sheet}' holds two records for one carer, "
                "so the file cannot be imported."
            )
        self._flush()
        local = self._fetch(local_id)
        local_vector = vectors.parse(self.local[local_id][0])
        remote_vector = vectors.parse(remote_text)
        both = vectors.render(vectors.merge(local_vector, remote_vector))
        differ = any(norm(local[c.name]) != norm(remote[c.name])
                     for c in self.rt.data_columns)  # fmt: skip
        if bool(remote["deleted"]) != bool(local["deleted"]):
            # A live record beats a removed one (it was made without knowing).
            remote_wins = bool(local["deleted"])
        else:
            remote_wins = remote["id"] < local_id
        winner, loser = remote_vector, local_vector
        if not remote_wins:
            winner, loser = loser, winner
        # A winner whose vector covers the loser's already took its values into account.
        covered = vectors.compare(winner, loser) in (Order.SAME, Order.LOCAL_NEWER)
        open_question = differ and not covered and not (local["deleted"] or remote["deleted"])
        kept_id = remote["id"] if remote_wins else local_id
        if open_question and self.m.conflict(self.rt, kept_id, local, remote, both):
            self.counts.conflicts += 1
        elif remote_wins:
            self._changed("updated", remote["id"], remote)
        else:
            self.counts.unchanged += 1
        if not remote_wins:
            return True
        self.conn.exec_driver_sql(f'DELETE FROM "{self.rt.table}" WHERE id = ?', (local_id,))
        self.conn.exec_driver_sql("DELETE FROM exchange_vector WHERE record_id = ?", (local_id,))
        self.m.after.forget(local_id)
        self.by_carer[remote["carer_id"]] = remote["id"]
        self.inserts.append(remote)
        self.vectors.append((remote["id"], remote_text, remote["version"], remote["updated_at"]))
        self.m.after.inserted(self.rt, remote)
        return True

    def _flush(self) -> None:
        """Write the rows decided so far."""
        table = self.rt.table
        if self.inserts:
            names = list(self.names)
            if table == "carer":
                names.append("search_key")
                for row, key in zip(self.inserts, self.m.after.search_keys(len(self.inserts)),
                                    strict=True):  # fmt: skip
                    row["search_key"] = key
            cols, marks = ", ".join(f'"{n}"' for n in names), ", ".join("?" * len(names))
            self.conn.exec_driver_sql(
                f'INSERT INTO "{table}" ({cols}) VALUES ({marks})',
                [tuple(row[n] for n in names) for row in self.inserts],
            )
            self.inserts.clear()
        if self.updates:
            names = [n for n in self.names if n != "id"]
            sets = ", ".join(f'"{n}" = ?' for n in names)
            self.conn.exec_driver_sql(
                f'UPDATE "{table}" SET {sets} WHERE id = ?',
                [(*(row[n] for n in names), row["id"]) for row in self.updates],
            )
            self.updates.clear()
        vectors.store(self.conn, self.vectors)
        self.vectors.clear()

