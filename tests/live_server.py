"""A real `formloom run` (web + one worker, SQLite + embedded Redis in a temporary instance) for
the browser tests, and Debian's Chromium launch arguments. One implementation for every suite."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REQUIRED = os.environ.get("FORMLOOM_REQUIRE_SERVICES", "") not in ("", "0", "false")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_browser_setup() -> None:
    """Skip where the front end or Chromium is missing, unless CI requires them (then fail)."""
    problems = []
    if not (ROOT / "frontend" / "dist" / "index.html").exists():
        problems.append("the front end is not built (make frontend)")
    if not Path(CHROMIUM).exists():
        problems.append("Debian's chromium is not installed (apt-get install chromium)")
    if problems:
        (pytest.fail if REQUIRED else pytest.skip)("; ".join(problems))


def _command(port: int) -> list[str]:
    script = ROOT / ".venv" / "bin" / "formloom"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]
    return head + ["run", "--port", str(port), "--workers", "1"]


@contextlib.contextmanager
def running_formloom(instance: Path, **env_overrides: str) -> Iterator[str]:
    """Start the server on a free port, wait for /healthz, yield its base URL, stop it."""
    require_browser_setup()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(INSTANCE_PATH=str(instance), SECRET_KEY="live-" + uuid.uuid4().hex,
               BASE_URL=base, **env_overrides)
    log_path = instance / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(_command(port), cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("formloom run did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        log.close()
