"""The full-text index over carers, kept in step with the tables.

``carer_search`` is a contentless FTS5 table whose rowid is
``carer.search_key``. Session hooks re-index any carer whose row or cards
changed in a flush, so every writer (services, imports) keeps it current
without remembering to. ``rebuild`` refills it in one statement, for bulk
loads and repairs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Connection, event, func, select, text
from sqlmodel import Session

from carerdesk.models import Card, Carer

# One row of index text per carer, written in SQL so that the per-carer
# update and the bulk rebuild can never disagree.
_ROW_SQL = """
SELECT c.search_key,
  concat_ws(' ', c.first_name, c.last_name, c.preferred_name,
    nullif(replace(replace(concat_ws(' ', c.first_name, c.last_name), char(39), ''), '’', ''),
           concat_ws(' ', c.first_name, c.last_name))),
  replace(c.postcode, ' ', ''),
  concat_ws(' ', c.town, c.area, c.address_line1, c.address_line2, c.address_line3),
  concat_ws(' ', replace(c.phone, ' ', ''), replace(c.phone_other, ' ', '')),
  (SELECT group_concat(replace(k.number, '-', ''), ' ') FROM card k
     WHERE k.carer_id = c.id AND NOT k.deleted)
FROM carer c
WHERE NOT c.deleted AND c.search_key IS NOT NULL
"""
_INSERT = "INSERT INTO carer_search(rowid, names, postcode, place, phones, cards) "

_SESSION_KEY = "search_reindex"


def rebuild(conn: Connection | Session) -> None:
    """Empty the index and fill it again from the tables."""
    conn.execute(text("DELETE FROM carer_search"))
    conn.execute(text(_INSERT + _ROW_SQL))


def reindex(conn: Connection | Session, carer_ids: Iterable[uuid.UUID]) -> None:
    """Refresh the index rows of the given carers (removing erased ones)."""
    ids = [i.bytes for i in carer_ids]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join(f":i{n}" for n in range(len(chunk)))
        params = {f"i{n}": v for n, v in enumerate(chunk)}
        conn.execute(
            text(
                "DELETE FROM carer_search WHERE rowid IN "
                f"(SELECT search_key FROM carer WHERE id IN ({marks}) AND search_key IS NOT NULL)"
            ),
            params,
        )
        conn.execute(text(_INSERT + _ROW_SQL + f" AND c.id IN ({marks})"), params)


@event.listens_for(Session, "before_flush")
def _assign_search_keys(session: Session, _ctx, _instances) -> None:  # type: ignore[no-untyped-def]
    pending = [o for o in session.new if isinstance(o, Carer) and o.search_key is None]
    if pending:
        with session.no_autoflush:
            top = session.execute(select(func.max(Carer.search_key))).scalar() or 0
        for n, carer in enumerate(pending, start=1):
            carer.search_key = top + n
    touched: set[uuid.UUID] = session.info.setdefault(_SESSION_KEY, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Carer):
            touched.add(obj.id)
        elif isinstance(obj, Card):
            touched.add(obj.carer_id)


@event.listens_for(Session, "after_flush")
def _reindex_touched(session: Session, _ctx) -> None:  # type: ignore[no-untyped-def]
    touched = session.info.pop(_SESSION_KEY, None)
    if touched:
        reindex(session.connection(), touched)
