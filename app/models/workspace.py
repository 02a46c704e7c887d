"""Workspaces, users, memberships with roles, departments, API tokens."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TimestampMixin, WorkspaceMixin

ROLES = ("owner", "admin", "editor", "member", "viewer")


class Workspace(IdMixin, TimestampMixin, Base):
    __tablename__ = "workspaces"
    name: Mapped[str] = mapped_column(sa.String(200))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    language: Mapped[str] = mapped_column(sa.String(8), default="zh-CN")
    settings: Mapped[dict] = mapped_column(default=dict)


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    language: Mapped[str | None] = mapped_column(sa.String(8))
    is_active: Mapped[bool] = mapped_column(default=True)


class Membership(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "user_id"),)
    user_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    manager_id: Mapped[str | None] = mapped_column(sa.String(26), sa.ForeignKey("users.id"))


class Department(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "departments"
    name: Mapped[str] = mapped_column(sa.String(200))
    parent_id: Mapped[str | None] = mapped_column(
        sa.String(26), sa.ForeignKey("departments.id", ondelete="CASCADE"))
    manager_id: Mapped[str | None] = mapped_column(sa.String(26), sa.ForeignKey("users.id"))


class UserDepartment(WorkspaceMixin, Base):
    __tablename__ = "user_departments"
    user_id: Mapped[str] = mapped_column(
        sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[str] = mapped_column(
        sa.String(26), sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)


class ApiToken(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "api_tokens"
    user_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    # SHA-256 of the token: tokens are long random secrets, so a fast hash is enough and
    # lets every request find its token by an index lookup.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
