"""Keyset pagination of record lists: a typed multi-field order (numbers as numbers, blanks
smallest in both directions, record id last) and cursors that carry the last row's sort values,
so a page costs the same at any depth and rows written meanwhile never shift a page."""
from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

import sqlalchemy as sa

from app.errors import BadRequest
from app.form_engine import fields as registry
from app.form_engine.sqljson import field_number, field_text
from app.i18n import _
from app.models import Form, Record

# Record columns a list sorts by when the form has no field of that key (system fields; `id` is
# the record id too).
_META = {"id": (Record.id, "text"), "record_id": (Record.id, "text"),
         "created_at": (Record.created_at, "datetime"),
         "updated_at": (Record.updated_at, "datetime"), "created_by": (Record.created_by, "text")}


@dataclass(frozen=True)
class SortKey:
    key: str
    column: object
    kind: str          # number | text | datetime: how the cursor stores the value
    desc: bool


def _numeric(field: dict) -> bool:
    if field.get("result"):  # formulas, lookups and rollups say what they hold
        return field["result"] == "number"
    return registry.get(field["type"]).sql_kind == "number"


def parse_sort(form: Form, sort: str | None, dialect: str) -> list[SortKey]:
    """`-amount,name` -> sort keys; 400 for a key that is not a stored field or a system field
    (id, record_id, created_at, updated_at, created_by). A field of the form wins over a system
    field of the same key."""
    fields = {f["key"]: f for f in form.definition["fields"]}
    keys = []
    for part in [p.strip() for p in (sort or "").split(",") if p.strip()]:
        desc = part.startswith("-")
        key = part.lstrip("-+")
        if key in fields and registry.get(fields[key]["type"]).stores:
            kind = "number" if _numeric(fields[key]) else "text"
            column = field_number(key, dialect) if kind == "number" else field_text(key, dialect)
        elif key in _META and key not in fields:
            column, kind = _META[key]
        else:
            raise BadRequest(_("Cannot sort by '{k}'", "不能按“{k}”排序", k=key),
                             {"fields": {"sort": [_("Unknown field", "未知字段")]}})
        keys.append(SortKey(key, column, kind, desc))
    return keys


# `+id` is the same order, but SQLite cannot read it from the (form_id, id) index: it then picks
# the filter's own index and sorts what that finds.
_ID_NOT_FROM_INDEX = sa.literal_column("+records.id")


def order_by(keys: list[SortKey], *, id_from_index: bool = True) -> list:
    """Blanks are the smallest value: first going up, last going down; the id breaks ties.
    `id_from_index=False` keeps the order but stops SQLite from walking the id index for it."""
    last = Record.id.asc() if id_from_index or keys else _ID_NOT_FROM_INDEX
    return [sa.nulls_last(k.column.desc()) if k.desc else sa.nulls_first(k.column.asc())
            for k in keys] + [last]


def _after_one(key: SortKey, value):
    """Rows strictly after `value` on this key alone."""
    if key.desc:
        return sa.false() if value is None else sa.or_(key.column < value, key.column.is_(None))
    return key.column.is_not(None) if value is None else key.column > value


def _equal(key: SortKey, value):
    return key.column.is_(None) if value is None else key.column == value


def after_clause(keys: list[SortKey], values: list, last_id: str):
    """Rows after (values..., last_id) in `order_by(keys)` order."""
    terms = []
    for i, key in enumerate(keys):
        terms.append(sa.and_(*[_equal(k, v) for k, v in zip(keys[:i], values[:i])],
                             _after_one(key, values[i])))
    terms.append(sa.and_(*[_equal(k, v) for k, v in zip(keys, values)], Record.id > last_id))
    return sa.or_(*terms)


# --- cursors ------------------------------------------------------------------------------------

def _dump_value(kind: str, value):
    if value is None:
        return None
    if kind == "number":
        return float(value)
    if kind == "datetime":
        return value.astimezone(dt.UTC).isoformat()
    return str(value)


def _load_value(kind: str, value):
    if value is None:
        return None
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "datetime" and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if kind == "text" and isinstance(value, str):
        return value
    raise ValueError(kind)


def _signature(keys: list[SortKey]) -> str:
    return ",".join(("-" if k.desc else "") + k.key for k in keys)


def encode(keys: list[SortKey], values: list, last_id: str) -> str:
    body = {"s": _signature(keys), "v": [_dump_value(k.kind, v) for k, v in zip(keys, values)],
            "id": last_id}
    return base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()
                                    ).decode().rstrip("=")


def decode(cursor: str | None, keys: list[SortKey]) -> tuple[list, str] | None:
    """(sort values, last id) of a cursor made for this sort, None without one; 400 otherwise."""
    if not cursor:
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if body["s"] != _signature(keys) or len(body["v"]) != len(keys):
            raise ValueError("cursor of another sort")
        values = [_load_value(k.kind, v) for k, v in zip(keys, body["v"])]
        if not isinstance(body["id"], str):
            raise TypeError("id")
        return values, body["id"]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise BadRequest(_("Invalid cursor (or one made for another sort)",
                           "无效的分页游标（或游标属于另一种排序）"),
                         {"fields": {"cursor": [_("Invalid", "无效")]}}) from None
