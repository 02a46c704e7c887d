"""Background jobs (imports, template installs), uploaded files and public links. Owned by
data in/out (app/form_engine/io, app/files, app/bundles, app/form_engine/public.py)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin, utcnow


class Job(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """The database side of a background job: RQ only delivers it, this row says what it is,
    how far it got and what went wrong."""
    __tablename__ = "jobs"
    kind: Mapped[str] = mapped_column(sa.String(32))           # import, template_install
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")  # queued, running,
    #                                                            succeeded, failed
    progress_done: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    progress_total: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    # [{"row", "column", "message"}], capped (error_count keeps the true number).
    errors: Mapped[list] = mapped_column(JSONType, default=list)
    error_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    result: Mapped[dict | None] = mapped_column(JSONType)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class File(IdMixin, WorkspaceMixin, Base):
    """An uploaded file; its bytes live in the storage backend under `storage_key`."""
    __tablename__ = "files"
    name: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.String(127))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    thumbnail_key: Mapped[str | None] = mapped_column(sa.String(255))
    purpose: Mapped[str] = mapped_column(sa.String(16), default="field")  # field, import
    form_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    field_key: Mapped[str | None] = mapped_column(sa.String(63))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PublicLink(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """A public fill-in link ("form") or a public look-up link ("query") of a form."""
    __tablename__ = "public_links"
    __table_args__ = (sa.UniqueConstraint("form_id", "kind"),)
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))              # form, query
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    config: Mapped[dict] = mapped_column(JSONType, default=dict)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    submissions: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))

