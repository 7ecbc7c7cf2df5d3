"""Version vectors: which changes, made at which sites, a record holds.

A vector counts, per site, the changes that site made to one record, written
``"DEM:3,STV:1"``. Comparing two copies' vectors says whether one copy already
contains every change of the other (then the newer one wins, no question
asked), or whether each holds changes the other lacks: they were changed on
both sides since the sites last met, a conflict.

Vectors are worked out lazily, so no write pays for them: a record with no
``exchange_vector`` row has only been changed here (``{this site: version}``);
one whose version or change time moved on since its vector was stored was
changed here since, so this site's count goes up by one.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Connection

Vector = dict[str, int]


class Order(Enum):
    SAME = "same"
    LOCAL_NEWER = "local newer"
    REMOTE_NEWER = "remote newer"
    CONCURRENT = "concurrent"


def parse(text: str) -> Vector:
    """``"DEM:3,STV:1"`` as a dict; ValueError if it is not a vector."""
    out: Vector = {}
    for part in text.split(","):
        site, _, count = part.strip().partition(":")
        n = int(count)
        if not site or not site.isalnum() or n < 1 or site in out:
            raise ValueError("not a version vector")
        out[site] = n
    if not out:
        raise ValueError("not a version vector")
    return out


def render(vector: Vector) -> str:
    return ",".join(f"{site}:{vector[site]}" for site in sorted(vector))


def compare(local: Vector, remote: Vector) -> Order:
    ahead = any(n > remote.get(site, 0) for site, n in local.items())
    behind = any(n > local.get(site, 0) for site, n in remote.items())
    if ahead and behind:
        return Order.CONCURRENT
    if ahead:
        return Order.LOCAL_NEWER
    if behind:
        return Order.REMOTE_NEWER
    return Order.SAME


def merge(a: Vector, b: Vector) -> Vector:
    return {site: max(a.get(site, 0), b.get(site, 0)) for site in a.keys() | b.keys()}


def bump(vector: Vector, site: str) -> Vector:
    out = dict(vector)
    out[site] = out.get(site, 0) + 1
    return out


_UPSERT = (
    "INSERT INTO exchange_vector (record_id, vector, stamp_version, stamp_updated_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET vector = excluded.vector, "
    "stamp_version = excluded.stamp_version, stamp_updated_at = excluded.stamp_updated_at"
)


def store(conn: Connection, rows: list[tuple[bytes, str, int, int]]) -> None:
    """Save ``(record id, vector, version, updated_at)`` rows (stored forms)."""
    if rows:
        conn.exec_driver_sql(_UPSERT, rows)


def current(
    site: str,
    version: int,
    updated_at: int,
    stored: str | None,
    stamp_version: int | None,
    stamp_updated_at: int | None,
) -> tuple[str, bool]:
    """A record's vector now, and whether it moved on from the stored one.

    Args:
        site: this site's code.
        version, updated_at: the record's own sync fields (stored form).
        stored, stamp_version, stamp_updated_at: its ``exchange_vector`` row, if any.
    """
    if stored is None:
        return f"{site}:{version}", False
    if stamp_version == version and stamp_updated_at == updated_at:
        return stored, False
    return render(bump(parse(stored), site)), True
