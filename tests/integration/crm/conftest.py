"""The installed Repurchase CRM for integration tests: install through the API, write records
through the form engine's write path (so record events fire as in production), enable journeys,
and move time while the real worker runs steps, timers and date triggers."""
from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.auth.actor import Actor
from app.extensions import unit_of_work

# A Monday 10:00 in Shanghai: far from month and year ends, so "this week"/"this month" hold.
START = dt.datetime(2025, 6, 2, 2, 0, tzinfo=dt.timezone.utc)


class Crm:
    """One workspace with the CRM installed from the template, and ways to act on it."""

    def __init__(self, api, worker, clock):
        self.api, self.worker, self.clock = api, worker, clock
        self.ws = api.workspace["id"]
        self.user_id = api.user["id"]
        self.actor = Actor(workspace_id=self.ws, user_id=self.user_id, role="owner")
        r = api.post("/api/v1/templates/crm/install", json={})
        assert r.status_code == 201, r.json
        self.app_id = r.json["app"]["id"]
        forms = api.get(f"/api/v1/apps/{self.app_id}/forms?limit=100").json["items"]
        self.forms = {f["key"]: f["id"] for f in forms}
        flows = api.get(f"/api/v1/apps/{self.app_id}/flows?limit=100").json["items"]
        self.flows = {f["key"]: f["id"] for f in flows}
        boards = api.get(f"/api/v1/apps/{self.app_id}/dashboards?limit=100").json["items"]
        self.dashboards = {d["key"]: d["id"] for d in boards}

    # ---- records
    def create(self, form: str, data: dict) -> str:
        from app.form_engine import records

        with unit_of_work() as s:
            return records.create(s, self.actor, self.forms[form], data).id

    def update(self, record_id: str, changes: dict) -> None:
        from app.form_engine import records

        with unit_of_work() as s:
            records.update(s, self.actor, record_id, changes)

    def delete(self, record_id: str) -> None:
        from app.form_engine import records

        with unit_of_work() as s:
            records.delete(s, self.actor, record_id)

    def record(self, record_id: str) -> dict:
        from app.models import Record

        with unit_of_work() as s:
            return dict(s.get(Record, record_id).data)

    def rows(self, form: str) -> list[dict]:
        import sqlalchemy as sa

        from app.models import Record

        with unit_of_work() as s:
            found = s.scalars(sa.select(Record).where(Record.form_id == self.forms[form])
                              .order_by(Record.id))
            return [{"id": r.id, **r.data} for r in found]

    def product(self, sku: str, **data) -> str:
        return self.create("product", {"sku": sku, "name": data.pop("name", sku),
                                       "category": data.pop("category", "护肤"),
                                       "price": data.pop("price", 100), **data})

    def customer(self, name: str = "王芳", phone: str = "13800000001", **data) -> str:
        return self.create("customer", {"name": name, "phone": phone, "consent_marketing": True,
                                        "owner": self.user_id, **data})

    def order(self, customer: str, amount: float = 200, *, sku: str = "SKU1", when=None,
              status: str = "已完成", **data) -> str:
        at = (when or self.clock.now()).astimezone(dt.timezone.utc)
        return self.create("order", {
            "customer": customer, "status": status, "ordered_at": at.isoformat(),
            "items": [{"sku": sku, "qty": 1, "price": amount}], **data})

    # ---- journeys
    def enable(self, *keys: str) -> None:
        for key in keys:
            r = self.api.post(f"/api/v1/flows/{self.flows[key]}/enable")
            assert r.status_code == 200, r.json

    def runs(self, key: str) -> list[dict]:
        r = self.api.get(f"/api/v1/flows/{self.flows[key]}/runs?limit=100")
        assert r.status_code == 200, r.json
        return r.json["items"]

    def run(self, run_id: str) -> dict:
        return self.api.get(f"/api/v1/runs/{run_id}").json

    def messages(self, **query) -> list[dict]:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        r = self.api.get(f"/api/v1/messages?limit=200&{params}")
        assert r.status_code == 200, r.json
        return sorted(r.json["items"], key=lambda m: m["id"])

    def tasks(self) -> list[dict]:
        r = self.api.get("/api/v1/tasks?limit=200")
        assert r.status_code == 200, r.json
        return r.json["items"]

    def trigger_log(self, key: str) -> list[dict]:
        return self.api.get(f"/api/v1/flows/{self.flows[key]}/trigger-log?limit=100").json["items"]

    def settle(self) -> None:
        """Run what is due now, as the sweeps and workers would, until nothing is left."""
        from app.flow_engine.timers import fire_due_timers
        from app.flow_engine.triggers import sweep_date_triggers

        for _ in range(10):
            self.worker()
            fired = fire_due_timers() + sweep_date_triggers()
            self.worker()
            if not fired:
                return

    def advance(self, **delta) -> None:
        """Move the clock a day at a time (sweeps catch up on what fell due), running what is due."""
        remaining = dt.timedelta(**delta)
        step = dt.timedelta(days=1)
        while remaining > dt.timedelta(0):
            move = min(step, remaining)
            self.clock.advance(move)
            remaining -= move
            self.settle()


@pytest.fixture
def crm(api, worker, clock):
    clock.freeze(START)
    return Crm(api, worker, clock)


def split_branch(flow_id: str, record_id: str, node_id: str = "split") -> str:
    """The ab_split branch a record takes: the engine's documented deterministic hash of flow,
    node and record, so a test can pick customers on either side of a holdout."""
    import hashlib

    digest = hashlib.sha256(f"{flow_id}:{node_id}:{record_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2 ** 64
    from templates_lib.crm.thresholds import HOLDOUT_PERCENT

    return "send" if point < (100 - HOLDOUT_PERCENT) / 100 else "holdout"


def customer_in(crm: Crm, flow_key: str, branch: str, phone: str, **data) -> str:
    """A new customer whose record falls in `branch` of the journey's split."""
    name = data.pop("name", "客户")
    for _attempt in range(200):
        rid = crm.customer(name, phone, **data)
        if split_branch(crm.flows[flow_key], rid) == branch:
            return rid
        crm.delete(rid)
    raise AssertionError("no customer fell in the branch")


class _Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        type(self).received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_gateway(app):
    """A local SMS gateway, so messages are really `sent` (the frequency cap counts those)."""
    _Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["OUTBOUND_ALLOWLIST"] = ["127.0.0.1"]
    app.config["SMS_GATEWAY_URL"] = f"http://127.0.0.1:{server.server_address[1]}/sms"
    yield _Gateway.received
    server.shutdown()
