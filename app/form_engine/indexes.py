"""Expression indexes on records.data for the fields filters and joins use most (marked `indexed`,
relation and unique fields): one partial index per form and field, on both dialects. A filtered
field is indexed on exactly the SQL the rule engine emits for it (an index is only used when the
query's expression matches it); a relation on its id text, which joins and lookups compare.

On PostgreSQL each indexed expression also gets planner statistics (`CREATE STATISTICS` on the
expression, whole-table, shared by every form indexing the same expression): the planner takes
no estimates from a partial index, so without them it guessed that `n0 = 4242` matches 0.5% of
the records and, for a list ordered by id with a limit, walked the primary key through all 1M
of them (940 ms) instead of reading the 10 matches from the index (docs/performance.md). The
expressions are safe to evaluate on any form's rows (a number is cast only when the JSON holds
a number), since ANALYZE evaluates them over a sample of the whole table."""
from __future__ import annotations

import hashlib
import logging
import re
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine.rule_schema import rule_schema
from app.jobs import periodic
from app.models import Form, Record
from app.rule_engine import sql as rule_sql

log = logging.getLogger(__name__)

PREFIX = "ix_rec_"
STATS_PREFIX = "st_rec_"
CATCH_UP_EVERY_SECONDS = 3600

# fn(session, form_id): called after a form's definition (and so its indexes) changed or the form
# went away; the report engine re-checks the typed columns it keeps for hot fields (a field's
# type change may turn a number column into a text one), without the form engine importing it.
DefinitionListener = Callable[[Session, str], None]
_listeners: list[DefinitionListener] = []


def on_definition_change(fn: DefinitionListener) -> None:
    if fn not in _listeners:
        _listeners.append(fn)


def index_name(form_id: str, key: str, expression: str) -> str:
    return PREFIX + hashlib.sha1(f"{form_id}:{key}:{expression}".encode()).hexdigest()[:20]


def wanted_keys(definition: dict) -> set[str]:
    keys = set()
    for f in definition["fields"]:
        scalar_relation = f["type"] == "relation" and not f.get("multiple")
        if f.get("indexed") or f.get("unique") or scalar_relation:
            keys.add(f["key"])
    for combo in definition.get("unique", []):
        keys.add(combo[0])
    return keys


def filter_sql(key: str, spec: dict, dialect) -> str | None:
    """The SQL text a filter on `key` compares (unqualified, for index DDL), or None."""
    # The rule engine skips lower() for a constant without letters: phones are compared as is.
    operand = rule_sql.filter_operand(rule_sql.UNQUALIFIED_DATA, key, spec,
                                      case_folded=spec.get("type") != "phone")
    return None if operand is None else rule_sql.ddl_sql(operand, dialect)


def wanted_expressions(definition: dict, dialect) -> dict[str, str]:
    """index name -> the indexed SQL expression."""
    schema = rule_schema(definition)
    out = {}
    for key in wanted_keys(definition):
        expression = None
        if schema.get(key, {}).get("type") != "relation":
            expression = filter_sql(key, schema.get(key, {}), dialect)
        expression = expression or rule_sql.ddl_sql(
            rule_sql.field_text(rule_sql.UNQUALIFIED_DATA, key), dialect)
        out[index_name(definition.get("_form_id", ""), key, expression)] = expression
    return out


def filter_operands(definition: dict, dialect) -> list[str]:
    """The SQL text of each indexed operand as a query over `records` reads it (qualified)."""
    schema = rule_schema(definition)
    out = []
    for key in wanted_keys(definition):
        spec = schema.get(key, {})
        operand = None if spec.get("type") == "relation" else rule_sql.filter_operand(
            Record.data, key, spec, case_folded=spec.get("type") != "phone")
        if operand is not None:
            out.append(str(operand.compile(dialect=dialect)))
    return out


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


def stats_name(expression: str) -> str:
    return STATS_PREFIX + hashlib.sha1(expression.encode()).hexdigest()[:20]


def _existing_statistics(session: Session) -> set[str]:
    return set(session.scalars(sa.text(
        "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'st\\_rec\\_%'")))


def _sync_statistics(session: Session, form_id: str, expressions) -> list[str]:
    """PostgreSQL: statistics on each expression that has none yet; returns the names created.
    They are filled at once when the form already has records (ANALYZE samples, it does not scan
    the table); a new form's are filled by autovacuum's ANALYZE as its records arrive."""
    have = _existing_statistics(session)
    created = []
    for expression in expressions:
        name = stats_name(expression)
        if name not in have:
            session.execute(sa.text(
                f'CREATE STATISTICS IF NOT EXISTS "{name}" ON ({expression}) FROM records'))
            have.add(name)
            created.append(name)
    if created and session.scalar(sa.select(Record.id).where(Record.form_id == form_id).limit(1)):
        session.execute(sa.text("ANALYZE records"))
    return created


def sync_indexes(session: Session, form_id: str, definition: dict | None, *,
                 notify: bool = True) -> None:
    """Create the indexes (and, on PostgreSQL, the statistics) the definition wants and drop the
    indexes it no longer wants (statistics other forms may share are dropped by `catch_up`)."""
    dialect = session.get_bind().dialect
    want = {}
    if definition:
        want = wanted_expressions({**definition, "_form_id": form_id}, dialect)
    have = _existing(session, form_id)
    for name in have - set(want):
        session.execute(sa.text(f'DROP INDEX IF EXISTS "{name}"'))
    for name, expression in want.items():
        if name not in have:
            # form ids are generated base32 text, so inlining them in DDL is safe
            session.execute(sa.text(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON records (({expression})) '
                f"WHERE form_id = '{form_id}'"))
    if dialect.name == "postgresql" and want:
        _sync_statistics(session, form_id, want.values())
    if notify:
        for listener in _listeners:
            listener(session, form_id)


_FORM_IN_DDL = re.compile(r"form_id\)?(?:::text)? = '([0-9a-z]+)'")


def _all_indexes(session: Session) -> dict[str, set[str]]:
    """form id -> the names of its ix_rec_ indexes."""
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE "
                                       "tablename = 'records' AND indexname LIKE 'ix\\_rec\\_%'"))
    else:
        rows = session.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name = 'records' AND name LIKE 'ix\\_rec\\_%' "
                                       "ESCAPE '\\'"))
    out: dict[str, set[str]] = {}
    for name, ddl in rows:
        found = _FORM_IN_DDL.search(ddl or "")
        out.setdefault(found.group(1) if found else "", set()).add(name)
    return out


def catch_up(session: Session) -> list[str]:
    """Bring every form's indexes and statistics in line with what this code wants: after an
    upgrade changed an indexed expression (the old index no longer matches the filters), or a
    definition change whose sync did not commit. Drops the indexes of forms that are gone and the
    statistics no form wants, and fills statistics never analysed. Returns the ids of the forms
    whose indexes changed."""
    dialect = session.get_bind().dialect
    indexes = _all_indexes(session)
    changed, expressions = [], set()
    forms = dict(session.execute(sa.select(Form.id, Form.definition)).all())
    for form_id, definition in forms.items():
        want = wanted_expressions({**definition, "_form_id": form_id}, dialect)
        expressions.update(want.values())
        if set(want) != indexes.get(form_id, set()):
            sync_indexes(session, form_id, definition, notify=False)
            changed.append(form_id)
    # Forms removed with their app (a cascade, not delete_form) leave indexes every insert pays for.
    for form_id in set(indexes) - set(forms) - {""}:
        for name in indexes[form_id]:
            session.execute(sa.text(f'DROP INDEX IF EXISTS "{name}"'))
        changed.append(form_id)
    if dialect.name == "postgresql":
        wanted = {stats_name(e): e for e in expressions}
        have = _existing_statistics(session)
        for name in have - set(wanted):
            session.execute(sa.text(f'DROP STATISTICS IF EXISTS "{name}"'))
        for name in set(wanted) - have:
            session.execute(sa.text(
                f'CREATE STATISTICS IF NOT EXISTS "{name}" ON ({wanted[name]}) FROM records'))
        empty = session.scalar(sa.text(
            "SELECT count(*) FROM pg_statistic_ext s LEFT JOIN pg_statistic_ext_data d "
            "ON d.stxoid = s.oid WHERE s.stxname LIKE 'st\\_rec\\_%' AND d.stxdexpr IS NULL"))
        if empty:
            session.execute(sa.text("ANALYZE records"))
    if changed:
        log.info("indexes of %d forms brought up to date: %s", len(changed), ", ".join(changed))
    return changed


def stale_forms(session: Session) -> list[str]:
    """The forms whose indexes differ from what their definition wants."""
    dialect = session.get_bind().dialect
    indexes = _all_indexes(session)
    return [form_id for form_id, definition in session.execute(sa.select(Form.id, Form.definition))
            if set(wanted_expressions({**definition, "_form_id": form_id}, dialect))
            != indexes.get(form_id, set())]


@periodic("forms.indexes", every_seconds=CATCH_UP_EVERY_SECONDS)
def catch_up_sweep() -> None:
    """One transaction per stale form: building an index holds off writes to `records` while it
    scans the table (about 1 s per million records here), so after an upgrade that changed an
    expression the writes wait for one index at a time, not for all of them."""
    from app.extensions import unit_of_work

    with unit_of_work() as session:
        stale = stale_forms(session)
    for form_id in stale:
        with unit_of_work() as session:
            form = session.get(Form, form_id)
            if form is not None:
                sync_indexes(session, form_id, form.definition, notify=False)
    with unit_of_work() as session:
        catch_up(session)
