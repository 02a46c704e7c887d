"""CRM dashboards benchmark (issue 6 part 8): the Repurchase CRM template installed with its seeded
demo data (templates_lib/crm/demo.py, about N orders, written through the bulk write path), then
each of its six dashboards' data endpoint (GET /api/v1/dashboards/<id>/data) timed through the
API: cold (report cache emptied before each call) and warm (every widget a cache hit), p50 of
`--repeat` calls. On PostgreSQL the hot-field promotion job runs first (as a worker would after
the install), and cold calls are also timed with one widget at a time, in the same run, to show
what computing widgets side by side gives. `--quick` installs a few hundred orders on both
databases and checks answers only: no widget errors, each widget equals its report run alone,
and warm calls are cache hits.

    .venv/bin/python -m bench.dashboards [--orders N] [--quick] [--db sqlite|postgresql|both]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench import _redis_db as redis_db
from bench.reports import make_database

ORDERS_PER_CUSTOMER = 2.1  # what the demo generator makes on average
BOARDS = ("overview", "rfm", "lifecycle", "journeys", "service", "sales")


def install(url: str, tmp: str, orders: int):
    """Migrate, sign up an owner, install the CRM with demo data; (flask app, client, app id, owner)."""
    from app import create_app
    from app.auth.actor import Actor
    from app.bundles.templates import install as install_template
    from app.extensions import unit_of_work
    from app.migrate import upgrade
    from templates_lib.crm import demo

    upgrade(url)
    flask_app = create_app({"DATABASE_URL": url, "REDIS_URL": redis_db.url(), "INSTANCE_PATH": tmp,
                            "SECRET_KEY": "bench"})
    client = flask_app.test_client()
    r = client.post("/api/v1/auth/signup", json={"email": f"{uuid.uuid4().hex[:8]}@b.io",
                                                 "password": "correct-horse-1", "name": "B",
                                                 "workspace": "bench"})
    owner = Actor(r.json["workspace"]["id"], r.json["user"]["id"], "owner")
    with flask_app.app_context():
        with unit_of_work() as s:
            app_id = install_template(s, owner, "crm")[0].id
        t = time.perf_counter()
        with unit_of_work() as s:
            counts = demo.generate(s, owner, app_id,
                                   customers=max(1, round(orders / ORDERS_PER_CUSTOMER))).counts
        print(f"  demo data {counts} in {time.perf_counter() - t:.1f} s")
    return flask_app, client, app_id, owner


def promote(flask_app) -> None:
    """The hot-field promotion job the install enqueued, run inline as a worker would."""
    from bench.reports import promote as promote_inline

    with flask_app.app_context():
        promote_inline()


def clear_cache(flask_app) -> None:
    from app.extensions import redis
    from app.report_engine.cache import PREFIX

    with flask_app.app_context():
        client = redis()
        for key in client.scan_iter(f"{PREFIX}*", count=1000):
            client.delete(key)


def call(client, dashboard_id: str) -> tuple[float, dict]:
    t = time.perf_counter()
    r = client.get(f"/api/v1/dashboards/{dashboard_id}/data")
    ms = (time.perf_counter() - t) * 1000
    assert r.status_code == 200, r.json
    return ms, r.json


def check_answers(flask_app, owner, app_id: str, board: dict, body: dict, warm: dict) -> list[str]:
    """Problems: widget errors, widgets differing from their report alone, warm misses."""
    from app.extensions import unit_of_work
    from app.report_engine.run import run_report

    problems = []
    for widget in board["definition"]["widgets"]:
        got = body["widgets"][widget["id"]]
        if "error" in got:
            problems.append(f"{board['key']}/{widget['id']}: {got['error']}")
            continue
        with flask_app.app_context(), unit_of_work() as s:
            alone = run_report(s, owner, widget["query"], app_id=app_id, use_cache=False)
        if got["rows"] != alone["rows"]:
            problems.append(f"{board['key']}/{widget['id']}: differs from the report alone")
        if warm["widgets"][widget["id"]].get("cache") != "hit":
            problems.append(f"{board['key']}/{widget['id']}: warm call was not a cache hit")
    return problems


def p50(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def run_for(kind: str, orders: int, quick: bool, repeat: int) -> dict:
    from app.report_engine import parallel

    with tempfile.TemporaryDirectory() as tmp:
        url, drop = make_database(kind, Path(tmp))
        try:
            t0 = time.perf_counter()
            flask_app, client, app_id, owner = install(url, tmp, orders)
            print(f"[{kind}] CRM installed with about {orders:,} orders in "
                  f"{time.perf_counter() - t0:.1f} s")
            promote(flask_app)
            boards = {b["key"]: b for b in client.get(
                f"/api/v1/apps/{app_id}/dashboards?limit=100").json["items"]}
            out: dict = {"load_average": [round(x, 2) for x in os.getloadavg()], "dashboards": {}}
            problems: list[str] = []
            threads = parallel.MAX_THREADS
            for key in BOARDS:
                board = boards[key]
                cold, warm, one_by_one = [], [], []
                for _ in range(repeat):
                    clear_cache(flask_app)
                    ms, body = call(client, board["id"])
                    cold.append(ms)
                    ms, warm_body = call(client, board["id"])
                    warm.append(ms)
                    if kind == "postgresql" and not quick:
                        clear_cache(flask_app)
                        parallel.MAX_THREADS = 1
                        try:
                            one_by_one.append(call(client, board["id"])[0])
                        finally:
                            parallel.MAX_THREADS = threads
                if quick:
                    problems += check_answers(flask_app, owner, app_id, board, body, warm_body)
                    line = f"[{kind}] {key}: {len(board['definition']['widgets'])} widgets checked"
                else:
                    row = {"widgets": len(board["definition"]["widgets"]), "cold_p50_ms": p50(cold),
                           "warm_p50_ms": p50(warm)}
                    line = (f"[{kind}] {key:10s} {row['widgets']} widgets  cold p50 "
                            f"{row['cold_p50_ms']:8.1f} ms  warm p50 {row['warm_p50_ms']:6.1f} ms")
                    if one_by_one:
                        row["cold_one_thread_p50_ms"] = p50(one_by_one)
                        line += f"  (one widget at a time: {row['cold_one_thread_p50_ms']:8.1f} ms)"
                    out["dashboards"][key] = row
                print(line)
            out["load_average"] += [round(x, 2) for x in os.getloadavg()]
            out["problems"] = problems
            for problem in problems:
                print("   PROBLEM:", problem)
            return out
        finally:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="small size; check answers only")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    orders = 400 if args.quick else args.orders
    repeat = 1 if args.quick else args.repeat
    results: dict = {"orders": orders}
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        results[kind] = run_for(kind, orders, args.quick, repeat)
        print(f"[{kind}] load average (1, 5, 15 min) before: {results[kind]['load_average'][:3]}, "
              f"after: {results[kind]['load_average'][3:]}")
    ok = not any(r["problems"] for k, r in results.items() if k != "orders")
    if not args.quick:
        path = Path(__file__).parent / "results" / "dashboards.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(results, indent=1))
    print("answers match" if ok else "ANSWERS DIFFER")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
