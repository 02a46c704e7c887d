"""Fixtures of the form, data and public-page browser tests: a real `formloom run` server on SQLite
and embedded Redis in a temporary instance, Debian's Chromium, a signed-up user, console-error
checks, and a screenshot in test-artifacts/ when a test fails."""
from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_formloom

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "a-long-secret-1"




@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`formloom run` on a free port with its own SQLite file and embedded Redis."""
    instance = tmp_path_factory.mktemp("e2e_instance")
    with running_formloom(instance) as base:
        yield base
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}, "locale": "en-US",
            "accept_downloads": True}


@dataclass
class User:
    """A signed-in browser page, its console errors, and JSON calls made with its cookies."""
    page: object
    base: str
    email: str
    console_errors: list = field(default_factory=list)

    def api(self, method: str, path: str, body=None, ok: bool = True):
        csrf = next((c["value"] for c in self.page.context.cookies() if c["name"] == "formloom_csrf"), "")
        response = self.page.request.fetch(
            self.base + "/api/v1" + path, method=method,
            data=json.dumps(body) if body is not None else None,
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept-Language": "en"})
        if ok:
            assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 and response.text() else None

    def goto(self, path: str):
        self.page.goto(self.base + path)


def watch_console(page, sink: list) -> None:
    page.on("console", lambda m: sink.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: sink.append(f"page error: {e}"))


@pytest.fixture()
def screenshot_on_failure(request, page):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception:  # the page may already be gone; the report itself still tells the story
            pass


@pytest.fixture()
def user(server, page, screenshot_on_failure):
    """A new user and workspace, signed in through the API, with console errors collected."""
    page.goto(server + "/login")
    u = User(page=page, base=server, email=f"e2e-{uuid.uuid4().hex[:10]}@example.com")
    watch_console(page, u.console_errors)
    u.api("POST", "/auth/signup", {"email": u.email, "password": PASSWORD, "name": "Ann Lee",
                                   "workspace": "E2E"})
    return u


def make_form(u: User, app_key: str, fields: list[dict], form_key: str = "lead", name=None) -> tuple[dict, dict]:
    app = u.api("POST", "/apps", {"key": app_key, "name": app_key.upper()})
    form = u.api("POST", f"/apps/{app['id']}/forms",
                 {"key": form_key, "name": name or form_key.title(), "fields": fields})
    return app, form


def drag(page, source, target, dy: float = 0) -> None:
    """Drags with real pointer moves in small steps (dnd-kit needs movement past its threshold)."""
    source.scroll_into_view_if_needed()
    target.scroll_into_view_if_needed()
    a, b = source.bounding_box(), target.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(a["x"] + a["width"] / 2 + 10, a["y"] + a["height"] / 2 + 10, steps=4)
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2 + dy, steps=15)
    page.mouse.up()
