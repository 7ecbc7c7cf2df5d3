"""Schema migrations: from empty to head, matching the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import carerdesk.models  # noqa: F401
from carerdesk.store import migrate
from carerdesk.store.engine import make_engine
from carerdesk.store.keyfile import new_data_key


def test_migrations_from_empty_match_the_models(tmp_path):
    engine = make_engine(tmp_path / "empty.db", new_data_key(), create=True)
    try:
        assert migrate.current_revision(engine) is None
        assert migrate.upgrade(engine) is None  # a new database needs no copy aside
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"include_name": migrate.include_name})
            diff = compare_metadata(ctx, SQLModel.metadata)
            tables = {
                r[0]
                for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
            }
        assert diff == []
        assert "carer_search" in tables
    finally:
        engine.dispose()


def test_opening_an_up_to_date_database_copies_nothing(desk, db_path):
    assert migrate.upgrade(desk.engine, db_path) is None
    assert not list(db_path.parent.glob("*.before-*"))


def test_an_older_database_is_copied_aside_before_migrating(desk, db_path):
    # Pretend the database is at an earlier revision: upgrade must copy it first.
    with desk.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'base0'")
    from unittest import mock

    with mock.patch("alembic.command.upgrade") as upgrade:
        backup = migrate.upgrade(desk.engine, db_path)
    assert upgrade.called
    assert backup is not None and backup.exists()
    assert backup.stat().st_size > 0
