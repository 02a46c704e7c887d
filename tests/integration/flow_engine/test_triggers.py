"""Date, schedule, inbound webhook and manual triggers; dry run and backtest."""
from __future__ import annotations

import datetime as dt

from tests.integration.flow_engine.conftest import chain

MARK = [{"id": "mark", "type": "update_record", "set": {"lifecycle": "'hit'"}}]


def test_date_trigger_fires_once_per_date_value_at_the_time_of_day(world, worker, clock):
    from app.flow_engine.triggers import sweep_date_triggers

    clock.freeze(dt.datetime(2025, 3, 10, 0, 30, tzinfo=dt.timezone.utc))  # 08:30 in Shanghai
    flow = world.flow({"type": "date", "form": "customer", "field": "birthday", "yearly": True,
                       "at": "09:00", "condition": "consent"}, MARK, chain("mark"))
    yes = world.create({"name": "B", "birthday": "1990-03-10", "consent": True})
    no_consent = world.create({"name": "C", "birthday": "1991-03-10", "consent": False})
    other_day = world.create({"name": "D", "birthday": "1990-03-11", "consent": True})
    assert sweep_date_triggers() == 0          # before 09:00 local
    clock.advance(dt.timedelta(hours=1))
    assert sweep_date_triggers() == 1
    assert sweep_date_triggers() == 0          # once per date value
    worker()
    assert world.record(yes)["lifecycle"] == "hit"
    assert world.record(no_consent).get("lifecycle") is None
    assert world.record(other_day).get("lifecycle") is None
    reasons = [e["reason"] for e in world.api.get(f"/api/v1/flows/{flow['id']}/trigger-log").json["items"]]
    assert reasons == ["condition_false"]


def test_schedule_trigger_runs_on_each_cron_tick(world, worker, clock):
    from app.flow_engine.triggers import sweep_schedules

    clock.freeze(dt.datetime(2025, 3, 10, 0, 0, 30, tzinfo=dt.timezone.utc))
    flow = world.flow({"type": "schedule", "cron": "*/10 * * * *"},
                      [{"id": "count", "type": "query_records", "form": "customer"}], chain("count"))
    world.create({"name": "A"})
    assert sweep_schedules() == 0
    clock.advance(dt.timedelta(minutes=10))
    assert sweep_schedules() == 1
    assert sweep_schedules() == 0
    worker()
    run = world.run(world.runs(flow["id"])[0]["id"])
    assert run["status"] == "completed" and run["steps"][0]["output"]["count"] == 1


def test_inbound_webhook_starts_a_run_with_the_payload(world, worker, make_client):
    flow = world.flow({"type": "webhook", "condition": "amount > 10"},
                      [{"id": "v", "type": "set_variable", "set": {"got": "trigger.payload.amount"}}],
                      chain("v"))
    token = world.api.get(f"/api/v1/flows/{flow['id']}").json["hook_token"]
    anonymous = make_client(signup=False)
    assert anonymous.post(f"/api/v1/hooks/{token}", json={"amount": 5}).json["status"] == "not_started"
    r = anonymous.post(f"/api/v1/hooks/{token}", json={"amount": 50})
    assert r.status_code == 202 and r.json["status"] == "started"
    assert anonymous.post("/api/v1/hooks/nope", json={}).status_code == 404
    worker()
    assert world.run(r.json["run_id"])["variables"] == {"got": 50}


def test_manual_trigger_on_one_record_and_a_selection(world, worker):
    flow = world.flow({"type": "manual", "form": "customer"}, MARK, chain("mark"))
    a, b = world.create({"name": "A"}), world.create({"name": "B"})
    r = world.api.post(f"/api/v1/flows/{flow['id']}/runs", json={"record_id": a})
    assert r.status_code == 202 and r.json["status"] == "running"
    r = world.api.post(f"/api/v1/flows/{flow['id']}/runs", json={"record_ids": [b]})
    assert r.status_code == 202 and len(r.json["items"]) == 1
    worker()
    assert world.record(a)["lifecycle"] == world.record(b)["lifecycle"] == "hit"


def test_dry_run_shows_the_path_without_side_effects(world, worker):
    flow = world.flow(
        {"type": "record.created", "form": "customer"},
        [{"id": "big", "type": "condition", "expression": "total_spent > 100"},
         {"id": "sms", "type": "send_message", "channel": "sms", "to": "{{record.phone}}",
          "body": "Hi {{record.name}}"},
         {"id": "tag", "type": "update_record", "set": {"lifecycle": "'vip'"}}],
        [{"from": "trigger", "to": "big"}, {"from": "big", "to": "sms", "when": "true"},
         {"from": "sms", "to": "tag"}], enable=False)
    rid = world.create({"name": "Ann", "phone": "13800000000", "total_spent": 500})
    r = world.api.post(f"/api/v1/flows/{flow['id']}/test", json={"record_id": rid})
    assert r.status_code == 200, r.json
    path = r.json["path"]
    assert [p["node"] for p in path] == ["big", "sms", "tag"]
    assert path[1]["output"]["to"] == ["13800000000"] and path[1]["output"]["body"] == "Hi Ann"
    assert world.record(rid).get("lifecycle") is None
    assert world.api.get("/api/v1/messages").json["items"] == []


def test_backtest_counts_records_that_would_have_entered(world):
    flow = world.flow({"type": "record.created", "form": "customer", "condition": "total_spent > 100"},
                      MARK, chain("mark"), enable=False)
    for spent in (50, 150, 250):
        world.create({"name": "x", "total_spent": spent})
    r = world.api.post(f"/api/v1/flows/{flow['id']}/backtest", json={"days": 30})
    assert r.json == {"days": 30, "candidates": 3, "entered": 2}


def test_graph_check_names_the_node_and_field(world):
    body = {"key": "bad", "name": "Bad", "trigger": {"type": "record.created", "form": "customer"},
            "nodes": [{"id": "c", "type": "condition", "expression": "record.nope > 1"},
                      {"id": "w", "type": "wait", "duration": "7 days"},
                      {"id": "lost", "type": "end"},
                      {"id": "a", "type": "set_variable", "set": {"x": "1"}},
                      {"id": "b", "type": "set_variable", "set": {"y": "2"}}],
            "edges": [{"from": "trigger", "to": "c"}, {"from": "c", "to": "a", "when": "maybe"},
                      {"from": "a", "to": "b"}, {"from": "b", "to": "a"}]}
    r = world.api.post(f"/api/v1/apps/{world.app_id}/flows", json=body)
    assert r.status_code == 422
    assert "/nodes/1/duration" in r.json["error"]["details"]["fields"]
    body["nodes"][1]["duration"] = "7d"
    r = world.api.post(f"/api/v1/apps/{world.app_id}/flows", json=body)
    fields = r.json["error"]["details"]["fields"]
    assert "unknown field 'nope'" in fields["/nodes/0/expression"][0]
    assert any("not a branch" in m for m in fields["/nodes/0/edges/1/when"])
    assert any("cannot be reached" in m for m in fields["/nodes/1"])
    assert any("no wait" in m for m in fields["/nodes/3"])
