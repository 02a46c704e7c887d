"""Flow node editor in a real browser: a per-language message body and an update_record over the
rows of an earlier query are edited and saved; the API returns exactly those changes (the rest of
the flow, its bilingual name included, as it was) and the saved journey runs."""
from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from tests.e2e.part2_fixtures import browser_context_args, browser_type_launch_args, make_app, ui, ui_server  # noqa: F401

pytestmark = pytest.mark.e2e

FIELDS = [{"key": "name", "type": "text", "label": "Name"}, {"key": "amount", "type": "number", "label": "Amount"}]


def _journey(user_id: str) -> dict:
    return {
        "key": "big_leads", "name": {"zh": "大额线索", "en": "Big leads"},
        "trigger": {"type": "record.created", "form": "lead"},
        "nodes": [
            {"id": "find", "type": "query_records", "form": "lead", "filter": "amount > 100", "limit": 10},
            {"id": "bulk", "type": "update_record", "target": "record", "set": {"amount": "record.amount"}},
            {"id": "msg", "type": "send_message", "channel": "inapp", "to": {"user": user_id},
             "body": {"zh": "你好 {{record.name}}", "en": "Hello {{record.name}}"}},
        ],
        "edges": [{"from": "trigger", "to": "find"}, {"from": "find", "to": "bulk"},
                  {"from": "bulk", "to": "msg"}],
    }


def test_edit_bilingual_body_and_for_each_then_save(ui):
    page = ui.page
    app, form = make_app(ui, "multi", FIELDS)
    original = _journey(ui.user["id"])
    flow = ui.api("POST", f"/apps/{app['id']}/flows", original)
    page.goto(f"{ui.base}/apps/{app['id']}/flows/{flow['id']}")
    expect(page.get_by_test_id("flow-name")).to_have_value("Big leads")

    page.get_by_test_id("flow-node-msg").click()
    expect(page.get_by_test_id("message-body-per-language")).to_be_checked()
    page.get_by_test_id("message-body-tab-zh").click()
    expect(page.get_by_test_id("message-body-zh")).to_have_value("你好 {{record.name}}")
    page.get_by_test_id("message-body-tab-en").click()
    page.get_by_test_id("message-body-en").fill("Welcome aboard, {{record.name}}")

    page.get_by_test_id("flow-node-bulk").click()
    page.get_by_text("One record per row of an earlier step").click()
    expect(page.get_by_test_id("for-each-source")).to_contain_text("(find)")
    expect(page.get_by_text("Row columns: item.id, item.name, item.amount")).to_be_visible()
    page.get_by_test_id("for-each-record-id").fill("item.id")
    page.get_by_test_id("record-set-value-0").fill("item.amount + 1")
    expect(page.get_by_test_id("rule-error")).to_have_count(0)

    page.get_by_test_id("save-flow").click()
    expect(page.get_by_test_id("flow-version")).to_have_text("v2")

    expected = copy.deepcopy(original)
    expected["nodes"][1] = {"id": "bulk", "type": "update_record", "set": {"amount": "item.amount + 1"},
                            "for_each": "steps.find.items", "record_id": "item.id"}
    expected["nodes"][2]["body"] = {"zh": "你好 {{record.name}}", "en": "Welcome aboard, {{record.name}}"}
    saved = ui.api("GET", f"/flows/{flow['id']}")
    assert saved["version"] == 2
    assert saved["definition"] == expected

    ui.api("POST", f"/flows/{flow['id']}/enable")
    record = ui.api("POST", f"/forms/{form['id']}/records", {"data": {"name": "Acme", "amount": 500}})
    ui.wait_for(lambda: [r for r in ui.api("GET", f"/flows/{flow['id']}/runs")["items"]
                         if r["status"] == "completed"])
    assert ui.api("GET", f"/records/{record['id']}")["data"]["amount"] == 501
