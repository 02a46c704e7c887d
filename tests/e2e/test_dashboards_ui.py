"""Dashboard builder in a real browser: drag fields into a bar chart, save, filter the dashboard,
click a bar to drill down to the records behind it, and link the other widgets by it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part2_fixtures import browser_context_args, browser_type_launch_args, make_app, ui, ui_server  # noqa: F401

pytestmark = pytest.mark.e2e

FIELDS = [
    {"key": "channel", "type": "select", "label": "Channel", "options": ["web", "shop", "app"]},
    {"key": "amount", "type": "number", "label": "Amount"},
    {"key": "ordered_at", "type": "date", "label": "Ordered"},
]
ORDERS = [("web", 100, "2025-01-05"), ("web", 50, "2025-02-05"), ("shop", 70, "2025-01-20"), ("app", 30, "2025-03-01")]


def _add_widget(page, title: str, dimension: str, measure: str, chart: str, label: str) -> None:
    page.get_by_test_id("add-widget").click()
    zone = page.get_by_test_id("zone-dimensions")
    expect(zone).to_be_visible()
    page.wait_for_timeout(400)  # the dialog's opening animation moves the drop zones
    page.get_by_test_id(f"field-{dimension}").drag_to(zone)
    page.get_by_test_id(f"field-{measure}").drag_to(page.get_by_test_id("zone-measures"))
    expect(zone).to_contain_text(label)
    page.get_by_test_id("widget-title").fill(title)
    page.get_by_test_id(f"chart-{chart}").click()
    expect(page.get_by_test_id("widget-preview").locator("canvas, [data-testid=kpi]").first).to_be_visible()
    page.locator("#widget-apply").click()


def test_build_filter_and_drill_down(ui):
    page = ui.page
    app, form = make_app(ui, "shop", FIELDS, form_key="order")
    ui.api("POST", f"/forms/{form['id']}/records/bulk",
           {"records": [{"data": {"channel": c, "amount": a, "ordered_at": d}} for c, a, d in ORDERS]})

    page.goto(f"{ui.base}/apps/{app['id']}/dashboards/new")
    page.get_by_test_id("dashboard-name").fill("Sales")
    _add_widget(page, "Revenue by channel", "channel", "amount", "bar", "Channel")
    _add_widget(page, "Orders by month", "ordered_at", "channel", "line", "Ordered")
    page.get_by_test_id("add-filter").click()
    page.get_by_test_id("filter-field").click()
    page.locator(".ant-select-item-option", has_text="Channel").click()
    page.locator("#filter-ok").click()
    page.get_by_test_id("save-dashboard").click()
    expect(page.get_by_test_id("edit-dashboard")).to_be_visible()
    dashboard_id = page.url.rsplit("/", 1)[1]
    saved = ui.api("GET", f"/dashboards/{dashboard_id}")["definition"]
    assert [w["query"]["dimensions"][0]["field"] for w in saved["widgets"]] == ["channel", "ordered_at"]
    assert saved["filters"][0]["field"] == "channel"

    bar = page.get_by_test_id("widget-w1")
    expect(bar.locator("canvas")).to_be_visible()

    page.get_by_test_id("filter-channel").click()
    page.locator(".ant-select-item-option", has_text="web").click()
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)

    box = bar.get_by_test_id("echart").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.55)
    drawer = page.get_by_test_id("drill-records")
    expect(drawer.locator("tbody tr.ant-table-row")).to_have_count(2)
    expect(page.get_by_test_id("drill-title")).to_contain_text("web")

    page.get_by_test_id("apply-linkage").click()
    expect(page.get_by_test_id("linkage-tag")).to_contain_text("web")

    export = bar.get_by_test_id("widget-export")
    export.click()
    csv_link = page.get_by_role("link", name="Export CSV")
    expect(csv_link).to_have_attribute("href", f"/api/v1/dashboards/{dashboard_id}/widgets/w1/export?filters=" + csv_link.get_attribute("href").split("filters=")[1])
    response = page.request.get(ui.base + csv_link.get_attribute("href"))
    assert response.ok and "web" in response.text() and "shop" not in response.text()
