"""Fixtures of the browser attack tests: a real `formloom run` (web and a worker) on a temporary
instance (SQLite and embedded Redis), started on first use, and Debian's Chromium."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
FORMLOOM = ROOT / ".venv" / "bin" / "formloom"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of `formloom run --port <free>` answering /healthz."""
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        pytest.skip("the front end is not built (make frontend)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    instance = tmp_path_factory.mktemp("security_instance")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(INSTANCE_PATH=str(instance), SECRET_KEY="sec-" + uuid.uuid4().hex,
               BASE_URL=f"http://127.0.0.1:{port}")
    log = open(instance / "server.log", "w")
    proc = subprocess.Popen([str(FORMLOOM), "run", "--port", str(port), "--workers", "1"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
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
    return {**browser_context_args, "viewport": {"width": 2400, "height": 1600}, "locale": "en-US"}
