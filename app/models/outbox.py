"""The event outbox: record events written in the same transaction as the change, so a crash
between COMMIT and delivery never loses a trigger (a sweeper delivers what is left)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, WorkspaceMixin, utcnow


class EventOutbox(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "event_outbox"
    __table_args__ = (sa.Index("ix_event_outbox_pending", "processed_at", "id"),)
    name: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
