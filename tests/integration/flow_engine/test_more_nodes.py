"""Nodes and triggers round 2: wait_until on an event (and its timeout edge), segment.entered,
create_record, delete_record, approval timeout actions — real worker, moving clock."""
from __future__ import annotations

import datetime as dt

from app.extensions import unit_of_work
from tests.integration.flow_engine.conftest import chain
from tests.integration.flow_engine.test_human_steps import _approval_flow, _my_open_tasks


def _reorder_flow(world):
    return world.flow(
        {"type": "record.created", "form": "customer"},
        [{"id": "reorder", "type": "wait_until", "timeout": "30d",
          "event": {"form": "order", "match": "customer_id = record.name"}},
         {"id": "bought", "type": "update_record", "set": {"lifecycle": "'bought'"}},
         {"id": "lapsed", "type": "update_record", "set": {"lifecycle": "'lapsed'"}}],
        [{"from": "trigger", "to": "reorder"},
         {"from": "reorder", "to": "bought", "when": "event"},
         {"from": "reorder", "to": "lapsed", "when": "timeout"}])


def test_wait_until_event_wakes_only_the_matching_run(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    _reorder_flow(world)
    ann, bob = world.create({"name": "ann"}), world.create({"name": "bob"})
    worker()
    world.create({"customer_id": "ann", "amount": 5}, form_id=world.order)
    worker()
    assert world.record(ann)["lifecycle"] == "bought"
    assert world.record(bob)["lifecycle"] is None
    clock.advance(dt.timedelta(days=29, hours=23))
    assert fire_due_timers() == 0
    clock.advance(dt.timedelta(hours=2))
    assert fire_due_timers() == 1          # bob's timeout; ann's timer went with the event
    worker()
    assert world.record(bob)["lifecycle"] == "lapsed"
    assert world.record(ann)["lifecycle"] == "bought"


def test_wait_until_event_after_the_timeout_fired_changes_nothing(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    flow = _reorder_flow(world)
    cid = world.create({"name": "cy"})
    worker()
    clock.advance(dt.timedelta(days=30, seconds=1))
    assert fire_due_timers() == 1
    world.create({"customer_id": "cy", "amount": 5}, form_id=world.order)   # same instant
    worker()
    assert world.record(cid)["lifecycle"] == "lapsed"
    [run] = world.runs(flow["id"])
    steps = world.run(run["id"])["steps"]
    assert [s["node_id"] for s in steps] == ["reorder", "lapsed"]
    assert steps[0]["branch"] == "timeout"


def test_segment_entered_fires_for_newcomers_only(world, worker):
    from app.flow_engine.triggers import sweep_segments
    from app.models import Segment

    with unit_of_work() as s:
        s.add(Segment(workspace_id=world.ws, form_id=world.customer, key="vip", name={"en": "VIP"},
                      expression="total_spent >= 1000"))
    early = world.create({"name": "early", "total_spent": 5000})
    flow = world.flow({"type": "segment.entered", "form": "customer", "segment": "vip"},
                      [{"id": "mark", "type": "update_record", "set": {"lifecycle": "'vip'"}}],
                      chain("mark"))
    assert sweep_segments() == 0            # the first sweep records current members only
    late = world.create({"name": "late", "total_spent": 10})
    world.update(late, {"total_spent": 2000})
    assert sweep_segments() == 1
    assert sweep_segments() == 0
    worker()
    assert world.record(late)["lifecycle"] == "vip"
    assert world.record(early)["lifecycle"] is None
    world.update(late, {"total_spent": 1})        # leaves, then comes back: fires again
    assert sweep_segments() == 0
    world.update(late, {"total_spent": 3000})
    assert sweep_segments() == 1
    assert len(world.runs(flow["id"])) == 2


def test_create_record_then_delete_record(world, worker):
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "order", "type": "create_record", "form": "order",
                 "set": {"customer_id": "record.name", "amount": "total_spent * 2"}}],
               chain("order"))
    cleanup = world.flow({"type": "record.updated", "form": "customer", "fields": ["lifecycle"],
                          "condition": "lifecycle = 'gone'"},
                         [{"id": "drop", "type": "delete_record", "target": {
                             "form": "order", "filter": "customer_id = record.name"}},
                          {"id": "me", "type": "delete_record"}], chain("drop", "me"))
    rid = world.create({"name": "dee", "total_spent": 21})
    worker()
    from app.form_engine import records

    with unit_of_work() as s:
        orders = records.query(s, world.actor, world.order)["items"]
    assert [(o["data"]["customer_id"], o["data"]["amount"]) for o in orders] == [("dee", 42)]
    world.update(rid, {"lifecycle": "gone"})
    worker()
    with unit_of_work() as s:
        assert records.query(s, world.actor, world.order)["items"] == []
        assert records.count(s, world.actor, world.customer) == 0
    [run] = world.runs(cleanup["id"])
    assert [s["output"] for s in world.run(run["id"])["steps"]] == [{"deleted": 1}, {"deleted": 1}]


def test_approval_timeout_auto_approves(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    _approval_flow(world, timeout={"after": "2d", "action": "approve"})
    rid = world.create({"name": "Tim"})
    worker()
    assert len(_my_open_tasks(world)) == 1
    clock.advance(dt.timedelta(days=2, minutes=1))
    assert fire_due_timers() == 1
    worker()
    assert world.record(rid)["lifecycle"] == "approved"
    assert _my_open_tasks(world) == []


def test_approval_timeout_returns_to_the_previous_node(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    flow = _approval_flow(world, timeout={"after": "1d", "action": "return"})
    world.create({"name": "Ret"})
    worker()
    [first] = _my_open_tasks(world)
    clock.advance(dt.timedelta(days=1, minutes=1))
    fire_due_timers()
    worker()
    [second] = _my_open_tasks(world)     # back to "prep", then a fresh approval
    assert second["id"] != first["id"]
    [run] = world.runs(flow["id"])
    assert [s["node_id"] for s in world.run(run["id"])["steps"]][:3] == ["prep", "ok", "prep"]


def test_approval_timeout_reminds_and_keeps_waiting(world, worker, clock):
    from app.flow_engine.timers import fire_due_timers

    _approval_flow(world, timeout={"after": "1d", "action": "remind"})
    world.create({"name": "Rem"})
    worker()
    before = len(world.api.get("/api/v1/notifications").json["items"])
    clock.advance(dt.timedelta(days=1, minutes=1))
    fire_due_timers()
    worker()
    assert len(world.api.get("/api/v1/notifications").json["items"]) > before
    assert len(_my_open_tasks(world)) == 1
