"""form engine: forms, versions, records, revisions, unique values, serials, segments

Revision ID: 0002
Revises: 0001
Owner: form engine. Kept in the chain from the start so that engines built in parallel never
produce two Alembic heads; the owning engine fills in upgrade() and downgrade().
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
