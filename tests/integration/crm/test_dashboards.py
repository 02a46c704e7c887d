"""The six CRM dashboards over demo data, each KPI checked against a plain-Python computation
over the same records."""
from __future__ import annotations

import collections
import datetime as dt
import zoneinfo

import pytest

from tests.integration.crm.conftest import START

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def demo(api, worker, clock):
    clock.freeze(START)
    r = api.post("/api/v1/templates/crm/install", json={"demo_data": True, "size": 80})
    assert r.status_code == 201, r.json
    worker()
    assert api.get(f"/api/v1/jobs/{r.json['job_id']}").json["status"] == "succeeded"
    from tests.integration.crm.conftest import Crm

    crm = Crm.__new__(Crm)
    crm.api, crm.worker, crm.clock = api, worker, clock
    crm.app_id = r.json["app"]["id"]
    forms = api.get(f"/api/v1/apps/{crm.app_id}/forms?limit=100").json["items"]
    crm.forms = {f["key"]: f["id"] for f in forms}
    boards = api.get(f"/api/v1/apps/{crm.app_id}/dashboards?limit=100").json["items"]
    crm.dashboards = {d["key"]: d["id"] for d in boards}
    return crm


def widgets(crm, key: str) -> dict:
    data = crm.api.get(f"/api/v1/dashboards/{crm.dashboards[key]}/data?cache=false").json
    errors = {k: w["error"] for k, w in data["widgets"].items() if w.get("error")}
    assert not errors, errors
    return data["widgets"]


def value(widget: dict, column: str):
    keys = [c["key"] for c in widget["columns"]]
    return widget["rows"][0][keys.index(column)] if widget["rows"] else None


def as_dict(widget: dict, key_col: int = 0, value_col: int = 1) -> dict:
    return {row[key_col]: row[value_col] for row in widget["rows"]}


def purchases(crm) -> dict[str, list[tuple[dt.datetime, float]]]:
    out = collections.defaultdict(list)
    for o in crm.rows("order"):
        if o["status"] == "已完成":
            out[o["customer"]].append((_at(o["ordered_at"]), o["amount"]))
    return out


def test_overview_kpis_match_an_independent_computation(demo):
    crm = demo
    w = widgets(crm, "overview")
    customers = crm.rows("customer")
    assert value(w["customers"], "customers") == len(customers)
    bought = purchases(crm)
    days = {c: sorted({at.astimezone(TZ).date() for at, _ in rows}) for c, rows in bought.items()}
    repeat = [c for c, d in days.items() if len(d) >= 2]
    assert value(w["repurchase_rate"], "customers") == len(bought)
    assert value(w["repurchase_rate"], "repeat_customers") == len(repeat)
    assert value(w["repurchase_rate"], "repurchase_rate") == pytest.approx(len(repeat) / len(bought),
                                                                          abs=1e-4)
    gaps = [(d[i + 1] - d[i]).days for d in days.values() for i in range(len(d) - 1)]
    per_customer = [(d[-1] - d[0]).days / (len(d) - 1) for d in days.values() if len(d) > 1]
    got = value(w["avg_gap"], "avg_days_between")
    assert got == pytest.approx(sum(gaps) / len(gaps), rel=1e-3) or \
        got == pytest.approx(sum(per_customer) / len(per_customer), rel=1e-3)
    today = crm.clock.now().astimezone(TZ).date()
    month_start = today.replace(day=1)
    revenue = sum(a for rows in bought.values() for at, a in rows
                  if at.astimezone(TZ).date() >= month_start)
    assert (value(w["revenue_month"], "revenue") or 0) == pytest.approx(revenue)
    active = [c for c, rows in bought.items()
              if max(at for at, _ in rows).astimezone(TZ).date() >= today - dt.timedelta(days=90)]
    assert value(w["active_90d"], "customers") == len(active)
    # New vs returning revenue: the first purchase day's revenue is new, the rest returning.
    first_day = {c: d[0] for c, d in days.items()}
    new = sum(a for c, rows in bought.items() for at, a in rows
              if at.astimezone(TZ).date() == first_day[c])
    total = sum(a for rows in bought.values() for _, a in rows)
    assert value(w["repurchase_rate"], "new_revenue") == pytest.approx(new)
    assert value(w["repurchase_rate"], "returning_revenue") == pytest.approx(total - new)
    by_month = w["new_vs_returning"]
    keys = [c["key"] for c in by_month["columns"]]
    assert sum(r[keys.index("new_revenue")] + r[keys.index("returning_revenue")]
               for r in by_month["rows"]) == pytest.approx(total)


def test_rfm_and_lifecycle_match_an_independent_computation(demo):
    crm = demo
    bought = purchases(crm)
    w = widgets(crm, "rfm")
    keys = [c["key"] for c in w["segments"]["columns"]]
    assert sum(r[keys.index("customers")] for r in w["segments"]["rows"]) == len(bought)
    assert sum(r[keys.index("revenue")] for r in w["segments"]["rows"]) == pytest.approx(
        sum(a for rows in bought.values() for _, a in rows))
    assert sum(r[2] for r in w["rf_grid"]["grid"]["rows"]) == len(bought)

    w = widgets(crm, "lifecycle")
    customers = crm.rows("customer")
    counts = collections.Counter(c.get("lifecycle") for c in customers)
    assert as_dict(w["stages"]) == dict(counts)
    # Days since the last order is volatile (TODAY()): recompute the stage from the rollups.
    today = crm.clock.now().astimezone(TZ).date()
    for c in customers:
        if not c.get("order_count"):
            assert c["lifecycle"] == "潜在"
            continue
        since = (today - _at(c["last_order_at"]).astimezone(TZ).date()).days
        expected = ("流失" if since > 180 else "流失预警" if since > 90 else "沉睡" if since > 60
                    else "新客" if c["order_count"] == 1 else "活跃")
        assert c["lifecycle"] == expected, c
    orders_per = collections.Counter({c: len(rows) for c, rows in bought.items()})
    funnel = as_dict(w["funnel"])
    assert funnel["customer"] == len(customers)
    assert funnel["1+"] == len(bought)
    assert funnel["2+"] == sum(1 for n in orders_per.values() if n >= 2)
    assert funnel["3+"] == sum(1 for n in orders_per.values() if n >= 3)
    cohorts = w["cohorts"]
    keys = [c["key"] for c in cohorts["columns"]]
    first = collections.Counter(min(at for at, _ in rows).astimezone(TZ).strftime("%Y-%m")
                                for rows in bought.values())
    sizes = {r[keys.index("cohort")]: r[keys.index("cohort_size")] for r in cohorts["rows"]}
    assert sizes == {k: v for k, v in first.items() if k in sizes}
    assert len(sizes) >= min(len(first), 12) - 1


def test_journeys_service_and_sales_match_an_independent_computation(demo):
    crm = demo
    w = widgets(crm, "journeys")
    log = [f for f in crm.rows("follow_up") if f.get("journey")]
    touched = collections.Counter(f["journey"] for f in log if f["group"] == "触达")
    assert as_dict(w["messages"]) == dict(touched)
    assert touched, "the demo data has journey history"
    measured = [f for f in log if f["group"] == "触达" and f.get("orders_7d") is not None]
    orders = collections.Counter()
    for f in measured:
        orders[f["journey"]] += f["orders_7d"]
    keys = [c["key"] for c in w["orders_7d"]["columns"]]
    assert {r[0]: r[keys.index("orders")] for r in w["orders_7d"]["rows"]} == dict(orders)
    for r in w["orders_7d"]["rows"]:
        mine = [1 if f["orders_7d"] > 0 else 0 for f in measured if f["journey"] == r[0]]
        assert r[keys.index("conversion")] == pytest.approx(sum(mine) / len(mine), abs=1e-6)
    total_customers = w["uplift"]["totals"][-1]
    assert total_customers == len([f for f in log if f.get("orders_7d") is not None])
    coupons = collections.Counter((c["issued_by"], c["status"]) for c in crm.rows("coupon"))
    assert coupons
    assert {(r[0], r[1]): r[2] for r in w["coupons"]["rows"]} == dict(coupons)

    w = widgets(crm, "service")
    tickets = crm.rows("ticket")
    assert as_dict(w["by_status"]) == dict(collections.Counter(t["status"] for t in tickets))
    assert as_dict(w["by_type"]) == dict(collections.Counter(t["type"] for t in tickets))
    closed = [t for t in tickets if t["status"] == "已关闭" and t.get("closed_at")]
    met = [1 if _at(t["closed_at"]) <= _at(t["sla_due"]) else 0 for t in closed]
    assert value(w["sla"], "sla_rate") == pytest.approx(sum(met) / len(met) if met else None)
    surveys = crm.rows("survey")
    assert surveys, "the demo data has survey answers"
    months = collections.defaultdict(list)
    for sv in surveys:
        months[_at(sv["submitted_at"]).astimezone(TZ).strftime("%Y-%m")].append(sv["rating"])
    assert {r[0]: r[1] for r in w["satisfaction"]["rows"]} == pytest.approx(
        {m: sum(v) / len(v) for m, v in months.items()})

    w = widgets(crm, "sales")
    opps = crm.rows("opportunity")
    decided = [o for o in opps if o["stage"] in ("成交", "输单")]
    win = sum(1 for o in decided if o["stage"] == "成交") / len(decided) if decided else None
    assert value(w["win_rate"], "win_rate") == pytest.approx(win)
    pipeline = sum(o.get("amount") or 0 for o in opps if o["stage"] not in ("成交", "输单"))
    assert (value(w["pipeline"], "pipeline") or 0) == pytest.approx(pipeline)
    keys = [c["key"] for c in w["by_owner"]["columns"]]
    assert sum(r[keys.index("opportunities")] for r in w["by_owner"]["rows"]) == len(opps)
    assert sum(r[keys.index("won_amount")] for r in w["by_owner"]["rows"]) == pytest.approx(
        sum(o["amount"] for o in opps if o["stage"] == "成交"))
