"""Public pages on a phone: fill in without logging in (rules, errors, thank-you), then look the
submission up on the public look-up page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.part1_fixtures import (  # noqa: F401
    browser_context_args, browser_type_launch_args, make_form, screenshot_on_failure, server, user, watch_console,
)

pytestmark = pytest.mark.e2e

FIELDS = [
    {"key": "phone", "type": "phone", "label": {"en": "Phone", "zh": "手机"}, "required": True, "unique": True},
    {"key": "name", "type": "text", "label": {"en": "Name", "zh": "姓名"}, "required": True},
    {"key": "guests", "type": "number", "label": {"en": "Guests", "zh": "人数"}},
    {"key": "diet", "type": "text", "label": {"en": "Diet", "zh": "饮食"}, "visible_when": "guests > 0"},
]


def test_public_form_on_a_phone_and_the_lookup_page(user, browser):
    _, form = make_form(user, "events", FIELDS, form_key="signup", name={"en": "Tea tasting", "zh": "品茶会报名"})
    link = user.api("POST", f"/forms/{form['id']}/public", {"fields": ["phone", "name", "guests", "diet"],
                                                          "thank_you": "See you on Friday!"})
    query = user.api("POST", f"/forms/{form['id']}/public-query", {"lookup_field": "phone", "fields": ["name", "guests"]})

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    page = phone.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    page.goto(f"{user.base}/f/{link['token']}")
    expect(page.get_by_role("heading", name="品茶会报名")).to_be_visible()
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Tea tasting")).to_be_visible()

    # nothing filled: friendly errors at the fields
    page.get_by_test_id("public-submit").click()
    expect(page.locator("[data-field=phone] .pf-error")).to_have_text("Required")
    page.locator("#pf-phone").fill("13800138000")
    page.locator("#pf-name").fill("Lin")
    expect(page.locator("#pf-diet")).to_have_count(0)
    page.locator("#pf-guests").fill("2")
    page.locator("#pf-diet").fill("Vegetarian")
    page.get_by_test_id("public-submit").click()
    expect(page.get_by_test_id("public-thanks")).to_contain_text("See you on Friday!")

    # the same unique phone again: the server's message shows at the field
    page.get_by_role("button", name="Submit another response").click()
    page.locator("#pf-phone").fill("13800138000")
    page.locator("#pf-name").fill("Lin again")
    page.get_by_test_id("public-submit").click()
    expect(page.locator("[data-field=phone] .pf-error")).to_be_visible()

    records = user.api("GET", f"/forms/{form['id']}/records")["items"]
    assert [r["data"]["diet"] for r in records] == ["Vegetarian"]

    page.goto(f"{user.base}/q/{query['token']}")
    page.locator("#pq-value").fill("13800138000")
    page.get_by_role("button", name="Look up").click()
    result = page.get_by_test_id("public-query-result")
    expect(result).to_contain_text("Lin")
    expect(result).to_contain_text("2")
    # the browser logs the refused duplicate (409) itself; nothing else may appear
    assert [e for e in errors if "status of 409" not in e] == [], errors
    phone.close()


def test_public_page_is_light(server):
    """The public entry loads no component library: its scripts stay under 150 KB gzipped."""
    import gzip
    import re
    from pathlib import Path

    dist = Path(__file__).resolve().parents[2] / "frontend" / "dist"
    html = (dist / "public.html").read_text()
    scripts = set(re.findall(r'(?:src|href)="(/assets/[^"]+\.js)"', html))
    total = sum(len(gzip.compress((dist / s.lstrip("/")).read_bytes())) for s in scripts)
    assert total < 150 * 1024, total
    assert not any("antd" in (dist / s.lstrip("/")).read_text() for s in scripts)


def test_a_prefilled_survey_link_with_a_photo_on_a_phone(user, browser):
    """A PUBLIC_LINK() address from a flow message: the prefilled store is shown read-only, the
    ticket never; a photo is taken or chosen and uploaded; the answer lands on the ticket."""
    import io
    import re
    import time

    from PIL import Image

    app, ticket_form = make_form(user, "service", [
        {"key": "title", "type": "text", "label": {"en": "Title", "zh": "标题"}},
        {"key": "store", "type": "text", "label": {"en": "Store", "zh": "门店"}}], form_key="ticket")
    survey = user.api("POST", f"/apps/{app['id']}/forms", {
        "key": "survey", "name": {"en": "How did we do?", "zh": "服务评价"},
        "fields": [
            {"key": "ticket", "type": "relation", "target": "ticket", "label": "Ticket", "required": True,
             "hidden": True},
            {"key": "store", "type": "text", "label": {"en": "Store", "zh": "门店"}},
            {"key": "rating", "type": "rating", "label": {"en": "Rating", "zh": "评分"}, "max": 5, "required": True},
            {"key": "photo", "type": "image", "label": {"en": "Photo", "zh": "照片"}, "max_files": 2}],
        "settings": {"public": {"fields": ["ticket", "store", "rating", "photo"]}}})
    user.api("POST", f"/forms/{survey['id']}/public", {})
    flow = user.api("POST", f"/apps/{app['id']}/flows", {
        "key": "ask", "name": "Ask", "trigger": {"type": "record.created", "form": "ticket"},
        "nodes": [{"id": "ask", "type": "send_message", "channel": "inapp", "to": {"role": "owner"},
                   "body": "{{PUBLIC_LINK('survey', 'ticket', RECORD_ID(), 'store', record.store)}}"}],
        "edges": [{"from": "trigger", "to": "ask"}]})
    user.api("POST", f"/flows/{flow['id']}/enable")
    ticket = user.api("POST", f"/forms/{ticket_form['id']}/records", {"data": {"title": "Cracked", "store": "Nanjing Road"}})
    deadline, link = time.monotonic() + 30, None
    while link is None and time.monotonic() < deadline:
        bodies = [m["body"] for m in user.api("GET", "/messages")["items"]]
        link = next((b for b in bodies if "/f/" in b), None)
        time.sleep(0.3)
    assert link and re.match(rf"^{re.escape(user.base)}/f/[\w-]+\?p=\S+$", link), link

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-US")
    page = phone.new_page()
    errors: list[str] = []
    watch_console(page, errors)
    page.goto(link)
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.locator("#pf-store")).to_have_text("Nanjing Road")
    expect(page.locator("input#pf-store")).to_have_count(0)
    expect(page.locator("[data-field=ticket]")).to_have_count(0)
    png = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(png, format="PNG")
    page.get_by_test_id("pf-file-photo").set_input_files(
        files=[{"name": "crack.png", "mimeType": "image/png", "buffer": png.getvalue()}])
    expect(page.locator(".pf-file-list")).to_contain_text("crack.png")
    page.get_by_role("button", name="2", exact=True).click()
    page.get_by_test_id("public-submit").click()
    expect(page.get_by_test_id("public-thanks")).to_be_visible()

    [answer] = user.api("GET", f"/forms/{survey['id']}/records")["items"]
    assert answer["data"]["ticket"] == ticket["id"] and answer["data"]["store"] == "Nanjing Road"
    assert answer["data"]["rating"] == 2 and answer["data"]["photo"][0]["content_type"] == "image/png"
    assert errors == [], errors
    phone.close()
