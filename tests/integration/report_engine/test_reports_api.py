"""Reports and dashboards through the HTTP API: query, cache header, dashboards CRUD, data with
filters and linkage, per-widget errors, drill-down, CSV export, other workspaces."""
from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa

from app.extensions import unit_of_work
from app.models import Form, Record
from tests.integration.report_engine.conftest import CUSTOMER, ORDER, make_orders


def setup_app(api):
    import random

    app_id = api.post("/api/v1/apps", json={"key": "crm", "name": "CRM"}).json["id"]
    ws = api.workspace["id"]
    with unit_of_work() as s:
        forms = {}
        for d in (CUSTOMER, ORDER):
            f = Form(workspace_id=ws, app_id=app_id, key=d["key"], definition=d, version=1, data_version=1)
            s.add(f)
            s.flush()
            forms[d["key"]] = f.id
        cust = []
        for i in range(5):
            r = Record(workspace_id=ws, form_id=forms["customer"], data={"name": f"c{i}"})
            s.add(r)
            s.flush()
            cust.append(r.id)
        orders = make_orders(random.Random(7), cust, 60)
        for d in orders:
            s.add(Record(workspace_id=ws, form_id=forms["order"], data=d, owner_id=api.user["id"]))
    return app_id, forms, orders


DASHBOARD = {
    "key": "sales", "name": {"zh": "销售", "en": "Sales"},
    "filters": [{"key": "period", "type": "date_range", "field": "ordered_at"},
                {"key": "channel", "type": "select", "field": "channel"}],
    "widgets": [
        {"id": "by_status", "chart": "bar", "layout": {"x": 0, "y": 0, "w": 6, "h": 4},
         "query": {"source": "order", "dimensions": [{"field": "status"}],
                   "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "status"}]}},
        {"id": "by_channel", "chart": "pie",
         "query": {"source": "order", "dimensions": [{"field": "channel"}],
                   "measures": [{"agg": "sum", "field": "amount", "as": "revenue"}]}},
        {"id": "rfm", "chart": "table", "query": {"source": "order", "kind": "rfm", "customer": "customer",
                                                   "date": "ordered_at", "amount": "amount",
                                                   "as_of": "2025-06-30"}},
    ],
}


def test_query_endpoint_and_cache_header(api):
    app_id, forms, orders = setup_app(api)
    spec = {"source": "order", "app_id": app_id, "dimensions": [{"field": "status"}],
            "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "status"}]}
    r = api.post("/api/v1/reports/query", json=spec)
    assert r.status_code == 200, r.json
    assert r.headers["X-Report-Cache"] == "miss" and "elapsed_ms" in r.json
    counts = Counter(d["status"] for d in orders)
    assert r.json["rows"] == [[k, counts[k]] for k in sorted(counts)]
    again = api.post("/api/v1/reports/query", json=spec)
    assert again.headers["X-Report-Cache"] == "hit" and again.json["rows"] == r.json["rows"]
    with unit_of_work() as s:  # a record write bumps the form's data version: the cache misses
        s.add(Record(workspace_id=api.workspace["id"], form_id=forms["order"], data={"status": "已完成"}))
        s.execute(sa.update(Form).where(Form.id == forms["order"]).values(data_version=Form.data_version + 1))
    fresh = api.post("/api/v1/reports/query", json=spec)
    assert fresh.headers["X-Report-Cache"] == "miss"
    assert dict(map(tuple, fresh.json["rows"]))["已完成"] == counts["已完成"] + 1
    by_id = api.post("/api/v1/reports/query", json={**spec, "source": forms["order"], "app_id": None})
    assert by_id.status_code == 422  # app_id must be a string when given
    by_id = api.post("/api/v1/reports/query", json={k: v for k, v in spec.items() if k != "app_id"}
                     | {"source": forms["order"]})
    assert by_id.status_code == 200 and by_id.json["rows"] == fresh.json["rows"]
    bad = api.post("/api/v1/reports/query", json={**spec, "measures": [{"agg": "sum", "field": "nope"}]})
    assert bad.status_code == 422 and "/measures/0/field" in bad.json["error"]["details"]["fields"]


def test_dashboard_crud_data_filters_linkage_drill_export(api, other_api):
    app_id, forms, orders = setup_app(api)
    r = api.post(f"/api/v1/apps/{app_id}/dashboards", json=DASHBOARD)
    assert r.status_code == 201, r.json
    dash_id = r.json["id"]
    assert api.get(f"/api/v1/apps/{app_id}/dashboards").json["items"][0]["id"] == dash_id
    assert other_api.get(f"/api/v1/dashboards/{dash_id}").status_code == 404
    assert other_api.get(f"/api/v1/dashboards/{dash_id}/data").status_code == 404

    data = api.get(f"/api/v1/dashboards/{dash_id}/data").json["widgets"]
    assert set(data) == {"by_status", "by_channel", "rfm"}
    assert sum(row[1] for row in data["by_status"]["rows"]) == len(orders)

    filters = {"channel": ["天猫", "京东"], "period": {"from": "2024-06-01", "to": "2024-12-31"},
               "_linkage": {"widget": "by_channel", "field": "status", "value": "已完成"}}
    data = api.get(f"/api/v1/dashboards/{dash_id}/data?filters={json.dumps(filters)}").json["widgets"]
    from tests.integration.report_engine.conftest import SHANGHAI
    import datetime as dt

    def local(d):
        return dt.datetime.fromisoformat(d["ordered_at"].replace("Z", "+00:00")).astimezone(SHANGHAI).date()
    chosen = [d for d in orders if d["channel"] in ("天猫", "京东")
              and dt.date(2024, 6, 1) <= local(d) <= dt.date(2024, 12, 31)]
    assert data["by_status"]["rows"] == [["已完成", sum(1 for d in chosen if d["status"] == "已完成")]]
    # the clicked widget itself is not filtered by its own linkage
    assert {row[0] for row in data["by_channel"]["rows"]} == {d["channel"] for d in chosen}

    drill = api.get(f"/api/v1/dashboards/{dash_id}/widgets/by_status/drill?"
                    f"point={json.dumps({'status': '已退款'})}&filters={json.dumps({'channel': '天猫'})}")
    assert drill.status_code == 200, drill.json
    assert "status = '已退款'" in drill.json["filter"] and "channel = '天猫'" in drill.json["filter"]
    assert len(drill.json["items"]) == sum(1 for d in orders if d["status"] == "已退款" and d["channel"] == "天猫")

    csv_r = api.get(f"/api/v1/dashboards/{dash_id}/widgets/by_status/export")
    assert csv_r.status_code == 200 and csv_r.mimetype == "text/csv"
    assert csv_r.get_data(as_text=True).lstrip("\ufeff").splitlines()[0] == "status,n"

    broken = json.loads(json.dumps(DASHBOARD))
    broken["widgets"][0]["query"]["measures"] = [{"agg": "sum", "field": "nope"}]
    r = api.put(f"/api/v1/dashboards/{dash_id}", json=broken)
    assert r.status_code == 422 and "/widgets/0/query/measures/0/field" in r.json["error"]["details"]["fields"]
    # a widget that fails at run time (the form's field is gone) errors alone
    with unit_of_work() as s:
        form = s.get(Form, forms["order"])
        form.definition = {**form.definition, "fields": [f for f in form.definition["fields"]
                                                         if f["key"] != "amount"]}
    data = api.get(f"/api/v1/dashboards/{dash_id}/data").json["widgets"]
    assert data["by_channel"]["error"]["code"] == "validation_failed"
    assert "rows" in data["by_status"]

    from app.report_engine.dashboards import index_hints
    with unit_of_work() as s:
        assert {"status", "channel", "ordered_at", "customer"} <= set(index_hints(s, forms["order"]))
    assert api.delete(f"/api/v1/dashboards/{dash_id}").status_code == 204
    assert api.get(f"/api/v1/dashboards/{dash_id}").status_code == 404
