"""Every analysis against an independent plain-Python computation over the same records."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict

import pytest

from app.report_engine.analyses.rfm import segment_of

AS_OF = dt.date(2025, 3, 31)
PURCHASE = {"customer": "customer", "date": "ordered_at", "amount": "amount",
            "filter": "status = '已完成'", "as_of": AS_OF.isoformat()}


def r6(x):
    return None if x is None else round(x, 6)


def purchase_days(crm, as_of=AS_OF, by=None):
    """{(partition, customer): {day: amount}} of completed orders up to as_of."""
    days = defaultdict(lambda: defaultdict(float))
    for _i, d, _o in crm.orders:
        if d["status"] != "已完成":
            continue
        day = crm.local_day(d["ordered_at"])
        if day > as_of:
            continue
        days[(d[by] if by else None, d["customer"])][day] += d.get("amount", 0)
    return days


def quintiles(values: dict, worst_first_key):
    """score = 1 + floor(5 * (rank - 1) / n), rank = 1 + number of strictly worse customers."""
    n = len(values)
    out = {}
    for c, v in values.items():
        worse = sum(1 for other in values.values() if worst_first_key(other) < worst_first_key(v))
        out[c] = 1 + (5 * worse) // n
    return out


def test_rfm_scores_segments_and_grid(run, crm):
    result = run({"kind": "rfm", **PURCHASE})
    days = purchase_days(crm)
    rec = {c: (AS_OF - max(d)).days for (_p, c), d in days.items()}
    freq = {c: len(d) for (_p, c), d in days.items()}
    mon = {c: sum(d.values()) for (_p, c), d in days.items()}
    r = quintiles(rec, lambda v: -v)
    f = quintiles(freq, lambda v: v)
    m = quintiles(mon, lambda v: round(v, 6))
    segs = defaultdict(list)
    for c in rec:
        segs[segment_of(r[c], f[c], m[c])].append(c)
    from app.report_engine.analyses.rfm import SEGMENT_ORDER
    expected = [[s, len(cs), r6(sum(mon[c] for c in cs)), r6(statistics.mean(rec[c] for c in cs)),
                 r6(statistics.mean(freq[c] for c in cs)), r6(statistics.mean(mon[c] for c in cs))]
                for s, cs in sorted(segs.items(), key=lambda kv: SEGMENT_ORDER.index(kv[0]))]
    assert result["rows"] == expected
    grid = defaultdict(int)
    for c in rec:
        grid[(r[c], f[c])] += 1
    assert result["grid"]["rows"] == [[rr, ff, n] for (rr, ff), n in sorted(grid.items(), key=lambda kv: (-kv[0][0], kv[0][1]))]


def test_rfm_split_by_dimension(run, crm):
    result = run({"kind": "rfm", **PURCHASE, "dimensions": [{"field": "channel"}]})
    days = purchase_days(crm, by="channel")
    counts = defaultdict(int)
    for (p, _c) in days:
        counts[p] += 1
    got = defaultdict(int)
    for row in result["rows"]:
        got[row[0]] += row[2]
    assert dict(got) == dict(counts)


def _gaps(days_sorted):
    return [(b - a).days for a, b in zip(days_sorted, days_sorted[1:])]


def test_repurchase_overall(run, crm):
    result = run({"kind": "repurchase", **PURCHASE})
    days = purchase_days(crm)
    customers = len(days)
    repeaters = sum(1 for d in days.values() if len(d) >= 2)
    gaps = [g for d in days.values() for g in _gaps(sorted(d))]
    new = sum(d[min(d)] for d in days.values())
    returning = sum(v for d in days.values() for day, v in d.items() if day != min(d))
    assert result["rows"] == [[customers, repeaters, r6(repeaters / customers), r6(statistics.mean(gaps)),
                               r6(statistics.median(gaps)), r6(new), r6(returning)]]


def test_repurchase_per_month(run, crm):
    result = run({"kind": "repurchase", **PURCHASE, "period": "month"})
    days = purchase_days(crm)
    per = defaultdict(lambda: {"cust": defaultdict(set), "gaps": [], "new": 0.0, "ret": 0.0})
    for (_p, c), d in days.items():
        ordered = sorted(d)
        for i, day in enumerate(ordered):
            month = day.strftime("%Y-%m")
            per[month]["cust"][c].add(day)
            if i:
                per[month]["gaps"].append((day - ordered[i - 1]).days)
            per[month]["new" if i == 0 else "ret"] += d[day]
    expected = []
    for month in sorted(per):
        p = per[month]
        n, rep = len(p["cust"]), sum(1 for s in p["cust"].values() if len(s) >= 2)
        expected.append([month, n, rep, r6(rep / n), r6(statistics.mean(p["gaps"])) if p["gaps"] else None,
                         r6(statistics.median(p["gaps"])) if p["gaps"] else None, r6(p["new"]), r6(p["ret"])])
    assert result["rows"] == expected


def test_repurchase_per_channel(run, crm):
    result = run({"kind": "repurchase", **PURCHASE, "dimensions": [{"field": "channel"}]})
    days = purchase_days(crm, by="channel")
    per = defaultdict(dict)
    for (p, c), d in days.items():
        per[p][c] = d
    expected = []
    for p in sorted(per, key=lambda k: (k is None, k or "")):
        cust = per[p]
        gaps = [g for d in cust.values() for g in _gaps(sorted(d))]
        rep = sum(1 for d in cust.values() if len(d) >= 2)
        expected.append([p, len(cust), rep, r6(rep / len(cust)),
                         r6(statistics.mean(gaps)) if gaps else None, r6(statistics.median(gaps)) if gaps else None,
                         r6(sum(d[min(d)] for d in cust.values())),
                         r6(sum(v for d in cust.values() for day, v in d.items() if day != min(d)))])
    assert result["rows"] == expected


def test_cohort_retention_and_revenue(run, crm):
    result = run({"kind": "cohort", **PURCHASE, "periods": 6})
    days = purchase_days(crm)
    cells = defaultdict(lambda: [set(), 0.0])
    sizes = defaultdict(int)
    for (_p, c), d in days.items():
        first = min(d)
        sizes[first.strftime("%Y-%m")] += 1
        for day, amount in d.items():
            since = (day.year * 12 + day.month) - (first.year * 12 + first.month)
            if since < 6:
                cells[(first.strftime("%Y-%m"), since)][0].add(c)
                cells[(first.strftime("%Y-%m"), since)][1] += amount
    expected = [[co, sizes[co], k, len(v[0]), r6(len(v[0]) / sizes[co]), r6(v[1])]
                for (co, k), v in sorted(cells.items())]
    assert result["rows"] == expected


def test_funnels(run, crm):
    result = run({"kind": "funnel", "field": "status", "stages": ["待付款", "已完成", "已退款"]})
    counts = defaultdict(int)
    for _i, d, _o in crm.orders:
        counts[d["status"]] += 1
    reached = [counts["待付款"] + counts["已完成"] + counts["已退款"], counts["已完成"] + counts["已退款"],
               counts["已退款"]]
    assert [row[1] for row in result["rows"]] == reached
    assert result["rows"][1][2] == r6(reached[1] / reached[0])

    result = run({"kind": "funnel", **{k: PURCHASE[k] for k in ("customer", "date", "filter", "as_of")},
                  "steps": [1, 2, 3], "population": "customer"})
    days = purchase_days(crm)
    expected = [len(crm.customers)] + [sum(1 for d in days.values() if len(d) >= n) for n in (1, 2, 3)]
    assert [row[1] for row in result["rows"]] == expected
    assert result["rows"][0][0] == "customer" and result["rows"][2][3] == r6(expected[2] / expected[1])


def test_pivot_cells_and_totals(run, crm):
    result = run({"kind": "pivot", "rows": [{"field": "status"}], "columns": [{"field": "paid"}],
                  "measures": [{"agg": "count", "as": "n"}, {"agg": "sum", "field": "amount", "as": "rev"}]})
    cells = defaultdict(lambda: [0, 0.0])
    for _i, d, _o in crm.orders:
        for key in ((d["status"], d["paid"]), (d["status"], "T"), ("T", d["paid"]), ("T", "T")):
            cells[key][0] += 1
            cells[key][1] += d.get("amount", 0)
    statuses = sorted({d["status"] for _i, d, _o in crm.orders})
    expected = [[s] + [x for col in (False, True, "T") for x in (cells[(s, col)][0], r6(cells[(s, col)][1]))]
                for s in statuses]
    assert result["rows"] == expected
    assert result["totals"] == [None] + [x for col in (False, True, "T")
                                         for x in (cells[("T", col)][0], r6(cells[("T", col)][1]))]


@pytest.mark.parametrize("kind", ["rfm", "repurchase", "cohort"])
def test_purchase_analyses_work_on_any_form_fields(run, crm, kind):
    """Same analyses with other field choices: a date field and no amount where optional."""
    spec = {"kind": kind, "customer": "customer", "date": "ship_date", "as_of": "2025-06-30"}
    if kind == "rfm":
        spec["amount"] = "qty"
    result = run(spec)
    assert result["rows"]
