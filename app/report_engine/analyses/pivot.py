"""Pivot: row dimensions x column dimensions x measures, with row, column and grand totals; the
database aggregates every cell and total (one statement), Python only lays the cells out."""
from __future__ import annotations

import sqlalchemy as sa

from app.report_engine.aggregate import grouped
from app.report_engine.analyses import analysis
from app.report_engine.compile import dimension_name, measure_name, measure_type, sort_key
from app.report_engine.results import plain

TOTAL = "__total__"


@analysis("pivot")
def pivot(session, rq, spec: dict, lang: str) -> dict:
    rows_d, cols_d, measures = spec["rows"], spec.get("columns", []), spec["measures"]
    base_cols, names = [], []
    for i, d in enumerate(rows_d + cols_d):
        base_cols.append(rq.dimension(d)[0].label(f"d{i}"))
        names.append(f"d{i}")
    plan = []
    for j, m in enumerate(measures):
        if m.get("field"):
            base_cols.append(rq.value(m["field"]).label(f"v{j}"))
        plan.append((f"m{j}", m["agg"], f"v{j}" if m.get("field") else None))
    base = rq.select(*base_cols).subquery("base")
    r_names, c_names = names[:len(rows_d)], names[len(rows_d):]
    levels = [(r_names + c_names, 0), (r_names, 1), (c_names, 2), ([], 3)] if c_names \
        else [(r_names, 1), ([], 3)]
    branches = []
    for group, level in levels:
        sub = grouped(rq.dialect, base, group, names, plan, f"pivot{level}")
        branches.append(sa.select(*sub.c, sa.literal(level).label("_level")))
    union = sa.union_all(*branches).subquery("pivot")
    stmt = sa.select(*union.c).order_by(union.c._level, *(sort_key(union.c[n], rq.dialect) for n in names))
    cells: dict = {}
    row_keys: list = []
    col_keys: list = []
    for row in session.execute(stmt):
        values = list(row)
        level = values[-1]
        rkey = tuple(plain(v) for v in values[:len(r_names)]) if level in (0, 1) else TOTAL
        ckey = tuple(plain(v) for v in values[len(r_names):len(names)]) if level in (0, 2) else TOTAL
        if level == 1 and rkey not in row_keys:
            row_keys.append(rkey)
        if level == 0 and ckey not in col_keys:
            col_keys.append(ckey)
        cells[(rkey, ckey)] = [plain(v) for v in values[len(names):len(names) + len(plan)]]
    col_keys = sorted(col_keys, key=lambda k: tuple((v is None, "" if v is None else v) for v in k))
    columns = [{"key": dimension_name(d), "label": d.get("label") or dimension_name(d), "type": "text"}
               for d in rows_d]
    for ckey in col_keys + [TOTAL]:
        for m in measures:
            label = "total" if ckey == TOTAL else " / ".join("" if v is None else str(v) for v in ckey)
            columns.append({"key": f"{label}:{measure_name(m)}", "label": label,
                            "measure": measure_name(m), "type": measure_type(m, rq),
                            "column_values": None if ckey == TOTAL else list(ckey)})
    empty = [None] * len(plan)
    out_rows = []
    for rkey in row_keys:
        line = list(rkey)
        for ckey in col_keys:
            line += cells.get((rkey, ckey), empty)
        line += cells.get((rkey, TOTAL), empty)
        out_rows.append(line)
    result = {"columns": columns, "rows": out_rows}
    if spec.get("totals", True):
        totals = [None] * len(rows_d)
        for ckey in col_keys:
            totals += cells.get((TOTAL, ckey), empty)
        totals += cells.get((TOTAL, TOTAL), empty)
        result["totals"] = totals
    return result
