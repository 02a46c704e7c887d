"""Aggregations over a prepared `base` subquery, the same on both dialects, including the median
(PostgreSQL: percentile_cont(0.5); SQLite: the middle one or two values by row_number within
each group, averaged, since SQLite has no median aggregate)."""
from __future__ import annotations

import sqlalchemy as sa


def null_safe_equal(a, b) -> sa.ColumnElement:
    return a.is_not_distinct_from(b)


def _sql_type(column) -> sa.types.TypeEngine:
    return sa.String() if isinstance(column.type, sa.types.NullType) else column.type


def aggregate_expr(dialect: str, agg: str, value) -> sa.ColumnElement | None:
    """The aggregate of `value`; None for a SQLite median (computed by `median_subquery`)."""
    if agg == "count":
        return sa.func.count() if value is None else sa.func.count(value)
    if agg == "count_distinct":
        return sa.func.count(sa.distinct(value))
    if agg == "median":
        if dialect == "postgresql":
            return sa.func.percentile_cont(0.5).within_group(value)
        return None
    if agg in ("min", "max") and dialect == "postgresql" and isinstance(value.type, sa.String):
        # Byte order, as SQLite compares and as typed columns of hot fields are collated.
        value = value.collate("C")
    return getattr(sa.func, agg)(value)


def median_subquery(base: sa.Subquery, group_cols: list[str], value_col: str, name: str) -> sa.Subquery:
    """SQLite median per group: rows numbered by value within their group, the middle one (odd
    count) or the two middle ones (even count) averaged."""
    groups = [base.c[g] for g in group_cols]
    value = base.c[value_col]
    ranked = sa.select(*groups, value.label("v"),
                       sa.func.row_number().over(partition_by=groups, order_by=value).label("rn"),
                       sa.func.count().over(partition_by=groups).label("cnt")
                       ).where(value.is_not(None)).subquery(f"{name}_ranked")
    middle = sa.or_(ranked.c.rn == (ranked.c.cnt + 1) // 2, ranked.c.rn == (ranked.c.cnt + 2) // 2)
    return sa.select(*(ranked.c[g] for g in group_cols), sa.func.avg(ranked.c.v).label("m")
                     ).where(middle).group_by(*(ranked.c[g] for g in group_cols)).subquery(name)


def grouped(dialect: str, base: sa.Subquery, group_cols: list[str], all_group_cols: list[str],
            measures: list[tuple[str, str, str | None]], name: str) -> sa.Subquery:
    """One row per group of `group_cols` (the other dimensions NULL): the measures as columns.
    `measures` is [(output name, agg, base value column or None)]."""
    groups = [base.c[g] for g in group_cols]
    # Typed NULLs: PostgreSQL types an untyped NULL in a subquery as text, which breaks UNION.
    columns = [base.c[g] if g in group_cols else sa.cast(sa.null(), _sql_type(base.c[g])).label(g)
               for g in all_group_cols]
    medians = []
    for out, agg, col in measures:
        expr = aggregate_expr(dialect, agg, None if col is None else base.c[col])
        if expr is None:
            medians.append((out, col))
            columns.append(sa.null().label(out))
        else:
            columns.append(expr.label(out))
    stmt = sa.select(*columns).select_from(base).group_by(*groups)
    if not medians:
        return stmt.subquery(name)
    level = stmt.subquery(f"{name}_plain")
    out_cols = [level.c[c.name] for c in level.columns]
    from_ = level
    for i, (out, col) in enumerate(medians):
        med = median_subquery(base, group_cols, col, f"{name}_med{i}")
        cond = sa.and_(sa.true(), *(null_safe_equal(level.c[g], med.c[g]) for g in group_cols))
        from_ = from_.outerjoin(med, cond)
        out_cols = [med.c.m.label(out) if c.name == out else c for c in out_cols]
    return sa.select(*out_cols).select_from(from_).subquery(name)
