"""Cohorts: customers by the month of their first purchase day x months since it; per cell the
active customers (with a purchase day in that month), retention (active / cohort size) and
revenue."""
from __future__ import annotations

import sqlalchemy as sa

from app.report_engine import timebuckets
from app.report_engine.analyses import analysis
from app.report_engine.purchases import purchase_days, rate
from app.report_engine.results import plain


@analysis("cohort")
def cohort(session, rq, spec: dict, lang: str) -> dict:
    p = purchase_days(rq, spec, with_dimension=False).c
    first = sa.func.min(p.day).over(partition_by=[p.cust])
    marked = sa.select(p.cust, p.day, p.amount, first.label("first_day")).subquery("cohort_days")
    m = marked.c
    offset = timebuckets.month_index(m.day) - timebuckets.month_index(m.first_day)
    cells = sa.select(sa.func.substr(m.first_day, 1, 7).label("cohort"), offset.label("months_since"),
                      m.cust, m.amount).subquery("cohort_cells")
    c = cells.c
    periods = spec.get("periods", 12)
    agg = sa.select(c.cohort, c.months_since, sa.func.count(sa.distinct(c.cust)).label("customers"),
                    sa.func.sum(c.amount).label("revenue")).where(c.months_since < periods
                                                                   ).group_by(c.cohort, c.months_since
                                                                              ).subquery("cohort_agg")
    a = agg.c
    size = sa.func.max(sa.case((a.months_since == 0, a.customers), else_=0)).over(partition_by=[a.cohort])
    stmt = sa.select(a.cohort, size.label("size"), a.months_since, a.customers, a.revenue
                     ).order_by(a.cohort, a.months_since)
    rows = [[cohort_, size_, months, customers, rate(customers, size_), plain(revenue)]
            for cohort_, size_, months, customers, revenue in session.execute(stmt)]
    columns = [{"key": k, "label": k, "type": t} for k, t in (
        ("cohort", "text"), ("cohort_size", "number"), ("months_since", "number"),
        ("customers", "number"), ("retention", "number"), ("revenue", "number"))]
    return {"columns": columns, "rows": rows}
