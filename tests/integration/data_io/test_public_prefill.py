"""PUBLIC_LINK() in messages: the address of a form's public link with signed prefilled fields,
which the public page shows read-only (or not at all) and the submitter cannot change, that
is bound to its form and expires; #N/A without an enabled link."""
import datetime as dt
import re
from urllib.parse import unquote

from app.extensions import unit_of_work

TICKET = {"key": "ticket", "name": "Ticket", "title_field": "title", "fields": [
    {"key": "title", "type": "text", "label": "Title"},
    {"key": "store", "type": "text", "label": "Store"}]}
SURVEY = {"key": "survey", "name": {"zh": "回访", "en": "Survey"}, "fields": [
    {"key": "ticket", "type": "relation", "target": "ticket", "label": "Ticket", "required": True,
     "hidden": True},
    {"key": "store", "type": "text", "label": "Store"},
    {"key": "rating", "type": "rating", "label": "Rating", "max": 5, "required": True},
    {"key": "comment", "type": "textarea", "label": "Comment"}],
    "settings": {"public": {"enabled": True, "fields": ["ticket", "store", "rating", "comment"]}}}
LINK = re.compile(r"(https?://\S+?)/f/([\w-]+)\?p=(\S+)")


def _survey_app(api, make_form):
    app_id, ticket_form = make_form(TICKET)
    _same, survey_form = make_form(SURVEY, app_id=app_id)
    token = api.post(f"/api/v1/forms/{survey_form}/public", json={}).json["token"]
    return app_id, ticket_form, survey_form, token


def _create(api, form_id, data):
    from app.auth.actor import Actor
    from app.form_engine import records

    actor = Actor(api.workspace["id"], api.user["id"], "owner")
    with unit_of_work() as s:
        return records.create(s, actor, form_id, data).id


def _records(form_id):
    from app.models import Record

    with unit_of_work() as s:
        return [r.data for r in s.query(Record).filter(Record.form_id == form_id)]


def _resolve(api, app_id, form_key, values):
    from flask import current_app

    from app.form_engine.public_prefill import resolver

    with unit_of_work() as s:
        return resolver(s, api.workspace["id"], app_id, secret=current_app.config["SECRET_KEY"],
                        base_url=current_app.config["PUBLIC_BASE_URL"])(form_key, values)


def test_a_message_link_prefills_the_ticket_and_the_customer_cannot_change_it(
        app, api, make_client, make_form, worker):
    app_id, ticket_form, survey_form, token = _survey_app(api, make_form)
    flow = api.post(f"/api/v1/apps/{app_id}/flows", json={
        "key": "survey_on_ticket", "name": "Survey", "trigger": {"type": "record.created",
                                                                 "form": "ticket"},
        "nodes": [{"id": "ask", "type": "send_message", "channel": "inapp",
                   "to": {"user": api.user["id"]},
                   "body": "Rate us: {{PUBLIC_LINK('survey', 'ticket', RECORD_ID(), 'store', "
                           "record.store)}}"}],
        "edges": [{"from": "trigger", "to": "ask"}]})
    assert flow.status_code == 201, flow.json
    other_ticket = _create(api, ticket_form, {"title": "别人的", "store": "人民广场店"})
    assert api.post(f"/api/v1/flows/{flow.json['id']}/enable").status_code == 200
    ticket = _create(api, ticket_form, {"title": "破损", "store": "南京路店"})
    worker()
    [message] = api.get("/api/v1/messages").json["items"]
    base, link_token, prefill = LINK.search(message["body"]).groups()
    assert base == app.config["PUBLIC_BASE_URL"] and link_token == token

    anon = make_client(signup=False)
    page = anon.get(f"/api/v1/public/{token}?prefill={prefill}")
    assert page.status_code == 200, page.json
    fields = {f["key"]: f for f in page.json["form"]["fields"]}
    assert list(fields) == ["store", "rating", "comment"]  # the ticket relation is never shown
    assert fields["store"]["readonly"] is True and not fields["rating"].get("readonly")
    assert page.json["prefill"] == {"store": "南京路店"}

    r = anon.post(f"/api/v1/public/{token}/submit", json={
        "data": {"rating": 2, "comment": "太慢", "store": "改掉", "ticket": other_ticket},
        "prefill": unquote(prefill)})
    assert r.status_code == 201, r.json
    [stored] = _records(survey_form)
    assert (stored["ticket"], stored["store"], stored["rating"]) == (ticket, "南京路店", 2)

    tampered = prefill[:-3] + ("AAA" if not prefill.endswith("AAA") else "BBB")
    assert anon.get(f"/api/v1/public/{token}?prefill={tampered}").status_code == 403
    r = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"rating": 5},
                                                          "prefill": tampered})
    assert r.status_code == 403 and r.json["error"]["details"]["reason"] == "prefill_invalid"
    without = anon.post(f"/api/v1/public/{token}/submit", json={"data": {"rating": 5}})
    assert without.status_code == 422  # the ticket comes only from a signed link
    assert len(_records(survey_form)) == 1


def test_a_prefill_is_bound_to_its_form_and_expires(api, make_client, make_form, clock):
    app_id, ticket_form, survey_form, token = _survey_app(api, make_form)
    _same, copy_form = make_form({**SURVEY, "key": "survey_copy"}, app_id=app_id)
    copy_token = api.post(f"/api/v1/forms/{copy_form}/public", json={}).json["token"]
    ticket = _create(api, ticket_form, {"title": "t"})
    prefill = unquote(LINK.search(_resolve(api, app_id, "survey", {"ticket": ticket})).group(3))
    anon = make_client(signup=False)
    elsewhere = anon.post(f"/api/v1/public/{copy_token}/submit",
                          json={"data": {"rating": 1}, "prefill": prefill})
    assert elsewhere.status_code == 403 and _records(copy_form) == []
    clock.advance(dt.timedelta(days=31))
    late = anon.get(f"/api/v1/public/{token}", query_string={"prefill": prefill})
    assert late.status_code == 403 and late.json["error"]["details"]["reason"] == "prefill_expired"
    assert "expired" in late.json["error"]["message"]


def test_public_link_is_na_without_an_enabled_link_and_value_for_fields_it_cannot_fill(
        api, make_form):
    app_id, ticket_form, survey_form, _token = _survey_app(api, make_form)
    assert _resolve(api, app_id, "ticket", {}) is None  # no public link on that form
    assert _resolve(api, app_id, "nope", {}) is None
    assert _resolve(api, app_id, "survey", {}).endswith("/f/" + _token)

    from flask import current_app

    from app.form_engine.public_prefill import resolver
    from app.rule_engine import EvalEnv, evaluate

    def value(expression):
        with unit_of_work() as s:
            env = EvalEnv(record_id="01TICKET", public_link=resolver(
                s, api.workspace["id"], app_id, secret=current_app.config["SECRET_KEY"],
                base_url=current_app.config["PUBLIC_BASE_URL"]))
            return str(evaluate(expression, {}, env=env))

    assert value("PUBLIC_LINK('survey', 'ticket', RECORD_ID())").startswith("http")
    assert value("PUBLIC_LINK('survey', 'nope', 1)") == "#VALUE!"
    assert value("PUBLIC_LINK('survey', 'ticket')") == "#VALUE!"
    assert api.delete(f"/api/v1/forms/{survey_form}/public").status_code == 204
    assert value("PUBLIC_LINK('survey', 'ticket', RECORD_ID())") == "#N/A"
