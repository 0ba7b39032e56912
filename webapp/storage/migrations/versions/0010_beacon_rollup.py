"""beacon_rollup: sampled page loads per day, build, verdict and client class (issue 18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 11:30:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "beacon_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("build", sa.String(length=64), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("browser_family", sa.String(length=64), nullable=False),
        sa.Column("browser_major", sa.Integer(), nullable=False),
        sa.Column("os_family", sa.String(length=64), nullable=False),
        sa.Column("device_type", sa.String(length=16), nullable=False),
        sa.Column("controlled", sa.Boolean(), nullable=False),
        sa.Column("waiting", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beacon_rollup")),
        sa.UniqueConstraint(
            "day",
            "build",
            "verdict",
            "browser_family",
            "browser_major",
            "os_family",
            "device_type",
            "controlled",
            "waiting",
            name="uq_beacon_rollup_key",
        ),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("beacon_rollup")
