"""App roles (店员, 销售, 客服 ...): roles an app defines on top of workspace roles, and which
members hold them. Owned by app/form_engine (form permissions and flow assignees read them)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin


class AppRole(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "app_roles"
    __table_args__ = (sa.UniqueConstraint("app_id", "key"),)
    app_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("apps.id", ondelete="CASCADE"),
                                        index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    name: Mapped[dict | str] = mapped_column(JSONType)
    # The workspace role whose form rules apply where a form has no entry for this app role.
    base_role: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[dict | str | None] = mapped_column(JSONType)


class AppRoleMember(WorkspaceMixin, Base):
    __tablename__ = "app_role_members"
    # (app_id, user_id) answers "which roles does this user hold in this app" by index.
    __table_args__ = (sa.Index("ix_app_role_members_app_id_user_id", "app_id", "user_id"),)
    role_id: Mapped[str] = mapped_column(
        sa.String(26), sa.ForeignKey("app_roles.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("apps.id", ondelete="CASCADE"))
