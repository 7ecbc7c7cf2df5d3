"""SQLAlchemy engines over SQLCipher 4, keyed with a raw 256-bit key."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from carerdesk.errors import DatabaseDamaged, DatabaseMissing

BUSY_TIMEOUT_MS = 10_000


def _uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def connect_raw(path: Path, data_key: bytes, *, create: bool = False) -> sqlcipher.Connection:
    """Open one DB-API connection, keyed and checked, with our pragmas set.

    With ``create=False`` a missing file is an error: SQLite is never allowed
    to create a database as a side effect of opening one.
    """
    if not create and not path.exists():
        raise DatabaseMissing("There is no carerdesk database at the place given.")
    try:
        conn = sqlcipher.connect(
            _uri(path, "rwc" if create else "rw"),
            uri=True,
            check_same_thread=False,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    except sqlcipher.OperationalError:
        raise DatabaseMissing("The carerdesk database could not be opened for writing.") from None
    try:
        conn.execute(f"PRAGMA key = \"x'{data_key.hex()}'\"")
        # Reading the schema is the first real page read: a wrong key or a
        # damaged file fails here, before anything could be written.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise DatabaseDamaged(
            "The database file is damaged or is not a carerdesk database, so it was not opened."
        ) from None
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Erased records must not linger in free pages.
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def make_engine(path: Path, data_key: bytes, *, create: bool = False) -> Engine:
    """An engine whose every pooled connection is keyed with ``data_key``."""
    first = connect_raw(path, data_key, create=create)
    spare = [first]

    def creator() -> sqlcipher.Connection:
        return spare.pop() if spare else connect_raw(path, data_key)

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher,
        # An error's text must never carry the values it was writing (names, phones).
        hide_parameters=True,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        # The driver runs in autocommit mode; we say BEGIN ourselves so that
        # writes take the lock up front and never fail half way on SQLITE_BUSY.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
