"""Report engine fixtures: a workspace with a small CRM (customers, orders) inserted directly,
seeded, so each test can recompute the expected answer in plain Python."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.models import App, Form, Record, Workspace
from tests.conftest import fresh

CUSTOMER = {"key": "customer", "name": "Customer", "title_field": "name", "fields": [
    {"key": "name", "type": "text"}, {"key": "phone", "type": "phone"},
    {"key": "channel", "type": "select", "options": ["门店", "天猫", "京东"]}]}
ORDER = {"key": "order", "name": "Order", "title_field": "order_no", "fields": [
    {"key": "order_no", "type": "serial"},
    {"key": "customer", "type": "relation", "target": "customer"},
    {"key": "channel", "type": "select", "options": ["门店", "天猫", "京东", "小程序"]},
    {"key": "tags", "type": "multiselect", "options": ["gift", "promo", "vip"]},
    {"key": "amount", "type": "number", "decimals": 2},
    {"key": "qty", "type": "number"},
    {"key": "status", "type": "select", "options": ["待付款", "已完成", "已退款"]},
    {"key": "paid", "type": "checkbox"},
    {"key": "ordered_at", "type": "datetime"},
    {"key": "ship_date", "type": "date"},
    {"key": "secret", "type": "text"}],
    "permissions": {"viewer": {"scope": "own", "hidden_fields": ["secret"]}}}
CHANNELS = ["门店", "天猫", "京东", "小程序"]
TZ = "Asia/Shanghai"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@dataclass
class Crm:
    workspace_id: str
    app_id: str
    owner_id: str
    forms: dict = field(default_factory=dict)
    customers: list = field(default_factory=list)   # (id, data)
    orders: list = field(default_factory=list)      # (id, data, owner_id)

    @property
    def actor(self) -> Actor:
        return Actor(workspace_id=self.workspace_id, user_id=self.owner_id, role="owner")

    def local_day(self, iso: str) -> dt.date:
        return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI).date()


def make_orders(rng: random.Random, customer_ids: list[str], n: int) -> list[dict]:
    rows = []
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for i in range(n):
        at = start + dt.timedelta(minutes=rng.randrange(0, 540 * 24 * 60))
        if i % 17 == 0:  # land exactly around local midnight to test time-zone days
            at = at.replace(hour=15, minute=59, second=59) if i % 2 else at.replace(hour=16, minute=0, second=0)
        data = {
            "order_no": f"SO-{i:06d}",
            "customer": rng.choice(customer_ids[: max(1, len(customer_ids) * 2 // 3)]
                                   if rng.random() < 0.7 else customer_ids),
            "channel": rng.choice(CHANNELS),
            "tags": rng.sample(["gift", "promo", "vip"], rng.randrange(0, 3)),
            "amount": round(rng.uniform(5, 500), 2),
            "qty": rng.randrange(1, 6),
            "status": rng.choices(["待付款", "已完成", "已退款"], [1, 6, 1])[0],
            "paid": rng.random() < 0.8,
            "ordered_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ship_date": (at + dt.timedelta(days=rng.randrange(0, 5))).date().isoformat(),
            "secret": f"s{i}",
        }
        if i % 23 == 0:
            data.pop("amount")
        if i % 29 == 0:
            data["channel"] = None
        rows.append(data)
    return rows


@pytest.fixture
def crm(app) -> Crm:
    """40 customers, 300 orders (two owners), Asia/Shanghai workspace."""
    rng = random.Random(42)
    with unit_of_work() as s:
        ws = Workspace(name=fresh("ws"), timezone=TZ)
        s.add(ws)
        s.flush()
        application = App(workspace_id=ws.id, key="crm", name={"en": "CRM"})
        s.add(application)
        s.flush()
        owner_id, other_owner = "U" + fresh("o")[:25], "V" + fresh("o")[:25]
        crm = Crm(workspace_id=ws.id, app_id=application.id, owner_id=owner_id)
        for definition in (CUSTOMER, ORDER):
            form = Form(workspace_id=ws.id, app_id=application.id, key=definition["key"],
                        definition=definition, version=1, data_version=1)
            s.add(form)
            s.flush()
            crm.forms[definition["key"]] = form.id
        for i in range(40):
            data = {"name": f"客户{i:02d}", "phone": f"1380000{i:04d}", "channel": rng.choice(CHANNELS[:3])}
            rec = Record(workspace_id=ws.id, form_id=crm.forms["customer"], data=data)
            s.add(rec)
            s.flush()
            crm.customers.append((rec.id, data))
        ids = [c[0] for c in crm.customers]
        for i, data in enumerate(make_orders(rng, ids, 300)):
            owner = owner_id if i % 3 else other_owner
            rec = Record(workspace_id=ws.id, form_id=crm.forms["order"], data=data, owner_id=owner)
            s.add(rec)
            s.flush()
            crm.orders.append((rec.id, data, owner))
    return crm


def add_orders(crm: Crm, rows: list[dict]) -> None:
    with unit_of_work() as s:
        for data in rows:
            rec = Record(workspace_id=crm.workspace_id, form_id=crm.forms["order"], data=data,
                         owner_id=crm.owner_id)
            s.add(rec)
            s.flush()
            crm.orders.append((rec.id, data, crm.owner_id))
        s.execute(sa.update(Form).where(Form.id == crm.forms["order"])
                  .values(data_version=Form.data_version + 1))


@pytest.fixture
def run(crm):
    """Run a spec as the owner (or another actor), cache off unless asked."""
    from app.report_engine.run import run_report

    def _run(spec: dict, actor: Actor | None = None, use_cache: bool = False, **kw):
        spec = {"source": "order", **spec}
        with unit_of_work() as s:
            return run_report(s, actor or crm.actor, spec, app_id=crm.app_id, use_cache=use_cache, **kw)
    return _run
