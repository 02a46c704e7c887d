"""Public forms: no login, public fields only, honeypot, window and cap, rate limits; the
look-up link with a password; other workspaces cannot manage the links."""
import copy

from tests.integration.data_io.conftest import CUSTOMER

PUBLIC_FORM = {**copy.deepcopy(CUSTOMER),
               "settings": {"public": {"enabled": True, "fields": ["name", "phone", "tier"]}}}


def _stored(form_id):
    from app.extensions import unit_of_work
    from app.models import Record

    with unit_of_work() as s:
        return [r.data for r in s.query(Record).filter(Record.form_id == form_id)]


def test_public_submit_without_login_keeps_only_public_fields(api, make_client, make_form):
    _app, form_id = make_form(PUBLIC_FORM)
    link = api.post(f"/api/v1/forms/{form_id}/public", json={"thank_you": "谢谢"})
    assert link.status_code == 200, link.json
    token = link.json["token"]
    assert link.json["url"].endswith(f"/f/{token}")
    anon = make_client(signup=False)
    page = anon.get(f"/api/v1/public/{token}")
    assert page.status_code == 200
    assert [f["key"] for f in page.json["form"]["fields"]] == ["name", "phone", "tier"]
    assert page.json["settings"]["thank_you"] == "谢谢" and page.json["settings"]["accepting"]
    r = anon.post(f"/api/v1/public/{token}/submit",
                  json={"data": {"name": "路人", "phone": "13900000000", "spent": 999999}})
    assert r.status_code == 201, r.json
    assert r.json["thank_you"] == "谢谢"
    [data] = _stored(form_id)
    assert data["name"] == "路人" and data.get("spent") is None


def test_honeypot_cap_and_disable(api, make_client, make_form):
    _app, form_id = make_form(PUBLIC_FORM)
    token = api.post(f"/api/v1/forms/{form_id}/public", json={"max_submissions": 1}).json["token"]
    anon = make_client(signup=False)
    bot = anon.post(f"/api/v1/public/{token}/submit",
                    json={"data": {"name": "bot", "_hp": "http://spam"}})
    assert bot.status_code == 422 and _stored(form_id) == []
    assert anon.post(f"/api/v1/public/{token}/submit",
                     json={"data": {"name": "一"}}).status_code == 201
    assert anon.post(f"/api/v1/public/{token}/submit",
                     json={"data": {"name": "二"}}).status_code == 403
    assert api.delete(f"/api/v1/forms/{form_id}/public").status_code == 204
    assert anon.get(f"/api/v1/public/{token}").status_code == 404
    big = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": "x" * 100_000}})
    assert big.status_code in (404, 413)


def test_public_submit_is_rate_limited_per_ip(app, api, make_client, make_form):
    app.config["PUBLIC_SUBMIT_RATE_LIMIT"] = "3 per minute"
    _app, form_id = make_form(PUBLIC_FORM)
    token = api.post(f"/api/v1/forms/{form_id}/public", json={}).json["token"]
    anon = make_client(signup=False)
    codes = [anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": f"n{i}"}})
             for i in range(4)]
    assert [c.status_code for c in codes[:3]] == [201, 201, 201]
    assert codes[3].status_code == 429 and int(codes[3].headers["Retry-After"]) >= 1


def test_public_query_link_with_password(api, make_client, make_form):
    _app, form_id = make_form(PUBLIC_FORM)
    token = api.post(f"/api/v1/forms/{form_id}/public", json={}).json["token"]
    anon = make_client(signup=False)
    anon.post(f"/api/v1/public/{token}/submit", json={"data": {"name": "甲", "phone": "13900000001",
                                                               "tier": "VIP"}})
    q = api.post(f"/api/v1/forms/{form_id}/public-query",
                 json={"lookup_field": "phone", "fields": ["name", "tier"], "password": "s3cret"})
    assert q.status_code == 200, q.json
    qt = q.json["token"]
    assert anon.get(f"/api/v1/public/query/{qt}").json["settings"]["needs_password"] is True
    assert anon.post(f"/api/v1/public/query/{qt}",
                     json={"value": "13900000001", "password": "bad"}).status_code == 403
    found = anon.post(f"/api/v1/public/query/{qt}",
                      json={"value": "13900000001", "password": "s3cret"}).json
    assert found == {"found": True, "record": {"name": "甲", "tier": "VIP"}}


def test_other_workspace_cannot_manage_public_links(api, other_api, make_form):
    _app, form_id = make_form(PUBLIC_FORM)
    assert other_api.post(f"/api/v1/forms/{form_id}/public", json={}).status_code == 404
    assert other_api.delete(f"/api/v1/forms/{form_id}/public").status_code == 404
    assert other_api.get(f"/api/v1/forms/{form_id}/public").status_code == 404


def test_a_form_without_links_reports_them_disabled_not_missing(api, make_form):
    _app, form_id = make_form(PUBLIC_FORM)
    for path in ("public", "public-query"):
        r = api.get(f"/api/v1/forms/{form_id}/{path}")
        assert r.status_code == 200, (path, r.json)
        assert r.json["enabled"] is False and r.json["token"] is None
    token = api.post(f"/api/v1/forms/{form_id}/public", json={}).json["token"]
    shown = api.get(f"/api/v1/forms/{form_id}/public").json
    assert shown["enabled"] is True and shown["token"] == token
