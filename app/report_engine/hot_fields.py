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
commits, plus an hourly catch-up; reports read the JSON until the column exists.

On SQLite the same columns are VIRTUAL (added at once, computed on read) and the job also builds
one covering index per saved widget shape on them (section "covering indexes" below): the
widgets' statements then read the index alone, no JSON (bench Q1..Q4 at 200k orders 0.27 / 0.58
/ 1.4 / 1.5 s -> 0.05 / 0.03 / 0.17 / 0.22 s). Building those scans the table under SQLite's
write lock (seconds per index at 1M records), hence the job here too."""
from __future__ import annotations

import hashlib
import logging
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors

from app.form_engine import typed_columns
from app.form_engine.expressions import referenced_fields
from app.jobs import enqueue_after_commit, periodic
from app.models import Dashboard, Form, Record
from app.report_engine.fields import KEY, FieldInfo, field_map, system_fields
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


# --- typed columns ---------------------------------------------------------------------------

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


def _widgets(session: Session):
    """(form id, form key, fields incl. system fields, widget query, dashboard filter keys) of
    every widget of every saved dashboard whose source form exists."""
    dashboards = session.execute(sa.select(Dashboard.app_id, Dashboard.definition)).all()
    forms: dict[str, dict] = {}  # app -> form key or id -> (id, key, fields)
    for app_id in {a for a, _d in dashboards}:
        by_ref = forms[app_id] = {}
        for form_id, key, definition in session.execute(
                sa.select(Form.id, Form.key, Form.definition).where(Form.app_id == app_id)):
            fmap = field_map(definition or {})
            by_ref[key] = by_ref[form_id] = (form_id, key, fmap | system_fields(fmap))
    for app_id, definition in dashboards:
        definition = definition or {}
        for widget in definition.get("widgets", []):
            query = widget.get("query") or {}
            form = forms[app_id].get(query.get("source"))
            if form is None:
                continue
            form_id, form_key, fmap = form
            # A dashboard filter applies to every widget whose form has its (mapped) field.
            filter_keys = [(f.get("fields") or {}).get(form_key, f.get("field"))
                           for f in definition.get("filters", [])]
            yield form_id, form_key, fmap, query, [k for k in filter_keys if isinstance(k, str)]


def wanted_columns(session: Session) -> set[tuple[str, str]]:
    """{(kind, key)} for every field any saved dashboard's widgets read (dimensions, measures,
    analysis fields, filters) or its dashboard filters map to, typed as its form defines it."""
    wanted: set[tuple[str, str]] = set()
    for _form_id, _key, fmap, query, filter_keys in _widgets(session):
        wanted |= _kinds(fmap, _query_keys(query) | set(filter_keys))
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
    """Whether the typed columns or the covering indexes differ from what saved dashboards want."""
    want = {typed_columns.column_name(kind, key) for kind, key in wanted_columns(session)}
    if want != typed_columns.existing(session):
        return True
    return set(covering_wanted(session)) != _covering_existing(session)


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
    """The job: add and drop typed columns and covering indexes to match saved dashboards
    (idempotent)."""
    from app.extensions import unit_of_work

    with unit_of_work() as session:
        bind = session.get_bind()
        added, dropped = typed_columns.apply(session, wanted_columns(session))
        made, removed = sync_covering(session)
        added, dropped = added + made, dropped + removed
    if made and bind.dialect.name == "postgresql":
        # An index-only scan skips the table only for pages the visibility map marks all-visible,
        # and a column's rewrite leaves none marked: VACUUM marks them (outside a transaction).
        engine = getattr(bind, "engine", bind)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM (ANALYZE) records"))
    if added or dropped:
        log.info("hot fields: typed columns added %s, dropped %s", added, dropped)
    return {"added": added, "dropped": dropped}


def on_form_change(session: Session, form_id: str) -> None:
    """A form's definition changed: a hot field's new type may need another kind of column."""
    form = session.get(Form, form_id)
    if form is None:
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


# --- covering indexes --------------------------------------------------------------------------
#
# SQLite's typed columns are VIRTUAL (computed on read), but an index stores their values, and a
# statement reading only columns of one index is answered from that index alone: no table row and
# no JSON is read. Measured with bench/reports.py at 200k orders (figures in docs/performance.md),
# Q1 268 -> ~60 ms, Q3 1.4 s -> ~0.3 s. So each saved widget gets an index on (form_id,
# workspace_id, its filter fields, its group keys, then what it only reads): the viewer's scope
# (workspace and form) and an equality filter are seeks, rows come in group order where SQLite can
# use it (a dimension, or a purchase analysis' customer then date), and measures are read from the
# index. Widgets an index already serves (same leading columns, subset of its columns) share it.
# A viewer with a narrower data scope (owner, department) or a widget with an array or subform
# field reads the table (as before, through the same columns).
# PostgreSQL gets the same indexes: its index-only scans read them instead of the wide records
# rows (bench Q2 at 1M orders, EXPLAIN ANALYZE: 396 -> 140-154 ms, typed table 130-135 ms), as
# far as the visibility map allows (the job VACUUMs after adding them; autovacuum keeps it up).

COVER_PREFIX = "ix_rcv_"
MAX_COVERING_PER_FORM = 8  # not partial: each is written on every record write, of any form


def _column_of(fmap: dict[str, FieldInfo], key) -> str | None | bool:
    """The records column a covering index holds for field `key`: a system field's own column,
    a typed column's name; False when the field cannot be in an index (arrays, subform columns)."""
    info = fmap.get(key) if isinstance(key, str) else None
    if info is None:
        return False
    if info.column:
        return info.column
    kind = column_kind(info)
    return typed_columns.column_name(kind, key) if kind else False


def _widget_columns(fmap: dict[str, FieldInfo], query: dict, filter_keys: list[str]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(leading, trailing) columns of the covering index for one widget, or None."""
    filters = sorted(referenced_fields(query["filter"])) if query.get("filter") else []
    groups = [d.get("field") for part in ("dimensions", "rows", "columns") for d in query.get(part, [])]
    if query.get("kind", "table") == "table":
        lead = filters + groups
    else:  # purchase analyses group by customer, then day, then dimension
        lead = filters + [query.get(k) for k in ("customer", "date", "field")] + groups
    trail = [query.get("amount")] + [m.get("field") for m in query.get("measures", [])] + filter_keys
    lead_cols: list[str] = []
    trail_cols: list[str] = []
    for keys, out in ((lead, lead_cols), (trail, trail_cols)):
        for key in keys:
            if key is None:
                continue
            column = _column_of(fmap, key)
            if column is False:
                return None
            if column not in lead_cols and column not in trail_cols:
                out.append(column)
    if not lead_cols and not trail_cols:
        return None
    return tuple(lead_cols), tuple(trail_cols)


def covering_name(form_id: str, columns: tuple[str, ...]) -> str:
    return COVER_PREFIX + hashlib.sha1(f"{form_id}:{','.join(columns)}".encode()).hexdigest()[:16]


def covering_wanted(session: Session) -> dict[str, tuple[str, tuple[str, ...]]]:
    """index name -> (form id, columns after form_id and workspace_id), for saved widgets whose
    fields all have a typed (or system) column."""
    have = typed_columns.existing(session)
    per_form: dict[str, dict[tuple, int]] = {}
    for form_id, _key, fmap, query, filter_keys in _widgets(session):
        shape = _widget_columns(fmap, query, filter_keys)
        if shape is None or any(c.startswith(typed_columns.PREFIX) and c not in have
                                for c in shape[0] + shape[1]):
            continue
        shapes = per_form.setdefault(form_id, {})
        shapes[shape] = shapes.get(shape, 0) + 1
    out = {}
    for form_id, shapes in per_form.items():
        kept: list[tuple[str, ...]] = []
        # Widest first; a shape is served by a kept index with its leading columns first and all
        # of its columns somewhere; most-used first among the rest.
        for lead, trail in sorted(shapes, key=lambda sh: (-len(sh[0]) - len(sh[1]), -shapes[sh], sh)):
            columns = lead + trail
            if any(k[:len(lead)] == lead and set(columns) <= set(k) for k in kept):
                continue
            if len(kept) < MAX_COVERING_PER_FORM:
                kept.append(columns)
        for columns in kept:
            out[covering_name(form_id, columns)] = (form_id, columns)
    return out


def _covering_existing(session: Session) -> set[str]:
    if session.get_bind().dialect.name == "postgresql":
        return set(session.scalars(sa.text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'records' "
            "AND indexname LIKE 'ix\\_rcv\\_%'")))
    return set(session.scalars(sa.text(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' "
        "AND name LIKE 'ix\\_rcv\\_%' ESCAPE '\\'")))


def sync_covering(session: Session) -> tuple[list[str], list[str]]:
    """Create and drop covering indexes to match saved widgets; (created, dropped)."""
    session.info.pop(_COVERING_CACHE, None)
    postgres = session.get_bind().dialect.name == "postgresql"
    want = covering_wanted(session)
    have = _covering_existing(session)
    if postgres and (set(want) != have):
        session.execute(sa.text(f"SET LOCAL lock_timeout = '{typed_columns.LOCK_TIMEOUT}'"))
    dropped = sorted(have - set(want))
    for name in dropped:
        session.execute(sa.text(f'DROP INDEX IF EXISTS "{name}"'))
    created = sorted(set(want) - have)
    for name in created:
        _form_id, columns = want[name]
        cols = ", ".join(f'"{c}"' for c in columns)
        session.execute(sa.text(f'CREATE INDEX IF NOT EXISTS "{name}" ON records '
                                f"(form_id, workspace_id, {cols})"))
    if created and postgres:
        session.execute(sa.text("ANALYZE records"))
    elif created:
        # Statistics for the planner to pick among the new indexes (sampled, not a full scan).
        session.execute(sa.text("PRAGMA analysis_limit = 1000"))
        session.execute(sa.text("ANALYZE records"))
        session.execute(sa.text("PRAGMA analysis_limit = 0"))
    return created, dropped


_COVERING_CACHE = "formloom.covering_indexes"
_TYPED_REF = re.compile(r'^records\."(hot_[a-z0-9_]+)"$')


def covering_indexes(session: Session) -> dict[str, tuple[str, ...]]:
    """SQLite: the covering indexes `records` has now, name -> indexed columns (cached for the
    session's transaction)."""
    cached = session.info.get(_COVERING_CACHE)
    if cached is None:
        cached = session.info[_COVERING_CACHE] = {
            name: tuple(session.scalars(sa.text(
                "SELECT name FROM pragma_index_info(:i) ORDER BY seqno"), {"i": name}))
            for name in sorted(_covering_existing(session))}
    return cached


def records_columns_read(elements) -> set[str] | None:
    """Names of the (unaliased) records columns `elements` read, typed columns included."""
    table = Record.__table__
    names: set[str] = set()
    for element in elements:
        for node in visitors.iterate(element):
            if isinstance(node, sa.sql.elements.ColumnClause):
                if node.table is table:
                    names.add(node.name)
                elif node.table is None and node.is_literal:
                    match = _TYPED_REF.match(node.name)
                    if match:
                        names.add(match.group(1))
    return names


def covering_index_for(session: Session, elements) -> str | None:
    """The covering index holding every records column `elements` read (none when they read
    `data`): the one whose leading columns the statement reads most of, then the narrowest."""
    indexes = covering_indexes(session)
    if not indexes:
        return None
    read = records_columns_read(elements)
    if "data" in read:
        return None
    best = None
    for name, columns in indexes.items():
        if not read <= set(columns):
            continue
        lead = 0
        for column in columns[2:]:
            if column not in read:
                break
            lead += 1
        key = (-lead, len(columns), name)
        if best is None or key < best[0]:
            best = (key, name)
    return best[1] if best else None
