"""What the CRM template needs from flows: RECORD_ID()/CURRENT_USER() in expressions, a
countable ab_split holdout, per-language messages, datetime date triggers on the workspace's
calendar, and nightly RFM scores written back row by row (the real report engine)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import unit_of_work
from tests.integration.flow_engine.conftest import chain


def test_record_id_and_current_user_in_flow_expressions(world, worker, clock):
    from app.flow_engine.triggers import sweep_date_triggers

    flow = world.flow({"type": "record.created", "form": "customer",
                       "condition": "RECORD_ID() <> '' AND CURRENT_USER() <> ''"},
                      [{"id": "v", "type": "set_variable",
                        "set": {"rid": "RECORD_ID()", "who": "CURRENT_USER()"}}], chain("v"))
    rid = world.create({"name": "R"})
    worker()
    [run] = world.runs(flow["id"])
    assert world.run(run["id"])["variables"] == {"rid": rid, "who": world.user_id}
    clock.freeze(dt.datetime(2025, 3, 10, 4, 0, tzinfo=dt.timezone.utc))
    dated = world.flow({"type": "date", "form": "customer", "field": "birthday",
                        "condition": "RECORD_ID() <> ''"},
                       [{"id": "v", "type": "set_variable", "set": {"rid": "RECORD_ID()"}}],
                       chain("v"))
    born = world.create({"name": "B", "birthday": "2025-03-10"})
    assert sweep_date_triggers() == 1
    worker()
    [run] = world.runs(dated["id"])
    assert world.run(run["id"])["variables"] == {"rid": born}


def test_ab_split_holdout_is_counted_not_silently_ended(world, worker):
    flow = world.flow(
        {"type": "record.created", "form": "customer"},
        [{"id": "ab", "type": "ab_split", "branches": [
            {"key": "offer", "weight": 50}, {"key": "control", "weight": 50, "holdout": True}]},
         {"id": "send", "type": "update_record", "set": {"lifecycle": "'offered'"}},
         {"id": "held", "type": "set_variable", "set": {"group": "'control'"}}],
        [{"from": "trigger", "to": "ab"}, {"from": "ab", "to": "send", "when": "offer"},
         {"from": "ab", "to": "held", "when": "control"}])
    ids = [world.create({"name": f"n{i}"}) for i in range(16)]
    worker()
    stats = {n["node_id"]: n for n in world.api.get(f"/api/v1/flows/{flow['id']}/stats").json["nodes"]}
    branches = stats["ab"]["branches"]
    assert set(branches) == {"offer", "control"} and sum(branches.values()) == 16
    assert stats["held"]["completed"] == branches["control"]
    assert sum(world.record(i)["lifecycle"] == "offered" for i in ids) == branches["offer"]
    runs = world.runs(flow["id"])
    holdout = [world.run(r["id"]) for r in runs]
    outputs = [s["output"] for r in holdout for s in r["steps"] if s["node_id"] == "ab"]
    assert {o["holdout"] for o in outputs} == {True, False}
    assert all(r["status"] == "completed" for r in holdout)


def test_messages_in_the_recipients_language(world, worker):
    from app.models import Message, User

    with unit_of_work() as s:
        s.get(User, world.user_id).language = "en"
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "note", "type": "send_message", "channel": "inapp",
                 "to": {"user": world.user_id}, "subject": {"zh": "新客户", "en": "New customer"},
                 "body": {"zh": "新客户 {{name}}", "en": "New customer {{name}}"}},
                {"id": "sms", "type": "send_message", "channel": "sms", "to": "{{phone}}",
                 "body": {"zh": "{{name}}，欢迎", "en": "Welcome {{name}}"}}],
               chain("note", "sms"))
    world.create({"name": "Lin", "phone": "13800000000"})
    worker()
    with unit_of_work() as s:
        sent = {m.channel: (m.subject, m.body) for m in s.scalars(sa.select(Message))}
    assert sent["inapp"] == ("New customer", "New customer Lin")
    assert sent["sms"] == (None, "Lin，欢迎")          # no user: the workspace language (zh-CN)


def test_datetime_date_trigger_uses_the_workspace_calendar(world, worker, clock):
    from app.flow_engine.triggers import sweep_date_triggers

    flow = world.flow({"type": "date", "form": "customer", "field": "last_visit",
                       "offset": "1d"},
                      [{"id": "mark", "type": "update_record", "set": {"lifecycle": "'visited'"}}],
                      chain("mark"))
    # 2025-03-09 17:30 UTC is 2025-03-10 01:30 in Shanghai; the next one is 03-11 local.
    local_tenth = world.create({"name": "A", "last_visit": "2025-03-09T17:30:00Z"})
    local_eleventh = world.create({"name": "B", "last_visit": "2025-03-10T17:00:00Z"})
    utc_tenth_local_tenth = world.create({"name": "C", "last_visit": "2025-03-10T03:00:00Z"})
    clock.freeze(dt.datetime(2025, 3, 11, 2, 0, tzinfo=dt.timezone.utc))   # 03-11 10:00 local
    assert sweep_date_triggers() == 2
    assert sweep_date_triggers() == 0
    worker()
    assert world.record(local_tenth)["lifecycle"] == "visited"
    assert world.record(utc_tenth_local_tenth)["lifecycle"] == "visited"
    assert world.record(local_eleventh)["lifecycle"] is None
    assert len(world.runs(flow["id"])) == 2


def test_nightly_rfm_scores_written_back_row_by_row(world, worker, clock):
    from app.flow_engine.triggers import sweep_schedules
    from app.report_engine.run import run_report

    clock.freeze(dt.datetime(2025, 3, 10, 15, 0, 30, tzinfo=dt.timezone.utc))
    customers = [world.create({"name": f"c{i}"}) for i in range(6)]
    for i, cid in enumerate(customers):
        for k in range(i + 1):
            world.create({"customer": cid, "amount": 10 * (i + 1), "ordered_on": f"2025-0{1 + k % 3}-0{1 + i}"},
                         form_id=world.order)
    spec = {"source": "order", "kind": "rfm", "customer": "customer", "date": "ordered_on",
            "amount": "amount", "per_customer": True, "as_of": "2025-03-10"}
    flow = world.flow({"type": "schedule", "cron": "0 0 * * *"},
                      [{"id": "rfm", "type": "query_report", "spec": spec},
                       {"id": "write", "type": "update_record", "for_each": "steps.rfm.rows",
                        "record_id": "item.customer",
                        "set": {"tier": "item.segment", "points": "item.r * 100 + item.f * 10 + item.m"}}],
                      chain("rfm", "write"))
    clock.advance(dt.timedelta(hours=1))          # past midnight in Shanghai
    assert sweep_schedules() == 1
    worker()
    [run] = world.runs(flow["id"])
    detail = world.run(run["id"])
    assert detail["status"] == "completed", detail
    with unit_of_work() as s:
        expected = run_report(s, world.actor, spec, app_id=world.app_id, use_cache=False)
    keys = [c["key"] for c in expected["columns"]]
    for row in expected["rows"]:
        item = dict(zip(keys, row))
        data = world.record(item["customer"])
        assert data["tier"] == item["segment"]
        assert data["points"] == item["r"] * 100 + item["f"] * 10 + item["m"]
    assert detail["steps"][1]["output"]["updated"] == len(customers)


def test_for_each_is_checked_statically(world):
    body = {"key": "bad_each", "name": "B", "trigger": {"type": "schedule", "cron": "0 0 * * *"},
            "nodes": [{"id": "q", "type": "query_records", "form": "customer"},
                      {"id": "w", "type": "update_record", "for_each": "steps.nope.items",
                       "set": {"tier": "item.tier", "points": "NOW"}}],
            "edges": [{"from": "trigger", "to": "q"}, {"from": "q", "to": "w"}]}
    r = world.api.post(f"/api/v1/apps/{world.app_id}/flows", json=body)
    assert r.status_code == 422
    fields = r.json["error"]["details"]["fields"]
    assert "unknown step 'nope'" in fields["/nodes/1/for_each"][0]
    assert "is a function" in fields["/nodes/1/set/points"][0]
