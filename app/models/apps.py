"""Apps: the container of forms, flows, dashboards and segments that a user builds."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin


class App(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "apps"
    __table_args__ = (sa.UniqueConstraint("workspace_id", "key"),)
    key: Mapped[str] = mapped_column(sa.String(63))
    name: Mapped[dict] = mapped_column(JSONType)
    description: Mapped[str | None] = mapped_column(sa.Text)
    icon: Mapped[str | None] = mapped_column(sa.String(64))
    template_key: Mapped[str | None] = mapped_column(sa.String(63))
    template_version: Mapped[str | None] = mapped_column(sa.String(32))
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
