"""Workspace settings in the browser: invite a member, build departments, create an API token
that is shown once and works, add a signed webhook."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part1_fixtures import (  # noqa: F401
    browser_context_args, browser_type_launch_args, screenshot_on_failure, server, user,
)

pytestmark = pytest.mark.e2e


def test_members_departments_tokens_webhooks(user):
    page = user.page
    user.goto("/settings/members")
    page.get_by_role("button", name="Invite member").click()
    dialog = page.locator(".ant-modal")
    dialog.get_by_label("Email").fill("li.na@example.com")
    dialog.get_by_role("button", name="Invite member").click()
    expect(page.get_by_role("cell", name="li.na@example.com")).to_be_visible()

    page.get_by_role("tab", name="Departments").click()
    page.get_by_role("button", name="Add department").click()
    page.locator(".ant-modal").get_by_label("Department name").fill("Sales")
    page.locator(".ant-modal").get_by_role("button", name="Create").click()
    expect(page.locator(".ant-tree").get_by_text("Sales")).to_be_visible()
    page.get_by_role("button", name="Add department").click()
    page.locator(".ant-modal").get_by_label("Department name").fill("East region")
    page.locator(".ant-modal").get_by_label("Parent department").click()
    page.locator(".ant-select-tree-node-content-wrapper", has_text="Sales").click()
    page.locator(".ant-modal").get_by_role("button", name="Create").click()
    expect(page.locator(".ant-tree").get_by_text("East region")).to_be_visible()

    page.get_by_role("tab", name="API tokens").click()
    page.get_by_label("Token name").fill("nightly export")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert len(token) > 20
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("new-token")).to_have_count(0)
    expect(page.get_by_role("cell", name="nightly export")).to_be_visible()
    answer = page.request.get(user.base + "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.ok and answer.json()["user"]["email"] == user.email

    page.get_by_role("tab", name="Webhooks").click()
    page.get_by_role("button", name="Add webhook").click()
    page.locator(".ant-modal").get_by_label("Endpoint URL").fill("https://hooks.example.com/formloom")
    page.locator(".ant-modal").get_by_role("button", name="Create").click()
    expect(page.get_by_role("cell", name="https://hooks.example.com/formloom")).to_be_visible()
    assert user.console_errors == [], user.console_errors
