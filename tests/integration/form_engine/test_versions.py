"""Definition versions: migration reports, forced changes, renames and deletions in use."""
from __future__ import annotations


def test_breaking_change_gets_migration_report_unless_forced(api, make_form):
    form = make_form([{"key": "s", "type": "select", "options": ["a", "b"]}, {"key": "n", "type": "text"}])
    url = f"/api/v1/forms/{form['id']}"
    api.post(f"{url}/records", json={"data": {"s": "b", "n": "12"}})
    new = {**form["definition"], "fields": [{"key": "s", "type": "select", "options": ["a"]},
                                            {"key": "n", "type": "number"},
                                            {"key": "must", "type": "text", "required": True}]}
    r = api.put(url, json=new)
    assert r.status_code == 422
    report = r.json["error"]["details"]["migration"]
    assert {c["change"] for c in report["changes"]} == {"options_removed", "type_changed", "new_required"}
    assert all(c["records"] == 1 and len(c["examples"]) == 1 for c in report["changes"])
    r = api.put(url + "?force=true", json=new)
    assert r.status_code == 200 and r.json["version"] == 2
    versions = api.get(url + "/versions").json
    assert [v["version"] for v in versions] == [2, 1]


def test_rename_rewrites_references_and_data(api, make_form):
    form = make_form([{"key": "qty", "type": "number"},
                      {"key": "double", "type": "formula", "expression": "qty * 2 + LEN('qty')"}])
    rid = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"qty": 2}}).json["id"]
    seg = api.post(f"/api/v1/forms/{form['id']}/segments", json={"key": "s", "name": "S", "expression": "qty > 1"}).json
    r = api.post(f"/api/v1/forms/{form['id']}/fields/qty/rename", json={"new_key": "amount"})
    assert r.status_code == 200, r.json
    assert r.json["definition"]["fields"][1]["expression"] == "amount * 2 + LEN('qty')"
    assert api.get(f"/api/v1/records/{rid}").json["data"]["amount"] == 2
    assert api.get(f"/api/v1/segments/{seg['id']}/count").json == {"count": 1}


def test_removing_a_field_in_use_is_refused_with_its_users(api, make_form):
    form = make_form([{"key": "qty", "type": "number"}, {"key": "x", "type": "text"}])
    api.post(f"/api/v1/forms/{form['id']}/segments", json={"key": "s", "name": "S", "expression": "qty > 1"})
    new = {**form["definition"], "fields": [{"key": "x", "type": "text"}]}
    r = api.put(f"/api/v1/forms/{form['id']}", json=new)
    assert r.status_code == 409
    assert r.json["error"]["details"]["users"][0]["kind"] == "segment"
    assert api.put(f"/api/v1/forms/{form['id']}?force=true", json=new).status_code == 200
