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
from app.report_engine.purchases import (as_of_day, per_customer_in_one_pass, purchase_days,
                                         purchase_rows)
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
    one_pass = per_customer_in_one_pass(rq)
    purchases = (purchase_rows if one_pass else purchase_days)(rq, spec)
    has_dim = "dim" in purchases.c
    keys = [purchases.c.cust] + ([purchases.c.dim] if has_dim else [])
    as_of = sa.literal(as_of_day(spec, rq.source.tz), sa.String)
    # One pass: distinct purchase days, and the amounts summed per customer directly (a day's
    # blank amounts count 0 either way).
    frequency = sa.func.count(sa.distinct(purchases.c.day)) if one_pass else sa.func.count()
    monetary = sa.func.sum(purchases.c.amount)
    if one_pass:
        monetary = sa.func.coalesce(monetary, 0.0)
    per_customer = sa.select(
        *keys,
        timebuckets.days_between(rq.dialect, as_of, sa.func.max(purchases.c.day)).label("recency"),
        frequency.label("frequency"),
        monetary.label("monetary"),
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


def _cells(session, s, has_dim: bool) -> list:
    """Customers per (dimension,) r, f, m cell with the sums the segment rows need: at most 125
    rows per dimension value, so segments and the grid come from one pass over the scores."""
    dim = [s.c.dim] if has_dim else []
    return session.execute(
        sa.select(*dim, s.c.r, s.c.f, s.c.m, sa.func.count(), sa.func.sum(s.c.monetary),
                  sa.func.sum(s.c.recency), sa.func.sum(s.c.frequency))
        .group_by(*dim, s.c.r, s.c.f, s.c.m)).all()


def _dim_key(value) -> tuple:
    return (value is None, "" if value is None else str(value))


def _segment_rows(cells, width: int) -> list[list]:
    totals: dict = {}
    for row in cells:
        dim, (r, f, m, n, revenue, recency, frequency) = row[:width], row[width:]
        acc = totals.setdefault((*dim, segment_of(r, f, m)), [0, 0.0, 0.0, 0.0])
        acc[0] += n
        acc[1] += float(revenue or 0)
        acc[2] += float(recency)
        acc[3] += float(frequency)
    order = {name: i for i, name in enumerate(SEGMENT_ORDER)}
    rows = []
    for key in sorted(totals, key=lambda k: (*(_dim_key(v) for v in k[:width]), order[k[width]])):
        n, revenue, recency, frequency = totals[key]
        rows.append([plain(v) for v in key] + [n, plain(revenue), plain(recency / n),
                                               plain(frequency / n), plain(revenue / n)])
    return rows


def _grid_rows(cells, width: int) -> list[list]:
    counts: dict = {}
    for row in cells:
        key = (*row[:width], row[width], row[width + 1])
        counts[key] = counts.get(key, 0) + row[width + 3]
    ordered = sorted(counts, key=lambda k: (*(_dim_key(v) for v in k[:width]), -k[width], k[width + 1]))
    return [[plain(v) for v in key] + [counts[key]] for key in ordered]


def _per_customer(session, rq, s, has_dim: bool, spec: dict) -> dict:
    dim = [s.c.dim] if has_dim else []
    stmt = sa.select(*dim, s.c.cust, s.c.recency, s.c.frequency, s.c.monetary, s.c.r, s.c.f, s.c.m,
                     s.c.segment).order_by(*(sort_key(c, rq.dialect) for c in dim + [s.c.cust]))
    if spec.get("limit"):
        stmt = stmt.limit(spec["limit"])
    columns = ([{"key": "dimension", "label": spec["dimensions"][0]["field"], "type": "text"}] if has_dim else [])
    columns += [{"key": k, "label": k, "type": t} for k, t in (
        ("customer", "text"), ("recency", "number"), ("frequency", "number"), ("monetary", "number"),
        ("r", "number"), ("f", "number"), ("m", "number"), ("segment", "text"))]
    return {"columns": columns, "rows": [[plain(v) for v in row] for row in session.execute(stmt)],
            "as_of": as_of_day(spec, rq.source.tz)}


@analysis("rfm")
def rfm(session, rq, spec: dict, lang: str) -> dict:
    s = scores(rq, spec)
    has_dim = "dim" in s.c
    if spec.get("per_customer"):
        return _per_customer(session, rq, s, has_dim, spec)
    width = 1 if has_dim else 0
    cells = _cells(session, s, has_dim)
    columns = ([{"key": "dimension", "label": spec["dimensions"][0]["field"], "type": "text"}] if has_dim else [])
    columns += [{"key": k, "label": k, "type": t} for k, t in (
        ("segment", "text"), ("customers", "number"), ("revenue", "number"), ("avg_recency", "number"),
        ("avg_frequency", "number"), ("avg_monetary", "number"))]
    return {
        "columns": columns,
        "rows": _segment_rows(cells, width),
        "grid": {"columns": (["dimension"] if has_dim else []) + ["r", "f", "customers"],
                 "rows": _grid_rows(cells, width)},
        "as_of": as_of_day(spec, rq.source.tz),
    }
