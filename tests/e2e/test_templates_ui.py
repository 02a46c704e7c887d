"""Templates gallery: install the CRM with demo data, follow the progress bar, land in the new app."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part1_fixtures import (  # noqa: F401
    browser_context_args, browser_type_launch_args, screenshot_on_failure, server, user,
)

pytestmark = pytest.mark.e2e


def test_install_a_template_with_demo_data(user):
    templates = user.api("GET", "/templates")
    items = templates["items"] if isinstance(templates, dict) else templates
    if not items:
        pytest.skip("no templates on this server")
    key = "crm" if any(t["key"] == "crm" for t in items) else items[0]["key"]
    page = user.page
    user.goto("/templates")
    page.get_by_test_id(f"template-{key}").get_by_role("button", name="Use this template").click()
    page.get_by_test_id("template-install").click()
    expect(page.get_by_test_id("template-progress").locator(".ant-progress")).to_be_visible()
    page.wait_for_url("**/apps/*", timeout=120_000)
    expect(page.get_by_test_id("create-form")).to_be_visible()
    app_id = page.url.rstrip("/").rsplit("/", 1)[1]
    forms = user.api("GET", f"/apps/{app_id}/forms")["items"]
    assert forms, "the template created no forms"
    with_records = [f for f in forms if user.api("GET", f"/forms/{f['id']}/records", None)["items"]]
    assert with_records, "demo data was asked for but no form has records"
    assert user.console_errors == [], user.console_errors
