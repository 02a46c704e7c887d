"""Typed copies of hot record fields as generated columns of `records`.

Reports over JSONB spend most of their time pulling `data ->> 'key'` out of every row and casting
it (bench/reports.py Q1 at 1M orders: 3.2x the same query on a typed table). A STORED generated
column holds the value already extracted and typed, and PostgreSQL computes it on every INSERT,
UPDATE and COPY, so it is right for records written by any path with no help from the writer.

A column is per field key and kind, shared by every form that has the key: kind "t" is the
field's text (`data ->> 'key'`, what filters, dates and group-bys read), kind "n" its number
(NULL unless the JSON value is a number, so a form where the key holds text never fails a write).
Which columns exist is decided by the report engine (app.report_engine.hot_fields); this module
only names, lists, adds and drops them. Adding one rewrites the table under an exclusive lock
(measured ~10-20 s at 1M records on a busy 2-core box), so callers run it in a background job.
SQLite can only add VIRTUAL generated columns, which compute on read like the JSON call they
replace, so there a column alone gains nothing; but an index on virtual columns stores their
values, and a report whose columns are all in one index is answered from the index alone, with no
JSON parsed per row (SQLite 3.40 does not do that for an index on the JSON expression itself). So
on SQLite the columns are added (instantly, no rewrite) and the report engine builds covering
indexes on them (app.report_engine.hot_fields). A SQLite text column has no declared type (no
affinity), so it holds exactly what `json_extract` returns, numbers included, as the JSON reads
it replaces do."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.rule_engine.sql import FIELD_KEY

PREFIX = "hot_"
TEXT, NUMBER = "t", "n"
# Byte order: the report engine sorts and compares text in "C" order on both dialects, so a "C"
# column sorts faster (no locale rules) and its statistics serve those comparisons.
SQL_TYPES = {TEXT: 'text COLLATE "C"', NUMBER: "double precision"}
SQLITE_TYPES = {TEXT: "", NUMBER: "REAL"}
COLUMN_TYPES = {TEXT: sa.String(), NUMBER: postgresql.DOUBLE_PRECISION()}
LOCK_TIMEOUT = "3s"  # an ALTER queued behind a long reader blocks every later query on records
_CACHE = "formloom.hot_columns"


def column_name(kind: str, key: str) -> str:
    """`hot_<kind>_<key>`; keys too long for a PostgreSQL name (63 bytes) keep a prefix and a hash."""
    if kind not in SQL_TYPES or not FIELD_KEY.match(key):
        raise ValueError(f"no typed column for {kind!r} {key!r}")
    name = f"{PREFIX}{kind}_{key}"
    if len(name) <= 63:
        return name
    return f"{PREFIX}{kind}_{key[:38]}_{hashlib.sha1(key.encode()).hexdigest()[:16]}"


def expression(kind: str, key: str, dialect: str = "postgresql") -> str:
    """The generated column's SQL over `data` (key checked by column_name's caller)."""
    column_name(kind, key)
    if dialect == "sqlite":
        if kind == TEXT:
            return f"json_extract(data, '$.{key}')"
        return (f"(CASE WHEN json_type(data, '$.{key}') IN ('integer', 'real') "
                f"THEN json_extract(data, '$.{key}') END)")
    if kind == TEXT:
        return f"(data ->> '{key}')"
    return (f"(CASE WHEN jsonb_typeof(data -> '{key}') = 'number' "
            f"THEN (data ->> '{key}')::double precision END)")


def existing(session: Session) -> set[str]:
    """Names of the typed columns `records` has now (cached for the session's transaction)."""
    cached = session.info.get(_CACHE)
    if cached is None:
        if session.get_bind().dialect.name == "postgresql":
            sql = ("SELECT attname FROM pg_attribute WHERE attrelid = 'records'::regclass AND "
                   "attnum > 0 AND NOT attisdropped AND attgenerated = 's' AND attname LIKE 'hot\\_%'")
        else:  # hidden: 2 virtual, 3 stored generated column
            sql = ("SELECT name FROM pragma_table_xinfo('records') WHERE hidden IN (2, 3) "
                   "AND name LIKE 'hot\\_%' ESCAPE '\\'")
        cached = session.info[_CACHE] = set(session.scalars(sa.text(sql)))
    return cached


def column(name: str, kind: str) -> sa.ColumnElement:
    """A typed column of the (unaliased) records table, for report statements."""
    return sa.literal_column(f'records."{name}"', COLUMN_TYPES[kind])


def apply(session: Session, wanted: set[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Make the typed columns exactly `wanted` ({(kind, key)}) in one ALTER TABLE (one rewrite
    however many are added; drops alone do not rewrite). Returns (added, dropped) names.
    On SQLite: VIRTUAL columns (no rewrite); indexes using a dropped column are dropped with it."""
    session.info.pop(_CACHE, None)
    have = existing(session)
    want = {column_name(kind, key): (kind, key) for kind, key in wanted}
    added, dropped = sorted(set(want) - have), sorted(have - set(want))
    if not added and not dropped:
        return [], []
    if session.get_bind().dialect.name != "postgresql":
        _apply_sqlite(session, want, added, dropped)
        session.info.pop(_CACHE, None)
        return added, dropped
    actions = [f'DROP COLUMN IF EXISTS "{name}"' for name in dropped]
    for name in added:
        kind, key = want[name]
        actions.append(f'ADD COLUMN IF NOT EXISTS "{name}" {SQL_TYPES[kind]} '
                       f"GENERATED ALWAYS AS {expression(kind, key)} STORED")
    session.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    session.execute(sa.text("ALTER TABLE records " + ", ".join(actions)))
    if added:
        # The planner needs the new columns' statistics before the first report reads them.
        session.execute(sa.text("ANALYZE records"))
    session.info.pop(_CACHE, None)
    return added, dropped


def indexes_using(session: Session, names: set[str]) -> list[str]:
    """SQLite: the indexes of `records` that have any of the columns `names`."""
    out = []
    for (index,) in session.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' "
            "AND sql IS NOT NULL")):
        used = set(session.scalars(sa.text("SELECT name FROM pragma_index_xinfo(:i)"), {"i": index}))
        if used & names:
            out.append(index)
    return out


def _apply_sqlite(session: Session, want: dict, added: list[str], dropped: list[str]) -> None:
    for index in indexes_using(session, set(dropped)):
        session.execute(sa.text(f'DROP INDEX IF EXISTS "{index}"'))
    for name in dropped:
        session.execute(sa.text(f'ALTER TABLE records DROP COLUMN "{name}"'))
    for name in added:
        kind, key = want[name]
        session.execute(sa.text(
            f'ALTER TABLE records ADD COLUMN "{name}" {SQLITE_TYPES[kind]} '
            f"GENERATED ALWAYS AS ({expression(kind, key, 'sqlite')}) VIRTUAL"))
