"""reports: handled_at and handled_by (the desk's handled/unhandled state, issue 21)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handled_by", sa.String(length=254), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("handled_by")
        batch_op.drop_column("handled_at")
