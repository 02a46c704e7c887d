"""Record triggers through the runtime: condition, switch, wait, update_record, in-app message,
end; versions pinned by runs; the trigger log explains runs that did not start."""
from __future__ import annotations

import datetime as dt

from tests.integration.flow_engine.conftest import chain


def test_created_record_runs_condition_update_and_inapp_message(world, worker):
    flow = world.flow(
        {"type": "record.created", "form": "customer", "condition": "total_spent >= 100"},
        [{"id": "big", "type": "condition", "expression": "record.total_spent > 1000"},
         {"id": "vip", "type": "update_record", "target": "record",
          "set": {"tier": "'vip'", "points": "points + 10"}},
         {"id": "note", "type": "send_message", "channel": "inapp", "to": {"field": "owner"},
          "subject": "New VIP {{record.name}}", "body": "{{record.name}} spent {{total_spent}}"},
         {"id": "done", "type": "end"}],
        [{"from": "trigger", "to": "big"}, {"from": "big", "to": "vip", "when": "true"},
         {"from": "big", "to": "done", "when": "false"}, {"from": "vip", "to": "note"}])
    rid = world.create({"name": "Ann", "total_spent": 5000, "points": 1, "owner": world.user_id})
    small = world.create({"name": "Bob", "total_spent": 500})
    world.create({"name": "Cy", "total_spent": 5})
    worker()
    runs = world.runs(flow["id"])
    assert len(runs) == 2, runs
    assert [r["status"] for r in runs] == ["completed"] * 2, [[(s["node_id"], s["status"], s["error"]) for s in world.run(r["id"])["steps"]] for r in runs]
    assert world.record(rid)["tier"] == "vip" and world.record(rid)["points"] == 11
    assert world.record(small).get("tier") is None
    detail = world.run(next(r["id"] for r in runs if r["record_id"] == rid))
    assert [s["node_id"] for s in detail["steps"]] == ["big", "vip", "note"]
    notes = world.api.get("/api/v1/notifications").json["items"]
    assert [n["title"] for n in notes] == ["New VIP Ann"]
    log = world.api.get(f"/api/v1/flows/{flow['id']}/trigger-log").json["items"]
    assert [entry["reason"] for entry in log] == ["condition_false"]


def test_flow_own_update_does_not_loop_forever(world, worker):
    flow = world.flow({"type": "record.updated", "form": "customer"},
                      [{"id": "bump", "type": "update_record", "set": {"points": "points + 1"}}],
                      chain("bump"))
    rid = world.create({"name": "Loop", "points": 0})
    world.update(rid, {"name": "Loop2"})
    worker()
    assert world.record(rid)["points"] == 4  # the first run + 3 re-triggers (FLOW_MAX_DEPTH)
    reasons = [e["reason"] for e in world.api.get(f"/api/v1/flows/{flow['id']}/trigger-log").json["items"]]
    assert reasons == ["loop_bound"]


def test_updated_trigger_watches_fields_and_sees_old_values(world, worker):
    flow = world.flow({"type": "record.updated", "form": "customer", "fields": ["tier"],
                       "condition": "old.tier <> tier"},
                      [{"id": "v", "type": "set_variable", "set": {"was": "old.tier", "now": "tier"}}],
                      chain("v"))
    rid = world.create({"name": "Dee", "tier": "basic"})
    world.update(rid, {"name": "Dee D"})
    world.update(rid, {"tier": "gold"})
    worker()
    runs = world.runs(flow["id"])
    assert len(runs) == 1
    assert world.run(runs[0]["id"])["variables"] == {"was": "basic", "now": "gold"}


def test_switch_and_wait_resume_when_the_clock_moves(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    flow = world.flow(
        {"type": "record.created", "form": "customer"},
        [{"id": "tier", "type": "switch", "expression": "tier"},
         {"id": "wait", "type": "wait", "duration": "7d"},
         {"id": "gold", "type": "update_record", "set": {"lifecycle": "'gold-followed'"}},
         {"id": "other", "type": "update_record", "set": {"lifecycle": "'other'"}}],
        [{"from": "trigger", "to": "tier"}, {"from": "tier", "to": "wait", "when": "gold"},
         {"from": "tier", "to": "other", "when": "default"}, {"from": "wait", "to": "gold"}])
    gold = world.create({"name": "G", "tier": "gold"})
    plain = world.create({"name": "P", "tier": "basic"})
    worker()
    assert world.record(plain)["lifecycle"] == "other"
    assert world.record(gold).get("lifecycle") is None
    assert fire_due_timers() == 0
    clock.advance(dt.timedelta(days=7, minutes=1))
    assert fire_due_timers() == 1
    worker()
    assert world.record(gold)["lifecycle"] == "gold-followed"
    stats = {n["node_id"]: n for n in world.api.get(f"/api/v1/flows/{flow['id']}/stats").json["nodes"]}
    assert stats["wait"] == {"node_id": "wait", "entered": 1, "completed": 1, "failed": 0, "waiting": 0,
                             "branches": {}}


def test_runs_keep_their_version_after_the_flow_changes(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "wait", "type": "wait", "duration": "1h"},
                       {"id": "mark", "type": "update_record", "set": {"lifecycle": "'v1'"}}],
                      chain("wait", "mark"))
    rid = world.create({"name": "V"})
    worker()
    body = world.api.get(f"/api/v1/flows/{flow['id']}").json["definition"]
    body["nodes"][1]["set"] = {"lifecycle": "'v2'"}
    r = world.api.put(f"/api/v1/flows/{flow['id']}", json=body)
    assert r.status_code == 200 and r.json["version"] == 2
    later = world.create({"name": "W"})
    worker()
    clock.advance(dt.timedelta(hours=2))
    fire_due_timers()
    worker()
    assert world.record(rid)["lifecycle"] == "v1", [[(s["node_id"], s["status"], s["error"]) for s in world.run(r["id"])["steps"]] for r in world.runs(flow["id"])]
    assert world.record(later)["lifecycle"] == "v2"
    assert len(world.api.get(f"/api/v1/flows/{flow['id']}/versions").json) == 2


def test_disabled_flow_does_not_run(world, worker):
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "e", "type": "end"}], chain("e"), enable=False)
    world.create({"name": "X"})
    worker()
    assert world.runs(flow["id"]) == []
