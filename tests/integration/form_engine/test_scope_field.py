"""Department data scope read from a department field of the form (`scope_field`): store staff
see the customers of their store whoever created them; the field must be a department field."""
from __future__ import annotations

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import records
from tests.integration.form_engine.test_app_roles import _assign, _invite, _role

FIELDS = [{"key": "name", "type": "text"}, {"key": "store", "type": "department"}]


def _actor(api, user_id, role="member", departments=()):
    return Actor(workspace_id=api.workspace["id"], user_id=user_id, role=role,
                 department_ids=tuple(departments))


def _names(api, actor, form_id):
    with unit_of_work() as s:
        return sorted(r["data"]["name"] for r in records.query(s, actor, form_id)["items"])


def _seed(api, form_id, stores):
    owner = _actor(api, api.user["id"], "owner")
    with unit_of_work() as s:
        return {name: records.create(s, owner, form_id, {"name": name, "store": store}).id
                for name, store in stores.items()}


def test_permission_scope_field_reads_the_records_department_field(api, make_form):
    a = api.post("/api/v1/departments", json={"name": "Store A"}).json["id"]
    b = api.post("/api/v1/departments", json={"name": "Store B"}).json["id"]
    form = make_form(FIELDS, permissions={
        "member": {"scope": "department", "scope_field": "store"}})
    made = _seed(api, form["id"], {"ann": a, "bob": b, "cy": None})
    staff = _actor(api, _invite(api, department_ids=[a]), departments=[a])
    assert _names(api, staff, form["id"]) == ["ann"]       # head office created every one
    with unit_of_work() as s:
        assert records.count(s, staff, form["id"]) == 1
        assert records.get(s, staff, made["ann"]).data["name"] == "ann"
    r = api.get(f"/api/v1/records/{made['bob']}")
    assert r.status_code == 200                              # owners keep seeing everything
    with unit_of_work() as s:
        records.create(s, staff, form["id"], {"name": "own", "store": b})
    assert _names(api, staff, form["id"]) == ["ann", "own"]  # own records stay visible


def test_form_level_scope_field_and_app_role_union(api, app_id, make_form):
    a = api.post("/api/v1/departments", json={"name": "Store A"}).json["id"]
    b = api.post("/api/v1/departments", json={"name": "Store B"}).json["id"]
    _role(api, app_id, "store_staff")
    _role(api, app_id, "region")
    form = make_form(FIELDS, settings={"scope_field": "store"}, permissions={
        "store_staff": {"scope": "department"},
        "region": {"scope": "own"}})
    _seed(api, form["id"], {"ann": a, "bob": b})
    user = _invite(api, department_ids=[b])
    _assign(api, app_id, "store_staff", [user])
    _assign(api, app_id, "region", [user])
    assert _names(api, _actor(api, user, departments=[b]), form["id"]) == ["bob"]


def test_scope_field_must_be_a_department_field(api, make_form, app_id):
    body = {"key": "shop", "name": "Shop", "fields": FIELDS,
            "permissions": {"member": {"scope": "department", "scope_field": "name"}},
            "settings": {"scope_field": "nope"}}
    r = api.post(f"/api/v1/apps/{app_id}/forms", json=body)
    assert r.status_code == 422, r.json
    paths = set(r.json["error"]["details"]["fields"])
    assert {"/permissions/member/scope_field", "/settings/scope_field"} <= paths, paths
    body["permissions"]["member"]["scope_field"] = 7
    assert api.post(f"/api/v1/apps/{app_id}/forms", json=body).status_code == 422
