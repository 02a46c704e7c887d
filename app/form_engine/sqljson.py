"""SQL over the records.data JSON column on both dialects. Field keys are validated identifiers
(^[a-z][a-z0-9_]*$), so they are written into the SQL text: that lets expression indexes match
(a bound JSON path never matches an index expression)."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.models import Record

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def checked(key: str) -> str:
    """The key itself, after making sure it is a field key and safe inside SQL text."""
    if not _KEY.match(key):
        raise ValueError(f"not a field key: {key!r}")
    return key


def text_sql(key: str, dialect: str, table: str | None = "records") -> str:
    """The SQL text reading one field as text (the expression indexes are built on; index DDL
    passes table=None since SQLite refuses qualified names there)."""
    key = checked(key)
    column = f"{table}.data" if table else "data"
    if dialect == "postgresql":
        return f"({column} ->> '{key}')"
    return f"json_extract({column}, '$.{key}')"


def field_text(key: str, dialect: str):
    """A field as text: the column expression for filters, sorts and equality."""
    return sa.literal_column(text_sql(key, dialect), sa.String)


def field_number(key: str, dialect: str):
    if dialect == "postgresql":
        return sa.literal_column(f"(({text_sql(key, dialect)})::float)", sa.Float)
    return sa.literal_column(f"CAST({text_sql(key, dialect)} AS REAL)", sa.Float)


def field_is_blank(key: str, dialect: str):
    text = field_text(key, dialect)
    if dialect == "postgresql":
        raw = sa.literal_column(f"(records.data -> '{checked(key)}')")
        return sa.or_(raw.is_(None), raw == sa.literal_column("'null'::jsonb"), text == "",
                      raw == sa.literal_column("'[]'::jsonb"))
    kind = sa.literal_column(f"json_type(records.data, '$.{checked(key)}')")
    return sa.or_(kind.is_(None), kind == "null", text == "",
                  sa.and_(kind == "array", sa.literal_column(
                      f"json_array_length(records.data, '$.{key}')") == 0))


def array_contains(key: str, value: str, dialect: str):
    """The JSON array field `key` holds `value` (multiselect, users, multiple relations)."""
    key = checked(key)
    if dialect == "postgresql":
        return sa.literal_column(f"(records.data -> '{key}')").op("@>")(
            sa.func.jsonb_build_array(sa.literal(value, sa.String)))
    each = sa.func.json_each(Record.data, f"$.{key}").table_valued("value")
    return sa.exists(sa.select(1).select_from(each).where(each.c.value == value))


def points_at(key: str, record_id: str, multiple: bool, dialect: str):
    """A relation field `key` points at record_id."""
    if multiple:
        return array_contains(key, record_id, dialect)
    return field_text(key, dialect) == record_id


def row_points_at(subform: str, key: str, record_id: str, dialect: str):
    """A row of subform `subform` has relation `key` pointing at record_id (one id or a list)."""
    subform, key = checked(subform), checked(key)
    if dialect == "postgresql":
        return sa.or_(*(sa.literal_column(f"(records.data -> '{subform}')").op("@>")(
            sa.func.jsonb_build_array(sa.func.jsonb_build_object(key, value)))
            for value in (sa.func.to_jsonb(sa.cast(sa.literal(record_id), sa.Text)),
                          sa.func.jsonb_build_array(sa.literal(record_id, sa.String)))))
    # json_each of a scalar yields the scalar itself, so one join covers one id and lists.
    return sa.text(f"EXISTS (SELECT 1 FROM json_each(records.data, '$.{subform}') AS row_, "
                   f"json_each(row_.value, '$.{key}') AS id_ WHERE id_.value = :row_target)"
                   ).bindparams(row_target=record_id)


def points_at_any(key: str, record_ids: list[str], multiple: bool, dialect: str):
    """A relation field `key` points at one of record_ids."""
    key = checked(key)
    if not multiple:
        return field_text(key, dialect).in_(record_ids)
    if dialect == "postgresql":
        return sa.literal_column(f"(records.data -> '{key}')").op("?|")(
            sa.cast(sa.literal(list(record_ids), postgresql.ARRAY(sa.Text)),
                    postgresql.ARRAY(sa.Text)))
    each = sa.func.json_each(Record.data, f"$.{key}").table_valued("value")
    return sa.exists(sa.select(1).select_from(each).where(each.c.value.in_(record_ids)))
