"""Bulk create: all or nothing, skip_bad, unique values inside the batch and already taken,
serials, revisions, one outbox row per record someone hears, rollups refreshed with their events."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import records
from app.models import EventOutbox, Record, RecordRevision, UniqueValue

FIELDS = [{"key": "name", "type": "text", "required": True},
          {"key": "phone", "type": "phone", "unique": True},
          {"key": "qty", "type": "number"},
          {"key": "double", "type": "formula", "expression": "qty * 2", "result": "number"},
          {"key": "no", "type": "serial", "prefix": "B", "digits": 3}]


def _count(model, **where):
    with unit_of_work() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_all_or_nothing_reports_every_bad_row_and_saves_nothing(api, make_form):
    form = make_form(FIELDS)
    url = f"/api/v1/forms/{form['id']}/records"
    assert api.post(url, json={"data": {"name": "a", "phone": "13800000001"}}).status_code == 201
    rows = [{"data": {"name": "b", "phone": "13800000002"}},
            {"data": {"name": "c", "phone": "13800000001"}},      # taken by an existing record
            {"data": {"phone": "13800000003"}},                   # name missing
            {"data": {"name": "d", "phone": "138 0000 0002"}}]    # same as row 0 once normalised
    r = api.post(f"{url}/bulk", json={"records": rows})
    assert r.status_code == 422, r.json
    bad = r.json["error"]["details"]["records"]
    assert set(bad) == {"1", "2", "3"}
    assert "phone" in bad["1"] and "name" in bad["2"] and "phone" in bad["3"]
    assert _count(Record, form_id=form["id"]) == 1
    assert _count(UniqueValue, form_id=form["id"]) == 1  # row 0's claim did not survive
    assert api.post(url, json={"data": {"name": "b", "phone": "13800000002"}}).status_code == 201


def _created_events() -> list[dict]:
    with unit_of_work() as s:
        return [p for (p,) in s.execute(sa.select(EventOutbox.payload).where(
            EventOutbox.name == "record.created"))]


def test_bulk_saves_serials_revisions_and_one_event_per_record(api, make_form):
    form = make_form(FIELDS)
    r = api.post(f"/api/v1/forms/{form['id']}/records/bulk",
                 json={"records": [{"data": {"name": f"n{i}", "qty": i}} for i in range(5)]})
    assert r.status_code == 201, r.json
    ids = r.json["ids"]
    got = api.get(f"/api/v1/records/{ids[3]}").json["data"]
    assert got["double"] == 6 and got["no"] == "B004" and got["phone"] is None
    assert _count(RecordRevision, form_id=form["id"]) == 5
    history = api.get(f"/api/v1/records/{ids[0]}/history").json
    assert history[0]["action"] == "create" and history[0]["after"]["name"] == "n0"
    assert _created_events() == []  # nobody listens: no outbox rows to carry them
    r = api.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/crm",
                                           "events": ["record.created"], "form_id": form["id"],
                                           "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json
    r = api.post(f"/api/v1/forms/{form['id']}/records/bulk",
                 json={"records": [{"data": {"name": f"m{i}", "qty": i}} for i in range(3)]})
    assert r.status_code == 201, r.json
    payloads = _created_events()
    assert sorted(p["record_id"] for p in payloads) == sorted(r.json["ids"])
    assert all(p["form_key"] == form["key"] and p["source"] == "api" for p in payloads)
    assert sorted(p["data"]["name"] for p in payloads) == ["m0", "m1", "m2"]


def test_skip_bad_keeps_good_rows_and_releases_bad_claims(api, make_form):
    form = make_form(FIELDS)
    actor = Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner", via="api")
    with unit_of_work() as s:
        result = records.bulk_create(s, actor, form["id"], [
            {"name": "a", "phone": "13800000005"}, {"name": "b", "phone": "13800000005"},
            {"qty": 1, "phone": "13800000006"}, {"name": "c"}], mode="skip_bad")
    assert result.ids[0] and result.ids[3] and result.ids[1] is None and result.ids[2] is None
    assert set(result.errors) == {1, 2}
    assert _count(Record, form_id=form["id"]) == 2
    assert _count(UniqueValue, form_id=form["id"]) == 1
    with unit_of_work() as s:
        numbers = sorted(d["no"] for (d,) in s.execute(sa.select(Record.data).where(
            Record.form_id == form["id"])))
    assert numbers == ["B001", "B002"]  # gap-free: rejected rows take no number


def test_bulk_orders_refresh_each_customer_once_with_rollup_events(api, make_form):
    make_form([{"key": "name", "type": "text"}], key="customer")
    order = make_form([{"key": "customer", "type": "relation", "target": "customer"},
                       {"key": "amount", "type": "number"}], key="order")
    forms = api.get(f"/api/v1/apps/{order['app_id']}/forms").json["items"]
    customer = next(f for f in forms if f["key"] == "customer")
    r = api.put(f"/api/v1/forms/{customer['id']}", json={"key": "customer", "name": "C", "fields": [
        {"key": "name", "type": "text"},
        {"key": "order_count", "type": "rollup", "source": "order", "via": "customer", "agg": "count"},
        {"key": "total_spent", "type": "rollup", "source": "order", "via": "customer", "agg": "sum",
         "field": "amount"}]})
    assert r.status_code == 200, r.json
    ann = api.post(f"/api/v1/forms/{customer['id']}/records", json={"data": {"name": "Ann"}}).json
    # Someone listens to customer updates, so their events are kept whole for delivery.
    r = api.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/crm",
                                           "events": ["record.updated"], "form_id": customer["id"],
                                           "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json
    r = api.post(f"/api/v1/forms/{order['id']}/records/bulk", json={"records": [
        {"data": {"customer": ann["id"], "amount": 10}},
        {"data": {"customer": ann["id"], "amount": 5}}]})
    assert r.status_code == 201, r.json
    got = api.get(f"/api/v1/records/{ann['id']}").json["data"]
    assert (got["order_count"], got["total_spent"]) == (2, 15)
    with unit_of_work() as s:
        updated = [p for (p,) in s.execute(sa.select(EventOutbox.payload).where(
            EventOutbox.name == "record.updated"))]
    assert len(updated) == 1  # one refresh of the customer, not one per order or rollup
    assert sorted(updated[0]["changed"]) == ["order_count", "total_spent"]
    assert updated[0]["old"]["order_count"] == 0 and updated[0]["data"]["total_spent"] == 15
    assert (updated[0]["source"], updated[0]["depth"], updated[0]["form_key"]) == (
        "system", 0, "customer")
