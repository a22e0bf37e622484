"""audit.replay_of: a replayed attempt points at the failed attempt it re-sent

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(
            sa.Column(
                "replay_of",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch.create_foreign_key(
            op.f("fk_audit_replay_of_audit"), "audit", ["replay_of"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_constraint(op.f("fk_audit_replay_of_audit"), type_="foreignkey")
        batch.drop_column("replay_of")
