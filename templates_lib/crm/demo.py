"""Seeded demo data for the Repurchase CRM: stores, products, customers with realistic repurchase
behaviour, orders, tickets, follow-ups and opportunities, written through the bulk write path.

Repurchase follows the BG/NBD story: each customer buys at their own Poisson rate (rates are
Gamma-distributed across customers, so most buy rarely and a few often) and after every purchase
drops out for good with their own probability (Beta-distributed). Most customers therefore buy
once; a minority come back again and again, each at their own rhythm."""
from __future__ import annotations

import datetime as dt
import random
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth.actor import Actor
from app.form_engine import records
from app.form_engine.forms import get_form_by_key
from app.models import Department, Record

Progress = Callable[[int, int], None]

STORES = ["旗舰店", "万象城店", "大悦城店", "社区店", "线上商城"]
CHANNEL_WEIGHTS = {"门店": 38, "天猫": 18, "京东": 10, "小程序": 20, "公众号": 6, "抖音": 8}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玲萍红玉梅琳晨欣怡子涵梓轩雨桐浩然佳琪思远"
TAGS = ["VIP", "价格敏感", "老客推荐", "企业客户", "敏感肌"]
# name, category, price, replenishment cycle (days, None: durable), cross-sell SKUs by index
PRODUCTS = [
    ("氨基酸洁面乳", "护肤", 89, 60), ("玻尿酸保湿精华", "护肤", 269, 45),
    ("修护面霜", "护肤", 199, 60), ("清爽防晒乳", "护肤", 129, 45),
    ("补水面膜(10片)", "护肤", 99, 30), ("眼霜", "护肤", 239, 90),
    ("丝绒口红", "彩妆", 159, None), ("气垫粉底", "彩妆", 219, 90),
    ("眼影盘", "彩妆", 189, None), ("卸妆油", "护肤", 139, 60),
    ("控油洗发水", "洗护", 69, 45), ("修护护发素", "洗护", 69, 45),
    ("沐浴露", "洗护", 59, 40), ("身体乳", "洗护", 99, 60),
    ("木质香水 50ml", "香氛", 499, None), ("香薰蜡烛", "香氛", 159, 90),
    ("胶原蛋白肽(30天)", "保健", 299, 30), ("复合维生素(60粒)", "保健", 159, 60),
    ("益生菌(30袋)", "保健", 199, 30), ("声波电动牙刷", "个护电器", 399, None),
    ("牙刷替换头(4支)", "个护电器", 89, 90), ("负离子吹风机", "个护电器", 599, None),
]
CROSS_SELL = {0: [9, 2], 1: [2, 5], 2: [1, 4], 3: [0], 6: [7, 8], 7: [9], 10: [11], 11: [10, 13],
              12: [13], 16: [17], 19: [20], 21: [11]}


class DemoResult(dict):
    """{"counts": {form key: rows}}: a dict, so the install job stores it as the job's result;
    `.counts` for the CLI. (Not a dataclass: the template loader runs this file without
    registering it in sys.modules, which dataclasses need.)"""

    @property
    def counts(self) -> dict[str, int]:
        return self["counts"]


class _Writer:
    """Buffers rows per form and writes them through records.bulk_create in full batches."""

    def __init__(self, session: Session, actor: Actor, forms: dict, total: int,
                 progress: Progress | None):
        self.session, self.actor, self.forms = session, actor, forms
        self.total, self.done, self.progress = total, 0, progress
        self.counts: dict[str, int] = {}

    def write(self, form_key: str, rows: list[dict]) -> list[str]:
        ids: list[str] = []
        for start in range(0, len(rows), records.BULK_MAX):
            batch = rows[start:start + records.BULK_MAX]
            result = records.bulk_create(self.session, self.actor, self.forms[form_key], batch,
                                         source="template")
            ids.extend(result.ids)
            self.done += len(batch)
            self.counts[form_key] = self.counts.get(form_key, 0) + len(batch)
            if self.progress:
                self.progress(min(self.done, self.total), self.total)
        return ids


def _stores(session: Session, workspace_id: str) -> list[str]:
    existing = dict(session.execute(sa.select(Department.name, Department.id).where(
        Department.workspace_id == workspace_id, Department.name.in_(STORES))).all())
    for name in STORES:
        if name not in existing:
            dep = Department(workspace_id=workspace_id, name=name)
            session.add(dep)
            session.flush()
            existing[name] = dep.id
    return [existing[name] for name in STORES]


def _existing_products(session: Session, form_id: str, planned: list[dict]) -> list[str] | None:
    """The ids of the demo products when an earlier run created them (in `planned` order)."""
    rows = session.execute(sa.select(Record.id, Record.data).where(Record.form_id == form_id)).all()
    by_sku = {data.get("sku"): rid for rid, data in rows}
    ids = [by_sku.get(p["sku"]) for p in planned]
    return ids if all(ids) else None


def _phone(i: int, seed: int) -> str:
    # A bijection of i onto 8 digits keeps phones unique for any size without a lookup set.
    return f"13{(seed % 7) + 1}{(i * 7919 + 12345) % 100_000_000:08d}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _products() -> list[dict]:
    rows = []
    for i, (name, category, price, cycle) in enumerate(PRODUCTS):
        row = {"sku": f"SKU{i + 1:04d}", "name": name, "category": category, "price": price,
               "consumable": cycle is not None, "on_sale": True}
        if cycle:
            row["replenish_days"] = cycle
        rows.append(row)
    return rows


def _purchase_times(rng: random.Random, start: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
    """One customer's purchase times: first at `start`, then Poisson gaps until drop-out."""
    rate_per_year = rng.gammavariate(0.9, 3.2)          # mean ~2.9, long right tail
    dropout = rng.betavariate(1.2, 2.4)                 # mean ~0.33 after each purchase
    times, at = [start], start
    while rng.random() > dropout:
        at = at + dt.timedelta(days=rng.expovariate(max(rate_per_year, 0.05)) * 365.0)
        if at >= now:
            break
        times.append(at)
    return times


def plan_customers(n: int, seed: int, now: dt.datetime, store_ids: list[str],
                   first: int = 0) -> list[dict]:
    rng = random.Random(seed + first)
    channels, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    out = []
    for i in range(first, first + n):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .6 else "")
        birthday = dt.date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
        row = {"name": name, "phone": _phone(i, seed), "gender": rng.choices(["女", "男"], [78, 22])[0],
               "birthday": birthday.isoformat(), "source_channel": rng.choices(channels, weights)[0],
               "store": rng.choice(store_ids), "consent_marketing": rng.random() < 0.72,
               "member_tier": "普通"}
        if rng.random() < 0.2:
            row["tags"] = rng.sample(TAGS, rng.randint(1, 2))
        out.append(row)
    return out


def plan_orders(customer_ids: list[str], customers: list[dict], products: list[dict], seed: int,
                now: dt.datetime, years: float = 2.0) -> list[dict]:
    rng = random.Random(seed + 1)
    first_window = dt.timedelta(days=365 * years)
    consumables = [p for p in products if p["consumable"]]
    orders = []
    for cid, cust in zip(customer_ids, customers):
        if cid is None or rng.random() < 0.08:           # prospects who never bought
            continue
        start = now - first_window * rng.random() ** 0.8
        favourite = rng.choice(consumables)
        channel = cust["source_channel"] if rng.random() < 0.8 else rng.choice(list(CHANNEL_WEIGHTS))
        for at in _purchase_times(rng, start, now):
            lines = [favourite] if rng.random() < 0.55 else []
            while not lines or (len(lines) < 3 and rng.random() < 0.3):
                pick = rng.choice(products)
                if pick not in lines:
                    lines.append(pick)
            roll = rng.random()
            status = "已完成" if roll < 0.93 else "已退款" if roll < 0.97 else "待付款"
            order = {"customer": cid, "channel": channel, "store": cust["store"], "status": status,
                     "ordered_at": _iso(at + dt.timedelta(hours=rng.uniform(9, 21)) -
                                        dt.timedelta(hours=at.hour)),
                     "items": [{"sku": p["sku"], "product_name": p["name"], "category": p["category"],
                                "qty": 1 if rng.random() < 0.8 else 2, "price": p["price"]}
                               for p in lines]}
            if status == "已退款":
                order["refund_reason"] = rng.choice(["不喜欢", "过敏", "发错货", "重复下单"])
            orders.append(order)
    orders.sort(key=lambda o: o["ordered_at"])
    return orders


def _service_rows(rng: random.Random, customer_ids: list[str], now: dt.datetime):
    tickets, follow_ups, opportunities = [], [], []
    live = [c for c in customer_ids if c]
    for cid in rng.sample(live, max(1, len(live) // 20)):
        opened = now - dt.timedelta(days=rng.uniform(0, 180))
        closed = rng.random() < 0.8
        ticket = {"customer": cid, "type": rng.choices(["咨询", "投诉", "售后"], [5, 2, 3])[0],
                  "description": rng.choice(["咨询使用方法", "快递破损", "过敏反应", "想换货", "发票问题"]),
                  "priority": rng.choices(["低", "中", "高", "紧急"], [2, 5, 2, 1])[0],
                  "status": "已关闭" if closed else rng.choice(["新建", "处理中"]),
                  "sla_due": _iso(opened + dt.timedelta(hours=24))}
        if closed:
            ticket["resolution"] = "已处理并回访"
            ticket["closed_at"] = _iso(opened + dt.timedelta(hours=rng.expovariate(1 / 16)))
        tickets.append(ticket)
    for cid in rng.sample(live, max(1, len(live) // 10)):
        follow_ups.append({"customer": cid, "way": rng.choice(["电话", "微信", "到店", "短信"]),
                           "content": rng.choice(["回访使用体验", "邀请参加会员日", "推荐新品", "生日问候"]),
                           "result": rng.choice(["有意向", "已购买", "暂无需求", "未接通"]),
                           "followed_at": _iso(now - dt.timedelta(days=rng.uniform(0, 120)))})
    stages = ["线索", "初步接触", "需求确认", "报价", "成交", "输单"]
    for cid in rng.sample(live, max(1, len(live) // 30)):
        stage = rng.choices(stages, [3, 3, 2, 2, 3, 2])[0]
        opp = {"title": rng.choice(["企业团购", "年卡套餐", "婚礼伴手礼", "员工福利"]), "customer": cid,
               "stage": stage, "amount": rng.choice([2000, 5000, 8000, 12000, 30000]),
               "expected_close": (now + dt.timedelta(days=rng.randint(-60, 90))).date().isoformat()}
        if stage == "输单":
            opp["lost_reason"] = rng.choice(["价格", "选择竞品", "预算取消"])
        opportunities.append(opp)
    return tickets, follow_ups, opportunities


def _surveys(rng: random.Random, tickets: list[dict], ids: list[str], now: dt.datetime):
    """Most closed tickets get a rating back; complaints rate lower."""
    out = []
    for ticket, tid in zip(tickets, ids):
        if ticket["status"] != "已关闭" or rng.random() > 0.7:
            continue
        weights = [3, 3, 4, 5, 5] if ticket["type"] == "投诉" else [1, 1, 3, 8, 12]
        at = min(_parse(ticket["closed_at"]) + dt.timedelta(hours=rng.uniform(1, 48)), now)
        out.append({"ticket": tid, "rating": rng.choices([1, 2, 3, 4, 5], weights)[0],
                    "submitted_at": _iso(at)})
    return out


def _parse(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


JOURNEY_COUPONS = {"second_order": 20, "replenishment": 10, "birthday": 30, "churn_warning": 50}


def _journey_history(rng: random.Random, orders: list[dict], now: dt.datetime):
    """What the journeys would have logged over the last 90 days: touches and holdouts (the
    follow-up journey log, with the orders each saw within 7 days) and the coupons they issued."""
    by_customer: dict[str, list[dt.datetime]] = {}
    for o in orders:
        if o["status"] == "已完成":
            by_customer.setdefault(o["customer"], []).append(_parse(o["ordered_at"]))
    touches, coupons = [], []
    journeys = ["first_order", "second_order", "replenishment", "cross_sell", "birthday",
                "churn_warning"]
    for cid in sorted(by_customer):
        if rng.random() > 0.3:
            continue
        journey = rng.choice(journeys)
        at = now - dt.timedelta(days=rng.uniform(8, 90))
        holdout = journey in ("second_order", "churn_warning") and rng.random() < 0.1
        within = sum(1 for t in by_customer[cid] if at < t <= at + dt.timedelta(days=7))
        before = sum(1 for t in by_customer[cid] if t <= at)
        touches.append({"customer": cid, "way": "短信", "content": "对照组：未发送" if holdout
                        else "自动旅程触达", "journey": journey,
                        "group": "对照" if holdout else "触达", "baseline_orders": before,
                        "orders_7d": within, "followed_at": _iso(at)})
        if not holdout and journey in JOURNEY_COUPONS:
            valid = (at + dt.timedelta(days=14)).date()
            status = "已核销" if within else "已过期" if valid < now.date() else "已发放"
            coupons.append({"customer": cid, "value": JOURNEY_COUPONS[journey],
                            "valid_until": valid.isoformat(), "status": status,
                            "issued_by": journey})
    return touches, coupons


def generate(session: Session, actor: Actor, app_id: str, *, customers: int, seed: int = 42,
             progress: Progress | None = None) -> DemoResult:
    """Fill an installed CRM app with `customers` customers and their history (about 2.3 orders
    per buying customer); `progress(done, total)` is called after each batch."""
    now = clock.now()
    # Demo history includes fields people may not type (closed_at, journey logs): the template
    # writes it, whoever asked for it.
    actor = Actor.system(actor.workspace_id, via="template")
    forms = {}
    for key in ("customer", "product", "order", "ticket", "follow_up", "opportunity", "survey",
                "coupon"):
        form = get_form_by_key(session, actor.workspace_id, app_id, key)
        forms[key] = form.id
    store_ids = _stores(session, actor.workspace_id)
    product_rows = _products()
    # Phones continue after the customers already there, so a second run adds, never clashes.
    first = records.count(session, actor, forms["customer"])
    customer_rows = plan_customers(customers, seed, now, store_ids, first=first)
    estimate = len(product_rows) + customers + int(customers * 2.1) + customers // 6
    writer = _Writer(session, actor, forms, estimate, progress)
    product_ids = _existing_products(session, forms["product"], product_rows)
    if product_ids is None:
        product_ids = writer.write("product", product_rows)
        for index, picks in CROSS_SELL.items():
            records.update(session, actor, product_ids[index],
                           {"cross_sell": [product_ids[i] for i in picks]}, source="template")
    customer_ids = writer.write("customer", customer_rows)
    writer.total = writer.done + int(customers * 2.1) + customers // 6
    orders = plan_orders(customer_ids, customer_rows, product_rows, seed, now)
    writer.write("order", orders)
    rng = random.Random(seed + 2)
    tickets, follow_ups, opportunities = _service_rows(rng, customer_ids, now)
    ticket_ids = writer.write("ticket", tickets)
    writer.write("survey", _surveys(rng, tickets, ticket_ids, now))
    touches, coupons = _journey_history(rng, orders, now)
    writer.write("follow_up", follow_ups + touches)
    writer.write("coupon", coupons)
    writer.write("opportunity", opportunities)
    if progress:
        progress(writer.done, writer.done)
    return DemoResult(counts=writer.counts)
