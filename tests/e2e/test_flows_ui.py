"""Flow designer in a real browser: build a journey by drag and drop, enable it, let the worker
run it, and read the run timeline and the node counters; dry run, server errors, Chinese labels."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part2_fixtures import browser_context_args, browser_type_launch_args, connect, make_app, ui, ui_server  # noqa: F401

pytestmark = pytest.mark.e2e

FIELDS = [{"key": "name", "type": "text", "label": "Name"}, {"key": "amount", "type": "number", "label": "Amount"}]


def _drop(page, palette_type: str, dx: float, dy: float) -> None:
    canvas = page.get_by_test_id("flow-canvas")
    box = canvas.bounding_box()
    page.get_by_test_id(f"palette-{palette_type}").drag_to(
        canvas, target_position={"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy})


def test_build_enable_run_and_watch(ui):
    page = ui.page
    app, form = make_app(ui, "crm", FIELDS)
    page.goto(f"{ui.base}/apps/{app['id']}/flows/new")
    expect(page.get_by_test_id("flow-node-trigger")).to_contain_text("Record created")

    _drop(page, "condition", 0, 60)
    _drop(page, "send_message", -150, 260)
    condition = page.get_by_test_id("flow-node-condition_1")
    message = page.get_by_test_id("flow-node-send_message_1")
    connect(page, page.locator("[data-testid=flow-node-trigger] .react-flow__handle.source"), condition)
    connect(page, condition.get_by_test_id("handle-true"), message)
    expect(page.locator(".react-flow__edge")).to_have_count(2)
    expect(page.locator(".react-flow__edge-text", has_text="Yes")).to_be_visible()

    condition.click()
    page.get_by_test_id("condition-expression").fill("record.amount > 100")
    message.click()
    page.get_by_test_id("message-to").locator(".ant-select").nth(1).click()
    page.locator(".ant-select-item-option", has_text="Ann Lee").click()
    page.get_by_test_id("message-body").fill("Big lead {{record.name}}")
    page.get_by_test_id("flow-name").fill("Big leads")
    page.get_by_test_id("save-flow").click()
    expect(page.get_by_test_id("flow-version")).to_have_text("v1")
    flow_id = page.url.rsplit("/", 1)[1]

    page.get_by_test_id("flow-enabled").click()
    expect(page.get_by_text("Enabled", exact=True)).to_be_visible()
    assert ui.api("GET", f"/flows/{flow_id}")["enabled"] is True

    ui.api("POST", f"/forms/{form['id']}/records", {"data": {"name": "Acme", "amount": 500}})
    ui.wait_for(lambda: [r for r in ui.api("GET", f"/flows/{flow_id}/runs")["items"] if r["status"] == "completed"])

    page.get_by_role("tab", name="Runs").click()
    page.get_by_test_id("run-item").first.click()
    expect(page.get_by_test_id("run-status")).to_have_text("Completed")
    expect(page.get_by_test_id("run-step")).to_have_count(2)

    page.reload()
    # The reload fetches the designer, the flow, its forms and then the counters: slow on a busy machine.
    expect(message.get_by_test_id("stat-entered")).to_have_text("1", timeout=20_000)
    expect(condition.get_by_test_id("stat-entered")).to_have_text("1")


def test_dry_run_highlights_the_path_and_errors_show_on_nodes(ui):
    page = ui.page
    app, form = make_app(ui, "dry", FIELDS)
    record = ui.api("POST", f"/forms/{form['id']}/records", {"data": {"name": "Small", "amount": 5}})
    flow = ui.api("POST", f"/apps/{app['id']}/flows", {
        "key": "small_deals", "name": "Small deals",
        "trigger": {"type": "record.created", "form": "lead"},
        "nodes": [{"id": "check", "type": "condition", "expression": "record.amount > 100"},
                  {"id": "stop", "type": "end"}],
        "edges": [{"from": "trigger", "to": "check"}, {"from": "check", "to": "stop", "when": "false"}]})
    page.goto(f"{ui.base}/apps/{app['id']}/flows/{flow['id']}")
    page.get_by_role("tab", name="Test").click()
    page.get_by_test_id("test-record").click()
    page.locator(".ant-select-item-option", has_text="Small").click()
    page.get_by_test_id("run-test").click()
    expect(page.get_by_test_id("test-step")).to_have_count(2)
    expect(page.get_by_test_id("flow-node-check")).to_have_attribute("data-highlighted", "true")
    expect(page.get_by_test_id("flow-node-stop")).to_have_attribute("data-highlighted", "true")
    assert record["id"]

    page.get_by_test_id("run-backtest").click()
    expect(page.locator(".ant-statistic-content-value")).to_have_text("1")

    page.get_by_test_id("flow-node-check").click()
    page.get_by_role("tab", name="Settings").click()
    page.get_by_test_id("condition-expression").fill("record.nosuchfield > (")
    page.get_by_test_id("save-flow").click()
    expect(page.get_by_test_id("flow-errors")).to_be_visible()
    expect(page.get_by_test_id("flow-node-check").get_by_test_id("node-error-text")).to_be_visible()


def test_palette_in_chinese(ui):
    page = ui.page
    app, _ = make_app(ui, "zh", FIELDS)
    page.goto(f"{ui.base}/apps/{app['id']}/flows/new")
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_test_id("palette-condition")).to_have_text("条件判断")
    expect(page.get_by_test_id("palette-approval")).to_have_text("审批")
    expect(page.get_by_test_id("flow-node-trigger")).to_contain_text("新增数据时")
