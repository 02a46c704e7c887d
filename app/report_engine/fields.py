"""Typed SQL views of record fields: one JSON path read and one cast per field type and dialect."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.form_engine.system_fields import SYSTEM_FIELDS, iso_utc_text
from app.models import Record
from app.rule_engine import sql as rule_sql

KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

NUMBER_TYPES = {"number", "rating"}
TEXT_TYPES = {"text", "textarea", "richtext", "select", "phone", "email", "url", "serial",
              "user", "department"}
ARRAY_TYPES = {"multiselect", "users"}


@dataclass(frozen=True)
class FieldInfo:
    """What a report needs to know about one field: its key, its value type and its definition."""

    key: str
    type: str           # the form field type
    value_type: str     # number, text, date, datetime, boolean, array, relation, object
    definition: dict
    parent: str | None = None   # the subform holding it: key "items.category", parent "items"
    column: str | None = None   # a system field: the records table column it reads

    @property
    def own_key(self) -> str:
        """The key inside its row: "category" of "items.category"."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def label(self):
        return self.definition.get("label") or self.key


def value_type_of(field: dict) -> str:
    ftype = field.get("type")
    if ftype in ("formula", "lookup", "rollup"):
        result = field.get("result")
        if ftype == "rollup" and not result:
            result = "number" if field.get("agg") in ("count", "sum", "avg", "count_distinct") else None
        return {"number": "number", "text": "text", "date": "date", "datetime": "datetime",
                "boolean": "boolean"}.get(result or "text", "text")
    if ftype in NUMBER_TYPES:
        return "number"
    if ftype == "checkbox":
        return "boolean"
    if ftype in ("date", "datetime"):
        return ftype
    if ftype in ARRAY_TYPES:
        return "array"
    if ftype == "relation":
        return "array" if field.get("multiple") else "relation"
    if ftype in TEXT_TYPES:
        return "text"
    return "object"


def field_map(definition: dict) -> dict[str, FieldInfo]:
    """Stored fields of a form definition by key (sections store nothing)."""
    out: dict[str, FieldInfo] = {}
    for f in definition.get("fields", []):
        if f.get("type") == "section" or not KEY.match(f.get("key", "")):
            continue
        out[f["key"]] = FieldInfo(f["key"], f["type"], value_type_of(f), f)
        if f["type"] == "subform":
            for sub in f.get("fields", []):
                if KEY.match(sub.get("key", "")) and sub.get("type") != "section":
                    key = f"{f['key']}.{sub['key']}"
                    out[key] = FieldInfo(key, sub["type"], value_type_of(sub), sub, parent=f["key"])
    return out


def system_fields(taken) -> dict[str, FieldInfo]:
    """The system fields whose keys are not in `taken` (the form's own field keys)."""
    return {key: FieldInfo(key, d["type"], value_type_of(d), d, column=column)
            for key, (column, d) in SYSTEM_FIELDS.items() if key not in taken}


def column_text(info: FieldInfo) -> sa.ColumnElement:
    """A system field as text, read from its records column."""
    column = Record.__table__.c[info.column]
    return iso_utc_text(column) if info.value_type == "datetime" else column


def _key_literal(key: str) -> sa.ColumnElement:
    # Keys are checked against KEY, so they are safe to inline; a literal (not a bound parameter)
    # lets PostgreSQL match expression indexes and statistics on `data ->> 'key'`.
    if not KEY.match(key):
        raise ValueError(f"bad field key {key!r}")
    return sa.literal_column(f"'{key}'")


def json_text(dialect: str, key: str, data=None) -> sa.ColumnElement:
    """The field as text (strings, dates, ISO datetimes, ids): the rule engine's `field_text`, so
    group-bys read exactly what filters, indexes and planner statistics read."""
    return rule_sql.field_text(Record.data if data is None else data, key)


def text_of(dialect: str, info: FieldInfo, data=None) -> sa.ColumnElement:
    """A field as text, from its records column (system fields) or from `data`."""
    if info.column and data is None:
        return column_text(info)
    return json_text(dialect, info.own_key, data)


def json_raw(dialect: str, key: str, data=None) -> sa.ColumnElement:
    """The field as JSON (arrays, objects) for unnesting."""
    data = Record.data if data is None else data
    if dialect == "postgresql":
        return data.op("->")(_key_literal(key))
    return sa.func.json_extract(data, sa.literal_column(f"'$.{key}'"))


def typed(dialect: str, info: FieldInfo, data=None) -> sa.ColumnElement:
    """The field cast to its SQL type: numbers as double precision, booleans as 0/1, dates and
    datetimes as their ISO text (which sorts and compares correctly). On PostgreSQL the cast goes
    through `->>` because casting a JSON null (`'null'::jsonb`) to a number is an error."""
    text = text_of(dialect, info, data)
    if info.value_type == "number":
        if dialect == "postgresql":
            return sa.cast(text, postgresql.DOUBLE_PRECISION)
        return sa.cast(text, sa.Float)
    if info.value_type == "boolean":
        if dialect == "postgresql":
            return sa.cast(sa.cast(text, sa.Boolean), sa.Integer)
        return sa.type_coerce(text, sa.Integer)
    return text
