"""beacon_views: the policy view each beacon roll-up row counted (issue 19, impact of page loads)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:50:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The roll-up's key before this revision (its unique constraint).
OLD_KEY = (
    "day",
    "build",
    "verdict",
    "browser_family",
    "browser_major",
    "os_family",
    "device_type",
    "controlled",
    "waiting",
)


def upgrade() -> None:
    """Upgrade schema: existing roll-up rows get view "" (not known)."""
    op.create_table(
        "beacon_views",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("environment", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_beacon_views")),
    )
    with op.batch_alter_table("beacon_rollup", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("view", sa.String(length=16), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_beacon_rollup_key", type_="unique")
        batch_op.create_unique_constraint("uq_beacon_rollup_key", [*OLD_KEY, "view"])


def downgrade() -> None:
    """Downgrade schema: the rows that differ only by view are added into one."""
    same = " AND ".join(f"b.{c} = beacon_rollup.{c}" for c in OLD_KEY)
    group = ", ".join(OLD_KEY)
    op.execute(f"UPDATE beacon_rollup SET n = (SELECT SUM(b.n) FROM beacon_rollup b WHERE {same})")
    op.execute(
        "DELETE FROM beacon_rollup WHERE id NOT IN"
        f" (SELECT keep FROM (SELECT MIN(id) AS keep FROM beacon_rollup GROUP BY {group}) k)"
    )
    with op.batch_alter_table("beacon_rollup", schema=None) as batch_op:
        batch_op.drop_constraint("uq_beacon_rollup_key", type_="unique")
        batch_op.create_unique_constraint("uq_beacon_rollup_key", list(OLD_KEY))
        batch_op.drop_column("view")
    op.drop_table("beacon_views")
