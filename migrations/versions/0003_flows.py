"""flow engine: flows, versions, runs, steps, timers, tasks, messages, notifications, outbox, webhooks

Revision ID: 0003
Revises: 0002
Owner: flow engine. Kept in the chain from the start so that engines built in parallel never
produce two Alembic heads; the owning engine fills in upgrade() and downgrade().
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
