"""Members, roles and departments; every route refuses another workspace's ids."""


def _invite(api, role="member", **extra):
    from tests.conftest import fresh

    return api.post("/api/v1/members", json={"email": f"{fresh('m')}@example.com", "role": role,
                                             **extra})


def test_invite_member_and_change_role(api):
    r = _invite(api, "member")
    assert r.status_code == 201 and r.json["role"] == "member"
    r2 = api.patch(f"/api/v1/members/{r.json['id']}", json={"role": "editor"})
    assert r2.status_code == 200 and r2.json["role"] == "editor"
    roles = sorted(m["role"] for m in api.get("/api/v1/members").json["items"])
    assert roles == ["editor", "owner"]


def test_invite_twice_is_409(api):
    r = _invite(api)
    again = api.post("/api/v1/members", json={"email": r.json["email"], "role": "viewer"})
    assert again.status_code == 409


def test_last_owner_cannot_be_demoted_or_removed(api):
    owner_id = next(m["id"] for m in api.get("/api/v1/members").json["items"])
    assert api.patch(f"/api/v1/members/{owner_id}", json={"role": "admin"}).status_code == 422
    assert api.delete(f"/api/v1/members/{owner_id}").status_code == 422


def _login_as_member(api, make_client, role):
    email = f"{role}-{api.workspace['id']}@example.com"
    api.post("/api/v1/members", json={"email": email, "role": role})
    from app.extensions import unit_of_work
    from app.services.accounts import create_admin  # noqa: F401 (sets nothing here)
    from app.auth.passwords import hash_password
    from app.models import User
    import sqlalchemy as sa

    with unit_of_work() as s:
        s.execute(sa.update(User).where(User.email == email)
                  .values(password_hash=hash_password("member-pass-1")))
    c = make_client(signup=False)
    assert c.post("/api/v1/auth/login", json={"email": email,
                                              "password": "member-pass-1"}).status_code == 200
    return c


def test_viewer_cannot_create_apps_or_invite(api, make_client):
    viewer = _login_as_member(api, make_client, "viewer")
    assert viewer.get("/api/v1/apps").status_code == 200
    assert viewer.post("/api/v1/apps", json={"key": "no", "name": "No"}).status_code == 403
    assert _invite(viewer).status_code == 403


def test_member_cannot_design_but_editor_can(api, make_client):
    member = _login_as_member(api, make_client, "member")
    assert member.post("/api/v1/apps", json={"key": "m", "name": "M"}).status_code == 403
    editor = _login_as_member(api, make_client, "editor")
    assert editor.post("/api/v1/apps", json={"key": "e", "name": "E"}).status_code == 201


def test_admin_cannot_grant_owner(api, make_client):
    admin = _login_as_member(api, make_client, "admin")
    assert _invite(admin, "owner").status_code == 403
    assert _invite(admin, "editor").status_code == 201


def test_department_tree_and_cycles_refused(api):
    hq = api.post("/api/v1/departments", json={"name": "总部"}).json
    shop = api.post("/api/v1/departments", json={"name": "门店A", "parent_id": hq["id"]}).json
    assert shop["parent_id"] == hq["id"]
    r = api.patch(f"/api/v1/departments/{hq['id']}", json={"parent_id": shop["id"]})
    assert r.status_code == 422
    names = {d["name"] for d in api.get("/api/v1/departments").json["items"]}
    assert names == {"总部", "门店A"}


def test_member_departments_are_checked_and_stored(api):
    dep = api.post("/api/v1/departments", json={"name": "Store"}).json
    r = _invite(api, department_ids=[dep["id"]])
    assert r.json["department_ids"] == [dep["id"]]
    assert _invite(api, department_ids=["nope"]).status_code == 404


def test_other_workspace_ids_are_not_found_everywhere(api, other_api):
    member = _invite(other_api).json
    dep = other_api.post("/api/v1/departments", json={"name": "D"}).json
    app_ = other_api.post("/api/v1/apps", json={"key": "secret", "name": "S"}).json
    token = other_api.post("/api/v1/tokens", json={"name": "t"}).json
    calls = [
        ("PATCH", f"/api/v1/members/{member['id']}", {"role": "viewer"}),
        ("DELETE", f"/api/v1/members/{member['id']}", None),
        ("PATCH", f"/api/v1/departments/{dep['id']}", {"name": "x"}),
        ("DELETE", f"/api/v1/departments/{dep['id']}", None),
        ("GET", f"/api/v1/apps/{app_['id']}", None),
        ("PATCH", f"/api/v1/apps/{app_['id']}", {"name": "x"}),
        ("DELETE", f"/api/v1/apps/{app_['id']}", None),
        ("DELETE", f"/api/v1/tokens/{token['id']}", None),
        ("POST", "/api/v1/departments", {"name": "x", "parent_id": dep["id"]}),
    ]
    for method, path, body in calls:
        r = api.request(method, path, json=body)
        assert r.status_code == 404, (method, path, r.status_code)
    assert app_["id"] not in {a["id"] for a in api.get("/api/v1/apps").json["items"]}
    assert other_api.get(f"/api/v1/apps/{app_['id']}").json["name"] == "S"
