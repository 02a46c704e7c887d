"""Derived values that depend on other records: rollups (aggregates over the records of another
form that point here) and lookups (copies of a related record's field). When a record changes,
only the records it touches are refreshed, each aggregate computed in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine.fields.relation import relation_ids
from app.form_engine.sqljson import field_number, field_text, points_at
from app.models import Form, Record

MAX_DEPTH = 4
EMPTY = {"count": 0, "count_distinct": 0, "sum": 0}


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def aggregate(session: Session, rollup: dict, source: Form, target_id: str, filter_clause=None):
    """The rollup value of one target record, computed in SQL over its source records."""
    dialect = session.get_bind().dialect.name
    via = next(f for f in source.definition["fields"] if f["key"] == rollup["via"])
    agg = rollup["agg"]
    field_kind = None
    if agg != "count":
        field_kind = next((f["type"] for f in source.definition["fields"]
                           if f["key"] == rollup["field"]), None)
    numeric = field_kind in ("number", "rating", "rollup") or (
        field_kind == "formula" and next(f for f in source.definition["fields"]
                                          if f["key"] == rollup["field"]).get("result") == "number")
    if agg == "count":
        column = sa.func.count()
    else:
        value = field_number(rollup["field"], dialect) if numeric and agg not in ("count_distinct",) \
            else field_text(rollup["field"], dialect)
        column = {"sum": sa.func.sum, "avg": sa.func.avg, "min": sa.func.min, "max": sa.func.max,
                  "count_distinct": lambda v: sa.func.count(sa.distinct(v))}[agg](value)
    stmt = sa.select(column).where(Record.form_id == source.id,
                                   points_at(rollup["via"], target_id, via.get("multiple", False),
                                             dialect))
    if filter_clause is not None:
        stmt = stmt.where(filter_clause)
    result = session.scalar(stmt)
    if result is None:
        return EMPTY.get(agg)
    if agg in ("count", "count_distinct"):
        return int(result)
    if agg in ("sum", "avg") or numeric:
        return _number(round(float(result), 10))
    return result


def rollups_fed_by(session: Session, source: Form) -> list[tuple[Form, dict]]:
    """(target form, rollup field) for every rollup of the app that reads `source`."""
    out = []
    for form in session.scalars(sa.select(Form).where(Form.app_id == source.app_id)):
        for f in form.definition["fields"]:
            if f["type"] == "rollup" and f.get("source") == source.key:
                out.append((form, f))
    return out


def lookups_reading(session: Session, target: Form) -> list[tuple[Form, dict, dict]]:
    """(form, relation field, lookup field) for lookups that copy fields of `target`'s records."""
    out = []
    for form in session.scalars(sa.select(Form).where(Form.app_id == target.app_id)):
        rels = {f["key"]: f for f in form.definition["fields"]
                if f["type"] == "relation" and f.get("target") == target.key}
        for f in form.definition["fields"]:
            if f["type"] == "lookup" and f.get("via") in rels:
                out.append((form, rels[f["via"]], f))
    return out


def affected_targets(rollup_source_relation: str, before: dict | None, after: dict | None) -> set[str]:
    ids = set(relation_ids((before or {}).get(rollup_source_relation)))
    ids |= set(relation_ids((after or {}).get(rollup_source_relation)))
    return ids


def pointing_records(session: Session, form: Form, relation: dict, record_id: str) -> list[Record]:
    dialect = session.get_bind().dialect.name
    return list(session.scalars(sa.select(Record).where(
        Record.form_id == form.id,
        points_at(relation["key"], record_id, relation.get("multiple", False), dialect))))
