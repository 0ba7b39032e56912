"""the report's outcome beside its verdict, and the roll-up counted by it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 08:50:00

Existing reports get the outcome their verdict and findings give (matrix/outcome.py), and the
roll-up is recounted from the reports, so the statistics by outcome cover the old reports too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from matrix.outcome import outcome_value

# revision identifiers, used by Alembic.
revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
_KEY = ("status", "browser_family", "os_family", "device_type", "outcome", "finding_ids")

reports = sa.table(
    "reports",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("status", sa.String),
    sa.column("browser_family", sa.String),
    sa.column("os_family", sa.String),
    sa.column("device_type", sa.String),
    sa.column("finding_ids", sa.Text),
    sa.column("findings", sa.JSON),
    sa.column("outcome", sa.String),
)
rollup = sa.table(
    "report_rollup",
    sa.column("day", sa.Date),
    *(sa.column(name, sa.String) for name in _KEY),
    sa.column("n", sa.Integer),
)


def _day(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def _backfill(conn: sa.Connection) -> None:
    """Each report's outcome, and the roll-up recounted with it, in batches by id."""
    counts: Counter[tuple[Any, ...]] = Counter()
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(reports).where(reports.c.id > last_id).order_by(reports.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        updates = []
        for row in rows:
            severities = [str(f.get("severity", "")) for f in (row.findings or [])]
            outcome = outcome_value(row.status, severities)
            updates.append({"row_id": row.id, "value": outcome})
            key = (row.status, row.browser_family, row.os_family, row.device_type, outcome)
            counts[(_day(row.created_at), *key, row.finding_ids or "")] += 1
        conn.execute(
            sa.update(reports)
            .where(reports.c.id == sa.bindparam("row_id"))
            .values(outcome=sa.bindparam("value")),
            updates,
        )
    conn.execute(sa.delete(rollup))
    if counts:
        conn.execute(
            sa.insert(rollup),
            [
                {"day": key[0], **dict(zip(_KEY, key[1:], strict=True)), "n": n}
                for key, n in sorted(counts.items(), key=lambda item: tuple(map(str, item[0])))
            ],
        )


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=24), server_default="unknown", nullable=False)
        )
        batch_op.create_index("ix_reports_outcome_created", ["outcome", "created_at"], unique=False)
    with op.batch_alter_table("report_rollup", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcome", sa.String(length=24), server_default="unknown", nullable=False)
        )
        batch_op.drop_constraint("uq_report_rollup_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_report_rollup_key",
            [
                "day",
                "status",
                "browser_family",
                "os_family",
                "device_type",
                "outcome",
                "finding_ids",
            ],
        )
    _backfill(op.get_bind())


def downgrade() -> None:
    """Downgrade schema: the roll-up summed back over outcomes."""
    conn = op.get_bind()
    keep = ("day", "status", "browser_family", "os_family", "device_type", "finding_ids")
    merged = conn.execute(
        sa.select(*(rollup.c[name] for name in keep), sa.func.sum(rollup.c.n).label("n")).group_by(
            *(rollup.c[name] for name in keep)
        )
    ).all()
    conn.execute(sa.delete(rollup))
    with op.batch_alter_table("report_rollup", schema=None) as batch_op:
        batch_op.drop_constraint("uq_report_rollup_key", type_="unique")
        batch_op.drop_column("outcome")
        batch_op.create_unique_constraint("uq_report_rollup_key", list(keep))
    if merged:
        table = sa.table(
            "report_rollup",
            *(sa.column(name) for name in keep),
            sa.column("n", sa.Integer),
        )
        conn.execute(sa.insert(table), [dict(row._mapping) for row in merged])
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_outcome_created")
        batch_op.drop_column("outcome")
