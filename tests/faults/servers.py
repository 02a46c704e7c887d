"""Private PostgreSQL and Redis servers that a fault test may kill and restart without touching
the machine's shared ones (other tests use those)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES


ROOT = Path(__file__).resolve().parents[2]


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    """`formloom worker` in a process group of its own, so the test can end its RQ scheduler
    child too (a killed worker leaves it running, polling Redis for good)."""
    return subprocess.Popen([sys.executable, "-m", "app.cli", "worker", *args], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def end_worker(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unavailable(reason: str):
    """Fail when the run requires every service, else skip (as the shared fixtures do)."""
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


def _pg_bindir() -> str | None:
    forced = os.environ.get("FORMLOOM_PG_BINDIR")
    if forced:
        return forced
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class PrivatePostgres:
    """A throwaway cluster on a free loopback port, trust auth, user postgres. PostgreSQL refuses
    to run as root, so as root the cluster belongs to the `postgres` user and its commands run
    through runuser; the directory lives under /tmp because pytest's tmp dirs are root-only."""

    def __init__(self):
        self.bindir = _pg_bindir()
        if not self.bindir:
            unavailable("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        self.root = Path(tempfile.mkdtemp(prefix="formloom-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [f"{self.bindir}/{args[0]}", *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, timeout=timeout, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    def init(self) -> "PrivatePostgres":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")
        return self

    def start(self) -> None:
        # fsync=off: a killed server (not a crashed kernel) leaves its WAL in the page cache, so
        # crash recovery replays the same; fsync would only slow the test on a shared disk.
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
                   " -c fsync=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is a crash: backends die at once, recovery replays the WAL at start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    """redis-server on a free port without persistence: a kill loses everything in it."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            unavailable("redis-server is not installed")
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
            finally:
                client.close()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
