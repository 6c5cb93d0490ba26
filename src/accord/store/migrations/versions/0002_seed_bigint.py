"""Seeds are 64-bit: ``runs.seed`` becomes a BIGINT (SQLite's INTEGER is already 64-bit).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("runs", "seed", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("runs", "seed", type_=sa.Integer(), existing_type=sa.BigInteger(), existing_nullable=False)
