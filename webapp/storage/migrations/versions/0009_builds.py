"""builds: the portal's deploy history (issue 18)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:30:00

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "builds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("build", sa.String(length=200), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_builds")),
    )
    op.create_index("ix_builds_site_deployed", "builds", ["site", "deployed_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_builds_site_deployed", table_name="builds")
    op.drop_table("builds")
