"""data in/out: files, jobs, public links

Revision ID: 0005
Revises: 0004
Owner: data in/out. Kept in the chain from the start so that engines built in parallel never
produce two Alembic heads; the owning engine fills in upgrade() and downgrade().
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
