"""Writes templates_lib/crm/bundle.json (the Repurchase CRM app bundle) from readable Python.

The committed bundle.json is the product; this module only keeps the 2,000 lines of JSON
consistent (labels in two languages, the journey-measurement steps repeated in every journey).
Run: python -m templates_lib.crm.build
"""
from __future__ import annotations

import json
from pathlib import Path

from templates_lib.crm import thresholds as T

BUNDLE_PATH = Path(__file__).with_name("bundle.json")

CHANNELS = ["门店", "天猫", "京东", "小程序", "公众号", "抖音", "其他"]
CATEGORIES = ["护肤", "彩妆", "洗护", "香氛", "保健", "个护电器"]
TIERS = ["普通", "银卡", "金卡", "钻石"]
LIFECYCLES = ["潜在", "新客", "活跃", "沉睡", "流失预警", "流失"]
RFM_SEGMENTS = ["重要价值", "重要唤回", "重要深耕", "重要挽留", "潜力", "新客", "一般维持", "流失"]
ORDER_STATUSES = ["待付款", "已完成", "已退款"]
TICKET_STATUSES = ["新建", "处理中", "已关闭"]
OPPORTUNITY_STAGES = ["线索", "初步接触", "需求确认", "报价", "成交", "输单"]
TOUCH_GROUPS = ["触达", "对照"]
JOURNEYS = ["first_order", "second_order", "replenishment", "cross_sell", "birthday",
            "churn_warning"]


def L(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


def field(key: str, type_: str, zh: str, en: str, **options) -> dict:
    """A field; descriptions are {zh, en} like labels."""
    return {"key": key, "type": type_, "label": L(zh, en), **options}


def section(key: str, zh: str, en: str) -> dict:
    return {"key": key, "type": "section", "label": L(zh, en)}


def tier_rank(expr: str) -> str:
    """A tier name as a number, so 'crossing a threshold upwards' is one comparison."""
    return f"SWITCH({expr}, '钻石', 4, '金卡', 3, '银卡', 2, 1)"


# ---------------------------------------------------------------- forms

ROLLUP_DONE = "status = '已完成'"


# What each CRM role may do per form (app roles: a user holding several gets the union; a user
# with no CRM role falls back to the workspace-role entries "member" and "editor"). Owners and
# admins (the 管理员 role's base) see everything.
STORE_STAFF = {
    "customer": (["view", "create", "edit"], "department", {"readonly_fields": ["member_tier"]}),
    "product": (["view"], "all", {}),
    "order": (["view", "create", "edit"], "department", {}),
    "follow_up": (["view", "create", "edit"], "own", {}),
    "opportunity": (["view"], "own", {}),
    "ticket": (["view", "create"], "department", {}),
    "points": (["view", "create"], "department", {}),
    "coupon": (["view", "edit"], "department", {"readonly_fields": ["value", "customer",
                                                                   "issued_by"]}),
    "survey": (["view"], "department", {}),
}
SALES = {
    "customer": (["view", "create", "edit"], "all", {"readonly_fields": ["member_tier"]}),
    "product": (["view"], "all", {}),
    "order": (["view", "create"], "all", {}),
    "follow_up": (["view", "create", "edit"], "own", {}),
    "opportunity": (["view", "create", "edit"], "own", {}),
    "ticket": (["view", "create"], "own", {}),
    "points": (["view"], "all", {}),
    "coupon": (["view"], "all", {}),
    "survey": (["view"], "all", {}),
}
SERVICE = {
    "customer": (["view"], "all", {}),
    "product": (["view"], "all", {}),
    "order": (["view"], "all", {}),
    "follow_up": (["view", "create", "edit"], "own", {}),
    "opportunity": (["view"], "own", {}),
    "ticket": (["view", "create", "edit"], "all", {}),
    "points": (["view"], "all", {}),
    "coupon": (["view"], "all", {}),
    "survey": (["view", "export"], "all", {}),
}
EDITOR = {
    "customer": (["view", "edit", "import", "export"], "all", {}),
    "product": (["view", "create", "edit", "import", "export"], "all", {}),
    "order": (["view", "import", "export"], "all", {}),
    "follow_up": (["view", "export"], "all", {}),
    "opportunity": (["view", "export"], "all", {}),
    "ticket": (["view", "export"], "all", {}),
    "points": (["view", "create", "import", "export"], "all", {}),
    "coupon": (["view", "create", "edit", "export"], "all", {}),
    "survey": (["view", "export"], "all", {}),
}
RULES = {"store_staff": STORE_STAFF, "sales": SALES, "service": SERVICE, "marketing": EDITOR,
         # Workspace members without a CRM role work like store staff; editors like ops.
         "member": STORE_STAFF, "editor": EDITOR}


def permissions(form_key: str) -> dict:
    out = {}
    for role, table in RULES.items():
        operations, scope, extra = table[form_key]
        out[role] = {"operations": operations, "scope": scope, **extra}
    out["viewer"] = {"operations": ["view"], "scope": "all"}
    return out


def customer_form() -> dict:
    lifecycle = (
        "IFS(order_count = 0, '潜在', "
        f"days_since_last_order > {T.LOST_DAYS}, '流失', "
        f"days_since_last_order > {T.AT_RISK_DAYS} or churn_alert_at > last_order_at, '流失预警', "
        f"days_since_last_order > {T.SLEEPING_DAYS}, '沉睡', "
        "order_count = 1, '新客', TRUE, '活跃')")
    spend_tier = (f"IFS(total_spent >= {T.TIER_DIAMOND}, '钻石', total_spent >= {T.TIER_GOLD}, '金卡', "
                  f"total_spent >= {T.TIER_SILVER}, '银卡', TRUE, '普通')")
    readonly = {"readonly": True}
    return {
        "key": "customer",
        "name": L("客户", "Customer"),
        "title_field": "name",
        "fields": [
            section("basic", "基本信息", "Basics"),
            field("name", "text", "姓名", "Name", required=True, max_length=60),
            field("phone", "phone", "手机号", "Mobile", required=True, unique=True),
            field("email", "email", "邮箱", "Email"),
            field("gender", "select", "性别", "Gender", options=["女", "男", "未知"], default="未知"),
            field("birthday", "date", "生日", "Birthday"),
            field("source_channel", "select", "来源渠道", "Source channel", options=CHANNELS,
                  default="门店"),
            field("store", "department", "所属门店", "Store"),
            field("owner", "user", "专属顾问", "Owner", default="current_user"),
            field("tags", "multiselect", "标签", "Tags",
                  options=["VIP", "价格敏感", "老客推荐", "企业客户", "投诉过", "敏感肌"]),
            field("member_tier", "select", "会员等级", "Member tier", options=TIERS, default="普通"),
            field("consent_marketing", "checkbox", "同意接收营销消息", "Consents to marketing",
                  default=False,
                  description=L("未勾选的客户不会收到任何营销短信", "Unticked: no marketing messages at all")),
            field("notes", "textarea", "备注", "Notes", max_length=2000),
            section("purchases", "购买统计", "Purchases"),
            field("first_order_at", "rollup", "首次购买", "First order", source="order",
                  via="customer", agg="min", field="ordered_at", filter=ROLLUP_DONE, result="datetime"),
            field("last_order_at", "rollup", "最近购买", "Last order", source="order",
                  via="customer", agg="max", field="ordered_at", filter=ROLLUP_DONE, result="datetime"),
            field("order_count", "rollup", "购买次数", "Orders", source="order", via="customer",
                  agg="count", filter=ROLLUP_DONE, result="number"),
            field("total_spent", "rollup", "累计消费", "Total spent", source="order",
                  via="customer", agg="sum", field="amount", filter=ROLLUP_DONE, result="number",
                  ui={"format": "currency"}),
            field("avg_order_value", "formula", "客单价", "Average order value",
                  expression="IF(order_count > 0, ROUND(total_spent / order_count, 2), NULL)",
                  result="number", ui={"format": "currency"}),
            field("avg_days_between", "formula", "平均回购间隔(天)", "Average days between orders",
                  expression=("IF(order_count > 1, ROUND(DAYS(last_order_at, first_order_at) / "
                              "(order_count - 1), 1), NULL)"), result="number"),
            field("days_since_last_order", "formula", "距上次购买(天)", "Days since last order",
                  expression="IF(ISBLANK(last_order_at), NULL, DAYS(TODAY(), last_order_at))",
                  result="number"),
            field("lifecycle", "formula", "生命周期", "Lifecycle stage", expression=lifecycle,
                  result="text",
                  description=L(f"阈值(天)：沉睡>{T.SLEEPING_DAYS}，流失预警>{T.AT_RISK_DAYS}，"
                                f"流失>{T.LOST_DAYS}；在公式中修改",
                                f"Thresholds (days): sleeping>{T.SLEEPING_DAYS}, at risk>"
                                f"{T.AT_RISK_DAYS}, lost>{T.LOST_DAYS}; change them in the formula")),
            field("spend_tier", "formula", "应得等级", "Tier earned by spend", expression=spend_tier,
                  result="text"),
            field("churn_alert_at", "datetime", "流失预警时间", "Churn alert at", **readonly,
                  description=L("由流失预警旅程写入", "Written by the churn-warning journey")),
            field("replenish_due_on", "date", "补货到期", "Replenishment due", readonly=True,
                  description=L("由补货提醒旅程写入：最近所购消耗品预计用完的日期",
                                "Written by the replenishment journey")),
            field("points_balance", "rollup", "积分余额", "Points balance", source="points",
                  via="customer", agg="sum", field="change", result="number"),
            section("rfm", "RFM 分层", "RFM"),
            field("r_score", "number", "R 分", "R score", min=1, max=5, decimals=0, **readonly),
            field("f_score", "number", "F 分", "F score", min=1, max=5, decimals=0, **readonly),
            field("m_score", "number", "M 分", "M score", min=1, max=5, decimals=0, **readonly),
            field("rfm_segment", "select", "RFM 分层", "RFM segment", options=RFM_SEGMENTS,
                  **readonly),
            field("rfm_updated_at", "datetime", "分层更新时间", "RFM refreshed at", **readonly),
        ],
        "unique": [["phone"]],
        "permissions": permissions("customer"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True, "data_log": True},
    }


def product_form() -> dict:
    return {
        "key": "product",
        "name": L("商品", "Product"),
        "title_field": "name",
        "fields": [
            field("sku", "text", "SKU", "SKU", required=True, unique=True, max_length=40),
            field("name", "text", "商品名称", "Name", required=True, max_length=80),
            field("category", "select", "品类", "Category", options=CATEGORIES, allow_other=True,
                  required=True),
            field("price", "number", "售价", "Price", min=0, decimals=2, format="currency",
                  required=True),
            field("consumable", "checkbox", "消耗品", "Consumable", default=False),
            field("replenish_days", "number", "补货周期(天)", "Replenishment cycle (days)", min=7,
                  max=365, decimals=0, visible_when="consumable",
                  required_when="consumable"),
            field("cross_sell", "relation", "搭配推荐", "Cross-sell products", target="product",
                  multiple=True),
            field("cross_sell_names", "lookup", "搭配推荐名称", "Cross-sell names",
                  via="cross_sell", field="name", result="text", hidden=True),
            field("on_sale", "checkbox", "在售", "On sale", default=True),
            field("description", "textarea", "说明", "Description", max_length=2000),
        ],
        "permissions": permissions("product"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True},
    }


def order_form() -> dict:
    return {
        "key": "order",
        "name": L("订单", "Order"),
        "title_field": "order_no",
        "fields": [
            field("order_no", "serial", "订单号", "Order no.", prefix="SO-", digits=6),
            field("external_no", "text", "平台单号", "Marketplace order no.", unique=True,
                  max_length=64,
                  description=L("天猫/京东等平台的订单号，导入时用来去重",
                                "The marketplace's order number; imports match on it")),
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("customer_name", "lookup", "客户姓名", "Customer name", via="customer",
                  field="name", result="text"),
            field("customer_phone", "lookup", "客户手机", "Customer mobile", via="customer",
                  field="phone", result="text"),
            field("customer_consent", "lookup", "客户同意营销", "Customer consents to marketing",
                  via="customer", field="consent_marketing", result="boolean", hidden=True),
            field("channel", "select", "渠道", "Channel", options=CHANNELS, default="门店"),
            field("store", "department", "门店", "Store"),
            # Rows name the product by SKU: the form format has no relation inside a subform.
            field("items", "subform", "商品明细", "Items", min_rows=1, fields=[
                field("sku", "text", "SKU", "SKU", required=True, max_length=40),
                field("product_name", "text", "商品", "Product", max_length=80),
                field("category", "select", "品类", "Category", options=CATEGORIES,
                      allow_other=True),
                field("qty", "number", "数量", "Qty", min=1, decimals=0, default=1, required=True),
                field("price", "number", "单价", "Unit price", min=0, decimals=2, required=True),
                field("line_total", "formula", "小计", "Line total", expression="qty * price",
                      result="number"),
            ]),
            field("amount", "formula", "订单金额", "Amount", expression="SUM(items.line_total)",
                  result="number", ui={"format": "currency"}),
            field("main_category", "formula", "主品类", "Main category",
                  expression=("LEFT(TEXTJOIN('|', TRUE, items.category), "
                              "SEARCH('|', TEXTJOIN('|', TRUE, items.category) & '|') - 1)"),
                  result="text", description=L("第一行商品的品类", "The first item's category")),
            field("status", "select", "状态", "Status", options=ORDER_STATUSES, default="待付款"),
            field("ordered_at", "datetime", "下单时间", "Ordered at",
                  default={"expression": "NOW()"}, required=True),
            field("refund_reason", "textarea", "退款原因", "Refund reason",
                  visible_when="status = '已退款'", required_when="status = '已退款'"),
        ],
        "unique": [["order_no"]],
        "validations": [{"expression": "amount > 0 or status = '已退款'",
                         "message": L("金额必须大于0", "The amount must be above 0")}],
        "permissions": permissions("order"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True, "data_log": True},
    }


def follow_up_form() -> dict:
    return {
        "key": "follow_up",
        "name": L("跟进记录", "Follow-up"),
        "title_field": "content",
        "fields": [
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("customer_name", "lookup", "客户姓名", "Customer name", via="customer",
                  field="name", result="text"),
            field("customer_phone", "lookup", "客户手机", "Customer mobile", via="customer",
                  field="phone", result="text"),
            field("way", "select", "方式", "Way", options=["电话", "微信", "到店", "短信"],
                  default="电话"),
            field("content", "textarea", "跟进内容", "Content", required=True, max_length=2000),
            field("result", "select", "结果", "Result",
                  options=["有意向", "已购买", "暂无需求", "未接通", "其他"]),
            field("followed_at", "datetime", "跟进时间", "Followed up at",
                  default={"expression": "NOW()"}),
            field("next_follow_up_at", "datetime", "下次跟进", "Next follow-up"),
            field("owner", "user", "跟进人", "Owner", default="current_user"),
            section("journey_log", "自动旅程", "Journey log"),
            field("journey", "select", "来源旅程", "Journey", options=JOURNEYS, readonly=True,
                  description=L("由自动旅程写入：每次营销触达或对照组各一条",
                                "Written by journeys: one per marketing touch or holdout")),
            field("group", "select", "分组", "Group", options=TOUCH_GROUPS, readonly=True),
            field("baseline_orders", "number", "触达时购买次数", "Orders at touch", decimals=0,
                  readonly=True, hidden=True),
            field("orders_7d", "number", "7天内下单数", "Orders within 7 days", decimals=0,
                  readonly=True),
            field("converted_7d", "formula", "7天内转化", "Converted within 7 days",
                  expression="IF(orders_7d > 0, 1, 0)", result="number"),
        ],
        "permissions": permissions("follow_up"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True},
    }


def opportunity_form() -> dict:
    return {
        "key": "opportunity",
        "name": L("商机", "Opportunity"),
        "title_field": "title",
        "fields": [
            field("title", "text", "商机名称", "Title", required=True, max_length=120),
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("stage", "select", "阶段", "Stage", options=OPPORTUNITY_STAGES, default="线索"),
            field("amount", "number", "预计金额", "Amount", min=0, decimals=2, format="currency"),
            field("expected_close", "date", "预计成交日期", "Expected close"),
            field("owner", "user", "负责人", "Owner", default="current_user"),
            field("lost_reason", "textarea", "输单原因", "Lost reason",
                  visible_when="stage = '输单'", required_when="stage = '输单'"),
            field("won", "formula", "赢单", "Won", expression="IF(stage = '成交', 1, 0)",
                  result="number", hidden=True),
            field("won_amount", "formula", "赢单金额", "Won amount",
                  expression="IF(stage = '成交', amount, 0)", result="number", hidden=True),
        ],
        "permissions": permissions("opportunity"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True},
    }


def ticket_form() -> dict:
    sla_hours = "SWITCH(priority, '紧急', 4, '高', 8, '中', 24, 72)"
    return {
        "key": "ticket",
        "name": L("服务工单", "Service ticket"),
        "title_field": "ticket_no",
        "fields": [
            field("ticket_no", "serial", "工单号", "Ticket no.", prefix="TK-", digits=6),
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("customer_name", "lookup", "客户姓名", "Customer name", via="customer",
                  field="name", result="text"),
            field("customer_phone", "lookup", "客户手机", "Customer mobile", via="customer",
                  field="phone", result="text"),
            field("customer_consent", "lookup", "客户同意营销", "Customer consents to marketing",
                  via="customer", field="consent_marketing", result="boolean", hidden=True),
            field("type", "select", "类型", "Type", options=["咨询", "投诉", "售后"], default="咨询"),
            field("description", "textarea", "问题描述", "Description", required=True,
                  max_length=4000),
            field("priority", "select", "优先级", "Priority", options=["低", "中", "高", "紧急"],
                  default="中"),
            field("status", "select", "状态", "Status", options=TICKET_STATUSES, default="新建"),
            field("assignee", "user", "处理人", "Assignee"),
            field("sla_due", "datetime", "SLA 截止", "SLA due",
                  default={"expression": f"DATEADD(NOW(), {sla_hours}, 'hour')"}),
            field("resolution", "textarea", "处理结果", "Resolution",
                  required_when="status = '已关闭'", visible_when="status = '已关闭'"),
            field("closed_at", "datetime", "关闭时间", "Closed at", readonly=True),
            field("sla_met", "formula", "SLA 达成", "SLA met",
                  expression="IF(ISBLANK(closed_at), NULL, IF(closed_at <= sla_due, 1, 0))",
                  result="number"),
            field("satisfaction", "rollup", "满意度", "Satisfaction", source="survey", via="ticket",
                  agg="min", field="rating", result="number"),
        ],
        "permissions": permissions("ticket"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True, "data_log": True},
    }


def points_form() -> dict:
    return {
        "key": "points",
        "name": L("积分流水", "Points ledger"),
        "fields": [
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("change", "number", "积分变动", "Change", decimals=0, required=True,
                  description=L("正数为增加，负数为扣减", "Positive adds, negative deducts")),
            field("reason", "select", "原因", "Reason",
                  options=["消费积分", "积分兑换", "活动赠送", "积分过期", "人工调整"],
                  allow_other=True, default="消费积分"),
            field("order", "relation", "关联订单", "Order", target="order"),
            field("expires_at", "date", "到期日", "Expires on"),
        ],
        "permissions": permissions("points"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": False},
    }


def coupon_form() -> dict:
    return {
        "key": "coupon",
        "name": L("优惠券", "Coupon"),
        "title_field": "code",
        "fields": [
            field("code", "serial", "券码", "Code", prefix="CP", digits=8),
            field("customer", "relation", "客户", "Customer", target="customer", required=True),
            field("value", "number", "面额", "Value", min=0, decimals=2, format="currency",
                  required=True),
            field("min_spend", "number", "使用门槛", "Minimum spend", min=0, decimals=2,
                  format="currency", default=0),
            field("valid_until", "date", "有效期至", "Valid until", required=True),
            field("status", "select", "状态", "Status", options=["已发放", "已核销", "已过期"],
                  default="已发放"),
            field("issued_by", "select", "发放旅程", "Issued by journey",
                  options=JOURNEYS + ["manual"], default="manual"),
            field("redeemed_order", "relation", "核销订单", "Redeemed on order", target="order",
                  visible_when="status = '已核销'"),
        ],
        "permissions": permissions("coupon"),
        "settings": {"public": {"enabled": False}, "edit_after_submit": True},
    }


def survey_form() -> dict:
    return {
        "key": "survey",
        "name": L("满意度回访", "Satisfaction survey"),
        "fields": [
            field("ticket", "relation", "工单", "Ticket", target="ticket", required=True,
                  hidden=True),
            field("rating", "rating", "您对本次服务满意吗？", "How satisfied are you with our service?",
                  max=5, required=True),
            field("comment", "textarea", "还有什么想告诉我们的？", "Anything else you want to tell us?",
                  max_length=1000),
            # Reports read form fields only, so the satisfaction trend needs its own date.
            field("submitted_at", "datetime", "提交时间", "Submitted at", readonly=True,
                  hidden=True, default={"expression": "NOW()"}),
        ],
        "permissions": permissions("survey"),
        "settings": {"public": {"enabled": True, "fields": ["ticket", "rating", "comment"],
                              "title": L("服务满意度回访", "How did we do?"),
                              "success_message": L("感谢您的评价！", "Thank you for your feedback!")},
                     "edit_after_submit": False},
    }


FORMS = [customer_form, product_form, order_form, follow_up_form, opportunity_form,
         ticket_form, points_form, coupon_form, survey_form]


# ---------------------------------------------------------------- segments

def segments() -> list[dict]:
    def seg(key, zh, en, expression):
        return {"key": key, "form": "customer", "name": L(zh, en), "expression": expression}
    return [
        seg("high_value_sleeping", "高价值沉睡", "High-value sleeping",
            f"total_spent >= {T.HIGH_VALUE_SPEND} and days_since_last_order > {T.AT_RISK_DAYS}"),
        seg("new_no_second_order", "新客未复购", "New, no second order",
            f"order_count = 1 and days_since_last_order > {T.SECOND_ORDER_DAYS}"),
        seg("birthday_this_month", "本月生日", "Birthday this month",
            "MONTH(birthday) = MONTH(TODAY())"),
        seg("champions", "重要价值客户", "Champions (RFM)", "rfm_segment = '重要价值'"),
        seg("replenishment_due", "消耗品待补货", "Consumables due for replenishment",
            "replenish_due_on >= DATEADD(TODAY(), -30, 'day') and "
            f"replenish_due_on <= DATEADD(TODAY(), {T.REPLENISH_LEAD_DAYS}, 'day')"),
        seg("marketing_consented", "可营销客户", "Consented to marketing", "consent_marketing"),
    ]


# ---------------------------------------------------------------- flows

MARKETING_CAP = {"max": T.CAP_MESSAGES, "per": T.CAP_WINDOW}
# Marketing journeys share these flow settings: the send_message node skips (and logs) a message
# to a customer without consent or over the cap.
MARKETING_SETTINGS = {"consent_field": "consent_marketing", "frequency_cap": MARKETING_CAP}


def sms(id_: str, zh: str, en: str, *, to: str = "{{record.phone}}", marketing: bool = True) -> dict:
    """An SMS in the workspace's language (Chinese, or English)."""
    node = {"id": id_, "type": "send_message", "channel": "sms", "to": to, "body": L(zh, en)}
    if marketing:
        node["marketing"] = True
        node["frequency_cap"] = MARKETING_CAP
    return node


def edge(a: str, b: str, when: str | None = None) -> dict:
    return {"from": a, "to": b, **({"when": when} if when else {})}


def coupon(id_: str, journey: str, customer: str, value: int, days: int, min_spend: int = 0) -> dict:
    return {"id": id_, "type": "create_record", "form": "coupon", "set": {
        "customer": customer, "value": str(value), "min_spend": str(min_spend),
        "valid_until": f"DATEADD(TODAY(), {days}, 'day')", "status": "'已发放'",
        "issued_by": f"'{journey}'"}}


def touch_and_measure(prefix: str, journey: str, customer: str, orders: str, group: str,
                      what: str) -> tuple[list[dict], list[dict]]:
    """Log a marketing touch (or a holdout) as a follow-up row and, 7 days later, how many orders
    followed it: the journey dashboard's "orders within 7 days" and uplift come from these rows."""
    touch, wait, measure = f"{prefix}_touch", f"{prefix}_wait", f"{prefix}_measure"
    pending = (f"customer = {customer} and journey = '{journey}' and group = '{group}' "
               "and ISBLANK(orders_7d)")
    nodes = [
        {"id": touch, "type": "create_record", "form": "follow_up", "set": {
            "customer": customer, "way": "'短信'", "content": f"'{what}'",
            "journey": f"'{journey}'", "group": f"'{group}'", "baseline_orders": orders,
            "followed_at": "NOW()"}},
        {"id": wait, "type": "wait", "duration": T.MEASURE_WINDOW},
        {"id": measure, "type": "update_record",
         "target": {"form": "follow_up", "filter": pending},
         "set": {"orders_7d": f"{orders} - steps.{touch}.data.baseline_orders"}},
    ]
    return nodes, [edge(touch, wait), edge(wait, measure)]


def split() -> dict:
    """The holdout branch gets no message but goes on to log itself and its orders, so the
    journey dashboard can measure uplift; the flow's stats count it too."""
    return {"id": "split", "type": "ab_split", "branches": [
        {"key": "send", "weight": 100 - T.HOLDOUT_PERCENT},
        {"key": "holdout", "weight": T.HOLDOUT_PERCENT, "holdout": True}]}


def flow(key, zh, en, trigger, nodes, edges, description=None, settings=None) -> dict:
    out = {"key": key, "name": L(zh, en), "trigger": trigger, "nodes": nodes, "edges": edges}
    if description:
        out["description"] = description["zh"]
        out["ui"] = {"description_en": description["en"]}
    if settings:
        out["settings"] = settings
    return out


def first_order_flow() -> dict:
    touch, touch_edges = touch_and_measure("t", "first_order", "RECORD_ID()", "record.order_count",
                                           "触达", "首购感谢")
    return flow(
        "first_order", "首购欢迎", "First order welcome",
        {"type": "record.updated", "form": "customer", "fields": ["order_count"],
         "condition": "order_count = 1 and consent_marketing"},
        [
            sms("thanks", "{{record.name}}，感谢您首次光临！期待您的评价，有任何问题随时联系我们。",
                "{{record.name}}, thank you for your first order! We'd love your review; we're "
                "here if you need anything.", marketing=False),
            *touch,
            sms("tips", "{{record.name}}，商品用得还好吗？坚持早晚使用效果更好，"
                        "有疑问可随时到店咨询，我们为您推荐了搭配好物。",
                "{{record.name}}, enjoying your purchase? Use it morning and evening for best "
                "results; drop by for advice and our recommendations."),
        ],
        [edge("trigger", "thanks"), edge("thanks", "t_touch"), *touch_edges,
         edge("t_measure", "tips")],
        L("首单完成立即致谢并邀请评价，7 天后发送使用小贴士和推荐",
          "Thanks and a review invite at once, usage tips and a recommendation 7 days later"),
        MARKETING_SETTINGS)


def second_order_flow() -> dict:
    send, send_edges = touch_and_measure("s", "second_order", "RECORD_ID()",
                                         "record.order_count", "触达", "二购券")
    hold, hold_edges = touch_and_measure("h", "second_order", "RECORD_ID()",
                                         "record.order_count", "对照", "对照组：未发送")
    return flow(
        "second_order", "首购转二购", "Second order push",
        {"type": "date", "form": "customer", "field": "first_order_at",
         "offset": f"{T.SECOND_ORDER_DAYS}d", "at": "10:00",
         "condition": "order_count = 1 and consent_marketing"},
        [
            split(),
            coupon("coupon", "second_order", "RECORD_ID()", 20, 14, 100),
            sms("sms", "{{record.name}}，送您20元回购券(满100可用)，券码{{steps.coupon.data.code}}，"
                       "14天内有效，期待再见！",
                "{{record.name}}, here is ¥20 off your next order over ¥100: code "
                "{{steps.coupon.data.code}}, valid 14 days. Hope to see you again!"),
            *send,
            {"id": "wait_rest", "type": "wait", "duration": "7d"},
            {"id": "still_none", "type": "condition", "expression": "record.order_count <= 1"},
            {"id": "task", "type": "create_task",
             "title": "回访新客 {{record.name}}（{{record.phone}}）：首购后 44 天未再购买",
             "assignee": {"field": "owner"}, "due": "2d"},
            *hold,
        ],
        [edge("trigger", "split"), edge("split", "coupon", "send"), edge("coupon", "sms"),
         edge("sms", "s_touch"), *send_edges, edge("s_measure", "wait_rest"),
         edge("wait_rest", "still_none"), edge("still_none", "task", "true"),
         edge("split", "h_touch", "holdout"), *hold_edges],
        L("首购 30 天仍未复购：10% 对照组；发券+短信，14 天后仍未购买则给顾问建回访任务",
          "30 days after a single order: 10% holdout; coupon and message, then a call task for "
          "the owner if still no second order 14 days later"),
        MARKETING_SETTINGS)


def replenishment_flow() -> dict:
    send, send_edges = touch_and_measure("r", "replenishment", "record.customer",
                                         "steps.count_now.count", "触达", "补货提醒")
    ordered_on = ("DATE(YEAR(record.ordered_at), MONTH(record.ordered_at), "
                  "DAY(record.ordered_at))")
    due = f"DATEADD({ordered_on}, MIN(steps.consumables.items.replenish_days), 'day')"
    reorders = ("customer = record.customer and status = '已完成' "
                "and ordered_at > record.ordered_at")
    return flow(
        "replenishment", "补货提醒", "Replenishment reminder",
        {"type": "record.created", "form": "order",
         "condition": "status = '已完成' and customer_consent"},
        [
            {"id": "consumables", "type": "query_records", "form": "product",
             "filter": "consumable and replenish_days > 0 and sku in record.items.sku",
             "limit": 50},
            {"id": "has_consumables", "type": "condition",
             "expression": "steps.consumables.count > 0"},
            {"id": "mark_due", "type": "update_record",
             "target": {"form": "customer", "filter": "phone = record.customer_phone"},
             "set": {"replenish_due_on": due}},
            {"id": "until_due", "type": "wait_until",
             "until": f"DATEADD(DATEADD({due}, -{T.REPLENISH_LEAD_DAYS}, 'day'), 10, 'hour')"},
            {"id": "reorders", "type": "query_records", "form": "order", "filter": reorders,
             "limit": 1},
            {"id": "reordered", "type": "condition", "expression": "steps.reorders.count > 0"},
            coupon("coupon", "replenishment", "record.customer", 10, 14),
            {"id": "count_now", "type": "query_records", "form": "order",
             "filter": "customer = record.customer and status = '已完成'", "limit": 1},
            sms("sms", "{{record.customer_name}}，您上次买的{{steps.consumables.first.name}}快用完啦，"
                       "送您10元补货券{{steps.coupon.data.code}}，14天内有效。",
                "{{record.customer_name}}, your {{steps.consumables.first.name}} is running low: "
                "¥10 off a refill with code {{steps.coupon.data.code}}, valid 14 days.",
                to="{{record.customer_phone}}"),
            *send,
        ],
        [edge("trigger", "consumables"), edge("consumables", "has_consumables"),
         edge("has_consumables", "mark_due", "true"), edge("mark_due", "until_due"),
         edge("until_due", "reorders", "reached"), edge("reorders", "reordered"),
         edge("reordered", "coupon", "false"), edge("coupon", "count_now"),
         edge("count_now", "sms"), edge("sms", "r_touch"), *send_edges],
        L("含消耗品的订单：按补货周期在用完前 7 天提醒并发券；期间已回购则跳过",
          "An order with a consumable: reminder and coupon 7 days before it runs out, unless "
          "the customer reordered meanwhile"),
        {**MARKETING_SETTINGS, "consent_field": "customer_consent"})


def cross_sell_flow() -> dict:
    send, send_edges = touch_and_measure("c", "cross_sell", "record.customer",
                                         "steps.count_now.count", "触达", "搭配推荐")
    picks = "TEXTJOIN('、', TRUE, steps.bought.items.cross_sell_names)"
    return flow(
        "cross_sell", "交叉销售", "Cross-sell",
        {"type": "date", "form": "order", "field": "ordered_at",
         "offset": f"{T.CROSS_SELL_DAYS}d", "at": "10:00",
         "condition": "status = '已完成' and customer_consent"},
        [
            {"id": "bought", "type": "query_records", "form": "product",
             "filter": "sku in record.items.sku and COUNTA(cross_sell) > 0", "limit": 20},
            {"id": "has_picks", "type": "condition", "expression": "steps.bought.count > 0"},
            {"id": "count_now", "type": "query_records", "form": "order",
             "filter": "customer = record.customer and status = '已完成'", "limit": 1},
            sms("sms", "{{record.customer_name}}，买过同款的顾客也喜欢：{{" + picks + "}}，"
                       "到店或小程序即可选购。",
                "{{record.customer_name}}, customers who bought the same also love: {{" + picks +
                "}}. Shop in store or in our mini-program.", to="{{record.customer_phone}}"),
            *send,
        ],
        [edge("trigger", "bought"), edge("bought", "has_picks"),
         edge("has_picks", "count_now", "true"), edge("count_now", "sms"), edge("sms", "c_touch"),
         *send_edges],
        L("购买有搭配商品的订单 30 天后推荐搭配", "30 days after buying a product with "
          "cross-sell items, recommend them"),
        {**MARKETING_SETTINGS, "consent_field": "customer_consent"})


def birthday_flow() -> dict:
    send, send_edges = touch_and_measure("b", "birthday", "RECORD_ID()", "record.order_count",
                                         "触达", "生日祝福")
    return flow(
        "birthday", "生日关怀", "Birthday greeting",
        {"type": "date", "form": "customer", "field": "birthday", "offset": "-3d", "at": "09:00",
         "yearly": True, "condition": "consent_marketing"},
        [
            coupon("coupon", "birthday", "RECORD_ID()", 30, 30),
            sms("sms", "{{record.name}}，生日快乐！提前送上30元生日券{{steps.coupon.data.code}}，"
                       "30天内有效，祝您天天好心情。",
                "Happy birthday, {{record.name}}! Here is a ¥30 birthday coupon "
                "{{steps.coupon.data.code}}, valid 30 days."),
            *send,
        ],
        [edge("trigger", "coupon"), edge("coupon", "sms"), edge("sms", "b_touch"), *send_edges],
        L("生日前 3 天 09:00 送祝福和生日券，每年一次",
          "3 days before the birthday at 09:00: greeting and coupon, once a year"),
        MARKETING_SETTINGS)


def churn_warning_flow() -> dict:
    send, send_edges = touch_and_measure("w", "churn_warning", "RECORD_ID()",
                                         "record.order_count", "触达", "流失挽回")
    hold, hold_edges = touch_and_measure("h", "churn_warning", "RECORD_ID()",
                                         "record.order_count", "对照", "对照组：未发送")
    returned = "record.last_order_at > record.churn_alert_at"
    return flow(
        "churn_warning", "流失预警", "Churn warning",
        {"type": "date", "form": "customer", "field": "last_order_at",
         "offset": f"{T.AT_RISK_DAYS}d", "at": "09:00",
         "condition": f"total_spent >= {T.HIGH_VALUE_SPEND}"},
        [
            {"id": "flag", "type": "update_record", "target": "record",
             "set": {"churn_alert_at": "NOW()"}},
            split(),
            {"id": "task", "type": "create_task",
             "title": "回访高价值客户 {{record.name}}（{{record.phone}}），已{{record.days_since_last_order}}天未购买",
             "assignee": {"field": "owner"}, "due": "2d"},
            {"id": "wait", "type": "wait", "duration": "7d"},
            {"id": "returned", "type": "condition", "expression": returned},
            coupon("coupon", "churn_warning", "RECORD_ID()", 50, 14, 200),
            sms("sms", "{{record.name}}，好久不见，想您了！送您50元回归券(满200可用)"
                       "{{steps.coupon.data.code}}，14天内有效。",
                "{{record.name}}, we miss you! Here is ¥50 off over ¥200 with code "
                "{{steps.coupon.data.code}}, valid 14 days."),
            *send,
            {"id": "h_delay", "type": "wait", "duration": "7d"},
            {"id": "h_returned", "type": "condition", "expression": returned},
            *hold,
        ],
        [edge("trigger", "flag"), edge("flag", "split"), edge("split", "task", "send"),
         edge("task", "wait"), edge("wait", "returned"), edge("returned", "coupon", "false"),
         edge("coupon", "sms"), edge("sms", "w_touch"), *send_edges,
         edge("split", "h_delay", "holdout"), edge("h_delay", "h_returned"),
         edge("h_returned", "h_touch", "false"), *hold_edges],
        L("高价值客户 90 天未购买：10% 对照组；顾问 2 天内回访，7 天后仍未购买且同意营销则发挽回券",
          "High-value customer 90 days without an order: 10% holdout; call-back task due in 2 "
          "days, win-back coupon 7 days later if still no order (consented customers only)"),
        MARKETING_SETTINGS)


def tier_upgrade_flow() -> dict:
    return flow(
        "tier_upgrade", "会员升级", "Tier upgrade",
        {"type": "record.updated", "form": "customer", "fields": ["total_spent"],
         "condition": f"{tier_rank('spend_tier')} > {tier_rank('member_tier')}"},
        [
            {"id": "upgrade", "type": "update_record", "target": "record",
             "set": {"member_tier": "record.spend_tier"}},
            sms("notice", "恭喜{{record.name}}升级为{{record.member_tier}}会员！"
                          "专属权益已生效，感谢您的支持。",
                "Congratulations {{record.name}}, you are now a {{record.member_tier}} member! "
                "Your new benefits are active.", marketing=False),
        ],
        [edge("trigger", "upgrade"), edge("upgrade", "notice")],
        L("累计消费跨过等级门槛即升级并通知", "Upgrade the tier when total spend crosses a "
          "threshold, and tell the customer"))


def points_flow() -> dict:
    expires = f"DATEADD(TODAY(), {T.POINTS_VALID_MONTHS}, 'month')"
    return flow(
        "points", "积分", "Points",
        {"type": "record.created", "form": "order",
         "condition": "status = '已完成' and amount >= 1"},
        [
            {"id": "earn", "type": "create_record", "form": "points", "set": {
                "customer": "record.customer",
                "change": f"INT(record.amount * {T.POINTS_PER_YUAN})",
                "reason": "'消费积分'", "expires_at": expires}},
            {"id": "until_reminder", "type": "wait_until",
             "until": (f"DATEADD(DATEADD(steps.earn.data.expires_at, -{T.POINTS_REMINDER_DAYS}, "
                       "'day'), 10, 'hour')")},
            sms("remind", "{{record.customer_name}}，您有{{steps.earn.data.change}}积分将于"
                          "{{TEXT(steps.earn.data.expires_at, 'yyyy-mm-dd')}}到期，记得到店兑换哦。",
                "{{record.customer_name}}, {{steps.earn.data.change}} of your points expire on "
                "{{TEXT(steps.earn.data.expires_at, 'yyyy-mm-dd')}}. Redeem them in store.",
                to="{{record.customer_phone}}", marketing=False),
        ],
        [edge("trigger", "earn"), edge("earn", "until_reminder"),
         edge("until_reminder", "remind", "reached")],
        L("订单完成按金额积分；到期前 30 天提醒", "Points for every completed order; a reminder "
          "30 days before they expire"))


def ticket_flow() -> dict:
    return flow(
        "ticket", "工单", "Service tickets",
        {"type": "record.created", "form": "ticket"},
        [
            {"id": "assign", "type": "create_task",
             "title": "处理工单 {{record.ticket_no}}：{{record.customer_name}}",
             "assignee": {"round_robin": {"role": "member"}}},
            {"id": "set_assignee", "type": "update_record", "target": "record",
             "set": {"assignee": "TEXTJOIN('', TRUE, steps.assign.assignees)",
                     "status": "IF(record.status = '新建', '处理中', record.status)"}},
            {"id": "until_sla", "type": "wait_until",
             "until": f"DATEADD(record.sla_due, -{T.SLA_REMINDER_HOURS}, 'hour')"},
            {"id": "open", "type": "condition", "expression": "record.status <> '已关闭'"},
            {"id": "sla_reminder", "type": "send_message", "channel": "inapp",
             "to": {"field": "assignee"},
             "body": L("工单{{record.ticket_no}}将在2小时后超出SLA，请尽快处理", "Ticket {{record.ticket_no}} breaches its SLA in 2 hours")},
        ],
        [edge("trigger", "assign"), edge("assign", "set_assignee"),
         edge("set_assignee", "until_sla"), edge("until_sla", "open", "reached"),
         edge("open", "sla_reminder", "true")],
        L("新工单轮流分配给客服；SLA 到期前 2 小时提醒处理人",
          "New tickets go round-robin to service; a reminder 2 hours before the SLA"))


def ticket_closed_flow() -> dict:
    """Its own flow (not a wait inside the ticket flow): a ticket closed before its SLA reminder
    must still get its survey."""
    link = "{{PUBLIC_LINK('survey', 'ticket', RECORD_ID())}}"
    return flow(
        "ticket_closed", "工单回访", "Ticket follow-up survey",
        {"type": "record.updated", "form": "ticket", "fields": ["status"],
         "condition": "status = '已关闭'"},
        [
            {"id": "stamp", "type": "update_record", "target": "record",
             "set": {"closed_at": "IF(ISBLANK(record.closed_at), NOW(), record.closed_at)"}},
            # The survey link's signed prefill ties the rating to this ticket. A service message:
            # only with the customer's consent (a skip is logged, as in the journeys), but under
            # no marketing frequency cap - a closed ticket always gets its one survey.
            {"id": "survey", "type": "send_message", "channel": "sms",
             "to": "{{record.customer_phone}}", "consent_field": "customer_consent",
             "body": L("{{record.customer_name}}您好，工单{{record.ticket_no}}已处理完毕，请为本次服务"
                       "打分：" + link,
                       "{{record.customer_name}}, ticket {{record.ticket_no}} is closed. How did "
                       "we do? " + link)},
            {"id": "until_rated", "type": "wait_until",
             "event": {"form": "survey", "on": "record.created", "match": "ticket = RECORD_ID()"},
             "timeout": "7d"},
            {"id": "unhappy", "type": "condition",
             "expression": f"record.satisfaction <= {T.UNHAPPY_RATING}"},
            {"id": "manager_task", "type": "create_task",
             "title": "差评回访：工单{{record.ticket_no}}（{{record.customer_name}}）评分{{record.satisfaction}}",
             "assignee": [{"role": "admin"}, {"role": "owner"}], "due": "1d"},
        ],
        [edge("trigger", "stamp"), edge("stamp", "survey"), edge("survey", "until_rated"),
         edge("until_rated", "unhappy", "event"), edge("unhappy", "manager_task", "true")],
        L("工单关闭后给同意接收消息的客户发满意度回访短信（链接已关联本工单），评分 2 分及以下给管理员建任务",
          "On close, an SMS with the survey link (tied to the ticket) to consenting customers; a "
          "rating of 2 or less makes a task for the manager"))


def follow_up_flow() -> dict:
    return flow(
        "follow_up_reminder", "跟进提醒", "Follow-up reminder",
        {"type": "date", "form": "follow_up", "field": "next_follow_up_at", "offset": "0d",
         "at": "09:00", "condition": "not ISBLANK(owner)"},
        [{"id": "notice", "type": "send_message", "channel": "inapp",
          "to": {"field": "owner"},
          "body": L("今天该跟进客户{{record.customer_name}}了（{{record.customer_phone}}）："
                  "{{record.content}}", "Follow up {{record.customer_name}} ({{record.customer_phone}}) "
                            "today: {{record.content}}")}],
        [edge("trigger", "notice")],
        L("到下次跟进日 09:00 提醒跟进人", "Remind the owner at 09:00 on the next follow-up day"))


def rfm_refresh_flow() -> dict:
    return flow(
        "rfm_refresh", "RFM 夜间刷新", "Nightly RFM refresh",
        {"type": "schedule", "cron": T.RFM_CRON},
        [
            {"id": "rfm", "type": "query_report", "spec": {
                "kind": "rfm", "source": "order", "customer": "customer", "date": "ordered_at",
                "amount": "amount", "filter": ROLLUP_DONE, "per_customer": True}},
            {"id": "save", "type": "update_record", "for_each": "steps.rfm.rows",
             "record_id": "item.customer",
             "set": {"r_score": "item.r", "f_score": "item.f", "m_score": "item.m",
                     "rfm_segment": "item.segment", "rfm_updated_at": "NOW()"}},
        ],
        [edge("trigger", "rfm"), edge("rfm", "save")],
        L("每晚用报表引擎的 RFM 五分位定义刷新每位客户的 R/F/M 分和分层",
          "Every night, refresh each customer's R/F/M scores and segment with the report "
          "engine's rfm quintiles"))


FLOWS = [first_order_flow, second_order_flow, replenishment_flow, cross_sell_flow,
         birthday_flow, churn_warning_flow, tier_upgrade_flow, points_flow, ticket_flow,
         ticket_closed_flow, follow_up_flow, rfm_refresh_flow]


# ---------------------------------------------------------------- dashboards

PURCHASES = {"source": "order", "customer": "customer", "date": "ordered_at", "amount": "amount",
             "filter": ROLLUP_DONE}


def widget(id_, zh, en, chart, query, x, y, w, h, **extra) -> dict:
    return {"id": id_, "title": L(zh, en), "chart": chart, "query": query,
            "layout": {"x": x, "y": y, "w": w, "h": h}, **extra}


def date_filter(field_: str = "ordered_at") -> dict:
    return {"key": "period", "type": "date_range", "field": field_, "label": L("时间", "Period")}


STORE_FILTER = {"key": "store", "type": "select", "field": "store", "label": L("门店", "Store")}


def overview_dashboard() -> dict:
    return {
        "key": "overview", "name": L("复购总览", "Repurchase overview"),
        "filters": [date_filter(), STORE_FILTER],
        "widgets": [
            widget("customers", "客户数", "Customers", "kpi",
                   {"source": "customer", "measures": [{"agg": "count", "as": "customers"}]},
                   0, 0, 3, 2),
            widget("repurchase_rate", "复购率", "Repurchase rate", "kpi",
                   {"kind": "repurchase", **PURCHASES}, 3, 0, 3, 2,
                   ui={"value": "repurchase_rate", "format": "percent"}),
            widget("avg_gap", "平均回购间隔(天)", "Average days between purchases", "kpi",
                   {"kind": "repurchase", **PURCHASES}, 6, 0, 3, 2,
                   ui={"value": "avg_days_between"}),
            widget("revenue_month", "本月销售额", "Revenue this month", "kpi",
                   {"source": "order",
                    "filter": f"{ROLLUP_DONE} and ordered_at >= DATEADD(EOMONTH(TODAY(), -1), 1, 'day')",
                    "measures": [{"agg": "sum", "field": "amount", "as": "revenue"}]},
                   9, 0, 3, 2),
            widget("active_90d", "活跃客户(90天)", "Active customers (90 days)", "kpi",
                   {"source": "customer", "filter": "last_order_at >= DATEADD(TODAY(), -90, 'day')",
                    "measures": [{"agg": "count", "as": "customers"}]}, 12, 0, 3, 2),
            widget("rate_trend", "月度复购率趋势", "Repurchase rate by month", "line",
                   {"kind": "repurchase", **PURCHASES,
                    "dimensions": [{"field": "ordered_at", "bucket": "month", "as": "month"}]},
                   0, 2, 8, 4, ui={"value": "repurchase_rate"}),
            widget("new_vs_returning", "新客 vs 老客销售额", "New vs returning revenue",
                   "stacked_bar",
                   {"kind": "repurchase", **PURCHASES,
                    "dimensions": [{"field": "ordered_at", "bucket": "month", "as": "month"}]},
                   8, 2, 7, 4, ui={"series": ["new_revenue", "returning_revenue"]}),
            widget("rate_by_channel", "各渠道复购率", "Repurchase rate by channel", "bar",
                   {"kind": "repurchase", **PURCHASES, "dimensions": [{"field": "channel"}]},
                   0, 6, 8, 4, ui={"value": "repurchase_rate"}),
            widget("rate_by_category", "各品类复购率", "Repurchase rate by category", "bar",
                   {"kind": "repurchase", **PURCHASES,
                    "dimensions": [{"field": "items.category", "as": "category"}]},
                   8, 6, 7, 4, ui={"value": "repurchase_rate"}),
        ],
    }


def rfm_dashboard() -> dict:
    rfm = {"kind": "rfm", **PURCHASES}
    return {
        "key": "rfm", "name": L("客户分层", "RFM segments"),
        "filters": [STORE_FILTER],
        "widgets": [
            widget("segments", "分层分布", "Customers by segment", "pie", rfm, 0, 0, 6, 5,
                   ui={"label": "segment", "value": "customers"}),
            widget("rf_grid", "R × F 热力图", "Recency × frequency", "heatmap",
                   rfm, 6, 0, 9, 5, ui={"result": "grid"}),
            widget("segment_table", "分层明细", "Segments with revenue", "table", rfm, 0, 5, 15, 5),
        ],
    }


def lifecycle_dashboard() -> dict:
    return {
        "key": "lifecycle", "name": L("生命周期", "Lifecycle"),
        "filters": [STORE_FILTER],
        "widgets": [
            widget("funnel", "购买漏斗", "Purchase funnel", "funnel",
                   {"kind": "funnel", "source": "order", "customer": "customer",
                    "date": "ordered_at", "filter": ROLLUP_DONE, "steps": [1, 2, 3],
                    "population": "customer"},
                   0, 0, 6, 5),
            widget("stages", "生命周期分布", "Customers by lifecycle stage", "bar",
                   {"source": "customer", "dimensions": [{"field": "lifecycle"}],
                    "measures": [{"agg": "count", "as": "customers"}]}, 6, 0, 9, 5),
            widget("cohorts", "同期群留存", "Cohort retention", "table",
                   {"kind": "cohort", **PURCHASES, "periods": 12}, 0, 5, 15, 6),
        ],
    }


def journeys_dashboard() -> dict:
    touches = "not ISBLANK(journey)"
    measured = f"{touches} and not ISBLANK(orders_7d)"
    return {
        "key": "journeys", "name": L("营销效果", "Journeys"),
        "filters": [date_filter("followed_at")],
        "widgets": [
            widget("messages", "各旅程触达数", "Messages by journey", "bar",
                   {"source": "follow_up", "filter": f"{touches} and group = '触达'",
                    "dimensions": [{"field": "journey"}],
                    "measures": [{"agg": "count", "as": "messages"}]}, 0, 0, 8, 4),
            widget("orders_7d", "触达后7天内订单", "Orders within 7 days of a message", "bar",
                   {"source": "follow_up", "filter": f"{measured} and group = '触达'",
                    "dimensions": [{"field": "journey"}],
                    "measures": [{"agg": "sum", "field": "orders_7d", "as": "orders"},
                                 {"agg": "avg", "field": "converted_7d", "as": "conversion"}]},
                   8, 0, 7, 4),
            widget("uplift", "转化率：触达 vs 对照", "Conversion: treated vs holdout", "pivot",
                   {"kind": "pivot", "source": "follow_up", "filter": measured,
                    "rows": [{"field": "journey"}], "columns": [{"field": "group"}],
                    "measures": [{"agg": "avg", "field": "converted_7d", "as": "conversion"},
                                 {"agg": "count", "as": "customers"}]}, 0, 4, 8, 5),
            widget("coupons", "优惠券核销", "Coupon redemption", "stacked_bar",
                   {"source": "coupon", "dimensions": [{"field": "issued_by"}, {"field": "status"}],
                    "measures": [{"agg": "count", "as": "coupons"}]}, 8, 4, 7, 5),
        ],
    }


def service_dashboard() -> dict:
    return {
        "key": "service", "name": L("服务", "Service"),
        "filters": [date_filter("sla_due")],
        "widgets": [
            widget("by_status", "工单状态", "Tickets by status", "pie",
                   {"source": "ticket", "dimensions": [{"field": "status"}],
                    "measures": [{"agg": "count", "as": "tickets"}]}, 0, 0, 5, 4),
            widget("by_type", "工单类型", "Tickets by type", "bar",
                   {"source": "ticket", "dimensions": [{"field": "type"}],
                    "measures": [{"agg": "count", "as": "tickets"}]}, 5, 0, 5, 4),
            widget("sla", "SLA 达成率", "SLA compliance", "kpi",
                   {"source": "ticket", "filter": "status = '已关闭' and not ISBLANK(closed_at)",
                    "measures": [{"agg": "avg", "field": "sla_met", "as": "sla_rate"}]},
                   10, 0, 5, 4, ui={"format": "percent"}),
            widget("satisfaction", "满意度趋势", "Satisfaction trend", "line",
                   {"source": "survey",
                    "dimensions": [{"field": "submitted_at", "bucket": "month", "as": "month"}],
                    "measures": [{"agg": "avg", "field": "rating", "as": "rating"}],
                    "sort": [{"by": "month"}]}, 0, 4, 15, 4),
        ],
    }


def sales_dashboard() -> dict:
    return {
        "key": "sales", "name": L("销售", "Sales"),
        "filters": [date_filter("expected_close")],
        "widgets": [
            widget("funnel", "商机漏斗", "Opportunity funnel", "funnel",
                   {"kind": "funnel", "source": "opportunity", "field": "stage",
                    "stages": OPPORTUNITY_STAGES[:5]}, 0, 0, 6, 5),
            widget("win_rate", "赢单率", "Win rate", "kpi",
                   {"source": "opportunity", "filter": "stage in ['成交', '输单']",
                    "measures": [{"agg": "avg", "field": "won", "as": "win_rate"}]},
                   6, 0, 3, 2, ui={"format": "percent"}),
            widget("pipeline", "在途金额", "Open pipeline", "kpi",
                   {"source": "opportunity", "filter": "not (stage in ['成交', '输单'])",
                    "measures": [{"agg": "sum", "field": "amount", "as": "pipeline"}]},
                   9, 0, 3, 2),
            widget("by_owner", "按负责人", "By owner", "table",
                   {"source": "opportunity", "dimensions": [{"field": "owner"}],
                    "measures": [{"agg": "count", "as": "opportunities"},
                                 {"agg": "sum", "field": "won", "as": "won"},
                                 {"agg": "sum", "field": "won_amount", "as": "won_amount"}],
                    "sort": [{"by": "won_amount", "desc": True}]}, 6, 2, 9, 5),
        ],
    }


DASHBOARDS = [overview_dashboard, rfm_dashboard, lifecycle_dashboard, journeys_dashboard,
              service_dashboard, sales_dashboard]


# ---------------------------------------------------------------- roles

ROLES = [
    {"key": "store_staff", "name": L("店员", "Store staff"), "base_role": "member",
     "description": L("只看本门店的客户和订单", "Sees only their store's customers and orders")},
    {"key": "sales", "name": L("销售", "Sales"), "base_role": "member",
     "description": L("跟进自己的客户和商机", "Works their own customers and opportunities")},
    {"key": "service", "name": L("客服", "Service"), "base_role": "member",
     "description": L("处理服务工单，接收轮流分配", "Handles tickets; gets them round-robin")},
    {"key": "marketing", "name": L("运营", "Marketing ops"), "base_role": "editor",
     "description": L("设计旅程、分层和优惠券", "Designs journeys, segments and coupons")},
    {"key": "admin", "name": L("管理员", "Admin"), "base_role": "admin",
     "description": L("店长/老板：全部数据，接收差评任务",
                      "Owner or manager: all data; receives low-rating tasks")},
]


def bundle() -> dict:
    return {
        "format": "formloom.app/1",
        "key": "crm",
        "name": L("客户复购管理", "Repurchase CRM"),
        "version": "1.1.0",
        "description": L(
            "面向零售、电商、连锁门店和会员制生意的复购管理：客户、订单、RFM 分层、"
            "自动化复购旅程（首购欢迎、二购、补货、生日、流失预警等）和效果看板。",
            "Repurchase management for retail, e-commerce, chain stores and memberships: "
            "customers, orders, RFM segments, automated repurchase journeys (welcome, second "
            "order, replenishment, birthday, churn warning, ...) and dashboards that show what "
            "works."),
        "forms": [make() for make in FORMS],
        "segments": segments(),
        "flows": [make() for make in FLOWS],
        "dashboards": [make() for make in DASHBOARDS],
        "roles": ROLES,
    }


def write(path: Path = BUNDLE_PATH) -> None:
    path.write_text(json.dumps(bundle(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
