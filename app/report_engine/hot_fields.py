"""Planner help for the fields saved dashboards group and filter by ("hot" fields), kept in step
with the dashboards (called when one is saved or deleted; idempotent).

Measured at 1M orders (bench/reports.py): without statistics PostgreSQL assumes every
`data ->> 'key'` is unique and sorts a group-by to disk (Q1 2.7 s -> 0.45 s with them); SQLite
has no hash aggregate, and an index on (form_id, the field) hands it the rows already grouped
(Q1 3.0 s -> 1.5 s). So: PostgreSQL gets `CREATE STATISTICS` on `data ->> 'key'` (whole-table
statistics: the planner ignores a partial index's), SQLite an index on (form_id, the field).
Both are per field key, shared by every form using that key, so they are named by key."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Dashboard
from app.report_engine.fields import KEY
from app.rule_engine import sql as rule_sql

STATS_PREFIX = "st_rpt_"
INDEX_PREFIX = "ix_rpt_"


def object_name(dialect: str, key: str) -> str:
    prefix = STATS_PREFIX if dialect == "postgresql" else INDEX_PREFIX
    return prefix + hashlib.sha1(key.encode()).hexdigest()[:16]


def wanted_keys(session: Session) -> set[str]:
    """Every field key any saved dashboard groups or filters by, on any form."""
    keys: set[str] = set()
    for used in session.scalars(sa.select(Dashboard.fields_used)):
        for form_keys in (used or {}).values():
            keys.update(k for k in form_keys if KEY.match(k))
    return keys


def _existing(session: Session, dialect: str) -> set[str]:
    if dialect == "postgresql":
        sql = "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'st\\_rpt\\_%'"
    else:
        sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' "
               "AND name LIKE 'ix\\_rpt\\_%' ESCAPE '\\'")
    return {r[0] for r in session.execute(sa.text(sql))}


def _create(dialect, name: str, key: str) -> str:
    # The field's text exactly as the rule engine's filters and app.report_engine.fields read
    # it, or the planner would not match them.
    field = rule_sql.ddl_sql(rule_sql.field_text(rule_sql.UNQUALIFIED_DATA, key), dialect)
    if dialect.name == "postgresql":
        return f"CREATE STATISTICS IF NOT EXISTS \"{name}\" ON ({field}) FROM records"
    return f"CREATE INDEX IF NOT EXISTS \"{name}\" ON records (form_id, {field})"


def sync(session: Session) -> list[str]:
    """Create what saved dashboards need and drop what none needs; returns the names created.
    On PostgreSQL new statistics are filled at once (ANALYZE samples, it does not scan)."""
    dialect = session.get_bind().dialect.name
    want = {object_name(dialect, k): k for k in wanted_keys(session)}
    have = _existing(session, dialect)
    for name in have - set(want):
        kind = "STATISTICS" if dialect == "postgresql" else "INDEX"
        session.execute(sa.text(f'DROP {kind} IF EXISTS "{name}"'))
    created = [name for name in want if name not in have]
    for name in created:
        session.execute(sa.text(_create(session.get_bind().dialect, name, want[name])))
    if created and dialect == "postgresql":
        session.execute(sa.text("ANALYZE records"))
    return sorted(created)
