"""The dashboard data endpoint's widgets (computed side by side on PostgreSQL, one after the other
on SQLite; two widgets with the same query computed once) answer exactly as each widget's report
alone, a widget that fails errors alone, and a second call is served from the cache for every
widget."""
from __future__ import annotations

from app.extensions import unit_of_work
from app.models import Form
from app.report_engine import dashboards

PURCHASE = {"customer": "customer", "date": "ordered_at", "amount": "amount", "as_of": "2025-06-30"}
QUERIES = {
    "by_status": {"source": "order", "dimensions": [{"field": "status"}],
                  "measures": [{"agg": "count", "as": "n"}, {"agg": "sum", "field": "amount"}],
                  "sort": [{"by": "status"}], "totals": True},
    "by_month": {"source": "order", "filter": "paid = TRUE",
                 "dimensions": [{"field": "ordered_at", "bucket": "month", "as": "month"}],
                 "measures": [{"agg": "median", "field": "amount", "as": "median"}],
                 "sort": [{"by": "month"}]},
    "pivot": {"source": "order", "kind": "pivot", "rows": [{"field": "channel"}],
              "columns": [{"field": "status"}], "measures": [{"agg": "count", "as": "n"}]},
    "rfm": {"source": "order", "kind": "rfm", **PURCHASE},
    "rfm_grid": {"source": "order", "kind": "rfm", **PURCHASE},
    "repurchase": {"source": "order", "kind": "repurchase", **PURCHASE, "period": "quarter"},
    "broken": {"source": "order", "dimensions": [{"field": "channel"}],
               "measures": [{"agg": "sum", "field": "qty", "as": "qty"}]},
}
DASHBOARD = {"key": "many", "name": "Many", "widgets": [
    {"id": wid, "title": wid, "chart": "table", "layout": {"x": 0, "y": 4 * i, "w": 12, "h": 4},
     "query": query} for i, (wid, query) in enumerate(QUERIES.items())]}


def test_widgets_answer_as_their_reports_fail_alone_and_come_back_from_the_cache(crm, run):
    with unit_of_work() as s:
        dash_id = dashboards.create_dashboard(s, crm.actor, crm.app_id, DASHBOARD).id
        # one widget breaks at run time: the field it sums leaves the form
        form = s.get(Form, crm.forms["order"])
        form.definition = {**form.definition,
                           "fields": [f for f in form.definition["fields"] if f["key"] != "qty"]}
    with unit_of_work() as s:
        cold = dashboards.dashboard_data(s, crm.actor, dash_id, {}, lang="en")["widgets"]
    assert cold["broken"]["error"]["code"] == "validation_failed"
    assert "/measures/0/field" in cold["broken"]["error"]["details"]["fields"]
    for wid, query in QUERIES.items():
        if wid == "broken":
            continue
        alone = run(query)
        assert cold[wid]["cache"] == "miss"
        assert cold[wid]["rows"] == alone["rows"], wid
        assert cold[wid].get("totals") == alone.get("totals")
    with unit_of_work() as s:
        warm = dashboards.dashboard_data(s, crm.actor, dash_id, {}, lang="en")["widgets"]
    assert {wid: w.get("cache") for wid, w in warm.items()} == \
        {**{wid: "hit" for wid in QUERIES}, "broken": None}
    assert all(warm[wid]["rows"] == cold[wid]["rows"] for wid in QUERIES if wid != "broken")
