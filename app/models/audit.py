"""Audit log: who did what to which object, for admins and for security reviews."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, WorkspaceMixin, utcnow


class AuditLog(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "audit_log"
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.String(26))
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[str | None] = mapped_column(sa.String(26))
    details: Mapped[dict] = mapped_column(default=dict)
