"""Every registered API route: anonymous callers get 401, and callers below the route's least
role get 403 before anything is read or written."""
import re

import sqlalchemy as sa

from app.api.routing import REGISTRY
from app.auth.roles import Role


def _url(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-zA-Z_]+>", "01aaaaaaaaaaaaaaaaaaaaaaaa", rule)


def _client_with_role(api, make_client, role: str):
    from app.auth.passwords import hash_password
    from app.extensions import unit_of_work
    from app.models import User

    email = f"{role}-{api.workspace['id']}@example.com"
    assert api.post("/api/v1/members", json={"email": email, "role": role}).status_code == 201
    with unit_of_work() as s:
        s.execute(sa.update(User).where(User.email == email)
                  .values(password_hash=hash_password("role-pass-12")))
    c = make_client(signup=False)
    assert c.post("/api/v1/auth/login", json={"email": email, "password": "role-pass-12"}
                  ).status_code == 200
    return c


def test_every_authenticated_route_refuses_anonymous_callers(app, make_client):
    anonymous = make_client(signup=False)
    guarded = [d for d in REGISTRY if d.auth]
    assert guarded
    for doc in guarded:
        r = anonymous.request(doc.method, _url(doc.rule), json={})
        assert r.status_code == 401, (doc.method, doc.rule, r.status_code)


def test_every_route_refuses_roles_below_its_least_role(api, make_client):
    for role in ("viewer", "member", "editor"):
        client = _client_with_role(api, make_client, role)
        level = Role.parse(role)
        for doc in REGISTRY:
            if not doc.auth or doc.role is None or doc.role <= level:
                continue
            r = client.request(doc.method, _url(doc.rule), json={})
            assert r.status_code == 403, (role, doc.method, doc.rule, r.status_code)


# Unsafe methods a viewer may call: they read (queries sent as POST bodies), or act only on
# the caller's own things (tokens, session, notifications, tasks assigned to them, runs they
# started), which the services check themselves.
VIEWER_MAY_POST = {
    "/api/v1/auth/switch", "/api/v1/tokens", "/api/v1/tokens/<token_id>",
    "/api/v1/reports/query", "/api/v1/rules/check", "/api/v1/rules/evaluate",
    "/api/v1/tasks/<task_id>/complete", "/api/v1/tasks/<task_id>/transfer",
    "/api/v1/tasks/<task_id>/add-approver", "/api/v1/runs/<run_id>/withdraw",
    "/api/v1/notifications/<notification_id>/read", "/api/v1/notifications/read-all",
}


def test_viewer_cannot_write_anything(api, make_client):
    viewer = _client_with_role(api, make_client, "viewer")
    writes = [d for d in REGISTRY if d.auth and d.method != "GET"
              and d.rule not in VIEWER_MAY_POST]
    for doc in writes:
        assert doc.role is not None and doc.role > Role.VIEWER, (doc.method, doc.rule)
        r = viewer.request(doc.method, _url(doc.rule), json={})
        assert r.status_code == 403, (doc.method, doc.rule, r.status_code)
