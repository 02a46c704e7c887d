"""Dashboards: a saved layout of report widgets in an app. Owned by app/report_engine."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin


class Dashboard(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "dashboards"
    __table_args__ = (sa.UniqueConstraint("app_id", "key"),)
    app_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("apps.id", ondelete="CASCADE"),
                                        index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    version: Mapped[int] = mapped_column(default=1)
    # The whole dashboard document (FORMATS.md section 4): name, filters, widgets with layouts.
    definition: Mapped[dict] = mapped_column(JSONType)
    # Form keys and field keys the widgets group or filter by, for index hints.
    fields_used: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
