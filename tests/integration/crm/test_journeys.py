"""The CRM journeys as installed from the template, with the real worker and the movable clock:
one test per journey, plus consent, the frequency cap and the holdout."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

from tests.integration.crm.conftest import customer_in


def sms_to(crm, phone: str) -> list[dict]:
    return [m for m in crm.messages(channel="sms") if m["to"] == phone]


def delivered(messages: list[dict]) -> list[dict]:
    """Messages the journey meant to send (no SMS gateway in tests: `not_sent`, not skipped)."""
    return [m for m in messages if m["status"] != "skipped"]


def test_first_order_thanks_at_once_and_tips_seven_days_later(crm):
    crm.enable("first_order")
    ann = crm.customer("王芳", "13800000001")
    crm.order(ann, 300)
    crm.settle()
    sent = delivered(sms_to(crm, "13800000001"))
    assert [m["node_id"] for m in sent] == ["thanks"]
    assert sent[0]["body"].startswith("王芳，感谢您首次光临")
    crm.advance(days=6)
    assert [m["node_id"] for m in delivered(sms_to(crm, "13800000001"))] == ["thanks"]
    crm.advance(days=1, hours=1)
    sent = delivered(sms_to(crm, "13800000001"))
    assert [m["node_id"] for m in sent] == ["thanks", "tips"]
    assert "王芳" in sent[1]["body"]
    # A second order is not a first order: no new welcome.
    crm.order(ann, 100)
    crm.settle()
    assert len(delivered(sms_to(crm, "13800000001"))) == 2


def test_birthday_greeting_three_days_before_at_nine_once_a_year(crm):
    crm.enable("birthday")
    crm.customer("李娜", "13800000002", birthday="1990-06-08")      # START is 2025-06-02
    crm.settle()
    assert sms_to(crm, "13800000002") == []
    # 2025-06-05 08:00 Shanghai: not yet 09:00.
    crm.advance(days=2, hours=22)
    assert sms_to(crm, "13800000002") == []
    crm.advance(hours=2)
    sent = delivered(sms_to(crm, "13800000002"))
    assert [m["node_id"] for m in sent] == ["sms"]
    assert "李娜，生日快乐" in sent[0]["body"]
    coupons = [c for c in crm.rows("coupon") if c["issued_by"] == "birthday"]
    assert len(coupons) == 1 and coupons[0]["value"] == 30
    assert coupons[0]["code"] in sent[0]["body"]
    crm.advance(days=3)
    assert len(sms_to(crm, "13800000002")) == 1                    # once this year
    crm.clock.freeze(dt.datetime(2026, 6, 5, 1, 30, tzinfo=dt.timezone.utc))
    crm.settle()
    assert len(delivered(sms_to(crm, "13800000002"))) == 2         # and again next year


def test_churn_warning_call_back_task_then_win_back_only_without_a_new_order(crm):
    crm.enable("churn_warning")
    big = customer_in(crm, "churn_warning", "send", "13800000003", name="张伟")
    back = customer_in(crm, "churn_warning", "send", "13800000004", name="刘强")
    small = customer_in(crm, "churn_warning", "send", "13800000013", name="小客户")
    for who, amount in ((big, 1200), (back, 1500), (small, 300)):
        crm.order(who, amount)
    crm.settle()
    crm.advance(days=89)
    assert crm.tasks() == []
    crm.advance(days=1, hours=1)
    tasks = crm.tasks()
    assert len(tasks) == 2                                   # not the small spender
    assert all(t["assignee_id"] == crm.user_id for t in tasks)
    assert {("张伟" in t["title"], "刘强" in t["title"]) for t in tasks} == {(True, False),
                                                                           (False, True)}
    for t in tasks:
        due = dt.datetime.fromisoformat(t["due_at"].replace("Z", "+00:00"))
        assert dt.timedelta(days=1) < due - crm.clock.now() <= dt.timedelta(days=2)
    assert crm.record(big)["lifecycle"] == "流失预警"
    crm.order(back, 100)                                     # comes back meanwhile
    crm.settle()
    crm.advance(days=7, hours=1)
    sent = delivered(sms_to(crm, "13800000003"))
    assert [m["node_id"] for m in sent] == ["sms"] and "张伟，好久不见" in sent[0]["body"]
    assert sms_to(crm, "13800000004") == []
    assert [c["customer"] for c in crm.rows("coupon")] == [big]


def test_holdout_customers_get_nothing_and_are_counted(crm):
    crm.enable("churn_warning")
    held = customer_in(crm, "churn_warning", "holdout", "13800000011", name="对照")
    treated = customer_in(crm, "churn_warning", "send", "13800000012", name="触达")
    crm.order(held, 2000)
    crm.order(treated, 2000)
    crm.settle()
    crm.advance(days=90, hours=1)
    assert all("对照" not in t["title"] for t in crm.tasks())
    crm.advance(days=7, hours=1)
    assert sms_to(crm, "13800000011") == []
    assert len(delivered(sms_to(crm, "13800000012"))) == 1
    log = {(r["customer"], r["group"]) for r in crm.rows("follow_up") if r.get("journey")}
    assert log == {(held, "对照"), (treated, "触达")}
    crm.advance(days=7, hours=1)                             # measured 7 days after the touch
    measured = {r["customer"]: r["orders_7d"] for r in crm.rows("follow_up") if r.get("journey")}
    assert measured == {held: 0, treated: 0}
    data = crm.api.get(f"/api/v1/dashboards/{crm.dashboards['journeys']}/data").json["widgets"]
    assert not data["uplift"].get("error"), data["uplift"]
    counted = {(row[0], row[1]) for row in _rows(data["uplift"])}
    assert counted, data["uplift"]


def _rows(widget: dict) -> list:
    result = widget.get("result", widget)
    return result.get("rows", [])


def test_second_order_push_coupon_then_task_if_still_no_second_order(crm):
    crm.enable("second_order")
    one = customer_in(crm, "second_order", "send", "13800000021", name="钱多")
    crm.order(one, 150)
    crm.settle()
    crm.advance(days=30, hours=1)
    sent = delivered(sms_to(crm, "13800000021"))
    assert [m["node_id"] for m in sent] == ["sms"]
    coupon = [c for c in crm.rows("coupon") if c["issued_by"] == "second_order"]
    assert len(coupon) == 1 and coupon[0]["code"] in sent[0]["body"]
    crm.advance(days=14, hours=1)
    tasks = [t for t in crm.tasks() if "回访新客" in t["title"]]
    assert len(tasks) == 1 and tasks[0]["assignee_id"] == crm.user_id


def test_replenishment_reminder_before_a_consumable_runs_out_unless_reordered(crm):
    crm.enable("replenishment")
    crm.product("SKU-C", name="洁面乳", consumable=True, replenish_days=30)
    crm.product("SKU-D", name="吹风机")
    due = crm.customer("孙悦", "13800000031")
    again = crm.customer("周周", "13800000032")
    durable = crm.customer("吴用", "13800000033")
    crm.order(due, 89, sku="SKU-C")
    crm.order(again, 89, sku="SKU-C")
    crm.order(durable, 599, sku="SKU-D")
    crm.settle()
    assert crm.record(due)["replenish_due_on"] == "2025-07-02"
    crm.advance(days=10)
    crm.order(again, 89, sku="SKU-C", when=crm.clock.now())
    crm.settle()
    crm.advance(days=13)                                    # 06-25 10:00 = due - 7 days
    sent = delivered(sms_to(crm, "13800000031"))
    assert [m["node_id"] for m in sent] == ["sms"] and "洁面乳" in sent[0]["body"]
    assert [m["node_id"] for m in delivered(sms_to(crm, "13800000032"))] == []
    assert sms_to(crm, "13800000033") == []


def test_cross_sell_thirty_days_after_buying_a_product_with_pairings(crm):
    crm.enable("cross_sell")
    cream = crm.product("SKU-M", name="面霜")
    crm.product("SKU-S", name="精华", cross_sell=[cream])
    crm.product("SKU-X", name="吹风机")
    buyer = crm.customer("郑爽", "13800000041")
    other = crm.customer("冯巩", "13800000042")
    crm.order(buyer, 269, sku="SKU-S")
    crm.order(other, 599, sku="SKU-X")
    crm.settle()
    crm.advance(days=29)
    assert sms_to(crm, "13800000041") == []
    crm.advance(days=1, hours=1)
    sent = delivered(sms_to(crm, "13800000041"))
    assert [m["node_id"] for m in sent] == ["sms"] and "面霜" in sent[0]["body"]
    assert sms_to(crm, "13800000042") == []


def test_tier_upgrade_when_total_spent_crosses_a_threshold(crm):
    crm.enable("tier_upgrade")
    vip = crm.customer("陈静", "13800000005")
    crm.order(vip, 1500)
    crm.settle()
    assert crm.record(vip)["member_tier"] == "普通"
    crm.order(vip, 600)
    crm.settle()
    assert crm.record(vip)["member_tier"] == "银卡"
    sent = delivered(sms_to(crm, "13800000005"))
    assert [m["node_id"] for m in sent] == ["notice"] and "银卡" in sent[0]["body"]


def test_points_for_a_completed_order_and_a_reminder_before_they_expire(crm):
    crm.enable("points")
    who = crm.customer("杨洋", "13800000006")
    crm.order(who, 258.5)
    crm.order(who, 99, status="待付款")
    crm.settle()
    ledger = crm.rows("points")
    assert [(p["change"], p["reason"]) for p in ledger] == [(258, "消费积分")]
    assert crm.record(who)["points_balance"] == 258
    expires = dt.date.fromisoformat(ledger[0]["expires_at"])
    assert expires == dt.date(2026, 6, 2)
    crm.clock.freeze(dt.datetime(2026, 5, 3, 1, 0, tzinfo=dt.timezone.utc))
    crm.settle()
    assert sms_to(crm, "13800000006") == []
    crm.advance(hours=2, minutes=1)
    sent = delivered(sms_to(crm, "13800000006"))
    assert [m["node_id"] for m in sent] == ["remind"] and "258" in sent[0]["body"]


def test_follow_up_reminder_notifies_the_owner_at_nine(crm):
    crm.enable("follow_up_reminder")
    who = crm.customer("赵敏", "13800000007")
    crm.create("follow_up", {"customer": who, "content": "邀请参加会员日",
                             "owner": crm.user_id,
                             "next_follow_up_at": "2025-06-03T01:30:00Z"})
    crm.settle()
    crm.advance(hours=22)                          # 2025-06-03 08:00 Shanghai
    assert crm.messages(channel="inapp") == []
    crm.advance(hours=1, minutes=30)
    notes = crm.messages(channel="inapp")
    assert len(notes) == 1 and "赵敏" in notes[0]["body"] and "邀请参加会员日" in notes[0]["body"]
    inbox = crm.api.get("/api/v1/notifications").json["items"]
    assert any("赵敏" in (n.get("body") or n["title"]) for n in inbox)


def test_closed_ticket_sends_the_survey_and_a_low_rating_makes_a_manager_task(crm, make_client):
    crm.enable("ticket", "ticket_closed")
    r = crm.api.post("/api/v1/members", json={"email": "service@example.com", "role": "member",
                                              "name": "客服小王"})
    assert r.status_code == 201, r.json
    service = r.json["user_id"] if "user_id" in r.json else r.json["user"]["id"]
    who = crm.customer("孙丽", "13800000008")
    ticket = crm.create("ticket", {"customer": who, "description": "快递破损", "priority": "中"})
    crm.settle()
    assigned = [t for t in crm.tasks() if "处理工单" in t["title"]]
    assert [t["assignee_id"] for t in assigned] == [service]
    assert crm.record(ticket)["status"] == "处理中"
    assert crm.record(ticket)["assignee"] == service
    crm.update(ticket, {"status": "已关闭", "resolution": "已补发"})
    crm.settle()
    [survey] = [m for m in crm.messages() if m["node_id"] == "survey"]
    assert (survey["channel"], survey["to"], survey["status"]) == ("sms", "13800000008", "not_sent")
    assert "孙丽" in survey["body"]
    assert crm.record(ticket)["closed_at"]

    # The customer follows the link in the SMS: the page hides the ticket, the submit carries
    # the signed prefill that ties the rating to this ticket.
    token, prefill = re.search(r"/f/([\w-]+)\?p=(\S+)", survey["body"]).groups()
    customer = make_client(signup=False)
    page = customer.get(f"/api/v1/public/{token}", query_string={"prefill": unquote(prefill)})
    assert page.status_code == 200, page.json
    assert [f["key"] for f in page.json["form"]["fields"]] == ["rating", "comment"]
    r = customer.post(f"/api/v1/public/{token}/submit",
                      json={"data": {"rating": 2, "comment": "太慢了"}, "prefill": unquote(prefill)})
    assert r.status_code == 201, r.json
    crm.settle()
    assert crm.record(ticket)["satisfaction"] == 2
    manager = [t for t in crm.tasks() if t["title"].startswith("差评回访")]
    assert len(manager) == 1 and "评分2" in manager[0]["title"]

    # A customer who did not consent gets no survey SMS (logged as skipped).
    silent = crm.customer("钱七", "13800000018", consent_marketing=False)
    closed = crm.create("ticket", {"customer": silent, "description": "咨询", "priority": "低"})
    crm.settle()
    crm.update(closed, {"status": "已关闭", "resolution": "已答复"})
    crm.settle()
    [skipped] = [m for m in sms_to(crm, "13800000018") if m["node_id"] == "survey"]
    assert (skipped["status"], skipped["reason"]) == ("skipped", "no consent")


def test_frequency_cap_logs_the_third_marketing_message_of_the_week_as_skipped(crm, sms_gateway):
    crm.enable("birthday", "second_order", "cross_sell")
    cream = crm.product("SKU-M", name="面霜")
    crm.product("SKU-S", name="精华", cross_sell=[cream])
    # Birthday greeting on day 29 at 09:00; second-order push and cross-sell on day 30 at 10:00.
    who = customer_in(crm, "second_order", "send", "13800000009", name="周杰",
                      birthday="1990-07-04")
    crm.order(who, 269, sku="SKU-S")
    crm.settle()
    crm.advance(days=30, hours=1)
    marketing = [m for m in sms_to(crm, "13800000009") if m["marketing"]]
    assert len(marketing) == 3
    assert sorted(m["status"] for m in marketing) == ["sent", "sent", "skipped"]
    assert len(sms_gateway) == 2
    skipped = [m for m in marketing if m["status"] == "skipped"]
    assert len(skipped) == 1 and "cap" in (skipped[0]["reason"] or "")
    assert skipped[0]["node_id"] == "sms"


def test_non_consenting_customers_get_no_marketing(crm):
    crm.enable("first_order", "birthday", "churn_warning")
    who = crm.customer("吴刚", "13800000010", birthday="1990-06-06", consent_marketing=False)
    crm.order(who, 1500)
    crm.settle()
    crm.advance(days=8)
    assert [m for m in sms_to(crm, "13800000010") if m["marketing"] and m["status"] != "skipped"] == []
    assert [m for m in sms_to(crm, "13800000010") if m["node_id"] == "sms"] == []


def test_nightly_rfm_refresh_writes_the_report_engines_scores_to_each_customer(crm):
    from app.flow_engine.triggers import sweep_schedules
    from app.report_engine.run import run_report

    crm.enable("rfm_refresh")
    people = [crm.customer(f"客{i}", f"1380000010{i}") for i in range(5)]
    for i, who in enumerate(people):
        for k in range(i + 1):
            crm.order(who, 100 * (i + 1), when=crm.clock.now() - dt.timedelta(days=20 * (5 - i) + k))
    crm.settle()
    crm.clock.advance(dt.timedelta(hours=17))               # past 02:30 in Shanghai
    assert sweep_schedules() == 1
    crm.settle()
    [run] = crm.runs("rfm_refresh")
    assert crm.run(run["id"])["status"] == "completed"
    spec = next(n for n in crm.api.get(f"/api/v1/flows/{crm.flows['rfm_refresh']}").json
                ["definition"]["nodes"] if n["id"] == "rfm")["spec"]
    from app.extensions import unit_of_work

    with unit_of_work() as s:
        expected = run_report(s, crm.actor, spec, app_id=crm.app_id, use_cache=False)
    keys = [c["key"] for c in expected["columns"]]
    assert len(expected["rows"]) == 5
    for row in expected["rows"]:
        item = dict(zip(keys, row))
        data = crm.record(item["customer"])
        assert (data["r_score"], data["f_score"], data["m_score"], data["rfm_segment"]) == (
            item["r"], item["f"], item["m"], item["segment"])
        assert data["rfm_updated_at"]
