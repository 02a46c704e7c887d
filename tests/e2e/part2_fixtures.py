"""Browser-test fixtures of the flow, dashboard and inbox UI tests: a real `formloom run` server
on SQLite and embedded Redis, Debian's Chromium, and a freshly signed-up user with an app."""
from __future__ import annotations

import json
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import CHROMIUM, CHROMIUM_ARGS, running_formloom

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    """`formloom run` on a free port with its own SQLite file and embedded Redis."""
    instance = tmp_path_factory.mktemp("ui_instance")
    with running_formloom(instance) as base:
        yield base
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1500, "height": 950}, "locale": "en-US"}


@dataclass
class Session:
    """A signed-in browser page and JSON calls made with its cookies."""
    page: object
    base: str
    user: dict

    def api(self, method: str, path: str, body=None, ok: bool = True):
        csrf = next((c["value"] for c in self.page.context.cookies() if c["name"] == "formloom_csrf"), "")
        response = self.page.request.fetch(
            self.base + "/api/v1" + path, method=method,
            data=json.dumps(body) if body is not None else None,
            headers={"Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept-Language": "en"})
        if ok:
            assert response.ok, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 and response.text() else None

    def wait_for(self, what, timeout: float = 30.0, every: float = 0.5):
        """Polls `what()` until it returns something truthy (a background worker is at work)."""
        deadline = time.monotonic() + timeout
        while True:
            value = what()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the worker")
            time.sleep(every)


@pytest.fixture()
def ui(ui_server, page):
    page.goto(ui_server + "/login")
    session = Session(page=page, base=ui_server, user={})
    email = f"ui-{uuid.uuid4().hex[:10]}@example.com"
    signed = session.api("POST", "/auth/signup", {"email": email, "password": "a-long-secret-1",
                                                  "name": "Ann Lee", "workspace": "E2E"})
    session.user = signed["user"]
    return session


def make_app(ui: Session, key: str, fields: list[dict], form_key: str = "lead") -> tuple[dict, dict]:
    app = ui.api("POST", "/apps", {"key": key, "name": key.upper()})
    form = ui.api("POST", f"/apps/{app['id']}/forms", {"key": form_key, "name": form_key.title(), "fields": fields})
    return app, form


def connect(page, source_handle, target_node) -> None:
    """Drags an edge from a React Flow source handle to a node's target handle."""
    a = source_handle.bounding_box()
    b = target_node.locator(".react-flow__handle.target").bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
    page.mouse.up()
