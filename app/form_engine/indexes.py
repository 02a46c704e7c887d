"""Expression indexes on records.data for the fields filters and joins use most (marked `indexed`,
relation and unique fields): one partial index per form and field, on both dialects. A filtered
field is indexed on exactly the SQL the rule engine emits for it (an index is only used when the
query's expression matches it); a relation on its id text, which joins and lookups compare."""
from __future__ import annotations

import hashlib
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine.rule_schema import rule_schema
from app.rule_engine import sql as rule_sql

PREFIX = "ix_rec_"

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
    for listener in _listeners:
        listener(session, form_id)
