"""RFM: per customer recency (days from the last purchase day to as_of), frequency (distinct
purchase days) and monetary (sum of amounts), each scored 1-5 by quintile; the named segments of
the CRM template; customers and revenue per segment; the R x F grid.

Quintile score with ties: score = 1 + floor(5 * (rank - 1) / n), where rank is SQL RANK() (ties
share the lowest rank) over customers ordered from worst to best (recency: most days first;
frequency and monetary: smallest first) and n the number of customers. Equal values always get
the same score, the score of the first of them, so a long tie (e.g. most customers buying once)
stays in the lower quintile instead of being split at random as NTILE would."""
from __future__ import annotations

import sqlalchemy as sa

from app.report_engine import timebuckets
from app.report_engine.analyses import analysis
from app.report_engine.compile import sort_key
from app.report_engine.purchases import as_of_day, purchase_days
from app.report_engine.results import plain

# (R high, F high, M high) -> segment; "high" is a score of 3 or more.
SEGMENTS = {
    (True, True, True): "重要价值", (False, True, True): "重要唤回",
    (True, False, True): "重要深耕", (False, False, True): "重要挽留",
    (True, True, False): "潜力", (True, False, False): "新客",
    (False, True, False): "一般维持", (False, False, False): "流失",
}
SEGMENT_ORDER = list(SEGMENTS.values())
HIGH = 3


def segment_of(r: int, f: int, m: int) -> str:
    return SEGMENTS[(r >= HIGH, f >= HIGH, m >= HIGH)]


def quintile(value, partition, *, desc: bool = False) -> sa.ColumnElement:
    order = value.desc() if desc else value.asc()
    rank = sa.func.rank().over(partition_by=partition, order_by=order)
    total = sa.func.count().over(partition_by=partition)
    return 1 + (5 * (rank - 1)) // total


def scores(rq, spec: dict) -> sa.Subquery:
    """Per customer (and dimension): recency, frequency, monetary, r, f, m, segment."""
    purchases = purchase_days(rq, spec)
    has_dim = "dim" in purchases.c
    keys = [purchases.c.cust] + ([purchases.c.dim] if has_dim else [])
    as_of = sa.literal(as_of_day(spec, rq.source.tz), sa.String)
    per_customer = sa.select(
        *keys,
        timebuckets.days_between(rq.dialect, as_of, sa.func.max(purchases.c.day)).label("recency"),
        sa.func.count().label("frequency"),
        sa.func.sum(purchases.c.amount).label("monetary"),
    ).group_by(*keys).subquery("rfm_customers")
    partition = [per_customer.c.dim] if has_dim else None
    scored = sa.select(
        *per_customer.c,
        quintile(per_customer.c.recency, partition, desc=True).label("r"),
        quintile(per_customer.c.frequency, partition).label("f"),
        quintile(per_customer.c.monetary, partition).label("m"),
    ).subquery("rfm_scored")
    whens = [(sa.and_(scored.c.r >= HIGH if rh else scored.c.r < HIGH,
                      scored.c.f >= HIGH if fh else scored.c.f < HIGH,
                      scored.c.m >= HIGH if mh else scored.c.m < HIGH), name)
             for (rh, fh, mh), name in SEGMENTS.items()]
    return sa.select(*scored.c, sa.case(*whens).label("segment")).subquery("rfm")


@analysis("rfm")
def rfm(session, rq, spec: dict, lang: str) -> dict:
    s = scores(rq, spec)
    has_dim = "dim" in s.c
    dim = [s.c.dim] if has_dim else []
    seg_rows = session.execute(
        sa.select(*dim, s.c.segment, sa.func.count(), sa.func.sum(s.c.monetary),
                  sa.func.avg(s.c.recency), sa.func.avg(s.c.frequency), sa.func.avg(s.c.monetary))
        .group_by(*dim, s.c.segment)).all()
    grid_rows = session.execute(
        sa.select(*dim, s.c.r, s.c.f, sa.func.count()).group_by(*dim, s.c.r, s.c.f)
        .order_by(*(sort_key(d, rq.dialect) for d in dim), s.c.r.desc(), s.c.f)).all()
    order = {name: i for i, name in enumerate(SEGMENT_ORDER)}
    width = 1 if has_dim else 0
    seg_rows = sorted(seg_rows, key=lambda r: (*(("" if v is None else str(v),) for v in r[:width]),
                                               order[r[width]]))
    columns = ([{"key": "dimension", "label": spec["dimensions"][0]["field"], "type": "text"}] if has_dim else [])
    columns += [{"key": k, "label": k, "type": t} for k, t in (
        ("segment", "text"), ("customers", "number"), ("revenue", "number"), ("avg_recency", "number"),
        ("avg_frequency", "number"), ("avg_monetary", "number"))]
    return {
        "columns": columns,
        "rows": [[plain(v) for v in row] for row in seg_rows],
        "grid": {"columns": (["dimension"] if has_dim else []) + ["r", "f", "customers"],
                 "rows": [[plain(v) for v in row] for row in grid_rows]},
        "as_of": as_of_day(spec, rq.source.tz),
    }
