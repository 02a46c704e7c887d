"""Expression indexes on records.data for the fields filters and joins use most (marked `indexed`,
relation and unique fields): one partial index per form and field, on both dialects."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine.sqljson import text_sql

PREFIX = "ix_rec_"


def index_name(form_id: str, key: str) -> str:
    return PREFIX + hashlib.sha1(f"{form_id}:{key}".encode()).hexdigest()[:20]


def wanted_keys(definition: dict) -> set[str]:
    keys = set()
    for f in definition["fields"]:
        scalar_relation = f["type"] == "relation" and not f.get("multiple")
        if f.get("indexed") or f.get("unique") or scalar_relation:
            keys.add(f["key"])
    for combo in definition.get("unique", []):
        keys.add(combo[0])
    return keys


def _existing(session: Session, form_id: str) -> set[str]:
    dialect = session.get_bind().dialect.name
    marker = f"%{form_id}%"
    if dialect == "postgresql":
        rows = session.execute(sa.text("SELECT indexname FROM pg_indexes WHERE tablename = 'records' "
                                       "AND indexname LIKE 'ix_rec_%' AND indexdef LIKE :m"),
                               {"m": marker})
    else:
        rows = session.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                       "tbl_name = 'records' AND name LIKE 'ix_rec_%' AND sql LIKE :m"),
                               {"m": marker})
    return {r[0] for r in rows}


def sync_indexes(session: Session, form_id: str, definition: dict | None) -> None:
    """Create the indexes the definition wants and drop the ones it no longer wants."""
    dialect = session.get_bind().dialect.name
    want = {index_name(form_id, k): k for k in (wanted_keys(definition) if definition else ())}
    have = _existing(session, form_id)
    for name in have - set(want):
        session.execute(sa.text(f'DROP INDEX IF EXISTS "{name}"'))
    for name, key in want.items():
        if name not in have:
            # form ids are generated base32 text, so inlining them in DDL is safe
            session.execute(sa.text(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON records ({text_sql(key, dialect, None)}) '
                f"WHERE form_id = '{form_id}'"))
