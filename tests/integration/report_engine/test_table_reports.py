"""Table reports on both databases against the same question answered in plain Python."""
from __future__ import annotations

import statistics
from collections import defaultdict

import pytest

from app.errors import NotFound, ValidationFailed


def completed(crm):
    return [d for _id, d, _o in crm.orders if d["status"] == "已完成"]


def r6(x):
    return None if x is None else round(x, 6)


def test_sum_count_by_status_matches_python(crm, run):
    result = run({"dimensions": [{"field": "status"}],
                  "measures": [{"agg": "count", "as": "n"}, {"agg": "sum", "field": "amount", "as": "revenue"},
                               {"agg": "avg", "field": "amount", "as": "aov"},
                               {"agg": "median", "field": "amount", "as": "med"},
                               {"agg": "min", "field": "ordered_at", "as": "first"}],
                  "sort": [{"by": "status"}], "totals": True})
    groups = defaultdict(list)
    for _id, d, _o in crm.orders:
        groups[d["status"]].append(d)
    expected = []
    for status in sorted(groups):
        amounts = [d["amount"] for d in groups[status] if "amount" in d]
        expected.append([status, len(groups[status]), r6(sum(amounts)), r6(sum(amounts) / len(amounts)),
                         r6(statistics.median(amounts)), min(d["ordered_at"] for d in groups[status])])
    assert [c["key"] for c in result["columns"]] == ["status", "n", "revenue", "aov", "med", "first"]
    assert result["rows"] == expected
    all_amounts = [d["amount"] for _i, d, _o in crm.orders if "amount" in d]
    assert result["totals"][1:5] == [len(crm.orders), r6(sum(all_amounts)),
                                     r6(sum(all_amounts) / len(all_amounts)), r6(statistics.median(all_amounts))]


def test_month_bucket_uses_workspace_time_zone(crm, run):
    result = run({"filter": "status = '已完成'",
                  "dimensions": [{"field": "ordered_at", "bucket": "month", "as": "month"}],
                  "measures": [{"agg": "sum", "field": "amount", "as": "revenue"},
                               {"agg": "count_distinct", "field": "customer", "as": "buyers"}],
                  "sort": [{"by": "month"}]})
    revenue, buyers = defaultdict(float), defaultdict(set)
    for d in completed(crm):
        month = crm.local_day(d["ordered_at"]).strftime("%Y-%m")
        revenue[month] += d.get("amount", 0)
        buyers[month].add(d["customer"])
    assert result["rows"] == [[m, r6(revenue[m]), len(buyers[m])] for m in sorted(revenue)]


@pytest.mark.parametrize("unit", ["day", "week", "quarter", "year"])
def test_other_buckets(crm, run, unit):
    result = run({"dimensions": [{"field": "ordered_at", "bucket": unit, "as": "b"}],
                  "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "b"}], "limit": 10000})
    counts = defaultdict(int)
    for _i, d, _o in crm.orders:
        day = crm.local_day(d["ordered_at"])
        key = {"day": day.isoformat(),
               "week": (day - __import__("datetime").timedelta(days=day.weekday())).isoformat(),
               "quarter": f"{day.year}-Q{(day.month + 2) // 3}", "year": str(day.year)}[unit]
        counts[key] += 1
    assert result["rows"] == [[k, counts[k]] for k in sorted(counts)]


def test_multiselect_unnests_and_relation_shows_title(crm, run):
    result = run({"dimensions": [{"field": "tags"}], "measures": [{"agg": "count", "as": "n"}],
                  "sort": [{"by": "tags"}]})
    counts = defaultdict(int)
    for _i, d, _o in crm.orders:
        for t in d["tags"] or [None]:
            counts[t] += 1
    expected = [[k, counts[k]] for k in sorted(k for k in counts if k)] + [[None, counts[None]]]
    assert result["rows"] == expected

    names = {cid: data["name"] for cid, data in crm.customers}
    result = run({"dimensions": [{"field": "customer"}], "measures": [{"agg": "count", "as": "n"}],
                  "sort": [{"by": "n", "desc": True}, {"by": "customer"}], "limit": 5})
    counts = defaultdict(int)
    for _i, d, _o in crm.orders:
        counts[names[d["customer"]]] += 1
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert result["rows"] == [list(kv) for kv in expected]


def test_top_n_with_other_and_subtotals(crm, run):
    result = run({"dimensions": [{"field": "channel"}],
                  "measures": [{"agg": "sum", "field": "amount", "as": "revenue"},
                               {"agg": "median", "field": "qty", "as": "mq"}],
                  "top": {"n": 2, "other": True}, "sort": [{"by": "revenue", "desc": True}]})
    revenue, qty = defaultdict(float), defaultdict(list)
    for _i, d, _o in crm.orders:
        revenue[d["channel"]] += d.get("amount", 0)
        qty[d["channel"]].append(d["qty"])
    ranked = sorted(revenue, key=lambda k: (-revenue[k], k is None, k or ""))
    top, rest = ranked[:2], ranked[2:]
    expected = [[k, r6(revenue[k]), r6(statistics.median(qty[k]))] for k in top]
    expected.append(["Other", r6(sum(revenue[k] for k in rest)),
                     r6(statistics.median([q for k in rest for q in qty[k]]))])
    assert result["rows"] == expected

    result = run({"dimensions": [{"field": "status"}, {"field": "paid"}],
                  "measures": [{"agg": "count", "as": "n"}], "subtotals": True, "totals": True})
    per_status = defaultdict(int)
    for _i, d, _o in crm.orders:
        per_status[d["status"]] += 1
    assert result["subtotals"] == [[s, None, per_status[s]] for s in sorted(per_status)]
    assert result["totals"] == [None, None, len(crm.orders)]
    assert all(isinstance(r[1], bool) for r in result["rows"])


def test_viewer_scope_and_hidden_fields(crm, run):
    from app.auth.actor import Actor

    viewer = Actor(workspace_id=crm.workspace_id, user_id=crm.owner_id, role="viewer")
    result = run({"measures": [{"agg": "count", "as": "n"}]}, actor=viewer)
    assert result["rows"] == [[sum(1 for _i, _d, o in crm.orders if o == crm.owner_id)]]
    with pytest.raises(ValidationFailed) as err:
        run({"dimensions": [{"field": "secret"}], "measures": [{"agg": "count"}]}, actor=viewer)
    assert "/dimensions/0/field" in err.value.details["fields"]
    with pytest.raises(ValidationFailed):
        run({"filter": "secret = 's1'", "measures": [{"agg": "count"}]}, actor=viewer)


def test_spec_errors_point_at_keys(crm, run):
    with pytest.raises(ValidationFailed) as err:
        run({"dimensions": [{"field": "amount", "bucket": "month"}],
             "measures": [{"agg": "sum", "field": "status"}, {"agg": "avg"}], "bogus": 1})
    assert "/" in err.value.details["fields"]
    with pytest.raises(ValidationFailed) as err:
        run({"dimensions": [{"field": "amount", "bucket": "month"}],
             "measures": [{"agg": "sum", "field": "status"}, {"agg": "avg"}]})
    fields = err.value.details["fields"]
    assert {"/dimensions/0/bucket", "/measures/0/field", "/measures/1/field"} <= set(fields)
    with pytest.raises(NotFound):
        run({"source": "nope", "measures": [{"agg": "count"}]})


def test_filter_push_down_on_dates_numbers_and_lists(crm, run):
    import datetime as dt

    result = run({"filter": "ordered_at >= DATE(2025, 1, 1) and amount > 100 and channel in ('天猫', '京东')",
                  "measures": [{"agg": "count", "as": "n"}]})
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    expected = sum(1 for _i, d, _o in crm.orders
                   if dt.datetime.fromisoformat(d["ordered_at"].replace("Z", "+00:00")) >= start
                   and d.get("amount", 0) > 100 and d["channel"] in ("天猫", "京东"))
    assert result["rows"] == [[expected]]
