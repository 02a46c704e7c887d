"""Filters through a relation (customer.vip = true) obey the target form's permissions: a field
hidden from the viewer there is an unknown field (as a hidden field of the form itself is), and
only target records in the viewer's data scope can match, so a filter cannot tell which records
out of it have a value."""
from __future__ import annotations

import pytest

from app.auth.actor import Actor
from app.errors import ValidationFailed
from app.extensions import unit_of_work
from app.form_engine import forms, queries, records
from tests.integration.form_engine.test_app_roles import _invite


def _actor(api, user_id, role="member", departments=()):
    return Actor(workspace_id=api.workspace["id"], user_id=user_id, role=role,
                 department_ids=tuple(departments))


def _shop(api, app_id, customer_permissions: dict, order_permissions: dict | None = None):
    owner = _actor(api, api.user["id"], "owner")
    with unit_of_work() as s:
        customer = forms.create_form(s, owner, app_id, {
            "key": "customer", "name": "Customer", "title_field": "name",
            "fields": [{"key": "name", "type": "text"}, {"key": "vip", "type": "checkbox"},
                       {"key": "store", "type": "department"}],
            "permissions": customer_permissions})
        order = forms.create_form(s, owner, app_id, {
            "key": "order", "name": "Order",
            "fields": [{"key": "no", "type": "text"},
                       {"key": "customer", "type": "relation", "target": "customer"},
                       {"key": "buyers", "type": "relation", "target": "customer", "multiple": True},
                       {"key": "discount", "type": "number"}],
            "permissions": order_permissions or {}})
        return customer.id, order.id


def _problem(api, actor, form_id, expression) -> str:
    with unit_of_work() as s:
        with pytest.raises(ValidationFailed) as exc:
            records.query(s, actor, form_id, filter=expression)
    [problem] = exc.value.details["fields"]["filter"]
    return problem["message"].render("en")


def test_a_field_hidden_in_the_target_form_is_unknown_like_an_own_hidden_field(api, app_id):
    customer_id, order_id = _shop(api, app_id, {"member": {"hidden_fields": ["vip"]}},
                                  {"member": {"hidden_fields": ["discount"]}})
    member = _actor(api, _invite(api))
    assert _problem(api, member, order_id, "customer.vip = true") == "Unknown field 'customer.vip'"
    assert _problem(api, member, order_id, "discount > 1") == "Unknown field 'discount'"
    assert _problem(api, member, order_id, "CONTAINS(buyers.vip, 'x')").startswith("Unknown field")
    with unit_of_work() as s:   # the fields the member sees still filter; the owner sees all
        assert records.query(s, member, order_id, filter="customer.name = 'x'")["items"] == []
        owner = _actor(api, api.user["id"], "owner")
        assert records.count(s, owner, order_id, "customer.vip = true and discount > 1") == 0


def test_a_target_form_the_viewer_may_not_view_exposes_no_field(api, app_id):
    _customer, order_id = _shop(api, app_id, {"member": {"operations": ["create"]}})
    member = _actor(api, _invite(api))
    assert _problem(api, member, order_id, "customer.name = 'a'") == "Unknown field 'customer.name'"
    with unit_of_work() as s:   # the relation itself (an id) is the order's own field
        assert records.count(s, member, order_id, "ISBLANK(customer)") == 0


@pytest.fixture
def stores(api, app_id):
    """Customers in store A (vip a1, plain a2) and store B (vip b1), an order for each (and one
    bought by all three), all made by the owner; a member of store A sees store A's customers."""
    a = api.post("/api/v1/departments", json={"name": "Store A"}).json["id"]
    b = api.post("/api/v1/departments", json={"name": "Store B"}).json["id"]
    customer_id, order_id = _shop(api, app_id, {
        "member": {"scope": "department", "scope_field": "store"}})
    owner = _actor(api, api.user["id"], "owner")
    with unit_of_work() as s:
        people = {name: records.create(s, owner, customer_id, {"name": name, "vip": vip, "store": store}).id
                  for name, vip, store in (("a1", True, a), ("a2", False, a), ("b1", True, b))}
        orders = {name: records.create(s, owner, order_id, {"no": name, "customer": cid, "buyers": [cid]}).id
                  for name, cid in people.items()}
        orders["all"] = records.create(s, owner, order_id, {"no": "all", "buyers": list(people.values())}).id
    member = _actor(api, _invite(api, department_ids=[a]), departments=[a])
    return owner, member, order_id, orders


def _nos(actor, form_id, expression) -> list[str]:
    with unit_of_work() as s:
        page = records.query(s, actor, form_id, filter=expression, limit=100)
        assert records.count(s, actor, form_id, expression) == len(page["items"])
        return sorted(item["data"]["no"] for item in page["items"])


@pytest.mark.parametrize("expression, owner_sees, member_sees", [
    # pushed down as IN subqueries over the customers in the viewer's scope
    ("customer.vip = true", ["a1", "b1"], ["a1"]),
    ("customer.vip = false", ["a2", "all"], ["a2", "all", "b1"]),
    ("customer.name = 'b1'", ["b1"], []),
    ("not (customer.name = 'b1')", ["a1", "a2", "all"], ["a1", "a2", "all", "b1"]),
    ("ISBLANK(customer.name)", ["all"], ["all", "b1"]),
    # multiple relations: evaluated in Python over the related records the viewer may see
    ("'b1' in buyers.name", ["all", "b1"], []),
    ("CONTAINS(buyers.name, 'a1')", ["a1", "all"], ["a1", "all"]),
    ("CONTAINS(buyers.name, 'b1') or 'a2' in buyers.name", ["a2", "all", "b1"], ["a2", "all"]),
])
def test_related_filters_match_only_related_records_in_the_viewers_scope(stores, expression,
                                                                         owner_sees, member_sees):
    """A customer out of the member's scope reads as a missing one: b1 being a vip or being
    named b1 is not revealed through the orders (which the member sees all of)."""
    owner, member, order_id, _orders = stores
    assert _nos(owner, order_id, expression) == owner_sees
    assert _nos(member, order_id, expression) == member_sees


def test_single_relation_scope_is_part_of_the_pushed_down_subquery(stores):
    _owner, member, order_id, _orders = stores
    with unit_of_work() as s:
        form = forms.get_form(s, member, order_id)
        clause = queries.filter_clause(s, form, "customer.vip = true", actor=member)
        assert clause is not None
        sql = str(clause.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        assert "IN (SELECT" in sql and "owner_id" in sql and "store" in sql
