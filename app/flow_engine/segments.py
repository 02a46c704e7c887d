"""Which records of a form match a segment's rule expression: SQL when the rule engine can
compile it, otherwise a streamed Python evaluation."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import rule_engine
from app.flow_engine import expressions
from app.form_engine import system_fields
from app.models import Form, Record, Segment


def matching_record_ids(session: Session, segment: Segment, env) -> set[str]:
    definition = session.scalar(sa.select(Form.definition).where(Form.id == segment.form_id))
    # Segments may read the system fields (created_at, ...) as record filters do.
    schema = {**system_fields.rule_specs(definition), **expressions.form_schema(definition)}
    base = sa.select(Record.id).where(Record.form_id == segment.form_id)
    to_sql = getattr(rule_engine, "to_sql", None)
    clause = to_sql(segment.expression, schema, Record.data, env=env,
                    columns=system_fields.columns(definition)) if to_sql else None
    if clause is not None:
        return set(session.scalars(base.where(clause)))
    parsed = rule_engine.parse(segment.expression)
    system = set(system_fields.available(definition))
    found = set()
    rows = session.execute(sa.select(Record.id, Record.data, Record.created_at, Record.updated_at,
                                     Record.created_by).where(
        Record.form_id == segment.form_id).execution_options(yield_per=1000))
    for row in rows:
        record_id = row.id
        data = {**row.data, **system_fields.values(row, system)}
        value = rule_engine.evaluate_parsed(parsed, data, env, schema)
        if value is True or (isinstance(value, (int, float)) and not isinstance(value, bool) and value):
            found.add(record_id)
    return found
