"""report engine: dashboards

Revision ID: 0004
Revises: 0003
Owner: report engine. Kept in the chain from the start so that engines built in parallel never
produce two Alembic heads; the owning engine fills in upgrade() and downgrade().
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
