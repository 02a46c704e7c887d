def test_create_update_filter_bulk_history_round_trip(api, make_form):
    form = make_form([
        {"key": "name", "type": "text", "required": True},
        {"key": "qty", "type": "number"},
        {"key": "price", "type": "number"},
        {"key": "total", "type": "formula", "expression": "qty * price", "result": "number"},
        {"key": "phone", "type": "phone", "unique": True},
        {"key": "no", "type": "serial", "prefix": "SO-", "digits": 4},
    ])
    r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"name": "a", "qty": 2, "price": 3, "phone": "13800000000"}})
    assert r.status_code == 201, r.json
    print(r.json)
    assert r.json["data"]["total"] == 6
    r2 = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"name": "b", "phone": "13800000000"}})
    assert r2.status_code == 409, r2.json
    r3 = api.patch(f"/api/v1/records/{r.json['id']}", json={"data": {"qty": 5}, "version": 1})
    assert r3.status_code == 200, r3.json
    assert r3.json["data"]["total"] == 15
    r4 = api.get(f"/api/v1/forms/{form['id']}/records?filter=qty>1&sort=-qty")
    assert r4.status_code == 200, r4.json
    assert len(r4.json["items"]) == 1
    r5 = api.post(f"/api/v1/forms/{form['id']}/records/bulk", json={"records": [{"data": {"name": f"n{i}", "qty": i}} for i in range(5)]})
    assert r5.status_code == 201, r5.json
    h = api.get(f"/api/v1/records/{r.json['id']}/history")
    assert h.status_code == 200 and len(h.json) == 2, h.json


def test_record_writes_bump_the_data_version_but_not_the_forms_change_time(api, make_form):
    form = make_form([{"key": "name", "type": "text"}])
    before = api.get(f"/api/v1/forms/{form['id']}").json
    created = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"name": "a"}})
    assert created.status_code == 201, created.json
    api.patch(f"/api/v1/records/{created.json['id']}", json={"data": {"name": "b"}})
    after = api.get(f"/api/v1/forms/{form['id']}").json
    assert after["data_version"] == before["data_version"] + 2
    assert after["updated_at"] == before["updated_at"]  # the form's design did not change
