"""Designer on an existing form: undo and redo, a preview on a phone, and saving a change that
would affect existing records shows the migration report before it is forced."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part1_fixtures import (  # noqa: F401
    browser_context_args, browser_type_launch_args, make_form, screenshot_on_failure, server, user,
)

pytestmark = pytest.mark.e2e

FIELDS = [
    {"key": "name", "type": "text", "label": {"en": "Name"}},
    {"key": "note", "type": "text", "label": {"en": "Note"}},
]


def test_undo_redo_preview_and_migration_report(user):
    app, form = make_form(user, "desk", FIELDS)
    user.api("POST", f"/forms/{form['id']}/records", {"data": {"name": "Old record"}})
    page = user.page
    user.goto(f"/apps/{app['id']}/forms/{form['id']}/design")

    page.get_by_test_id("canvas-field-note").click()
    page.get_by_test_id("field-label-en").fill("Internal note")
    expect(page.get_by_test_id("canvas-field-note")).to_contain_text("Internal note")
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("canvas-field-note")).to_contain_text("Note")
    expect(page.get_by_test_id("canvas-field-note")).not_to_contain_text("Internal")
    page.get_by_test_id("redo").click()
    expect(page.get_by_test_id("canvas-field-note")).to_contain_text("Internal note")

    page.get_by_test_id("preview").click()
    page.locator(".ant-modal .ant-segmented").get_by_text("Phone", exact=True).click()
    expect(page.get_by_test_id("designer-preview").get_by_text("Internal note")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_test_id("canvas-field-note").click()
    page.get_by_test_id("field-required").check()
    page.get_by_test_id("save-form").click()
    dialog = page.get_by_test_id("migration-dialog")
    expect(dialog).to_contain_text("1 existing records")
    expect(dialog).to_contain_text("Internal note")
    dialog.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_text("Version 2", exact=True)).to_be_visible()
    saved = user.api("GET", f"/forms/{form['id']}")
    assert next(f for f in saved["definition"]["fields"] if f["key"] == "note")["required"] is True
    assert user.console_errors == [] or all("status of 422" in e for e in user.console_errors), user.console_errors
