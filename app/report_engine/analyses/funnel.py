"""Funnels: ordered stages of one field (a record at a later stage has passed the earlier ones
when `cumulative`, the default), or customers by number of distinct purchase days (`steps`:
[1, 2, 3] = at least 1, 2, 3 purchase days), optionally preceded by a population (all records of
another form, e.g. customers); with conversion from the first stage and from the previous one."""
from __future__ import annotations

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.i18n import _
from app.report_engine.analyses import analysis
from app.report_engine.purchases import purchase_days, rate
from app.report_engine.sources import RecordsQuery
from app.report_engine.spec import load_source, resolve_form


def _stage_counts(session, rq, spec) -> list[tuple[str, int]]:
    value = rq.text(spec["field"])
    stages = spec["stages"]
    cumulative = spec.get("cumulative", True)
    counts = [sa.func.count(sa.case((value.in_(stages[i:] if cumulative else [stage]), 1)))
              for i, stage in enumerate(stages)]
    row = session.execute(rq.select(*counts)).one()
    return list(zip(stages, row))


def _step_counts(session, rq, spec) -> list[tuple[str, int]]:
    p = purchase_days(rq, spec, with_dimension=False).c
    per_customer = sa.select(p.cust, sa.func.count().label("days")).group_by(p.cust).subquery("funnel_days")
    steps = spec["steps"]
    row = session.execute(sa.select(*(sa.func.count(sa.case((per_customer.c.days >= n, 1)))
                                      for n in steps))).one()
    out = [(f"{n}+", count) for n, count in zip(steps, row)]
    if spec.get("population"):
        form = resolve_form(session, rq.actor.workspace_id, spec["population"], rq.source.form.app_id)
        population = RecordsQuery(dialect=rq.dialect, source=load_source(session, rq.actor, form),
                                  actor=rq.actor, session=session)
        population.add_filter(spec.get("population_filter"))
        out.insert(0, (form.key, session.scalar(population.select(sa.func.count()))))
    return out


@analysis("funnel")
def funnel(session, rq, spec: dict, lang: str) -> dict:
    if "field" in spec:
        counts = _stage_counts(session, rq, spec)
    elif spec.get("customer"):
        counts = _step_counts(session, rq, spec)
    else:
        raise ValidationFailed(_("A funnel needs stages or steps", "漏斗需要阶段或步骤"), {})
    first = counts[0][1] if counts else 0
    rows, previous = [], None
    for stage, count in counts:
        rows.append([stage, count, rate(count, first), rate(count, previous) if previous is not None else None])
        previous = count
    columns = [{"key": k, "label": k, "type": t} for k, t in (
        ("stage", "text"), ("count", "number"), ("conversion", "number"), ("step_conversion", "number"))]
    return {"columns": columns, "rows": rows}
