"""activity events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=8), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=True),
        sa.Column("gender", sa.String(length=40), nullable=True),
        sa.Column("ethnicity_group", sa.String(length=20), nullable=True),
        sa.Column("caring_hours", sa.String(length=20), nullable=True),
        sa.Column("area", sa.String(length=80), nullable=True),
        sa.Column("cared_for_areas", sa.JSON(), nullable=False),
        sa.Column("main_needs", sa.JSON(), nullable=False),
        sa.Column("referral_source", sa.String(length=40), nullable=True),
        sa.Column("carer_type", sa.String(length=40), nullable=True),
        sa.Column("contact_kind", sa.String(length=40), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.create_index("ix_activity_event_month_kind", ["month", "kind"], unique=False)

    op.create_table(
        "registration_link",
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("carer_id"),
    )
    with op.batch_alter_table("registration_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_link_month"), ["month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registration_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_link_month"))

    op.drop_table("registration_link")
    with op.batch_alter_table("activity_event", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_event_month_kind")

    op.drop_table("activity_event")
