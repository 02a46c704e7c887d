"""Every field type round-trips through create, read and update; bad values get 422 at their path."""
from __future__ import annotations

FILE = {"id": "f1", "name": "a.png", "size": 10, "content_type": "image/png"}
FIELDS = [
    ({"key": "t", "type": "text", "max_length": 20}, "hello", "bye", 5),
    ({"key": "ta", "type": "textarea"}, "line1\nline2", "x", 7),
    ({"key": "rt", "type": "richtext"}, "<p>hi</p>", "<b>b</b>", 3),
    ({"key": "n", "type": "number", "decimals": 2}, 1.25, 3, "x"),
    ({"key": "cb", "type": "checkbox"}, True, False, "yes"),
    ({"key": "d", "type": "date"}, "2025-03-01", "2024-02-29", "2025-02-30"),
    ({"key": "dt", "type": "datetime"}, "2025-03-01T09:00:00Z", "2025-03-01T10:00:00Z", "2025-03-01"),
    ({"key": "s", "type": "select", "options": ["a", "b"]}, "a", "b", "c"),
    ({"key": "ms", "type": "multiselect", "options": ["a", "b"]}, ["a"], ["a", "b"], ["z"]),
    ({"key": "ph", "type": "phone"}, "13800138000", "+8613800138000", "123"),
    ({"key": "em", "type": "email"}, "a@example.com", "b@example.com", "nope"),
    ({"key": "u", "type": "url"}, "https://example.com", "http://x.org/a", "ftp://x"),
    ({"key": "r", "type": "rating", "max": 5}, 4, 5, 6),
    ({"key": "fi", "type": "file"}, [FILE], [{**FILE, "id": "f9"}], [{"id": 1}]),
    ({"key": "im", "type": "image"}, [FILE], [FILE, {**FILE, "id": "f2"}], "x"),
    ({"key": "sg", "type": "signature"}, FILE, {**FILE, "id": "f3"}, [FILE]),
    ({"key": "ad", "type": "address"}, {"province": "浙江", "city": "杭州"}, {"detail": "x"}, {"zip": 1}),
    ({"key": "lo", "type": "location"}, {"lat": 30.2, "lng": 120.1}, {"lat": 0, "lng": 0, "label": "o"},
     {"lat": 100, "lng": 0}),
    ({"key": "sf", "type": "subform", "fields": [{"key": "q", "type": "number"}]}, [{"q": 1}], [{"q": 2}],
     [{"q": "x"}]),
]


def test_every_field_type_round_trips_and_rejects_bad_values(api, make_form):
    form = make_form([spec for spec, *_ in FIELDS] + [
        {"key": "us", "type": "user"}, {"key": "uss", "type": "users"}, {"key": "sec", "type": "section"},
        {"key": "se", "type": "serial"}, {"key": "fo", "type": "formula", "expression": "n * 2"}])
    me = api.user["id"]
    first = {spec["key"]: v for spec, v, _w, _bad in FIELDS} | {"us": me, "uss": [me]}
    r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": first})
    assert r.status_code == 201, r.json
    rid = r.json["id"]
    got = api.get(f"/api/v1/records/{rid}").json["data"]
    for spec, value, _w, _bad in FIELDS:
        assert got[spec["key"]] == value, spec["key"]
    assert got["us"] == me and got["uss"] == [me] and got["se"] == "000001" and got["fo"] == 2.5
    second = {spec["key"]: w for spec, _v, w, _bad in FIELDS}
    r = api.patch(f"/api/v1/records/{rid}", json={"data": second, "version": 1})
    assert r.status_code == 200, r.json
    for spec, _v, w, _bad in FIELDS:
        assert r.json["data"][spec["key"]] == w, spec["key"]
    bad = {spec["key"]: b for spec, _v, _w, b in FIELDS}
    r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": bad | {"us": "nobody"}})
    assert r.status_code == 422
    errors = r.json["error"]["details"]["fields"]
    expected = {spec["key"] for spec, *_ in FIELDS if spec["type"] != "subform"} | {"sf[0].q", "us"}
    assert set(errors) == expected
    assert api.get(f"/api/v1/forms/{form['id']}/records").json["items"].__len__() == 1


def test_required_when_validations_and_messages_in_chinese(make_client, app_id, api, make_form):
    form = make_form([
        {"key": "status", "type": "select", "options": ["ok", "refund"], "default": "ok"},
        {"key": "reason", "type": "textarea", "required_when": "status = 'refund'"},
        {"key": "items", "type": "subform", "fields": [
            {"key": "sku", "type": "text", "required": True},
            {"key": "qty", "type": "number", "min": 1},
            {"key": "price", "type": "number"},
            {"key": "line", "type": "formula", "expression": "qty * price"}]},
        {"key": "amount", "type": "formula", "expression": "SUM(items.line)", "result": "number"},
    ], validations=[{"expression": "amount > 0 or status = 'refund'", "message": {"en": "Amount must be positive", "zh": "金额必须大于0"}}])
    url = f"/api/v1/forms/{form['id']}/records"
    r = api.post(url, json={"data": {"items": [{"sku": "a", "qty": 2, "price": 3}, {"sku": "b", "qty": 1, "price": 4}]}})
    assert r.status_code == 201, r.json
    assert r.json["data"]["amount"] == 10 and r.json["data"]["status"] == "ok"
    assert r.json["data"]["items"][0]["line"] == 6
    r = api.post(url, json={"data": {"status": "refund", "items": [{"qty": 0}]}})
    assert r.status_code == 422
    assert set(r.json["error"]["details"]["fields"]) == {"reason", "items[0].sku", "items[0].qty"}
    api.lang = "zh-CN"
    r = api.post(url, json={"data": {"items": []}})
    assert r.json["error"]["details"]["fields"]["_record"] == ["金额必须大于0"]


def test_definition_errors_point_at_json_pointers(api, app_id):
    body = {"key": "bad", "name": "Bad", "fields": [
        {"key": "a", "type": "text", "colour": "red"},
        {"key": "b", "type": "formula", "expression": "1 + missing"},
        {"key": "c", "type": "formula", "expression": "d + 1"},
        {"key": "d", "type": "formula", "expression": "c + 1"},
        {"key": "e", "type": "select"}]}
    r = api.post(f"/api/v1/apps/{app_id}/forms", json=body)
    assert r.status_code == 422
    fields = r.json["error"]["details"]["fields"]
    assert "/fields/0/colour" in fields and "/fields/4/options" in fields
    body["fields"] = body["fields"][1:4]
    r = api.post(f"/api/v1/apps/{app_id}/forms", json=body)
    fields = r.json["error"]["details"]["fields"]
    assert fields["/fields/0/expression"][0]["column"] == 5
    assert "/fields/1/expression" in fields and "/fields/2/expression" in fields
