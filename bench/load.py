"""Load: a realistic request mix against `formloom run` (gunicorn + workers running journeys) on
PostgreSQL and Redis, loopback only, bounded in time and concurrency.

Mix: 70% record reads and list filters, 15% creates (each starts a journey: an approval task
and an in-app message), 5% dashboard data, 5% public form submits, 5% task actions. Reports
throughput, p50/p95/p99 per endpoint, errors (any status >= 400 other than 429 is an error and
must be 0), and the RSS of the web and worker processes at the start and the end (growth must
stay within 10%). Writes bench/results/load.json.

Usage: python -m bench.load [--minutes 10] [--users 8] [--quick]
(--quick runs 0.3 minutes and checks answers: every accepted create is there afterwards.)
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections import defaultdict
from pathlib import Path

import psutil

from bench import _redis_db as redis_db

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("FORMLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SEED_RECORDS = 2000
FIELDS = ([{"key": "name", "type": "text"}, {"key": "phone", "type": "text"},
           {"key": "city", "type": "select", "options": ["上海", "北京", "深圳", "杭州"]},
           {"key": "tier", "type": "select", "options": ["basic", "silver", "gold"]},
           {"key": "spent", "type": "number"}, {"key": "orders", "type": "number"},
           {"key": "owner", "type": "user"}]
          + [{"key": f"extra{i}", "type": "text"} for i in range(8)]
          + [{"key": "avg", "type": "formula", "expression": "IF(orders > 0, spent / orders, 0)",
              "result": "number"},
             {"key": "big", "type": "formula", "expression": "spent > 1000", "result": "boolean"},
             {"key": "label", "type": "formula", "expression": "name & ' / ' & city",
              "result": "text"}])
FILTERS = ["spent > 500", "city = '上海'", "tier = 'gold' and orders >= 3", "big = true",
           "spent > 100 and city in ('北京', '深圳')"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _row(rng: random.Random, owner: str) -> dict:
    return {"name": f"客户{rng.randrange(10**6)}", "phone": f"138{rng.randrange(10**8):08d}",
            "city": rng.choice(["上海", "北京", "深圳", "杭州"]),
            "tier": rng.choice(["basic", "silver", "gold"]), "spent": rng.randrange(0, 5000),
            "orders": rng.randrange(0, 12), "owner": owner,
            **{f"extra{i}": f"note {rng.randrange(1000)}" for i in range(8)}}


class Client:
    """One keep-alive HTTP connection speaking JSON with a bearer token."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body=None, headers=None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        h = {"Content-Type": "application/json", "Accept-Language": "en", **(headers or {})}
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        for attempt in range(2):
            try:
                self.conn.request(method, "/api/v1" + path, body=data, headers=h)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed


class Server:
    """`formloom run` on a fresh PostgreSQL database and a Redis index of its own (emptied)."""

    def __init__(self, workers: int):
        import sqlalchemy as sa

        self.db = f"formloom_load_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{self.db}"'))
        self.instance = Path(f"/tmp/{self.db}")
        self.instance.mkdir()
        self.port = _free_port()
        env = {**os.environ, "INSTANCE_PATH": str(self.instance), "SECRET_KEY": uuid.uuid4().hex,
               "DATABASE_URL": PG_ADMIN.rsplit("/", 1)[0] + f"/{self.db}",
               "REDIS_URL": redis_db.url(), "BASE_URL": f"http://127.0.0.1:{self.port}"}
        self.log = open(self.instance / "server.log", "w")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "formloom"), "run", "--port", str(self.port),
             "--workers", str(workers)], cwd=ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("formloom run did not start:\n"
                                     + (self.instance / "server.log").read_text()[-3000:])
                time.sleep(0.3)

    def rss(self) -> dict[str, float]:
        """MiB of resident memory of the web (gunicorn) and worker processes."""
        out = {"web": 0.0, "worker": 0.0}
        for proc in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmd = " ".join(proc.cmdline())
                mib = proc.memory_info().rss / 1048576
            except psutil.Error:
                continue
            if "gunicorn" in cmd:
                out["web"] += mib
            elif " worker" in cmd:
                out["worker"] += mib
        return {k: round(v, 1) for k, v in out.items()}

    def stop(self) -> None:
        import sqlalchemy as sa

        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
        self.admin.dispose()
        subprocess.run(["rm", "-rf", str(self.instance)], check=False)


def setup(port: int) -> dict:
    """A workspace with a seeded customer form, a segment, a dashboard, a public link and a
    journey on every new record (an approval task for the owner and an in-app message)."""
    c = Client(port)
    email = f"load-{uuid.uuid4().hex[:8]}@example.com"
    status, body = c.call("POST", "/auth/signup", {"email": email, "password": "a-long-secret-1",
                                                    "name": "Load", "workspace": "Load"})
    assert status == 201, body
    me = body["user"]["id"]
    status, body = _cookie_client(port, email).call("POST", "/tokens", {"name": "load"})
    assert status == 201, body
    api = Client(port, body["token"])
    _status, app = api.call("POST", "/apps", {"key": "crm", "name": "CRM"})
    status, form = api.call("POST", f"/apps/{app['id']}/forms",
                            {"key": "customer", "name": "Customer", "fields": FIELDS})
    assert status == 201, form
    rng = random.Random(7)
    ids = []
    for start in range(0, SEED_RECORDS, 500):
        status, out = api.call("POST", f"/forms/{form['id']}/records/bulk", {
            "records": [{"data": _row(rng, me)} for _ in range(min(500, SEED_RECORDS - start))]})
        assert status == 201, out
        ids += out["ids"]
    status, dash = api.call("POST", f"/apps/{app['id']}/dashboards", {
        "key": "sales", "name": "Sales", "widgets": [
            {"id": "by_city", "chart": "bar", "query": {"source": "customer", "dimensions": [
                {"field": "city"}], "measures": [{"agg": "sum", "field": "spent", "as": "s"}]}},
            {"id": "by_tier", "chart": "pie", "query": {"source": "customer", "dimensions": [
                {"field": "tier"}], "measures": [{"agg": "count", "as": "n"}]}}]})
    assert status == 201, dash
    status, link = api.call("POST", f"/forms/{form['id']}/public",
                            {"fields": ["name", "phone", "city"]})
    assert status == 200, link
    status, flow = api.call("POST", f"/apps/{app['id']}/flows", {
        "key": "welcome", "name": "Welcome", "trigger": {"type": "record.created", "form": "customer"},
        "nodes": [{"id": "hello", "type": "send_message", "channel": "inapp", "to": {"user": me},
                   "subject": "New customer {{record.name}}", "body": "{{record.city}}"},
                  {"id": "check", "type": "approval", "title": "Check {{record.name}}",
                   "assignees": {"user": me}},
                  {"id": "mark", "type": "update_record", "set": {"tier": "'silver'"}}],
        "edges": [{"from": "trigger", "to": "hello"}, {"from": "hello", "to": "check"},
                  {"from": "check", "to": "mark", "when": "approve"}]})
    assert status == 201, flow
    assert api.call("POST", f"/flows/{flow['id']}/enable")[0] == 200
    return {"token": api.token, "form_id": form["id"], "record_ids": ids, "dashboard_id": dash["id"],
            "public_token": link["token"], "user_id": me, "flow_id": flow["id"]}


def _cookie_client(port: int, email: str):
    """Log in with a cookie session once, only to mint the API token the load uses."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}/api/v1"
    req = urllib.request.Request(base + "/auth/login", method="POST", headers={
        "Content-Type": "application/json"}, data=json.dumps(
        {"email": email, "password": "a-long-secret-1"}).encode())
    csrf = json.loads(opener.open(req).read())["csrf_token"]

    class _Minter:
        def call(self, method, path, body):
            r = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
                                       headers={"Content-Type": "application/json",
                                                "X-CSRF-Token": csrf})
            with opener.open(r) as resp:
                return resp.status, json.loads(resp.read())

    return _Minter()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []
        self.created: list[str] = []

    def add(self, name: str, seconds: float, status: int, detail=None) -> None:
        with self.lock:
            self.latency[name].append(seconds * 1000)
            self.status[name][status] += 1
            if status >= 400 and status != 429 and len(self.errors) < 20:
                self.errors.append(f"{name} {status} {str(detail)[:200]}")


def user_loop(index: int, users: int, port: int, world: dict, stop: float, stats: Stats) -> None:
    rng = random.Random(1000 + index)
    api, anonymous = Client(port, world["token"]), Client(port)
    form, ids = world["form_id"], world["record_ids"]
    actions = ([("record read", 40), ("list filter", 30), ("create", 15), ("dashboard data", 5),
                ("public submit", 5), ("task action", 5)])
    names, weights = zip(*actions)
    while time.monotonic() < stop:
        name = rng.choices(names, weights)[0]
        started = time.perf_counter()
        if name == "record read":
            status, body = api.call("GET", f"/records/{rng.choice(ids)}")
        elif name == "list filter":
            from urllib.parse import quote

            status, body = api.call("GET", f"/forms/{form}/records?limit=50&sort=-spent&filter="
                                    + quote(rng.choice(FILTERS)))
        elif name == "create":
            status, body = api.call("POST", f"/forms/{form}/records",
                                    {"data": _row(rng, world["user_id"])})
            if status == 201:
                with stats.lock:
                    stats.created.append(body["id"])
        elif name == "dashboard data":
            status, body = api.call("GET", f"/dashboards/{world['dashboard_id']}/data")
        elif name == "public submit":
            status, body = anonymous.call("POST", f"/public/{world['public_token']}/submit",
                                          {"data": {"name": f"访客{rng.randrange(10**6)}",
                                                    "phone": f"139{rng.randrange(10**8):08d}",
                                                    "city": "杭州"}})
        else:
            name = "task list"
            status, body = api.call("GET", "/tasks?assignee=me&status=open&limit=50")
            mine = [t for t in (body or {}).get("items", []) if hash(t["id"]) % users == index]
            if status == 200 and mine:
                stats.add(name, time.perf_counter() - started, status, body)
                name, started = "task complete", time.perf_counter()
                status, body = api.call("POST", f"/tasks/{mine[0]['id']}/complete",
                                        {"outcome": "approve"})
        stats.add(name, time.perf_counter() - started, status, body)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    minutes = 0.3 if args.quick else args.minutes
    server = Server(args.workers)
    try:
        world = setup(server.port)
        time.sleep(3)  # the first sweeps and imports settle
        rss_start = server.rss()
        stats = Stats()
        started = time.monotonic()
        stop = started + minutes * 60
        threads = [threading.Thread(target=user_loop, args=(i, args.users, server.port, world,
                                                            stop, stats), daemon=True)
                   for i in range(args.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        rss_end = server.rss()
        report = summarise(stats, elapsed, args, minutes, rss_start, rss_end)
        report["answers_ok"] = check_answers(server.port, world, stats)
    finally:
        server.stop()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_table(report)
    ok = report["non_429_errors"] == 0 and report["answers_ok"]
    if not args.quick:
        ok = ok and all(g <= 10 for g in report["rss_growth_percent"].values())
    return 0 if ok else 1


def summarise(stats: Stats, elapsed: float, args, minutes: float, rss_start, rss_end) -> dict:
    endpoints = {}
    total = 0
    for name, values in sorted(stats.latency.items()):
        total += len(values)
        endpoints[name] = {"requests": len(values), "per_s": round(len(values) / elapsed, 1),
                           "p50_ms": percentile(values, 0.50), "p95_ms": percentile(values, 0.95),
                           "p99_ms": percentile(values, 0.99),
                           "mean_ms": round(statistics.fmean(values), 1),
                           "status": dict(stats.status[name])}
    errors = sum(n for s in stats.status.values() for code, n in s.items()
                 if code >= 400 and code != 429)
    limited = sum(s.get(429, 0) for s in stats.status.values())
    growth = {k: round(100 * (rss_end[k] - rss_start[k]) / rss_start[k], 1) if rss_start[k] else 0.0
              for k in rss_start}
    return {"quick": args.quick, "minutes": minutes, "users": args.users, "workers": args.workers,
            "seconds": round(elapsed, 1), "requests": total,
            "throughput_per_s": round(total / elapsed, 1), "non_429_errors": errors,
            "rate_limited_429": limited, "error_samples": stats.errors, "endpoints": endpoints,
            "rss_mib_start": rss_start, "rss_mib_end": rss_end, "rss_growth_percent": growth,
            "cores": os.cpu_count()}


def check_answers(port: int, world: dict, stats: Stats) -> bool:
    """Every create the API accepted is readable afterwards (nothing lost under load)."""
    api = Client(port, world["token"])
    sample = stats.created[:: max(1, len(stats.created) // 50)]
    return all(api.call("GET", f"/records/{rid}")[0] == 200 for rid in sample)


def print_table(report: dict) -> None:
    print(f"load: {report['requests']} requests in {report['seconds']} s "
          f"({report['throughput_per_s']}/s) by {report['users']} users"
          f"{' (quick)' if report['quick'] else ''}; non-429 errors {report['non_429_errors']}, "
          f"429s {report['rate_limited_429']}")
    print(f"{'endpoint':<16}{'requests':>9}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, e in report["endpoints"].items():
        print(f"{name:<16}{e['requests']:>9}{e['per_s']:>8}{e['p50_ms']:>9}{e['p95_ms']:>9}"
              f"{e['p99_ms']:>9}")
    print(f"RSS MiB start {report['rss_mib_start']} end {report['rss_mib_end']} "
          f"growth % {report['rss_growth_percent']}; answers ok: {report['answers_ok']}")
    for sample in report["error_samples"]:
        print("  error:", sample)


if __name__ == "__main__":
    sys.exit(main())
