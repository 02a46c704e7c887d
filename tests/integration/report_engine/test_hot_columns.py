"""Hot fields promoted to typed columns: saving a dashboard gives the fields its widgets read
generated columns (STORED on PostgreSQL, VIRTUAL on SQLite; once the job has run), reports read them and answer as before,
records written by every path (single, bulk COPY, import, update) fill them, and a field's type
change swaps the column for one of the new kind. Each saved widget gets a covering index on them
(on SQLite, where the columns are VIRTUAL, its report is answered from it)."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest
import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import forms, typed_columns
from app.report_engine import hot_fields
from app.report_engine.compile import compile_table
from app.report_engine.run import run_report
from app.report_engine.sources import RecordsQuery
from app.report_engine.spec import check_spec
from tests.conftest import fresh
from tests.integration.data_io.conftest import post_file

STATUSES = ["待付款", "已完成", "已退款"]
CHANNELS = ["门店", "天猫", "京东"]
ORDER = {"key": "order", "name": "Order", "fields": [
    {"key": "customer", "type": "text"},
    {"key": "channel", "type": "select", "options": CHANNELS},
    {"key": "amount", "type": "number"},
    {"key": "score", "type": "number"},
    {"key": "status", "type": "select", "options": STATUSES},
    {"key": "ordered_at", "type": "datetime"},
    {"key": "note", "type": "text"}]}
BY_STATUS = {"source": "order", "filter": "channel <> '京东'", "dimensions": [{"field": "status"}],
             "measures": [{"agg": "sum", "field": "amount", "as": "revenue"},
                          {"agg": "count", "as": "n"}], "sort": [{"by": "status"}]}
BY_SCORE = {"source": "order", "dimensions": [{"field": "score"}],
            "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "score"}]}
NOTES = {"source": "order", "measures": [{"agg": "min", "field": "note", "as": "first"},
                                         {"agg": "max", "field": "note", "as": "last"}]}
REPURCHASE = {"source": "order", "kind": "repurchase", "customer": "customer", "date": "ordered_at",
              "amount": "amount", "as_of": "2025-06-30",
              "metrics": ["customers", "repeat_customers"]}
DASHBOARD = {"key": "hot", "name": "Hot", "widgets": [
    {"id": "by_status", "title": "t", "chart": "bar", "layout": {"x": 0, "y": 0, "w": 4, "h": 4},
     "query": BY_STATUS},
    {"id": "by_score", "title": "t", "chart": "bar", "layout": {"x": 4, "y": 0, "w": 4, "h": 4},
     "query": BY_SCORE},
    {"id": "repurchase", "title": "t", "chart": "table", "layout": {"x": 8, "y": 0, "w": 4, "h": 4},
     "query": REPURCHASE},
    {"id": "notes", "title": "t", "chart": "kpi", "layout": {"x": 0, "y": 4, "w": 4, "h": 2},
     "query": NOTES}]}
PROMOTED = {"hot_t_status", "hot_n_amount", "hot_t_channel", "hot_t_customer", "hot_t_ordered_at",
            "hot_n_score", "hot_t_note"}


def order_rows(n: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    return [{"customer": f"C{rng.randrange(12):02d}", "channel": rng.choice(CHANNELS),
             "amount": round(rng.uniform(1, 300), 2), "score": rng.randrange(1, 6),
             "status": rng.choice(STATUSES),
             "note": rng.choice(["apple", "Banana", "Zebra", "éclair"]),
             "ordered_at": f"2025-0{rng.randrange(1, 7)}-1{rng.randrange(10)}T0{rng.randrange(10)}:00:00Z"}
            for _ in range(n)]


@pytest.fixture
def shop(api):
    """An app with the order form (made through the form engine); typed columns this test adds
    are dropped afterwards, so other tests sharing the database see the schema they expect."""
    r = api.post("/api/v1/apps", json={"key": fresh("shop"), "name": "Shop"})
    assert r.status_code == 201, r.json
    app_id = r.json["id"]
    actor = Actor(api.workspace["id"], api.user["id"], "owner")
    with unit_of_work() as s:
        form_id = forms.create_form(s, actor, app_id, ORDER).id
    yield {"app_id": app_id, "form_id": form_id, "actor": actor}
    with unit_of_work() as s:
        typed_columns.apply(s, set())


def run(shop, spec) -> dict:
    with unit_of_work() as s:
        return run_report(s, shop["actor"], spec, app_id=shop["app_id"], use_cache=False)


def statement_sql(session, shop, spec, *, literal: bool = False) -> str:
    """The SQL a table report compiles to for the owner."""
    source = check_spec(session, shop["actor"], spec, app_id=shop["app_id"])
    rq = RecordsQuery(dialect=session.get_bind().dialect.name, source=source, actor=shop["actor"],
                      session=session)
    rq.add_filter(spec.get("filter"))
    return str(compile_table(rq, spec).statement.compile(
        session.get_bind(), compile_kwargs={"literal_binds": literal}))


def stored(shop) -> list[dict]:
    from app.models import Record

    with unit_of_work() as s:
        return [d for (d,) in s.execute(sa.select(Record.data).where(Record.form_id == shop["form_id"]))]


def expected_by_status(rows: list[dict]) -> list[list]:
    kept = [d for d in rows if d.get("channel") != "京东"]
    out = []
    for status in sorted({d.get("status") for d in kept}, key=lambda s: s.encode()):
        group = [d for d in kept if d.get("status") == status]
        out.append([status, pytest.approx(sum(d.get("amount") or 0 for d in group)), len(group)])
    return out


def bulk(api, shop, rows):
    r = api.post(f"/api/v1/forms/{shop['form_id']}/records/bulk",
                 json={"records": [{"data": d} for d in rows]})
    assert r.status_code == 201, r.json


def test_saved_dashboard_promotes_read_fields_and_reports_read_the_columns(api, shop, worker,
                                                                             dialect):
    bulk(api, shop, order_rows(80))
    before = {q: run(shop, spec) for q, spec in (("s", BY_STATUS), ("r", REPURCHASE), ("n", NOTES))}
    assert before["s"]["rows"] == expected_by_status(stored(shop))
    notes = [d["note"] for d in stored(shop)]
    assert before["n"]["rows"] == [[min(notes), max(notes)]]  # code-point order on both dialects

    r = api.post(f"/api/v1/apps/{shop['app_id']}/dashboards", json=DASHBOARD)
    assert r.status_code == 201, r.json
    worker()
    with unit_of_work() as s:
        have = typed_columns.existing(s)
        pending = hot_fields.promotion_pending(s)
    assert not pending
    with unit_of_work() as s:
        sql = statement_sql(s, shop, BY_STATUS)
        if dialect == "postgresql":
            plan = "\n".join(s.scalars(sa.text(
                "EXPLAIN (VERBOSE) " + statement_sql(s, shop, BY_STATUS, literal=True))))
        else:
            plan = "\n".join(r[3] for r in s.execute(sa.text(
                "EXPLAIN QUERY PLAN " + statement_sql(s, shop, BY_STATUS, literal=True))))
        covering = hot_fields._covering_existing(s)
    # the widget's own index: (form, workspace, filter field, group field, measure)
    name = hot_fields.covering_name(shop["form_id"], ("hot_t_channel", "hot_t_status", "hot_n_amount"))
    assert name in covering
    assert PROMOTED <= have
    # group-by, measure and filter all read the typed columns, not the JSON
    assert 'records."hot_t_status"' in sql and 'records."hot_n_amount"' in sql
    assert 'records."hot_t_channel"' in sql and "->>" not in sql and "json_extract" not in sql
    if dialect == "postgresql":
        assert "records.hot_t_status" in plan and "records.hot_n_amount" in plan
    else:  # named to SQLite's planner; PostgreSQL's picks an index-only scan by cost
        assert f"USING INDEX {name}" in plan, plan
    assert run(shop, BY_STATUS)["rows"] == before["s"]["rows"]
    assert run(shop, REPURCHASE)["rows"] == before["r"]["rows"]
    assert run(shop, NOTES)["rows"] == before["n"]["rows"]
    with unit_of_work() as s:
        assert hot_fields.sync(s) == [] and not hot_fields.promotion_pending(s)  # idempotent


def test_records_from_every_write_path_fill_the_typed_columns(api, shop, worker, dialect):
    assert api.post(f"/api/v1/apps/{shop['app_id']}/dashboards", json=DASHBOARD).status_code == 201
    worker()
    rows = order_rows(30, seed=5)
    url = f"/api/v1/forms/{shop['form_id']}/records"
    single = [api.post(url, json={"data": d}) for d in rows[:5]]
    assert all(r.status_code == 201 for r in single), single[0].json
    bulk(api, shop, rows[5:20])
    csv_text = "customer,channel,amount,score,status,ordered_at\n" + "".join(
        f"{d['customer']},{d['channel']},{d['amount']},{d['score']},{d['status']},{d['ordered_at']}\n"
        for d in rows[20:])
    r = post_file(api, f"/api/v1/forms/{shop['form_id']}/import", csv_text.encode(), "orders.csv",
                  mapping=json.dumps({k: k for k in ("customer", "channel", "amount", "score",
                                                     "status", "ordered_at")}))
    assert r.status_code == 202, r.json
    worker()
    assert api.get(f"/api/v1/jobs/{r.json['job_id']}").json["result"]["created"] == 10
    first = single[0].json["id"]
    patched = api.patch(f"/api/v1/records/{first}", json={"data": {"amount": 999.5, "status": "已退款"}})
    assert patched.status_code == 200, patched.json
    assert api.delete(f"/api/v1/records/{single[1].json['id']}").status_code == 204

    data = stored(shop)
    assert len(data) == 29 and any(d["amount"] == 999.5 for d in data)
    assert run(shop, BY_STATUS)["rows"] == expected_by_status(data)
    by_score = Counter(d["score"] for d in data)
    assert run(shop, BY_SCORE)["rows"] == [[k, by_score[k]] for k in sorted(by_score)]
    if dialect == "postgresql":
        check = ("hot_n_amount IS DISTINCT FROM (data ->> 'amount')::double precision OR "
                 "hot_t_status IS DISTINCT FROM data ->> 'status' OR "
                 "hot_t_ordered_at IS DISTINCT FROM data ->> 'ordered_at'")
    else:  # read through a covering index: the values it stored at write time
        check = ("hot_n_amount IS NOT json_extract(data, '$.amount') OR "
                 "hot_t_status IS NOT json_extract(data, '$.status') OR "
                 "hot_t_ordered_at IS NOT json_extract(data, '$.ordered_at')")
    with unit_of_work() as s:
        stale = s.scalar(sa.text(f"SELECT count(*) FROM records WHERE form_id = :f AND ({check})"),
                         {"f": shop["form_id"]})
    assert stale == 0


def test_field_type_change_swaps_its_typed_column(api, shop, worker, dialect):
    bulk(api, shop, order_rows(40, seed=9))
    assert api.post(f"/api/v1/apps/{shop['app_id']}/dashboards", json=DASHBOARD).status_code == 201
    worker()
    counts = Counter(d["score"] for d in stored(shop))
    assert run(shop, BY_SCORE)["rows"] == [[k, counts[k]] for k in sorted(counts)]

    definition = json.loads(json.dumps(ORDER))
    next(f for f in definition["fields"] if f["key"] == "score")["type"] = "text"
    with unit_of_work() as s:
        forms.update_form(s, shop["actor"], shop["form_id"], definition, force=True)
        # until the job has run, reports keep reading the JSON: no number column for a text field
        assert "hot_n_score" not in statement_sql(s, shop, BY_SCORE)
    worker()
    with unit_of_work() as s:
        have = typed_columns.existing(s)
    assert "hot_n_score" not in have and "hot_t_score" in have
    with unit_of_work() as s:
        assert 'records."hot_t_score"' in statement_sql(s, shop, BY_SCORE)
    # the stored numbers now group as text (SQLite's json_extract still hands back a number)
    rows = [[str(k), n] for k, n in run(shop, BY_SCORE)["rows"]]
    assert rows == [[str(k), counts[k]] for k in sorted(counts, key=str)]

