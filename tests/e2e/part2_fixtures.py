"""Browser-test fixtures of the flow, dashboard and inbox UI tests: a real `formloom run` server
on SQLite and embedded Redis, Debian's Chromium, and a freshly signed-up user with an app."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.skip("the front end is not built (run `npm run build` in frontend/)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    instance = tmp_path_factory.mktemp("ui_instance")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(INSTANCE_PATH=str(instance), SECRET_KEY="e2e-" + uuid.uuid4().hex,
               DATABASE_URL=f"sqlite:///{instance}/formloom.db")
    log = open(instance / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "run", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.close()
            pytest.fail("formloom run did not start:\n" + (instance / "server.log").read_text()[-3000:])
        time.sleep(0.3)
    yield base
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


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
