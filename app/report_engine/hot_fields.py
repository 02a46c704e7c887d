"""Planner help for the fields saved dashboards group and filter by ("hot" fields), kept in step
with the dashboards (called when one is saved or deleted; idempotent).

Measured at 1M orders (bench/reports.py): without statistics PostgreSQL assumes every
`data ->> 'key'` is unique and sorts a group-by to disk (Q1 2.7 s -> 0.45 s with them); SQLite
has no hash aggregate, and an index on (form_id, the field) hands it the rows already grouped
(Q1 3.0 s -> 1.5 s). So: PostgreSQL gets `CREATE STATISTICS` on `data ->> 'key'` (whole-table
statistics: the planner ignores a partial index's), SQLite an index on (form_id, the field).
Both are per field key, shared by every form using that key, so they are named by key.

With statistics, what is left of PostgreSQL's gap to a typed table is pulling each field out of
the JSON and casting it, row by row (Q1, a group-by of 1M orders, stayed at 3.2x). So the fields
saved dashboards read (also measures and the purchase analyses' customer, date and amount) are
promoted to typed generated columns of `records` (app.form_engine.typed_columns), which the
compiler reads instead of the JSON (app.report_engine.sources; figures in docs/performance.md).
Adding one rewrites the table, so it runs in a background job once the change that asked for it
commits, plus an hourly catch-up; reports read the JSON until the column exists."""
from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine import typed_columns
from app.form_engine.expressions import referenced_fields
from app.jobs import enqueue_after_commit, periodic
from app.models import Dashboard, Form
from app.report_engine.fields import KEY, FieldInfo, field_map
from app.rule_engine import sql as rule_sql

log = logging.getLogger(__name__)

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
    schedule_promotion(session)
    return sorted(created)


# --- typed columns (PostgreSQL) ---------------------------------------------------------------

PROMOTE_JOB_ID = "report-hot-columns"
_SCHEDULED = "formloom.hot_columns_scheduled"
_TEXT_VALUE_TYPES = {"text", "date", "datetime", "relation", "boolean"}


def column_kind(info: FieldInfo) -> str | None:
    """The typed column kind that can hold a form's own top-level field, or None (arrays, objects,
    subform columns and system fields, which live in records columns already)."""
    if info.parent or info.column:
        return None
    if info.value_type == "number":
        return typed_columns.NUMBER
    return typed_columns.TEXT if info.value_type in _TEXT_VALUE_TYPES else None


def _query_keys(query: dict) -> set[str]:
    """Every field key a widget's query reads from its source form's data."""
    keys = {d.get("field") for part in ("dimensions", "rows", "columns") for d in query.get(part, [])}
    keys |= {m.get("field") for m in query.get("measures", [])}
    keys |= {query.get(k) for k in ("customer", "date", "amount", "field")}
    if query.get("filter"):  # checked when the dashboard was saved
        keys |= referenced_fields(query["filter"])
    return {k for k in keys if isinstance(k, str)}


def wanted_columns(session: Session) -> set[tuple[str, str]]:
    """{(kind, key)} for every field any saved dashboard's widgets read (dimensions, measures,
    analysis fields, filters) or its dashboard filters map to, typed as its form defines it."""
    dashboards = session.execute(sa.select(Dashboard.app_id, Dashboard.definition)).all()
    forms: dict[str, dict[str, tuple[str, dict]]] = {}  # app -> form key or id -> (key, fields)
    for app_id in {a for a, _d in dashboards}:
        by_ref = forms[app_id] = {}
        for form_id, key, definition in session.execute(
                sa.select(Form.id, Form.key, Form.definition).where(Form.app_id == app_id)):
            by_ref[key] = by_ref[form_id] = (key, field_map(definition or {}))
    wanted: set[tuple[str, str]] = set()
    for app_id, definition in dashboards:
        definition = definition or {}
        for widget in definition.get("widgets", []):
            query = widget.get("query") or {}
            form = forms[app_id].get(query.get("source"))
            if form is None:
                continue
            form_key, fmap = form
            keys = _query_keys(query)
            # A dashboard filter applies to every widget whose form has its (mapped) field.
            keys |= {(f.get("fields") or {}).get(form_key, f.get("field"))
                     for f in definition.get("filters", [])}
            wanted |= _kinds(fmap, keys)
    return wanted


def _kinds(fmap: dict[str, FieldInfo], keys: set) -> set[tuple[str, str]]:
    out = set()
    for key in keys:
        info = fmap.get(key) if isinstance(key, str) else None
        kind = column_kind(info) if info else None
        if kind:
            out.add((kind, key))
    return out


def promotion_pending(session: Session) -> bool:
    """Whether the typed columns differ from what saved dashboards want (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    want = {typed_columns.column_name(kind, key) for kind, key in wanted_columns(session)}
    return want != typed_columns.existing(session)


def schedule_promotion(session: Session) -> bool:
    """Enqueue the promotion job once this transaction commits, when there is work for it."""
    if session.info.get(_SCHEDULED):
        return True
    if not promotion_pending(session):
        return False
    session.info[_SCHEDULED] = True
    enqueue_after_commit(session, promote, queue_name="low", job_id=PROMOTE_JOB_ID, timeout=3600)
    return True


def promote() -> dict:
    """The job: add and drop typed columns to match saved dashboards (idempotent)."""
    from app.extensions import unit_of_work

    with unit_of_work() as session:
        added, dropped = typed_columns.apply(session, wanted_columns(session))
    if added or dropped:
        log.info("hot fields: typed columns added %s, dropped %s", added, dropped)
    return {"added": added, "dropped": dropped}


def on_form_change(session: Session, form_id: str) -> None:
    """A form's definition changed: a hot field's new type may need another kind of column."""
    form = session.get(Form, form_id)
    if form is None or session.get_bind().dialect.name != "postgresql":
        return
    if session.scalar(sa.select(Dashboard.id).where(Dashboard.app_id == form.app_id).limit(1)):
        schedule_promotion(session)


@periodic("report-hot-columns", 3600)
def catch_up() -> None:
    """A promotion whose enqueue or lock wait failed is retried here."""
    from app.extensions import unit_of_work

    with unit_of_work() as session:
        pending = promotion_pending(session)
    if pending:
        promote()
