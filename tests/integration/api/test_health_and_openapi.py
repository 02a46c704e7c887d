"""Health, OpenAPI and the error conventions of API.md."""
from openapi_spec_validator import validate


def test_healthz_reports_database_and_redis_ok(app):
    r = app.test_client().get("/healthz")
    assert r.status_code == 200
    assert r.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_down(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.json["redis"] == "unavailable" and r.json["database"] == "ok"


def test_openapi_document_is_valid_openapi3_and_lists_routes(app):
    r = app.test_client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json
    validate(spec)
    assert "/api/v1/apps/{app_id}" in spec["paths"]
    assert set(spec["paths"]["/api/v1/apps"]) == {"get", "post"}


def test_malformed_json_is_400_with_error_shape(api):
    r = api.request("POST", "/api/v1/apps", data="{not json",
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json["error"]["code"] == "bad_request"
    assert set(r.json["error"]) == {"code", "message", "details"}


def test_json_array_body_is_400(api):
    r = api.post("/api/v1/apps", json=[1, 2])
    assert r.status_code == 400


def test_oversize_body_is_413(api, app):
    app.config["MAX_JSON_BYTES"] = 1000
    r = api.post("/api/v1/apps", json={"key": "big", "name": "x" * 2000})
    assert r.status_code == 413
    assert r.json["error"]["code"] == "too_large"


def test_unknown_route_is_404_json(api):
    r = api.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json["error"]["code"] == "not_found"


def test_messages_follow_accept_language(make_client):
    zh = make_client(signup=False, lang="zh-CN")
    r = zh.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json["error"]["message"] == "请先登录"
    en = make_client(signup=False, lang="en")
    assert en.get("/api/v1/me").json["error"]["message"] == "Please log in"


def test_security_headers_on_pages_and_api(app):
    c = app.test_client()
    for path in ("/", "/api/v1/openapi.json"):
        r = c.get(path)
        assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
