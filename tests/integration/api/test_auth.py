"""Signup, login, sessions, CSRF, API tokens, rate limiting."""
import sqlalchemy as sa


def test_signup_makes_the_first_user_owner(api):
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["role"] == "owner"
    assert me.json["workspace"]["id"] == api.workspace["id"]


def test_signup_with_taken_email_is_409_and_creates_no_workspace(make_client, app):
    first = make_client()
    second = make_client(signup=False)
    r = second.post("/api/v1/auth/signup", json={"email": first.user["email"].upper(),
                                                 "password": "another-pass-1", "name": "B",
                                                 "workspace": "Second"})
    assert r.status_code == 409
    assert "email" in r.json["error"]["details"]["fields"]
    from app.extensions import db
    from app.models import Workspace

    with db().engine.connect() as conn:
        names = set(conn.scalars(sa.select(Workspace.name)))
    assert "Second" not in names


def test_signup_rejects_bad_fields_with_paths(make_client):
    c = make_client(signup=False)
    r = c.post("/api/v1/auth/signup", json={"email": "nope", "password": "short",
                                            "workspace": "W", "extra": 1})
    assert r.status_code == 422
    fields = r.json["error"]["details"]["fields"]
    assert {"email", "password", "name", "extra"} <= set(fields)


def test_signup_can_be_closed(make_client, app):
    app.config["SIGNUP_OPEN"] = False
    c = make_client(signup=False)
    r = c.post("/api/v1/auth/signup", json={"email": "x@example.com", "password": "long-enough",
                                            "name": "X", "workspace": "W"})
    assert r.status_code == 403


def test_login_logout_and_wrong_password(make_client):
    owner = make_client()
    c = make_client(signup=False)
    assert c.post("/api/v1/auth/login", json={"email": owner.user["email"],
                                              "password": "wrong-password"}).status_code == 401
    r = c.post("/api/v1/auth/login", json={"email": owner.user["email"],
                                           "password": owner.password})
    assert r.status_code == 200
    assert c.get("/api/v1/me").status_code == 200
    assert c.post("/api/v1/auth/logout").status_code == 204
    assert c.get("/api/v1/me").status_code == 401


def test_session_cookie_is_httponly_and_samesite(make_client):
    c = make_client(signup=False)
    r = c.post("/api/v1/auth/signup", json={"email": "cookie@example.com", "password": "long-enough",
                                            "name": "C", "workspace": "W"})
    cookies = r.headers.getlist("Set-Cookie")
    session_cookie = next(h for h in cookies if h.startswith("formloom_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    csrf_cookie = next(h for h in cookies if h.startswith("formloom_csrf="))
    assert "HttpOnly" not in csrf_cookie


def test_cookie_requests_need_the_csrf_header(api):
    saved = api.csrf
    api.csrf = None
    r = api.post("/api/v1/apps", json={"key": "a", "name": "A"})
    assert r.status_code == 403 and r.json["error"]["details"]["reason"] == "csrf"
    api.csrf = "wrong"
    assert api.post("/api/v1/apps", json={"key": "a", "name": "A"}).status_code == 403
    api.csrf = saved
    assert api.post("/api/v1/apps", json={"key": "a", "name": "A"}).status_code == 201


def test_api_token_is_shown_once_works_without_csrf_and_can_be_revoked(api, make_client):
    r = api.post("/api/v1/tokens", json={"name": "script"})
    assert r.status_code == 201
    raw = r.json["token"]
    listed = api.get("/api/v1/tokens").json["items"]
    assert [t["name"] for t in listed] == ["script"] and "token" not in listed[0]
    bot = make_client(signup=False)
    bot.token = raw
    assert bot.post("/api/v1/apps", json={"key": "via_token", "name": "T"}).status_code == 201
    assert api.delete(f"/api/v1/tokens/{r.json['id']}").status_code == 204
    assert bot.get("/api/v1/apps").status_code == 401


def test_tokens_are_stored_hashed(api, app):
    raw = api.post("/api/v1/tokens", json={"name": "t"}).json["token"]
    from app.extensions import db
    from app.models import ApiToken

    with db().engine.connect() as conn:
        stored = list(conn.scalars(sa.select(ApiToken.token_hash)))
    assert raw not in stored and len(stored) == 1


def test_login_is_rate_limited_with_retry_after(make_client, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    owner = make_client()
    c = make_client(signup=False)
    codes = [c.post("/api/v1/auth/login", json={"email": owner.user["email"],
                                                "password": "bad-password"}).status_code
             for _ in range(4)]
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429
    r = c.post("/api/v1/auth/login", json={"email": owner.user["email"],
                                           "password": owner.password})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def test_switching_workspace_needs_membership(api, other_api):
    r = api.post("/api/v1/auth/switch", json={"workspace_id": other_api.workspace["id"]})
    assert r.status_code == 404


def test_logout_clears_the_readable_csrf_cookie(make_client):
    c = make_client()
    r = c.post("/api/v1/auth/logout")
    assert r.status_code == 204
    cleared = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("formloom_csrf=")]
    assert cleared and ("Max-Age=0" in cleared[0] or "expires=Thu, 01 Jan 1970" in cleared[0])
