"""CRM roles: store staff (an app role) see only their own store's customers and orders; a
service user sees every customer but may not edit them."""
from __future__ import annotations

import pytest

from app.auth.actor import Actor
from app.errors import Forbidden
from app.extensions import unit_of_work


def _member(crm, email: str, role: str, department_ids: list[str]) -> Actor:
    r = crm.api.post("/api/v1/members", json={"email": email, "role": "member",
                                              "department_ids": department_ids})
    assert r.status_code == 201, r.json
    user_id = r.json["user_id"]
    r = crm.api.put(f"/api/v1/apps/{crm.app_id}/roles/{role}/members", json={"user_ids": [user_id]})
    assert r.status_code == 200, r.json
    return Actor(crm.ws, user_id, "member", department_ids=tuple(department_ids))


def _names(crm, actor: Actor, form: str) -> set[str]:
    from app.form_engine import records

    with unit_of_work() as s:
        items = records.query(s, actor, crm.forms[form], limit=100)["items"]
    return {i["data"].get("name") or i["data"].get("customer_name") for i in items}


def test_store_staff_see_only_their_store_and_service_sees_all(crm):
    east = crm.api.post("/api/v1/departments", json={"name": "东区店"}).json["id"]
    west = crm.api.post("/api/v1/departments", json={"name": "西区店"}).json["id"]
    staff = _member(crm, "staff@example.com", "store_staff", [east])
    west_staff = _member(crm, "west@example.com", "store_staff", [west])
    service = _member(crm, "service@example.com", "service", [])
    # A record's store scope is its creator's department (the form engine's rule): store staff
    # register their own store's customers and orders at the till.
    from app.form_engine import records

    ids = {}
    for actor, name, phone, store in ((staff, "东客", "13700000001", east),
                                      (west_staff, "西客", "13700000002", west)):
        with unit_of_work() as s:
            ids[name] = records.create(s, actor, crm.forms["customer"], {
                "name": name, "phone": phone, "store": store}).id
        with unit_of_work() as s:
            records.create(s, actor, crm.forms["order"], {
                "customer": ids[name], "status": "已完成", "store": store,
                "items": [{"sku": "SKU1", "qty": 1, "price": 100}]})
    b = ids["西客"]
    assert _names(crm, staff, "customer") == {"东客"}
    assert _names(crm, staff, "order") == {"东客"}
    assert _names(crm, service, "customer") == {"东客", "西客"}
    with unit_of_work() as s, pytest.raises(Forbidden):
        records.update(s, service, b, {"name": "改名"})
