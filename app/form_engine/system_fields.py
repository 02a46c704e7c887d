"""System fields: the record columns filters and sorts read as if they were fields of every form
(created_at, updated_at, created_by, record_id), in the text the form engine stores values in.

The definition meta-schema reserves no field key, so a form may have its own `created_at`: then
that field is what `created_at` means (as in reports), and the column stays on the record."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.i18n import _
from app.models import Record

# key -> (records column, field definition)
SYSTEM_FIELDS = {
    "created_at": ("created_at", {"type": "datetime", "label": _("Created at", "创建时间")}),
    "updated_at": ("updated_at", {"type": "datetime", "label": _("Updated at", "更新时间")}),
    "created_by": ("created_by", {"type": "user", "label": _("Created by", "创建人")}),
    "record_id": ("id", {"type": "text", "label": _("Record ID", "记录 ID")}),
}


class iso_utc_text(FunctionElement):
    """A datetime column as the text the form engine stores date-times in ('YYYY-MM-DDTHH:MM:SSZ',
    UTC, whole seconds), so system date-times compare, sort and bucket like stored fields."""

    type = sa.String()
    inherit_cache = True
    name = "iso_utc_text"


@compiles(iso_utc_text)
def _iso_utc_text_sqlite(element, compiler, **kw):
    # SQLite keeps naive UTC 'YYYY-MM-DD HH:MM:SS.ffffff' (app.models.base.UTCDateTime).
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)})"


@compiles(iso_utc_text, "postgresql")
def _iso_utc_text_pg(element, compiler, **kw):
    return (f"to_char(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")


def _own_keys(definition: dict) -> set[str]:
    return {f.get("key") for f in definition.get("fields", [])}


def available(definition: dict) -> dict[str, tuple[str, dict]]:
    """The system fields of a form: those whose key no field of its own takes."""
    own = _own_keys(definition)
    return {k: v for k, v in SYSTEM_FIELDS.items() if k not in own}


def rule_specs(definition: dict) -> dict[str, dict]:
    """The system fields as the rule engine checks them (datetime, user, text)."""
    return {k: {"type": spec["type"]} for k, (_column, spec) in available(definition).items()}


def column_text(key: str) -> sa.ColumnElement:
    """A system field's SQL text, read from its records column."""
    column_name, spec = SYSTEM_FIELDS[key]
    column = Record.__table__.c[column_name]
    return iso_utc_text(column) if spec["type"] == "datetime" else column


def columns(definition: dict) -> dict[str, sa.ColumnElement]:
    """key -> SQL text, for the rule engine's push-down (`to_sql(columns=...)`)."""
    return {k: column_text(k) for k in available(definition)}


def _text(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def values(record: Record, keys) -> dict:
    """The record's system fields `keys` as a filter evaluated in Python reads them: exactly the
    text the SQL above gives."""
    return {k: _text(getattr(record, SYSTEM_FIELDS[k][0])) for k in keys}
