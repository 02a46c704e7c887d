"""Forms (versioned definitions), records (JSON data) with revisions, unique values, serials,
and saved segments. Owned by app/form_engine."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin, utcnow)


class Form(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "forms"
    __table_args__ = (sa.UniqueConstraint("app_id", "key"),)
    app_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("apps.id", ondelete="CASCADE"),
                                        index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    version: Mapped[int] = mapped_column(default=1)
    # The current version's definition, denormalised for reads; form_versions keeps history.
    definition: Mapped[dict] = mapped_column(JSONType)
    # Bumped by every record write: report cache keys include it, so new data shows at once.
    data_version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    public_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))


class FormVersion(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "form_versions"
    __table_args__ = (sa.UniqueConstraint("form_id", "version"),)
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int] = mapped_column()
    definition: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
    note: Mapped[str | None] = mapped_column(sa.Text)


class Record(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "records"
    __table_args__ = (sa.Index("ix_records_form_id_id", "form_id", "id"),)
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(default=1)
    form_version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))
    updated_by: Mapped[str | None] = mapped_column(sa.String(26))
    # For data scopes "own" and "department" without reading JSON.
    owner_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    department_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)


class RecordRevision(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "record_revisions"
    record_id: Mapped[str] = mapped_column(sa.String(26), index=True)
    form_id: Mapped[str] = mapped_column(sa.String(26), index=True)
    version: Mapped[int] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(16))        # create, update, delete
    actor_id: Mapped[str | None] = mapped_column(sa.String(26))
    source: Mapped[str] = mapped_column(sa.String(16), default="api")  # api, public, import, flow, template
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed: Mapped[list] = mapped_column(JSONType, default=list)   # field keys
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)


class UniqueValue(Base):
    """One row per (form, unique constraint, normalised value): the database, not a racy read,
    refuses a second record with the same phone or the same (store, member_no)."""
    __tablename__ = "unique_values"
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"),
                                         primary_key=True)
    constraint_key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    value_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(sa.String(26), index=True)


class SerialCounter(Base):
    """Gap-free serial numbers per form, field and period (never, yyyy, yyyymm)."""
    __tablename__ = "serial_counters"
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"),
                                         primary_key=True)
    field_key: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Segment(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "segments"
    __table_args__ = (sa.UniqueConstraint("form_id", "key"),)
    form_id: Mapped[str] = mapped_column(sa.String(26), sa.ForeignKey("forms.id", ondelete="CASCADE"),
                                         index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    name: Mapped[dict] = mapped_column(JSONType)
    expression: Mapped[str] = mapped_column(sa.Text)
    broken: Mapped[str | None] = mapped_column(sa.Text)
