"""Table reports: a spec compiled to one SQLAlchemy Core statement (dimensions, measures, sort,
limit, top-N with "other", totals and subtotals) that gives the same rows on both dialects."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.i18n import _
from app.report_engine.aggregate import grouped, null_safe_equal
from app.report_engine.sources import RecordsQuery

OTHER = "__other__"
LEVEL, ORDER = "_level", "_ord"


@dataclass
class Column:
    key: str
    label: object
    type: str

    def to_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "type": self.type}


@dataclass
class Compiled:
    """A statement and how to read its rows: `levels` 0 = detail, 1.. = subtotals, last = total."""

    statement: sa.Select
    columns: list[Column]
    dims: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    has_totals: bool = False
    has_subtotals: bool = False


def measure_name(m: dict) -> str:
    return m.get("as") or (f"{m['agg']}_{m['field']}" if m.get("field") else m["agg"])


def dimension_name(d: dict) -> str:
    return d.get("as") or d["field"]


def sort_key(expr, dialect: str, desc: bool = False):
    """Explicit NULL placement and byte-order text collation so both dialects sort alike."""
    if dialect == "postgresql" and isinstance(expr.type, sa.String):
        expr = expr.collate("C")
    ordered = expr.desc() if desc else expr.asc()
    return ordered.nulls_last()


def measure_type(m: dict, rq: RecordsQuery) -> str:
    if m["agg"] in ("min", "max") and m.get("field"):
        return rq.source.field(m["field"]).value_type
    return "number"


def compile_table(rq: RecordsQuery, spec: dict) -> Compiled:
    dialect = rq.dialect
    dims, measures = spec.get("dimensions", []), spec.get("measures", [])
    dim_names = [dimension_name(d) for d in dims]
    meas_names = [measure_name(m) for m in measures]
    base_cols, columns = [], []
    for i, (d, name) in enumerate(zip(dims, dim_names)):
        expr, ctype = rq.dimension(d)
        info = rq.source.field(d["field"])
        base_cols.append(expr.label(f"d{i}"))
        columns.append(Column(name, d.get("label") or info.label, ctype))
    plan = []
    for j, (m, name) in enumerate(zip(measures, meas_names)):
        if m.get("field"):
            base_cols.append(rq.value(m["field"]).label(f"v{j}"))
            plan.append((f"m{j}", m["agg"], f"v{j}"))
        else:
            plan.append((f"m{j}", m["agg"], None))
        columns.append(Column(name, m.get("label") or name, measure_type(m, rq)))
    if not base_cols:
        base_cols.append(sa.literal(1).label("one"))
    base = rq.select(*base_cols).subquery("base")
    gcols = [f"d{i}" for i in range(len(dims))]

    sort = [(s["by"], bool(s.get("desc"))) for s in spec.get("sort", [])]
    by_name = dict(zip(dim_names, gcols)) | dict(zip(meas_names, (p[0] for p in plan)))
    top = spec.get("top")
    other = False
    if top and gcols:
        base, other = _apply_top(dialect, base, gcols, plan, sort, by_name, top)

    def ordered(sub, level: int, group: list[str]) -> sa.Select:
        keys = []
        if other:
            keys.append(sort_key(sa.case((sub.c.d0 == OTHER, 1), else_=0), dialect))
        for name, desc in sort:
            keys.append(sort_key(sub.c[by_name[name]], dialect, desc))
        keys += [sort_key(sub.c[g], dialect) for g in group]
        return sa.select(*(sub.c[c] for c in gcols), *(sub.c[p[0]] for p in plan),
                         sa.literal(level).label(LEVEL),
                         sa.func.row_number().over(order_by=keys or None).label(ORDER))

    branches = []
    detail = ordered(grouped(dialect, base, gcols, gcols, plan, "lvl0"), 0, gcols).subquery("detail")
    limit = spec.get("limit", 1000)
    branches.append(sa.select(*detail.c).where(detail.c[ORDER] <= limit))
    has_sub = bool(spec.get("subtotals")) and len(gcols) > 1
    if has_sub:
        for k in range(len(gcols) - 1, 0, -1):
            sub = grouped(dialect, base, gcols[:k], gcols, plan, f"lvl{len(gcols) - k}")
            branches.append(ordered(sub, len(gcols) - k, gcols[:k]))
    has_totals = bool(spec.get("totals")) and bool(plan)
    if has_totals:
        branches.append(ordered(grouped(dialect, base, [], gcols, plan, "total"), len(gcols) or 1, []))
    union = sa.union_all(*branches).subquery("result") if len(branches) > 1 else branches[0].subquery("result")
    stmt = sa.select(*(c for c in union.c)).order_by(union.c[LEVEL], union.c[ORDER])
    return Compiled(stmt, columns, dims=gcols, measures=[p[0] for p in plan],
                    has_totals=has_totals, has_subtotals=has_sub)


def _apply_top(dialect, base, gcols, plan, sort, by_name, top):
    """Keep the first dimension's top N groups (ranked by the first sorted measure, else the first
    measure, descending); with `other`, fold the rest into one "other" group, re-aggregated from
    the rows so every measure (also medians and distinct counts) stays exact."""
    measure_cols = {p[0] for p in plan}
    rank_by = next(((by_name[n], d) for n, d in sort if by_name[n] in measure_cols), None)
    if rank_by is None and plan:
        rank_by = (plan[0][0], True)
    per_group = grouped(dialect, base, ["d0"], ["d0"], plan, "top_groups")
    keys = ([sort_key(per_group.c[rank_by[0]], dialect, rank_by[1])] if rank_by else []) + \
        [sort_key(per_group.c.d0, dialect)]
    ranks = sa.select(per_group.c.d0, sa.func.row_number().over(order_by=keys).label("rn")
                      ).subquery("top_rank")
    joined = base.join(ranks, null_safe_equal(base.c.d0, ranks.c.d0))
    others = [c for c in base.c if c.name != "d0"]
    if top.get("other"):
        d0 = sa.case((ranks.c.rn <= top["n"], sa.cast(base.c.d0, sa.String)), else_=sa.literal(OTHER))
        return sa.select(d0.label("d0"), *others).select_from(joined).subquery("base_top"), True
    return sa.select(base.c.d0, *others).select_from(joined).where(ranks.c.rn <= top["n"]
                                                                   ).subquery("base_top"), False


OTHER_LABEL = _("Other", "其他")
