"""site exchange

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("peer_site", sa.String(length=8), nullable=False),
        sa.Column("local_values", sa.JSON(), nullable=False),
        sa.Column("remote_values", sa.JSON(), nullable=False),
        sa.Column("remote_vector", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_conflict_record_id"), ["record_id"], unique=False
        )

    op.create_table(
        "exchange_duplicate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("other_carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("peer_site", sa.String(length=8), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exchange_duplicate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exchange_duplicate_carer_id"), ["carer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exchange_duplicate_other_carer_id"), ["other_carer_id"], unique=False
        )

    op.create_table(
        "exchange_peer",
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("last_export_id", sa.String(length=36), nullable=True),
        sa.Column("last_export_at", sa.BigInteger(), nullable=True),
        sa.Column("last_import_at", sa.BigInteger(), nullable=True),
        sa.Column("last_imported_by", sa.LargeBinary(length=16), nullable=True),
        sa.Column("imports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_code"),
    )
    op.create_table(
        "exchange_vector",
        sa.Column("record_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("vector", sa.String(length=400), nullable=False),
        sa.Column("stamp_version", sa.Integer(), nullable=False),
        sa.Column("stamp_updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )


def downgrade() -> None:
    op.drop_table("exchange_vector")
    op.drop_table("exchange_peer")
    with op.batch_alter_table("exchange_duplicate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_duplicate_other_carer_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_duplicate_carer_id"))

    op.drop_table("exchange_duplicate")
    with op.batch_alter_table("exchange_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_conflict_record_id"))

    op.drop_table("exchange_conflict")
