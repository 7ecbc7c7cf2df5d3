"""Alembic environment: always run from code with an open connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import carerdesk.models  # noqa: F401  (registers every table)
from carerdesk.store.migrate import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
