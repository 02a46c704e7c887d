"""Relations and lookups inside subform rows: order lines pick a product, copy its price and
category into the row, row formulas use them; bad ids are reported at the row's path; a product
used by a line cannot be deleted; a later price change leaves the line's snapshot alone."""
from __future__ import annotations


def _forms(make_form):
    product = make_form([{"key": "name", "type": "text"}, {"key": "price", "type": "number"},
                         {"key": "category", "type": "select", "options": ["tea", "cup"]}],
                        key="product")
    order = make_form([
        {"key": "lines", "type": "subform", "fields": [
            {"key": "product", "type": "relation", "target": "product", "required": True},
            {"key": "price", "type": "lookup", "via": "product", "field": "price"},
            {"key": "category", "type": "lookup", "via": "product", "field": "category"},
            {"key": "qty", "type": "number"},
            {"key": "amount", "type": "formula", "expression": "qty * price", "result": "number"}]},
        {"key": "total", "type": "formula", "expression": "SUM(lines.amount)", "result": "number"}],
        key="order")
    return product, order


def test_order_lines_pick_products_and_copy_their_fields(api, make_form):
    product, order = _forms(make_form)
    tea = api.post(f"/api/v1/forms/{product['id']}/records",
                   json={"data": {"name": "Tea", "price": 12.5, "category": "tea"}}).json
    url = f"/api/v1/forms/{order['id']}/records"
    r = api.post(url, json={"data": {"lines": [{"product": tea["id"], "qty": 2},
                                               {"product": tea["id"], "qty": 1, "price": 0}]}})
    assert r.status_code == 201, r.json
    lines = r.json["data"]["lines"]
    assert (lines[0]["price"], lines[0]["category"], lines[0]["amount"]) == (12.5, "tea", 25)
    assert lines[1]["price"] == 12.5  # a lookup sent by the client is recomputed
    assert r.json["data"]["total"] == 37.5
    bad = api.post(url, json={"data": {"lines": [{"product": tea["id"], "qty": 1},
                                                 {"product": "missing", "qty": 1}]}})
    assert bad.status_code == 422
    assert list(bad.json["error"]["details"]["fields"]) == ["lines[1].product"]
    bulk = api.post(f"{url}/bulk", json={"records": [{"data": {"lines": [
        {"product": tea["id"], "qty": 4}]}}]})
    assert bulk.status_code == 201, bulk.json
    got = api.get(f"/api/v1/records/{bulk.json['ids'][0]}").json["data"]
    assert got["lines"][0]["amount"] == 50 and got["total"] == 50

    assert api.delete(f"/api/v1/records/{tea['id']}").status_code == 409
    api.patch(f"/api/v1/records/{tea['id']}", json={"data": {"price": 99}})
    assert api.get(f"/api/v1/records/{r.json['id']}").json["data"]["lines"][0]["price"] == 12.5


def test_lookup_inside_a_subform_must_name_a_row_relation(api, app_id, make_form):
    make_form([{"key": "price", "type": "number"}], key="product")
    r = api.post(f"/api/v1/apps/{app_id}/forms", json={"key": "order", "name": "O", "fields": [
        {"key": "lines", "type": "subform", "fields": [
            {"key": "qty", "type": "number"},
            {"key": "price", "type": "lookup", "via": "qty", "field": "price"}]}]})
    assert r.status_code == 422
    assert "/fields/0/fields/1/via" in r.json["error"]["details"]["fields"]
