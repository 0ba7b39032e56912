"""Indexes for the support dashboard's filters, each paired with created_at for date ranges.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_reports_browser_created": ["browser_family", "created_at"],
    "ix_reports_os_created": ["os_family", "created_at"],
    "ix_reports_device_created": ["device_type", "created_at"],
}


def upgrade() -> None:
    """Add the filter indexes."""
    for name, columns in INDEXES.items():
        op.create_index(name, "reports", columns)


def downgrade() -> None:
    """Drop the filter indexes."""
    for name in INDEXES:
        op.drop_index(name, table_name="reports")
