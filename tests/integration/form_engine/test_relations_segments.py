"""Relations, lookups, rollups kept in sync; segments and rules endpoints; delete protection."""
from __future__ import annotations


def _forms(make_form, api):
    make_form([{"key": "name", "type": "text"}], key="customer")
    order = make_form([{"key": "customer", "type": "relation", "target": "customer"},
                       {"key": "customer_name", "type": "lookup", "via": "customer", "field": "name"},
                       {"key": "amount", "type": "number"},
                       {"key": "status", "type": "select", "options": ["paid", "open"]}], key="order")
    customer_fields = [{"key": "name", "type": "text"},
                          {"key": "orders", "type": "rollup", "source": "order", "via": "customer", "agg": "count"},
                          {"key": "spent", "type": "rollup", "source": "order", "via": "customer", "agg": "sum",
                           "field": "amount", "filter": "status = 'paid'"},
                          {"key": "vip", "type": "formula", "expression": "spent >= 100"}]
    forms = api.get(f"/api/v1/apps/{order['app_id']}/forms").json["items"]
    customer_id = next(f["id"] for f in forms if f["key"] == "customer")
    r = api.put(f"/api/v1/forms/{customer_id}", json={"key": "customer", "name": "C", "fields": customer_fields})
    assert r.status_code == 200, r.json
    return r.json, order


def test_rollups_and_lookups_follow_changes(api, make_form):
    customer, order = _forms(make_form, api)
    c = api.post(f"/api/v1/forms/{customer['id']}/records", json={"data": {"name": "Ann"}}).json
    assert c["data"]["orders"] == 0 and c["data"]["spent"] == 0
    url = f"/api/v1/forms/{order['id']}/records"
    o1 = api.post(url, json={"data": {"customer": c["id"], "amount": 60, "status": "paid"}}).json
    assert o1["data"]["customer_name"] == "Ann"
    o2 = api.post(url, json={"data": {"customer": c["id"], "amount": 70, "status": "open"}}).json
    got = api.get(f"/api/v1/records/{c['id']}").json["data"]
    assert (got["orders"], got["spent"], got["vip"]) == (2, 60, False)
    api.patch(f"/api/v1/records/{o2['id']}", json={"data": {"status": "paid"}})
    got = api.get(f"/api/v1/records/{c['id']}").json["data"]
    assert (got["spent"], got["vip"]) == (130, True)
    api.patch(f"/api/v1/records/{c['id']}", json={"data": {"name": "Anna"}})
    assert api.get(f"/api/v1/records/{o1['id']}").json["data"]["customer_name"] == "Anna"
    r = api.delete(f"/api/v1/records/{c['id']}")
    assert r.status_code == 409
    assert api.delete(f"/api/v1/records/{o1['id']}").status_code == 204
    got = api.get(f"/api/v1/records/{c['id']}").json["data"]
    assert (got["orders"], got["spent"]) == (1, 70)
    bad = api.post(url, json={"data": {"customer": "nope"}})
    assert bad.status_code == 422 and "customer" in bad.json["error"]["details"]["fields"]


def test_other_workspace_cannot_see_or_link(api, other_api, make_form):
    customer, order = _forms(make_form, api)
    c = api.post(f"/api/v1/forms/{customer['id']}/records", json={"data": {"name": "Ann"}}).json
    assert other_api.get(f"/api/v1/records/{c['id']}").status_code == 404
    assert other_api.get(f"/api/v1/forms/{customer['id']}/records").status_code == 404
    assert other_api.patch(f"/api/v1/records/{c['id']}", json={"data": {}}).status_code == 404


def test_segments_count_and_list(api, make_form):
    form = make_form([{"key": "n", "type": "number"}])
    api.post(f"/api/v1/forms/{form['id']}/records/bulk",
             json={"records": [{"data": {"n": i}} for i in range(10)]})
    seg = api.post(f"/api/v1/forms/{form['id']}/segments",
                   json={"key": "big", "name": "Big", "expression": "n >= 7"})
    assert seg.status_code == 201, seg.json
    assert api.get(f"/api/v1/segments/{seg.json['id']}/count").json == {"count": 3}
    page = api.get(f"/api/v1/segments/{seg.json['id']}/records?limit=2").json
    assert len(page["items"]) == 2 and page["next_cursor"]
    sorted_page = api.get(f"/api/v1/forms/{form['id']}/records?sort=-n&limit=3&fields=n").json
    assert [r["data"]["n"] for r in sorted_page["items"]] == [9, 8, 7]
    nxt = api.get(f"/api/v1/forms/{form['id']}/records?sort=-n&limit=3&cursor={sorted_page['next_cursor']}").json
    assert [r["data"]["n"] for r in nxt["items"]] == [6, 5, 4]
    bad = api.post(f"/api/v1/forms/{form['id']}/segments", json={"key": "x", "name": "X", "expression": "nope > 1"})
    assert bad.status_code == 422


def test_rules_check_and_evaluate(api, make_form):
    form = make_form([{"key": "n", "type": "number"}])
    ok = api.post("/api/v1/rules/check", json={"expression": "n * 2", "form_id": form["id"]}).json
    assert ok["ok"] is True and "n" in ok["fields"]
    bad = api.post("/api/v1/rules/check", json={"expression": "n +", "form_id": form["id"]}).json
    assert bad["ok"] is False and bad["errors"][0]["offset"] >= 0
    assert api.post("/api/v1/rules/evaluate", json={"expression": "n * 2", "data": {"n": 4}}).json == {"value": 8}


def test_bulk_refreshes_every_customer_with_one_grouped_aggregate_per_rollup(api, make_form):
    customer, order = _forms(make_form, api)
    made = api.post(f"/api/v1/forms/{customer['id']}/records/bulk", json={"records": [
        {"data": {"name": f"c{i}"}} for i in range(5)]}).json["ids"]
    r = api.post(f"/api/v1/forms/{order['id']}/records/bulk", json={"records": [
        {"data": {"customer": made[i % 4], "amount": 10 * (i + 1),
                  "status": "paid" if i % 2 else "open"}} for i in range(8)]})
    assert r.status_code == 201, r.json
    got = [api.get(f"/api/v1/records/{c}").json["data"] for c in made]
    assert [(g["orders"], g["spent"], g["vip"]) for g in got] == [
        (2, 0, False), (2, 20 + 60, False), (2, 0, False), (2, 40 + 80, True), (0, 0, False)]
    api.patch(f"/api/v1/records/{made[1]}", json={"data": {"name": "Bea"}})
    names = {o["data"]["customer"]: o["data"]["customer_name"]
             for o in api.get(f"/api/v1/forms/{order['id']}/records?limit=50").json["items"]}
    assert names[made[1]] == "Bea" and names[made[0]] == "c0"


def test_multiple_relation_rollup_counts_each_linked_record(api, make_form):
    make_form([{"key": "name", "type": "text"}], key="tag")
    post = make_form([{"key": "tags", "type": "relation", "target": "tag", "multiple": True},
                      {"key": "tag_names", "type": "lookup", "via": "tags", "field": "name"},
                      {"key": "likes", "type": "number"}], key="post")
    forms = api.get(f"/api/v1/apps/{post['app_id']}/forms").json["items"]
    tag = next(f for f in forms if f["key"] == "tag")
    r = api.put(f"/api/v1/forms/{tag['id']}", json={"key": "tag", "name": "T", "fields": [
        {"key": "name", "type": "text"},
        {"key": "posts", "type": "rollup", "source": "post", "via": "tags", "agg": "count"},
        {"key": "likes", "type": "rollup", "source": "post", "via": "tags", "agg": "sum",
         "field": "likes"}]})
    assert r.status_code == 200, r.json
    a, b, c = api.post(f"/api/v1/forms/{tag['id']}/records/bulk", json={"records": [
        {"data": {"name": n}} for n in "abc"]}).json["ids"]
    r = api.post(f"/api/v1/forms/{post['id']}/records/bulk", json={"records": [
        {"data": {"tags": [a, b], "likes": 3}}, {"data": {"tags": [b], "likes": 4}},
        {"data": {"likes": 5}}]})
    assert r.status_code == 201, r.json
    got = {t: api.get(f"/api/v1/records/{t}").json["data"] for t in (a, b, c)}
    assert [(got[t]["posts"], got[t]["likes"]) for t in (a, b, c)] == [(1, 3), (2, 7), (0, 0)]
    api.patch(f"/api/v1/records/{b}", json={"data": {"name": "B"}})
    first = api.get(f"/api/v1/records/{r.json['ids'][0]}").json["data"]
    assert first["tag_names"] == ["a", "B"]


def test_rollup_added_later_is_computed_for_existing_records(api, make_form):
    make_form([{"key": "name", "type": "text"}], key="customer")
    order = make_form([{"key": "customer", "type": "relation", "target": "customer"},
                       {"key": "amount", "type": "number"}], key="order")
    forms = api.get(f"/api/v1/apps/{order['app_id']}/forms").json["items"]
    customer = next(f for f in forms if f["key"] == "customer")
    ids = api.post(f"/api/v1/forms/{customer['id']}/records/bulk", json={"records": [
        {"data": {"name": n}} for n in "abc"]}).json["ids"]
    api.post(f"/api/v1/forms/{order['id']}/records/bulk", json={"records": [
        {"data": {"customer": ids[i % 2], "amount": i + 1}} for i in range(5)]})
    r = api.put(f"/api/v1/forms/{customer['id']}", json={"key": "customer", "name": "C", "fields": [
        {"key": "name", "type": "text"},
        {"key": "spent", "type": "rollup", "source": "order", "via": "customer", "agg": "sum",
         "field": "amount"}]})
    assert r.status_code == 200, r.json
    spent = [api.get(f"/api/v1/records/{i}").json["data"]["spent"] for i in ids]
    assert spent == [1 + 3 + 5, 2 + 4, 0]
