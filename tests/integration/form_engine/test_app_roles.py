"""App roles: the API, form permissions keyed by app roles (union, base role, workspace ceiling),
the look-ups flows use, and bundles carrying roles."""
from __future__ import annotations

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import app_roles, permissions, records
from app.models import Form
from tests.conftest import fresh


def _invite(api, role="member", department_ids=()):
    r = api.post("/api/v1/members", json={"email": f"{fresh('m')}@example.com", "role": role,
                                          "department_ids": list(department_ids)})
    assert r.status_code == 201, r.json
    return r.json["user_id"]


def _role(api, app_id, key, base_role="member", **extra):
    r = api.post(f"/api/v1/apps/{app_id}/roles", json={"key": key, "name": {"zh": key, "en": key},
                                                        "base_role": base_role, **extra})
    assert r.status_code == 201, r.json
    return r.json


def _assign(api, app_id, key, user_ids):
    r = api.put(f"/api/v1/apps/{app_id}/roles/{key}/members", json={"user_ids": user_ids})
    assert r.status_code == 200, r.json
    return r.json


def test_role_api_lifecycle_and_lookups(api, app_id, make_form):
    staff = _role(api, app_id, "store_staff", description={"zh": "店员", "en": "Staff"})
    assert staff["user_ids"] == [] and staff["base_role"] == "member"
    assert api.post(f"/api/v1/apps/{app_id}/roles",
                    json={"key": "store_staff", "name": "x", "base_role": "member"}
                    ).status_code == 409
    assert api.post(f"/api/v1/apps/{app_id}/roles",
                    json={"key": "boss", "name": "x", "base_role": "king"}).status_code == 422
    _role(api, app_id, "service")
    a, b = _invite(api), _invite(api)
    assert _assign(api, app_id, "service", [b, a, b])["user_ids"] == sorted([a, b])
    _assign(api, app_id, "store_staff", [a])
    bad = api.put(f"/api/v1/apps/{app_id}/roles/service/members", json={"user_ids": ["nobody"]})
    assert bad.status_code == 422 and "user_ids" in bad.json["error"]["details"]["fields"]
    renamed = api.patch(f"/api/v1/apps/{app_id}/roles/service", json={"name": "客服"})
    assert renamed.status_code == 200 and renamed.json["name"] == "客服"
    listed = api.get(f"/api/v1/apps/{app_id}/roles").json
    assert [r["key"] for r in listed] == ["store_staff", "service"]

    with unit_of_work() as s:
        ws = api.workspace["id"]
        assert app_roles.members_with_role(s, ws, app_id, "service") == sorted([a, b])
        assert app_roles.roles_of(s, ws, app_id, a) == ["service", "store_staff"]
        assert app_roles.roles_of(s, ws, app_id, api.user["id"]) == []
        assert app_roles.assignees_for_role(s, ws, app_id, "owner") == [api.user["id"]]
        assert app_roles.assignees_for_role(s, ws, app_id, "service") == sorted([a, b])

    unknown = api.post(f"/api/v1/apps/{app_id}/forms", json={
        "key": "t", "name": "T", "fields": [{"key": "a", "type": "text"}],
        "permissions": {"nope": {"operations": ["view"]}}})
    assert unknown.status_code == 422
    assert "/permissions/nope" in unknown.json["error"]["details"]["fields"]
    make_form([{"key": "a", "type": "text"}], permissions={"service": {"operations": ["view"]}})
    in_use = api.delete(f"/api/v1/apps/{app_id}/roles/service")
    assert in_use.status_code == 409
    assert in_use.json["error"]["details"]["users"][0]["kind"] == "form"
    assert api.delete(f"/api/v1/apps/{app_id}/roles/store_staff").status_code == 204
    assert [r["key"] for r in api.get(f"/api/v1/apps/{app_id}/roles").json] == ["service"]


def test_form_permissions_by_app_role(api, app_id, make_form):
    store = api.post("/api/v1/departments", json={"name": "Store A"}).json["id"]
    _role(api, app_id, "store_staff")
    _role(api, app_id, "sales")
    _role(api, app_id, "ops", base_role="editor")
    _role(api, app_id, "designer", base_role="editor")
    form = make_form([{"key": "name", "type": "text"}, {"key": "secret", "type": "text"}],
                     permissions={
                         "member": {"operations": ["view", "create", "edit", "delete"]},
                         "store_staff": {"operations": ["view", "create"], "scope": "department",
                                         "hidden_fields": ["secret"]},
                         "sales": {"operations": ["view", "edit"], "scope": "own",
                                   "readonly_fields": ["name"]},
                         "ops": {"operations": ["view", "create", "import"]}})
    staff = _invite(api, department_ids=[store])
    both = _invite(api)
    plain = _invite(api)
    viewer = _invite(api, "viewer")
    designer = _invite(api)
    _assign(api, app_id, "store_staff", [staff, both])
    _assign(api, app_id, "sales", [both])
    _assign(api, app_id, "ops", [viewer])
    _assign(api, app_id, "designer", [designer])

    def actor(user_id, role="member", departments=()):
        return Actor(workspace_id=api.workspace["id"], user_id=user_id, role=role,
                     department_ids=tuple(departments))

    with unit_of_work() as s:
        f = s.get(Form, form["id"])
        rules = permissions.rules_for(actor(staff, departments=[store]), f)
        assert rules.operations == {"view", "create"} and rules.scope == "department"
        assert permissions.visible_fields(actor(staff), f) == {"name"}
        # Two roles: what either may do; hidden/read-only only where both say so.
        rules = permissions.rules_for(actor(both), f)
        assert rules.operations == {"view", "create", "edit"} and rules.scope == "department"
        assert rules.hidden == frozenset() and rules.readonly == frozenset()
        # No app role: the workspace role's entry.
        assert permissions.rules_for(actor(plain), f).operations == {"view", "create", "edit",
                                                                     "delete"}
        # A viewer's app role cannot lift it above read-only.
        assert permissions.rules_for(actor(viewer, "viewer"), f).operations == {"view"}
        # A role without an entry falls back to its base role (editor: no entry -> defaults).
        assert permissions.rules_for(actor(designer), f).operations == permissions.ALL_OPERATIONS
        assert permissions.rules_for(actor(api.user["id"], "admin"), f).scope == "all"

    owner = actor(api.user["id"], "owner")
    with unit_of_work() as s:
        records.create(s, actor(staff, departments=[store]), form["id"], {"name": "mine"})
        records.create(s, owner, form["id"], {"name": "hq", "secret": "s"})
    with unit_of_work() as s:
        page = records.query(s, actor(staff, departments=[store]), form["id"])
        assert [r["data"] for r in page["items"]] == [{"name": "mine"}]
        assert records.count(s, actor(plain), form["id"]) == 2


def test_bundle_exports_and_imports_roles(api, other_api, app_id, make_form):
    from app.bundles.transfer import export_app, import_bundle

    _role(api, app_id, "store_staff", description={"zh": "店员", "en": "Store staff"})
    _role(api, app_id, "marketing", base_role="editor")
    make_form([{"key": "a", "type": "text"}],
              permissions={"store_staff": {"scope": "own"}, "member": {"operations": ["view"]}})
    owner = Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner")
    with unit_of_work() as s:
        bundle = export_app(s, owner, app_id)
    assert bundle["roles"] == [
        {"key": "store_staff", "name": {"zh": "store_staff", "en": "store_staff"},
         "base_role": "member", "description": {"zh": "店员", "en": "Store staff"}},
        {"key": "marketing", "name": {"zh": "marketing", "en": "marketing"},
         "base_role": "editor"}]
    other = Actor(workspace_id=other_api.workspace["id"], user_id=other_api.user["id"],
                  role="owner")
    with unit_of_work() as s:
        imported = import_bundle(s, other, bundle)
        assert [r["key"] for r in app_roles.list_roles(s, other, imported.id)] == [
            "store_staff", "marketing"]
    broken = {**bundle, "key": "again", "roles": bundle["roles"][1:]}
    with unit_of_work() as s:
        try:
            import_bundle(s, other, broken)
        except Exception as exc:  # the form names a role the bundle lacks
            assert any(p["part"].endswith("/permissions/store_staff")
                       for p in exc.details["problems"])
        else:
            raise AssertionError("bundle with an unknown role was imported")
