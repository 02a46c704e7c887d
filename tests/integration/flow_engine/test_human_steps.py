"""Tasks and approvals: assignment, completion waking the run, any/all, reject, send back."""
from __future__ import annotations

from tests.integration.flow_engine.conftest import chain


def _approval_flow(world, **approval):
    return world.flow(
        {"type": "record.created", "form": "customer"},
        [{"id": "prep", "type": "set_variable", "set": {"n": "1"}},
         {"id": "ok", "type": "approval", "title": "Approve {{record.name}}",
          "assignees": {"user": world.user_id}, **approval},
         {"id": "yes", "type": "update_record", "set": {"lifecycle": "'approved'"}},
         {"id": "no", "type": "update_record", "set": {"lifecycle": "'rejected'"}}],
        [{"from": "trigger", "to": "prep"}, {"from": "prep", "to": "ok"},
         {"from": "ok", "to": "yes", "when": "approve"}, {"from": "ok", "to": "no", "when": "reject"}])


def _my_open_tasks(world):
    return world.api.get("/api/v1/tasks?assignee=me&status=open").json["items"]


def test_approval_approve_continues_the_run(world, worker):
    flow = _approval_flow(world, require_comment=True)
    rid = world.create({"name": "Ann"})
    worker()
    [task] = _my_open_tasks(world)
    assert task["kind"] == "approval" and task["title"] == "Approve Ann"
    r = world.api.post(f"/api/v1/tasks/{task['id']}/complete", json={"outcome": "approve"})
    assert r.status_code == 422
    r = world.api.post(f"/api/v1/tasks/{task['id']}/complete",
                       json={"outcome": "approve", "comment": "fine"})
    assert r.status_code == 200, r.json
    worker()
    assert world.record(rid)["lifecycle"] == "approved"
    assert world.runs(flow["id"])[0]["status"] == "completed"
    assert _my_open_tasks(world) == []


def test_approval_reject_and_send_back(world, worker):
    _approval_flow(world)
    rid = world.create({"name": "Bob"})
    worker()
    [task] = _my_open_tasks(world)
    world.api.post(f"/api/v1/tasks/{task['id']}/complete", json={"outcome": "send_back"})
    worker()
    [again] = _my_open_tasks(world)  # sent back to "prep", which leads to a new approval
    assert again["id"] != task["id"]
    world.api.post(f"/api/v1/tasks/{again['id']}/complete", json={"outcome": "reject"})
    worker()
    assert world.record(rid)["lifecycle"] == "rejected"


def test_all_mode_waits_for_every_approver(world, worker, make_client):
    from app.extensions import unit_of_work
    from app.models import Membership

    second = make_client()
    with unit_of_work() as s:
        s.add(Membership(workspace_id=world.ws, user_id=second.user["id"], role="member"))
    _approval_flow(world, mode="all",
                   assignees=[{"user": world.user_id}, {"role": "member"}])
    rid = world.create({"name": "Cy"})
    worker()
    [mine] = _my_open_tasks(world)
    world.api.post(f"/api/v1/tasks/{mine['id']}/complete", json={"outcome": "approve"})
    worker()
    assert world.record(rid).get("lifecycle") is None
    r = world.api.get("/api/v1/tasks?status=open").json["items"]
    [theirs] = [t for t in r if t["assignee_id"] == second.user["id"]]
    world.api.post(f"/api/v1/tasks/{theirs['id']}/complete", json={"outcome": "approve"})
    worker()
    assert world.record(rid)["lifecycle"] == "approved"


def test_create_task_assigns_the_record_owner_and_notifies(world, worker):
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "call", "type": "create_task", "title": "Call {{record.name}}",
                 "assignee": {"field": "owner"}, "due": "2d", "wait": True},
                {"id": "mark", "type": "update_record", "set": {"lifecycle": "'called'"}}],
               chain("call", "mark"))
    rid = world.create({"name": "Dee", "owner": world.user_id})
    worker()
    [task] = _my_open_tasks(world)
    assert task["title"] == "Call Dee" and task["due_at"]
    notes = world.api.get("/api/v1/notifications").json["items"]
    assert notes[0]["title"] == "Call Dee"
    world.api.post(f"/api/v1/tasks/{task['id']}/complete", json={"outcome": "done"})
    worker()
    assert world.record(rid)["lifecycle"] == "called"


def test_role_assignees_resolve_app_roles_of_the_flows_app(world, worker, make_client):
    from app.extensions import unit_of_work
    from app.models import Membership

    staff = make_client()
    with unit_of_work() as s:
        s.add(Membership(workspace_id=world.ws, user_id=staff.user["id"], role="member"))
    r = world.api.post(f"/api/v1/apps/{world.app_id}/roles",
                       json={"key": "service", "name": "客服", "base_role": "member"})
    assert r.status_code == 201, r.json
    assert world.api.put(f"/api/v1/apps/{world.app_id}/roles/service/members",
                         json={"user_ids": [staff.user["id"]]}).status_code == 200
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "t", "type": "create_task", "title": "Call {{record.name}}",
                 "assignee": {"round_robin": {"role": "service"}}}],
               [{"from": "trigger", "to": "t"}])
    world.create({"name": "Dee"})
    worker()
    open_tasks = world.api.get("/api/v1/tasks?status=open").json["items"]
    assert [t["assignee_id"] for t in open_tasks] == [staff.user["id"]]
