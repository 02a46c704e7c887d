"""Switching the language shows the whole app, including the form's own labels, in Chinese."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part1_fixtures import (  # noqa: F401
    browser_context_args, browser_type_launch_args, make_form, screenshot_on_failure, server, user,
)

pytestmark = pytest.mark.e2e


def test_language_switch_shows_chinese_labels(user):
    app, form = make_form(user, "shop", [{"key": "name", "type": "text", "label": {"en": "Customer", "zh": "客户"}, "required": True}],
                          name={"en": "Orders", "zh": "订单"})
    page = user.page
    user.goto(f"/apps/{app['id']}/forms/{form['id']}/records/new")
    expect(page.get_by_text("Customer", exact=True)).to_be_visible()
    page.get_by_test_id("language-switch").get_by_text("中文").click()
    expect(page.get_by_text("客户", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="应用")).to_be_visible()
    # antd would space two-character labels ("保 存"); the app turns that off
    expect(page.get_by_test_id("record-submit")).to_have_text("保存")
    page.get_by_test_id("record-submit").click()
    expect(page.get_by_text("必填")).to_be_visible()
    # the choice is remembered across reloads and sent to the server
    page.reload()
    expect(page.get_by_text("客户", exact=True)).to_be_visible()
    with page.expect_request(lambda r: "/api/v1/" in r.url) as request:
        page.goto(user.base + "/")
    assert request.value.headers.get("accept-language") == "zh-CN"
    assert user.console_errors == [], user.console_errors
