"""data in/out: jobs, files, public links

Revision ID: 0005
Revises: 0004
Owner: data in/out.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, app.models.base.UTCDateTime(timezone=True), nullable=nullable)


def _workspace(table: str) -> list:
    return [sa.Column("workspace_id", sa.String(length=26), nullable=False),
            sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                    name=op.f(f"fk_{table}_workspace_id_workspaces"),
                                    ondelete="CASCADE")]


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=26), nullable=False),
        *_workspace("jobs"),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress_done", sa.BigInteger(), nullable=False),
        sa.Column("progress_total", sa.BigInteger(), nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("errors", JSON, nullable=False),
        sa.Column("error_count", sa.BigInteger(), nullable=False),
        sa.Column("result", JSON, nullable=True),
        sa.Column("created_by", sa.String(length=26), nullable=True),
        _when("started_at", True), _when("finished_at", True),
        _when("created_at"), _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "files",
        sa.Column("id", sa.String(length=26), nullable=False),
        *_workspace("files"),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=255), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("form_id", sa.String(length=26), nullable=True),
        sa.Column("field_key", sa.String(length=63), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=26), nullable=True),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_files_form_id"), ["form_id"], unique=False)

    op.create_table(
        "public_links",
        sa.Column("id", sa.String(length=26), nullable=False),
        *_workspace("public_links"),
        sa.Column("form_id", sa.String(length=26), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("config", JSON, nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("submissions", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.String(length=26), nullable=True),
        _when("created_at"), _when("updated_at"),
        sa.ForeignKeyConstraint(["form_id"], ["forms.id"],
                                name=op.f("fk_public_links_form_id_forms"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_links")),
        sa.UniqueConstraint("form_id", "kind", name=op.f("uq_public_links_form_id")),
        sa.UniqueConstraint("token", name=op.f("uq_public_links_token")),
    )
    with op.batch_alter_table("public_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_public_links_workspace_id"), ["workspace_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_public_links_form_id"), ["form_id"], unique=False)


def downgrade() -> None:
    op.drop_table("public_links")
    op.drop_table("files")
    op.drop_table("jobs")
