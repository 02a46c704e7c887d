"""form engine: app roles and their members

Revision ID: 0006
Revises: 0005
Owner: form engine.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import app.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str) -> sa.Column:
    return sa.Column(name, app.models.base.UTCDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "app_roles",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=26), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("name", JSON, nullable=False),
        sa.Column("base_role", sa.String(length=16), nullable=False),
        sa.Column("description", JSON, nullable=True),
        _when("created_at"), _when("updated_at"),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"], name=op.f("fk_app_roles_app_id_apps"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_app_roles_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_roles")),
        sa.UniqueConstraint("app_id", "key", name=op.f("uq_app_roles_app_id")),
    )
    with op.batch_alter_table("app_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_roles_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_app_roles_workspace_id"), ["workspace_id"],
                              unique=False)

    op.create_table(
        "app_role_members",
        sa.Column("role_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("app_id", sa.String(length=26), nullable=False),
        sa.Column("workspace_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(["role_id"], ["app_roles.id"],
                                name=op.f("fk_app_role_members_role_id_app_roles"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_app_role_members_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["app_id"], ["apps.id"],
                                name=op.f("fk_app_role_members_app_id_apps"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_app_role_members_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("role_id", "user_id", name=op.f("pk_app_role_members")),
    )
    with op.batch_alter_table("app_role_members", schema=None) as batch_op:
        batch_op.create_index("ix_app_role_members_app_id_user_id", ["app_id", "user_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_app_role_members_workspace_id"), ["workspace_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("app_role_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_role_members_workspace_id"))
        batch_op.drop_index("ix_app_role_members_app_id_user_id")
    op.drop_table("app_role_members")
    with op.batch_alter_table("app_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_roles_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_app_roles_app_id"))
    op.drop_table("app_roles")
