"""Rebuilding derived values (lookups, rollups, formulas) from scratch: after a definition change
adds or alters them, and from `formloom recompute`. Each rollup is one grouped SQL aggregate per
chunk of records."""
from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.form_engine import links, pipeline, rollups
from app.models import Form, Record
from app.rule_engine import EvalEnv

CHUNK = 500
DERIVED = ("formula", "lookup", "rollup")


def derived_signature(definition: dict) -> list:
    return [f for f in definition["fields"] if f["type"] in DERIVED]


def recompute_form(session: Session, form: Form) -> int:
    """Recompute every record of a form; returns how many changed."""
    from app.form_engine.forms import compiled_form
    from app.form_engine.queries import filter_clause, python_rollup
    from app.form_engine.records import workspace_timezone

    cf = compiled_form(session, form)
    sources = {}
    for f in cf.rollups:
        source = session.scalar(sa.select(Form).where(Form.app_id == form.app_id,
                                                      Form.key == f["source"]))
        sources[f["key"]] = (source, filter_clause(session, source, f["filter"])
                             if source is not None and f.get("filter") else None)
    env = EvalEnv(tz=workspace_timezone(session, form.workspace_id), now=clock.now())
    changed, last_id = 0, ""
    while True:
        batch = list(session.scalars(sa.select(Record).where(
            Record.form_id == form.id, Record.id > last_id).order_by(Record.id).limit(CHUNK)))
        if not batch:
            return changed
        targets = links.load_targets(session, form, cf, [r.data for r in batch])
        ids = [r.id for r in batch]
        aggregates = {}
        for f in cf.rollups:
            source, clause = sources[f["key"]]
            if source is None:
                continue
            if f.get("filter") and clause is None:
                aggregates[f["key"]] = {i: python_rollup(session, f, source, i) for i in ids}
            else:
                aggregates[f["key"]] = rollups.aggregate_many(session, f, source, ids, clause)
        for record in batch:
            data = copy.deepcopy(record.data)
            data.update(links.lookup_values(cf, data, targets))
            data.update({key: values[record.id] for key, values in aggregates.items()})
            pipeline.compute_formulas(cf, data, env)
            if data != record.data:
                record.data = data
                changed += 1
        session.flush()
        last_id = batch[-1].id


def recompute_app(session: Session, app_id: str) -> dict[str, int]:
    return {form.key: recompute_form(session, form)
            for form in session.scalars(sa.select(Form).where(Form.app_id == app_id))}
