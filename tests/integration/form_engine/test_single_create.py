"""The single-create write path: what one statement writes on PostgreSQL (unique claims, record,
revision, data version) behaves as the separate statements do on SQLite, and the per-process
knowledge of which forms feed rollups follows definition changes."""
from __future__ import annotations


def _version(api, form_id):
    return api.get(f"/api/v1/forms/{form_id}").json["data_version"]


def test_rollup_added_after_creates_counts_the_next_create(api, make_form):
    customer = make_form([{"key": "name", "type": "text"}], key="customer")
    order = make_form([{"key": "customer", "type": "relation", "target": "customer"},
                       {"key": "amount", "type": "number"}], key="order")
    c = api.post(f"/api/v1/forms/{customer['id']}/records", json={"data": {"name": "Ann"}}).json
    url = f"/api/v1/forms/{order['id']}/records"
    # creates while no rollup reads orders: the app's form set is known to feed none
    for amount in (1, 2):
        assert api.post(url, json={"data": {"customer": c["id"], "amount": amount}}).status_code == 201
    r = api.put(f"/api/v1/forms/{customer['id']}", json={"key": "customer", "name": "C", "fields": [
        {"key": "name", "type": "text"},
        {"key": "spent", "type": "rollup", "source": "order", "via": "customer", "agg": "sum",
         "field": "amount"}]})
    assert r.status_code == 200, r.json
    assert api.get(f"/api/v1/records/{c['id']}").json["data"]["spent"] == 3
    customer_version = _version(api, customer["id"])
    assert api.post(url, json={"data": {"customer": c["id"], "amount": 4}}).status_code == 201
    assert api.get(f"/api/v1/records/{c['id']}").json["data"]["spent"] == 7
    assert _version(api, customer["id"]) == customer_version + 1  # the rollup's form changed too


def test_each_create_bumps_its_forms_data_version_once(api, make_form):
    form = make_form([{"key": "name", "type": "text"}, {"key": "phone", "type": "phone",
                                                        "unique": True}])
    start = _version(api, form["id"])
    for n in range(3):
        r = api.post(f"/api/v1/forms/{form['id']}/records",
                     json={"data": {"name": f"n{n}", "phone": f"1380000000{n}"}})
        assert r.status_code == 201, r.json
    assert api.post(f"/api/v1/forms/{form['id']}/records",
                    json={"data": {"name": "dup", "phone": "13800000000"}}).status_code == 409
    assert _version(api, form["id"]) == start + 3


def test_second_unique_taken_refuses_the_record_and_frees_the_first(api, make_form):
    form = make_form([{"key": "phone", "type": "phone", "unique": True},
                      {"key": "email", "type": "email", "unique": True},
                      {"key": "name", "type": "text"}])
    url = f"/api/v1/forms/{form['id']}/records"
    first = api.post(url, json={"data": {"phone": "13800000001", "email": "a@x.io", "name": "a"}})
    assert first.status_code == 201, first.json
    taken = api.post(url, json={"data": {"phone": "13800000002", "email": "A@x.io", "name": "b"}})
    assert taken.status_code == 409, taken.json
    assert set(taken.json["error"]["details"]["fields"]) == {"email"}
    listed = api.get(url).json["items"]
    assert [r["data"]["name"] for r in listed] == ["a"]
    again = api.post(url, json={"data": {"phone": "13800000002", "email": "b@x.io", "name": "b"}})
    assert again.status_code == 201, again.json
    history = api.get(f"/api/v1/records/{again.json['id']}/history").json
    assert [(h["action"], h["version"], h["before"], h["after"]["name"]) for h in history] == \
        [("create", 1, None, "b")]
    assert sorted(history[0]["changed"]) == sorted(again.json["data"])


def test_create_after_a_definition_change_uses_the_new_version(api, make_form):
    form = make_form([{"key": "qty", "type": "number"}], key="item")
    url = f"/api/v1/forms/{form['id']}/records"
    assert api.post(url, json={"data": {"qty": 1}}).status_code == 201  # the form is now known
    r = api.put(f"/api/v1/forms/{form['id']}", json={"key": "item", "name": "I", "fields": [
        {"key": "qty", "type": "number"},
        {"key": "double", "type": "formula", "expression": "qty * 2", "result": "number"}]})
    assert r.status_code == 200, r.json
    # valid under both versions: the record is computed with the new one
    created = api.post(url, json={"data": {"qty": 4}})
    assert created.status_code == 201, created.json
    assert created.json["data"]["double"] == 8
    r = api.put(f"/api/v1/forms/{form['id']}", json={"key": "item", "name": "I", "fields": [
        {"key": "qty", "type": "number"},
        {"key": "double", "type": "formula", "expression": "qty * 2", "result": "number"},
        {"key": "note", "type": "text"}]})
    assert r.status_code == 200, r.json
    # a field only the new version has is accepted
    created = api.post(url, json={"data": {"qty": 5, "note": "new"}})
    assert created.status_code == 201, created.json
    assert created.json["data"]["note"] == "new"
    assert api.delete(f"/api/v1/forms/{form['id']}?force=true").status_code in (200, 204)
    assert api.post(url, json={"data": {"qty": 6}}).status_code == 404


def test_form_without_data_log_creates_records_without_revisions(api, make_form):
    form = make_form([{"key": "name", "type": "text"}, {"key": "code", "type": "text",
                                                        "unique": True}],
                     settings={"data_log": False})
    url = f"/api/v1/forms/{form['id']}/records"
    created = api.post(url, json={"data": {"name": "a", "code": "x"}})
    assert created.status_code == 201, created.json
    assert api.get(f"/api/v1/records/{created.json['id']}/history").json == []
    assert api.post(url, json={"data": {"name": "b", "code": "X"}}).status_code == 409
    assert [r["data"]["name"] for r in api.get(url).json["items"]] == ["a"]
