"""A shop adopts the CRM from spreadsheets: customers (CSV) and orders (XLSX) imported through
the API fill the customer rollups and the dashboards."""
from __future__ import annotations

import io
import json

import openpyxl


def _import(crm, form: str, filename: str, payload: bytes, **fields) -> dict:
    r = crm.api.post(f"/api/v1/forms/{crm.forms[form]}/import",
                     data={"file": (io.BytesIO(payload), filename), **fields},
                     content_type="multipart/form-data")
    assert r.status_code == 202, r.json
    crm.worker()
    job = crm.api.get(f"/api/v1/jobs/{r.json['job_id']}").json
    assert job["status"] == "succeeded" and job["error_count"] == 0, job
    return job


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_customer_csv_and_order_xlsx_fill_rollups_and_dashboards(crm):
    crm.product("SKU1", name="洁面乳", price=89)
    customers = ("姓名,手机号,来源渠道,同意接收营销消息\n"
                 "王芳,13900000001,天猫,是\n李娜,13900000002,门店,否\n张伟,13900000003,京东,是\n")
    _import(crm, "customer", "customers.csv", customers.encode("utf-8-sig"),
            mapping=json.dumps({"姓名": "name", "手机号": "phone", "来源渠道": "source_channel",
                                "同意接收营销消息": "consent_marketing"}),
            mode="upsert", key="phone")
    # A second file with a known phone updates that customer instead of duplicating it.
    _import(crm, "customer", "again.csv", "姓名,手机号\n王芳芳,13900000001\n".encode(),
            mapping=json.dumps({"姓名": "name", "手机号": "phone"}), mode="upsert", key="phone")
    people = {c["phone"]: c for c in crm.rows("customer")}
    assert len(people) == 3 and people["13900000001"]["name"] == "王芳芳"

    def items(qty, price):
        return json.dumps([{"sku": "SKU1", "qty": qty, "price": price}])

    orders = [["平台单号", "客户手机号", "渠道", "状态", "下单时间", "商品明细", "退款原因"],
              ["TM-1", "13900000001", "天猫", "已完成", "2025-05-01 10:00", items(1, 89)],
              ["TM-2", "13900000001", "天猫", "已完成", "2025-05-20 12:00", items(2, 89)],
              ["JD-1", "13900000003", "京东", "已完成", "2025-05-25 09:30", items(1, 120)],
              ["JD-2", "13900000003", "京东", "已退款", "2025-05-26 09:30", items(1, 120), "发错货"]]
    _import(crm, "order", "orders.xlsx", _xlsx(orders),
            mapping=json.dumps({"平台单号": "external_no", "客户手机号": "customer",
                                "渠道": "channel", "状态": "status", "下单时间": "ordered_at",
                                "商品明细": "items", "退款原因": "refund_reason"}), mode="upsert", key="external_no")
    people = {c["phone"]: c for c in crm.rows("customer")}
    fang, wei, na = people["13900000001"], people["13900000003"], people["13900000002"]
    assert (fang["order_count"], fang["total_spent"]) == (2, 267)
    assert fang["first_order_at"].startswith("2025-05-01T02:00")
    assert fang["avg_order_value"] == 133.5
    assert fang["lifecycle"] == "活跃"
    assert (wei["order_count"], wei["total_spent"], wei["lifecycle"]) == (1, 120, "新客")
    assert not na.get("order_count") and na["lifecycle"] == "潜在"

    data = crm.api.get(f"/api/v1/dashboards/{crm.dashboards['overview']}/data?cache=false").json
    w = data["widgets"]
    keys = [c["key"] for c in w["repurchase_rate"]["columns"]]
    row = w["repurchase_rate"]["rows"][0]
    assert row[keys.index("customers")] == 2 and row[keys.index("repeat_customers")] == 1
    assert row[keys.index("repurchase_rate")] == 0.5
    assert w["customers"]["rows"] == [[3]]
    assert w["active_90d"]["rows"] == [[2]]
    stages = crm.api.get(f"/api/v1/dashboards/{crm.dashboards['lifecycle']}/data?cache=false"
                         ).json["widgets"]["stages"]["rows"]
    assert dict(stages) == {"活跃": 1, "新客": 1, "潜在": 1}
