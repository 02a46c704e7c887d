"""Repurchase: the share of customers with 2+ distinct purchase days, days between consecutive
purchase days (average and median), and new vs returning revenue; overall, per period
(`period`: customers buying in the period, repeaters = 2+ purchase days within it; gaps and
revenue attributed to the period of the later purchase; "new" is the customer's first purchase
day ever), or per dimension value (the whole analysis within that value's purchases).

`metrics` picks the output columns; when it asks only for customers, repeat customers and the
rate, the light path counts purchase days per customer and skips the gaps and revenue windows.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.report_engine import timebuckets
from app.report_engine.aggregate import grouped
from app.report_engine.analyses import analysis
from app.report_engine.compile import sort_key
from app.report_engine.purchases import per_customer_in_one_pass, purchase_days, purchase_rows, rate
from app.report_engine.results import plain

MEASURES = [("customers", "count_distinct", "cust"), ("repeaters", "count_distinct", "repeater"),
            ("avg_gap", "avg", "gap"), ("median_gap", "median", "gap"),
            ("new_revenue", "sum", "new_amount"), ("returning_revenue", "sum", "returning_amount")]


def sequenced(rq, spec: dict) -> tuple[sa.Subquery, list[str]]:
    purchases = purchase_days(rq, spec)
    p = purchases.c
    history = [p.cust] + ([p.dim] if "dim" in p else [])
    group = []
    extra = []
    if spec.get("period"):
        extra.append(timebuckets.bucket(rq.dialect, p.day, spec["period"]).label("g0"))
        group = ["g0"]
    elif "dim" in p:
        extra.append(p.dim.label("g0"))
        group = ["g0"]
    base = sa.select(*p, *extra).subquery("seq0")
    b = base.c
    within = [b.cust] + ([b.g0] if group else [])
    history = [b.cust] + ([b.dim] if "dim" in b else [])
    # One window definition where it can be (both databases compute the functions of one
    # definition in one pass over one sort): the first day as first_value of the same ordered
    # window as lag, and the previous day within the group is the previous day overall unless
    # the group is a period.
    prev = sa.func.lag(b.day).over(partition_by=history, order_by=b.day)
    first = sa.func.first_value(b.day).over(partition_by=history, order_by=b.day)
    same = [c.name for c in within] == [c.name for c in history] or (
        group and "dim" in b and not spec.get("period"))
    prev_within = prev if same else sa.func.lag(b.day).over(partition_by=within, order_by=b.day)
    step = sa.select(*b, prev.label("prev_day"), first.label("first_day"),
                     prev_within.label("prev_within")).subquery("seq1")
    s = step.c
    seq = sa.select(
        *(s[g] for g in group), s.cust,
        sa.case((s.prev_within.is_not(None), s.cust)).label("repeater"),
        sa.case((s.prev_day.is_not(None), timebuckets.days_between(rq.dialect, s.day, s.prev_day))
                ).label("gap"),
        sa.case((s.day == s.first_day, s.amount), else_=0.0).label("new_amount"),
        sa.case((s.day > s.first_day, s.amount), else_=0.0).label("returning_amount"),
    ).subquery("repurchase_base")
    return seq, group


METRICS = ("customers", "repeat_customers", "repurchase_rate", "avg_days_between",
           "median_days_between", "new_revenue", "returning_revenue")
RATE_METRICS = {"customers", "repeat_customers", "repurchase_rate"}


def _light(session, rq, spec: dict) -> tuple[list, list[tuple]]:
    """(group columns, rows of (group..., customers, repeaters)) from purchase-day counts."""
    one_pass = per_customer_in_one_pass(rq)
    p = (purchase_rows if one_pass else purchase_days)(rq, spec, amounts=False).c
    group = []
    if spec.get("period"):
        group = [timebuckets.bucket(rq.dialect, p.day, spec["period"]).label("g0")]
    elif "dim" in p:
        group = [p.dim.label("g0")]
    days = sa.func.count(sa.distinct(p.day)) if one_pass else sa.func.count()
    # customer first: the order of the covering index (SQLite), so no sort for this GROUP BY
    per_customer = sa.select(*group, p.cust, days.label("days")
                             ).group_by(p.cust, *group).subquery("repurchase_days")
    c = per_customer.c
    g = [c.g0] if group else []
    stmt = sa.select(*g, sa.func.count(), sa.func.count(sa.case((c.days >= 2, 1)))).group_by(*g)
    return g, session.execute(stmt.order_by(*(sort_key(x, rq.dialect) for x in g))).all()


def _full(session, rq, spec: dict) -> tuple[list, list[tuple]]:
    base, group = sequenced(rq, spec)
    result = grouped(rq.dialect, base, group, group, MEASURES, "repurchase")
    stmt = sa.select(*result.c).order_by(*(sort_key(result.c[g], rq.dialect) for g in group))
    return group, session.execute(stmt).all()


@analysis("repurchase")
def repurchase(session, rq, spec: dict, lang: str) -> dict:
    metrics = [m for m in METRICS if m in spec.get("metrics", METRICS)]
    light = set(metrics) <= RATE_METRICS
    group, raw = (_light if light else _full)(session, rq, spec)
    width = len(group)
    rows = []
    for row in raw:
        customers, repeaters = row[width], row[width + 1]
        values = {"customers": customers, "repeat_customers": repeaters,
                  "repurchase_rate": rate(repeaters, customers)}
        if not light:
            avg_gap, median_gap, new, returning = row[width + 2:width + 6]
            values |= {"avg_days_between": plain(avg_gap), "median_days_between": plain(median_gap),
                       "new_revenue": plain(new) or 0, "returning_revenue": plain(returning) or 0}
        rows.append([plain(v) for v in row[:width]] + [values[m] for m in metrics])
    head = [{"key": "period" if spec.get("period") else "dimension", "label": spec.get("period") or
             spec["dimensions"][0]["field"], "type": "text"}] if group else []
    columns = head + [{"key": k, "label": k, "type": "number"} for k in metrics]
    return {"columns": columns, "rows": rows}
