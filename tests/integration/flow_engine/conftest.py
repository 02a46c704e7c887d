"""Helpers for flow tests: an app with a customer form, records written through the form
engine's write path (so record events fire as in production), and flows created by the API."""
from __future__ import annotations

import pytest

from app.auth.actor import Actor
from app.extensions import unit_of_work
from tests.conftest import fresh

CUSTOMER = {
    "key": "customer", "name": "Customer",
    "fields": [
        {"key": "name", "type": "text"},
        {"key": "phone", "type": "text"},
        {"key": "email", "type": "text"},
        {"key": "tier", "type": "text"},
        {"key": "points", "type": "number"},
        {"key": "total_spent", "type": "number"},
        {"key": "birthday", "type": "date"},
        {"key": "consent", "type": "checkbox"},
        {"key": "owner", "type": "user"},
        {"key": "lifecycle", "type": "text"},
        {"key": "last_visit", "type": "datetime"},
    ],
}
ORDER = {"key": "order", "name": "Order", "fields": [
    {"key": "customer_id", "type": "text"}, {"key": "amount", "type": "number"},
    {"key": "customer", "type": "relation", "target": "customer"},
    {"key": "ordered_on", "type": "date"}]}


class FlowWorld:
    """One workspace with an app, the customer and order forms, and ways to act on them."""

    def __init__(self, api):
        self.api = api
        self.ws = api.workspace["id"]
        self.user_id = api.user["id"]
        self.actor = Actor(workspace_id=self.ws, user_id=self.user_id, role="owner")
        r = api.post("/api/v1/apps", json={"key": fresh("app"), "name": "CRM"})
        assert r.status_code == 201, r.json
        self.app_id = r.json["id"]
        self.customer = self.form(CUSTOMER)
        self.order = self.form(ORDER)

    def form(self, definition) -> str:
        from app.form_engine import forms

        with unit_of_work() as s:
            return forms.create_form(s, self.actor, self.app_id, definition).id

    def create(self, data: dict, form_id: str | None = None, source: str = "api") -> str:
        from app.form_engine import records

        with unit_of_work() as s:
            return records.create(s, self.actor, form_id or self.customer, data, source=source).id

    def update(self, record_id: str, changes: dict) -> None:
        from app.form_engine import records

        with unit_of_work() as s:
            records.update(s, self.actor, record_id, changes)

    def record(self, record_id: str) -> dict:
        from app.models import Record

        with unit_of_work() as s:
            return s.get(Record, record_id).data

    def flow(self, trigger: dict, nodes: list, edges: list, enable: bool = True, **extra) -> dict:
        body = {"key": fresh("f"), "name": "Flow", "trigger": trigger, "nodes": nodes,
                "edges": edges, **extra}
        r = self.api.post(f"/api/v1/apps/{self.app_id}/flows", json=body)
        assert r.status_code == 201, r.json
        if enable:
            r = self.api.post(f"/api/v1/flows/{r.json['id']}/enable")
            assert r.status_code == 200, r.json
        return r.json

    def runs(self, flow_id: str) -> list[dict]:
        r = self.api.get(f"/api/v1/flows/{flow_id}/runs")
        assert r.status_code == 200, r.json
        return r.json["items"]

    def run(self, run_id: str) -> dict:
        r = self.api.get(f"/api/v1/runs/{run_id}")
        assert r.status_code == 200, r.json
        return r.json


@pytest.fixture
def world(api):
    return FlowWorld(api)


def chain(*ids: str) -> list[dict]:
    """Edges trigger -> ids[0] -> ids[1] -> ..."""
    names = ("trigger",) + ids
    return [{"from": a, "to": b} for a, b in zip(names, names[1:])]
