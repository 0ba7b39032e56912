"""idempotency key on reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 08:05:00

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Two nullable columns and a unique index: none of them rewrites a large reports table
    (NULLs do not collide in a unique index)."""
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("request_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_reports_idempotency_key", "reports", ["idempotency_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_reports_idempotency_key", table_name="reports")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("request_hash")
        batch_op.drop_column("idempotency_key")
