"""Typed SQL views of record fields: one JSON path read and one cast per field type and dialect."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.models import Record

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


def _key_literal(key: str) -> sa.ColumnElement:
    # Keys are checked against KEY, so they are safe to inline; a literal (not a bound parameter)
    # lets PostgreSQL match expression indexes and statistics on `data ->> 'key'`.
    if not KEY.match(key):
        raise ValueError(f"bad field key {key!r}")
    return sa.literal_column(f"'{key}'")


def json_text(dialect: str, key: str, data=None) -> sa.ColumnElement:
    """The field as text (strings, dates, ISO datetimes, ids)."""
    data = Record.data if data is None else data
    if dialect == "postgresql":
        return data.op("->>", return_type=sa.String)(_key_literal(key))
    return sa.func.json_extract(data, sa.literal_column(f"'$.{key}'"), type_=sa.String)


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
    if info.value_type == "number":
        if dialect == "postgresql":
            return sa.cast(json_text(dialect, info.own_key, data), postgresql.DOUBLE_PRECISION)
        return sa.cast(json_text(dialect, info.own_key, data), sa.Float)
    if info.value_type == "boolean":
        if dialect == "postgresql":
            return sa.cast(sa.cast(json_text(dialect, info.own_key, data), sa.Boolean), sa.Integer)
        return sa.type_coerce(json_text(dialect, info.own_key, data), sa.Integer)
    return json_text(dialect, info.own_key, data)
