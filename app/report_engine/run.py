"""Running a report spec for a viewer: check, compile, execute (through the cache), shape rows."""
from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.i18n import render
from app.report_engine import cache
from app.report_engine.compile import compile_table
from app.report_engine.results import plain_row
from app.report_engine.sources import RecordsQuery
from app.report_engine.spec import check_spec


def run_report(session: Session, actor: Actor, spec: dict, *, app_id: str | None = None,
               extra_filters: list[str] | tuple = (), use_cache: bool = True,
               lang: str = "en") -> dict:
    """{"columns", "rows", "elapsed_ms", "cache": "hit"|"miss"|"off", ...analysis extras}."""
    started = time.perf_counter()
    source = check_spec(session, actor, spec, app_id=app_id)
    key = None
    if use_cache:
        key = cache.cache_key(actor, source.form, spec, list(extra_filters), lang)
        hit = cache.get(key)
        if hit is not None:
            hit["elapsed_ms"] = _ms(started)
            hit["cache"] = "hit"
            return hit
    result = compute(session, actor, source, spec, extra_filters, lang)
    if key is not None:
        cache.put(key, result, volatile=cache.is_volatile(spec, extra_filters))
    result["elapsed_ms"] = _ms(started)
    result["cache"] = "miss" if use_cache else "off"
    return result


# Report statements scan and group most of a form's records. Read from typed columns (hot fields)
# their rows look cheap to PostgreSQL's cost model, which then stops choosing parallel plans:
# the repurchase question over 1M orders took 7.2-7.8 s serial against 3.8-4.3 s parallel.
# A lower cost per row passed between parallel workers (default 0.1) brings the parallel plans back.
PARALLEL_TUPLE_COST = "0.05"
# JIT compiles a statement's expressions once its estimated cost passes jit_above_cost; report
# statements are deep (purchase days, windows, unnested subform rows) and their estimates high,
# so compiling took most of their time: the CRM overview's repurchase-by-category widget at ~100k
# orders spent 2.06 s of 2.21 s in JIT (inlining and optimizing 47 functions). Off for reports.
JIT = False
# Memory per sort or hash of a report statement; empty: the server's setting. 64MB kept the CRM
# overview's purchase-day windows off disk at ~100k orders (a few % faster), but at 1M orders the
# planner then chose serial hash aggregates over parallel plans (bench Q4, EXPLAIN ANALYZE:
# 2.63-2.68 s against 1.84-1.85 s with the default 4MB), so it is left alone.
WORK_MEM = ""


def compute(session: Session, actor: Actor, source, spec: dict, extra_filters, lang: str) -> dict:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql" and PARALLEL_TUPLE_COST:
        session.execute(sa.text(f"SET LOCAL parallel_tuple_cost = {PARALLEL_TUPLE_COST}"))
    if dialect == "postgresql" and not JIT:
        session.execute(sa.text("SET LOCAL jit = off"))
    if dialect == "postgresql" and WORK_MEM:
        session.execute(sa.text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    rq = RecordsQuery(dialect=dialect, source=source, actor=actor, session=session)
    rq.add_filter(spec.get("filter"))
    for expression in extra_filters:
        rq.add_filter(expression)
    kind = spec.get("kind", "table")
    if kind != "table":
        from app.report_engine.analyses import ANALYSES

        return ANALYSES[kind](session, rq, spec, lang)
    compiled = compile_table(rq, spec)
    types = [c.type for c in compiled.columns]
    width = len(types)
    rows, subtotals, totals = [], [], None
    last_level = len(compiled.dims) or 1
    for row in session.execute(compiled.statement):
        level = row[width]
        values = plain_row(row[:width], types, lang)
        if compiled.has_totals and level == last_level:
            totals = values
        elif level == 0:
            rows.append(values)
        else:
            subtotals.append(values)
    # System fields' default labels are bilingual.
    result = {"columns": render([c.to_dict() for c in compiled.columns], lang), "rows": rows}
    if compiled.has_totals:
        result["totals"] = totals
    if compiled.has_subtotals:
        result["subtotals"] = subtotals
    return result


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
