"""Schema migrations (Alembic), run when a database is opened."""

from __future__ import annotations

import shutil
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Leave the full-text index's own tables out of schema comparisons."""
    return not (type_ == "table" and name is not None and name.startswith("carer_search"))


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, db_path: Path | None = None) -> Path | None:
    """Bring the schema to the newest version.

    Before changing an existing database, a copy is put aside beside it
    (``NAME.before-REV.db``) and its path returned, so a failed migration
    can never cost data.
    """
    current = current_revision(engine)
    if current == head_revision():
        return None
    backup = None
    if current is not None and db_path is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        backup = db_path.with_name(f"{db_path.stem}.before-{current}{db_path.suffix}")
        shutil.copy2(db_path, backup)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return backup
