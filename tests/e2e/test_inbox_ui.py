"""Task inbox in a real browser: an approval started by a flow waits in my inbox, opens with the
record under the node's field permissions, and approving it lets the run finish."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part2_fixtures import browser_context_args, browser_type_launch_args, make_app, ui, ui_server  # noqa: F401

pytestmark = pytest.mark.e2e

FIELDS = [{"key": "name", "type": "text", "label": "Name"}, {"key": "amount", "type": "number", "label": "Amount"},
          {"key": "secret", "type": "text", "label": "Secret note"}]


def test_approve_from_the_inbox(ui):
    page = ui.page
    app, form = make_app(ui, "exp", FIELDS, form_key="expense")
    flow = ui.api("POST", f"/apps/{app['id']}/flows", {
        "key": "expense_approval", "name": "Expense approval",
        "trigger": {"type": "record.created", "form": "expense"},
        "nodes": [{"id": "approve", "type": "approval", "title": "Approve {{record.name}}",
                   "assignees": {"user": ui.user["id"]}, "mode": "any",
                   "fields": {"visible": ["name", "amount"], "editable": ["amount"]}},
                  {"id": "done", "type": "end"}],
        "edges": [{"from": "trigger", "to": "approve"}, {"from": "approve", "to": "done", "when": "approve"}]})
    ui.api("POST", f"/flows/{flow['id']}/enable")
    ui.api("POST", f"/forms/{form['id']}/records", {"data": {"name": "Taxi", "amount": 42, "secret": "hidden"}})
    ui.wait_for(lambda: ui.api("GET", "/tasks?assignee=me&status=open")["items"])

    page.goto(ui.base + "/")
    page.get_by_test_id("nav-inbox").click()
    row = page.get_by_test_id("task-row").filter(has_text="Approve Taxi")
    expect(row).to_be_visible()
    row.click()
    detail = page.get_by_test_id("task-detail")
    expect(detail).to_contain_text("Taxi")
    expect(detail).not_to_contain_text("Secret note")
    expect(detail.get_by_test_id("edit-amount")).to_be_visible()
    page.get_by_test_id("task-comment").fill("Looks fine")
    page.get_by_test_id("task-approve").click()
    expect(page.get_by_test_id("task-row")).to_have_count(0)

    done = ui.wait_for(lambda: ui.api("GET", "/tasks?assignee=me&status=done")["items"])
    assert done[0]["outcome"] == "approve" and done[0]["comment"] == "Looks fine"
    ui.wait_for(lambda: [r for r in ui.api("GET", f"/flows/{flow['id']}/runs")["items"] if r["status"] == "completed"])

    page.get_by_test_id("inbox-filter").get_by_text("Done").click()
    expect(page.get_by_test_id("task-row").filter(has_text="Approve Taxi")).to_be_visible()
