"""Round-2 features against plain Python: rfm per customer, repurchase metrics (light path),
subform-column dimensions, drill-down by a relation's title, hot-field statistics/indexes."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import unit_of_work
from app.models import Form, Record
from app.report_engine import hot_fields
from tests.integration.report_engine.test_analyses import AS_OF, PURCHASE, purchase_days, quintiles


def test_rfm_per_customer_matches_python(run, crm):
    result = run({"kind": "rfm", **PURCHASE, "per_customer": True})
    days = purchase_days(crm)
    rec = {c: (AS_OF - max(d)).days for (_p, c), d in days.items()}
    freq = {c: len(d) for (_p, c), d in days.items()}
    mon = {c: sum(d.values()) for (_p, c), d in days.items()}
    r, f = quintiles(rec, lambda v: -v), quintiles(freq, lambda v: v)
    m = quintiles(mon, lambda v: round(v, 6))
    assert [c["key"] for c in result["columns"]] == ["customer", "recency", "frequency", "monetary",
                                                     "r", "f", "m", "segment"]
    got = {row[0]: row[1:7] for row in result["rows"]}
    assert got == {c: [rec[c], freq[c], round(mon[c], 6), r[c], f[c], m[c]] for c in rec}
    assert [row[0] for row in result["rows"]] == sorted(rec)
    assert len(run({"kind": "rfm", **PURCHASE, "per_customer": True, "limit": 3})["rows"]) == 3


@pytest.mark.parametrize("extra", [{}, {"period": "month"}, {"dimensions": [{"field": "channel"}]}])
def test_repurchase_light_path_equals_full(run, extra):
    light = run({"kind": "repurchase", **PURCHASE, **extra,
                 "metrics": ["customers", "repeat_customers", "repurchase_rate"]})
    full = run({"kind": "repurchase", **PURCHASE, **extra})
    width = 1 if extra else 0
    assert [c["key"] for c in light["columns"]][width:] == ["customers", "repeat_customers", "repurchase_rate"]
    assert light["rows"] == [row[:width + 3] for row in full["rows"]]
    gaps = run({"kind": "repurchase", **PURCHASE, **extra, "metrics": ["median_days_between"]})
    assert gaps["rows"] == [row[:width] + [row[width + 4]] for row in full["rows"]]


@pytest.fixture
def lines(crm):
    """Order lines in a subform on a third form: category per line."""
    definition = {"key": "basket", "name": "Basket", "fields": [
        {"key": "total", "type": "number"},
        {"key": "items", "type": "subform", "fields": [
            {"key": "category", "type": "select", "options": ["a", "b", "c"]},
            {"key": "qty", "type": "number"}]}]}
    rows = [{"total": 10, "items": [{"category": "a", "qty": 1}, {"category": "b", "qty": 2}]},
            {"total": 5, "items": [{"category": "a", "qty": 3}]},
            {"total": 7, "items": []},
            {"total": 1}]
    with unit_of_work() as s:
        form = Form(workspace_id=crm.workspace_id, app_id=crm.app_id, key="basket",
                    definition=definition, version=1, data_version=1)
        s.add(form)
        s.flush()
        for data in rows:
            s.add(Record(workspace_id=crm.workspace_id, form_id=form.id, data=data))
    return rows


def test_subform_column_dimension_unnests_rows(run, lines):
    result = run({"source": "basket", "dimensions": [{"field": "items.category", "as": "category"}],
                  "measures": [{"agg": "count", "as": "n"}, {"agg": "sum", "field": "total", "as": "t"}],
                  "sort": [{"by": "category"}]})
    expected: dict = {}
    for data in lines:
        for item in data.get("items") or [None]:
            key = item["category"] if item else None
            n, t = expected.get(key, (0, 0.0))
            expected[key] = (n + 1, t + data["total"])
    assert result["rows"] == [[k, n, t] for k, (n, t) in sorted(expected.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))]


def test_subform_column_is_only_a_dimension(run, lines):
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        run({"source": "basket", "measures": [{"agg": "count_distinct", "field": "items.qty"}]})
    assert "/measures/0/field" in exc.value.details["fields"]


def test_drill_down_by_relation_title(crm):
    from app.report_engine import dashboards

    definition = {"key": "d", "name": "d", "widgets": [{
        "id": "by_customer", "title": "t", "chart": "bar", "layout": {"x": 0, "y": 0, "w": 4, "h": 4},
        "query": {"source": "order", "dimensions": [{"field": "customer"}],
                  "measures": [{"agg": "count", "as": "n"}]}}]}
    _cust_id, cust = crm.customers[0]
    with unit_of_work() as s:
        board = dashboards.create_dashboard(s, crm.actor, crm.app_id, definition)
        target = dashboards.drill_filter(s, crm.actor, board.id, "by_customer", {"customer": cust["name"]}, {})
    # The records behind it are the form engine's query of this filter (fixture forms are
    # inserted directly, so the related-field lookup is not exercised here).
    assert target == {"form_id": crm.forms["order"], "filter": f"(customer.name = '{cust['name']}')"}


def test_hot_fields_follow_saved_dashboards(crm, dialect):
    from app.report_engine import dashboards

    definition = {"key": "h", "name": "h", "widgets": [{
        "id": "w", "title": "t", "chart": "bar", "layout": {"x": 0, "y": 0, "w": 4, "h": 4},
        "query": {"source": "order", "filter": "paid = TRUE", "dimensions": [{"field": "status"}],
                  "measures": [{"agg": "count", "as": "n"}]}}]}
    names = {hot_fields.object_name(dialect, k) for k in ("status", "paid")}
    with unit_of_work() as s:
        board = dashboards.create_dashboard(s, crm.actor, crm.app_id, definition)
        assert names <= hot_fields._existing(s, dialect)
        assert hot_fields.sync(s) == []  # idempotent
        dashboards.delete_dashboard(s, crm.actor, board.id)
        assert not names & hot_fields._existing(s, dialect)
