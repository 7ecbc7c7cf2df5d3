"""carer merged into

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("carer", sa.Column("merged_into", sa.LargeBinary(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.drop_column("merged_into")
