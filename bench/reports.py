"""Report engine benchmark: Q1 sum/count by status, Q2 monthly revenue of one channel over the
last 12 months, Q3 repurchase rate, Q4 RFM cell counts, at N orders (default 1,000,000 over
N/10 customers), timed end to end through the engine (spec in, rows out, cache off) and as
hand-written SQL on a typed table loaded with the same data, in the same run, on PostgreSQL and
SQLite. The engine is timed twice: reading the JSON (planner statistics / per-field indexes only;
on SQLite once per question), then after the saved dashboard's fields are promoted to typed
columns (the job run inline here; on SQLite VIRTUAL columns plus the widgets' covering indexes).
`--quick` uses a small size and only checks that both give the same answers.

    .venv/bin/python -m bench.reports [--orders N] [--quick] [--db sqlite|postgresql|both]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from bench import _redis_db as redis_db

PG_ADMIN = os.environ.get("FORMLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CHANNELS = ["门店", "天猫", "京东", "小程序", "公众号", "抖音"]
AS_OF = "2025-06-30"
ORDER_FORM = {"key": "order", "name": "Order", "fields": [
    {"key": "customer", "type": "text"}, {"key": "channel", "type": "select", "options": CHANNELS},
    {"key": "amount", "type": "number"},
    {"key": "status", "type": "select", "options": ["待付款", "已完成", "已退款"]},
    {"key": "ordered_at", "type": "datetime"}]}
SPECS = {
    "Q1": {"source": "order", "dimensions": [{"field": "status"}],
           "measures": [{"agg": "sum", "field": "amount", "as": "revenue"}, {"agg": "count", "as": "n"}],
           "sort": [{"by": "status"}]},
    "Q2": {"source": "order", "filter": "channel = '天猫' and ordered_at >= DATE(2024, 7, 1) and ordered_at < DATE(2025, 7, 1)",
           "dimensions": [{"field": "ordered_at", "bucket": "month", "as": "month"}],
           "measures": [{"agg": "sum", "field": "amount", "as": "revenue"}], "sort": [{"by": "month"}]},
    "Q3": {"source": "order", "kind": "repurchase", "customer": "customer", "date": "ordered_at",
           "amount": "amount", "filter": "status = '已完成'", "as_of": AS_OF,
           "metrics": ["customers", "repeat_customers", "repurchase_rate"]},
    "Q4": {"source": "order", "kind": "rfm", "customer": "customer", "date": "ordered_at",
           "amount": "amount", "filter": "status = '已完成'", "as_of": AS_OF},
}


def generate(n: int, seed: int = 7):
    rng = random.Random(seed)
    customers = max(10, n // 10)
    start = dt.datetime(2023, 7, 1, tzinfo=dt.timezone.utc)
    for _ in range(n):
        # most customers buy once, a minority often
        c = int(customers * rng.random() ** 2.5)
        at = start + dt.timedelta(seconds=rng.randrange(0, 730 * 86400))
        yield {"customer": f"C{c:07d}", "channel": rng.choice(CHANNELS),
               "amount": round(rng.uniform(5, 800), 2),
               "status": rng.choices(["待付款", "已完成", "已退款"], [1, 8, 1])[0],
               "ordered_at": at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def typed_sql(dialect: str) -> dict[str, str]:
    local = ("to_char(ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')" if dialect == "postgresql"
             else "date(ordered_at, '+480 minutes')")
    days = ("(DATE '2025-06-30' - max(day::date))" if dialect == "postgresql"
            else "CAST(julianday('2025-06-30') - julianday(max(day)) AS INTEGER)")
    pd = (f"SELECT customer, {local} AS day, sum(amount) AS amount FROM bench_orders "
          f"WHERE status = '已完成' AND {local} <= '{AS_OF}' GROUP BY customer, {local}")
    return {
        "Q1": "SELECT status, sum(amount), count(*) FROM bench_orders GROUP BY status ORDER BY status",
        "Q2": (f"SELECT substr({local}, 1, 7) AS m, sum(amount) FROM bench_orders WHERE channel = '天猫' "
               "AND ordered_at >= '2024-06-30T16:00:00Z' AND ordered_at < '2025-06-30T16:00:00Z' "
               "GROUP BY m ORDER BY m"),
        "Q3": (f"WITH p AS ({pd}), c AS (SELECT customer, count(*) AS days FROM p GROUP BY customer) "
               "SELECT count(*), sum(CASE WHEN days >= 2 THEN 1 ELSE 0 END) FROM c"),
        "Q4": (f"WITH p AS ({pd}), c AS (SELECT customer, {days} AS r, count(*) AS f, sum(amount) AS m "
               "FROM p GROUP BY customer), s AS (SELECT 1 + 5 * (rank() OVER (ORDER BY r DESC) - 1) / "
               "count(*) OVER () AS rs, 1 + 5 * (rank() OVER (ORDER BY f) - 1) / count(*) OVER () AS fs "
               "FROM c) SELECT rs, fs, count(*) FROM s GROUP BY rs, fs ORDER BY rs DESC, fs"),
    }


def make_database(kind: str, workdir: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.db'}", lambda: None
    name = f"formloom_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        from app.db import dispose_all
        dispose_all()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def load(url: str, n: int) -> tuple[str, str]:
    """Migrate, create workspace/app/form, insert n orders as records and in the typed table."""
    from app.db import get_engine
    from app.ids import new_id
    from app.migrate import upgrade

    upgrade(url)
    engine = get_engine(url)
    dialect = engine.dialect.name
    ws, app_id, form_id = new_id(), new_id(), new_id()
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as c:
        c.execute(sa.text("INSERT INTO workspaces (id, name, timezone, language, settings, created_at, updated_at) "
                          "VALUES (:id, 'bench', 'Asia/Shanghai', 'zh-CN', '{}', :t, :t)"), {"id": ws, "t": now})
        c.execute(sa.text("INSERT INTO apps (id, workspace_id, key, name, created_at, updated_at) "
                          "VALUES (:id, :ws, 'crm', '{}', :t, :t)"), {"id": app_id, "ws": ws, "t": now})
        c.execute(sa.text("INSERT INTO forms (id, workspace_id, app_id, key, version, definition, data_version, "
                          "created_at, updated_at) VALUES (:id, :ws, :app, 'order', 1, :d, 1, :t, :t)"),
                  {"id": form_id, "ws": ws, "app": app_id, "d": json.dumps(ORDER_FORM), "t": now})
        ts_type = "timestamptz" if dialect == "postgresql" else "TEXT"
        c.execute(sa.text(f"CREATE TABLE bench_orders (customer TEXT, channel TEXT, amount "
                          f"{'double precision' if dialect == 'postgresql' else 'REAL'}, status TEXT, "
                          f"ordered_at {ts_type})"))
    insert_rec = sa.text("INSERT INTO records (id, workspace_id, form_id, data, version, form_version, "
                         "created_at, updated_at) VALUES (:id, :ws, :f, :data, 1, 1, :t, :t)")
    if dialect == "postgresql":
        insert_rec = sa.text(str(insert_rec).replace(":data", "CAST(:data AS jsonb)"))
    insert_typed = sa.text("INSERT INTO bench_orders VALUES (:customer, :channel, :amount, :status, :ordered_at)")
    batch_r, batch_t = [], []
    with engine.begin() as c:
        for row in generate(n):
            batch_r.append({"id": new_id(), "ws": ws, "f": form_id, "data": json.dumps(row, ensure_ascii=False), "t": now})
            batch_t.append(row)
            if len(batch_r) >= 5000:
                c.execute(insert_rec, batch_r)
                c.execute(insert_typed, batch_t)
                batch_r, batch_t = [], []
        if batch_r:
            c.execute(insert_rec, batch_r)
            c.execute(insert_typed, batch_t)
        for col in ("status", "channel, ordered_at", "customer"):
            c.execute(sa.text(f"CREATE INDEX ON bench_orders ({col})" if dialect == "postgresql" else
                              f"CREATE INDEX ix_bench_{col.split(',')[0]} ON bench_orders ({col})"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text("ANALYZE"))
    return ws, app_id


def save_dashboard(ws: str, app_id: str) -> str:
    """The four questions as a saved dashboard: saving it is what gives the engine's hot fields
    their planner statistics (PostgreSQL) or indexes (SQLite), as in real use."""
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from app.report_engine.dashboards import create_dashboard

    widgets = [{"id": q.lower(), "title": q, "chart": "table", "query": spec,
                "layout": {"x": 0, "y": i * 4, "w": 12, "h": 4}} for i, (q, spec) in enumerate(SPECS.items())]
    t = time.perf_counter()
    with unit_of_work() as s:
        dashboard = create_dashboard(s, Actor.system(ws), app_id, {"key": "bench", "name": "bench",
                                                                   "widgets": widgets})
        dashboard_id = dashboard.id
    print(f"  dashboard saved (hot-field statistics/indexes) in {time.perf_counter() - t:.1f} s")
    return dashboard_id


def promote() -> float:
    """Run the typed-column promotion job inline (and drop its queued copy, which no worker of
    this benchmark would run); its seconds (0 when nothing to do)."""
    from rq import Queue

    from app.extensions import redis
    from app.report_engine import hot_fields

    t = time.perf_counter()
    done = hot_fields.promote()
    seconds = time.perf_counter() - t
    Queue("low", connection=redis()).remove(hot_fields.PROMOTE_JOB_ID)
    if done["added"] or done["dropped"]:
        print(f"  typed columns (and SQLite covering indexes) {', '.join(done['added'])} added in {seconds:.1f} s")
    return round(seconds, 1) if done["added"] else 0.0


def engine_rows(app, ws: str, app_id: str, spec: dict):
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from app.report_engine.run import run_report

    with unit_of_work() as s:
        result = run_report(s, Actor.system(ws), spec, app_id=app_id, use_cache=False)
    return result


def comparable(q: str, result: dict, typed_rows) -> tuple:
    """Both answers reduced to the same shape, rounded."""
    def r(x):
        return round(float(x), 2)
    if q == "Q1":
        return ([(a, r(b), c) for a, b, c in result["rows"]], [(a, r(b), c) for a, b, c in typed_rows])
    if q == "Q2":
        return ([(a, r(b)) for a, b in result["rows"]], [(a, r(b)) for a, b in typed_rows])
    if q == "Q3":
        row = result["rows"][0]
        return ((row[0], row[1]), tuple(int(x) for x in typed_rows[0]))
    return ([tuple(x) for x in result["grid"]["rows"]], [tuple(int(v) for v in x) for x in typed_rows])


def timed(fn, repeat: int):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def run_for(kind: str, n: int, quick: bool, repeat: int) -> dict:
    from app import create_app
    from app.db import get_engine

    with tempfile.TemporaryDirectory() as tmp:
        url, drop = make_database(kind, Path(tmp))
        try:
            t0 = time.perf_counter()
            ws, app_id = load(url, n)
            print(f"[{kind}] loaded {n:,} orders in {time.perf_counter() - t0:.1f} s")
            app = create_app({"DATABASE_URL": url, "REDIS_URL": redis_db.url(), "INSTANCE_PATH": tmp,
                              "SECRET_KEY": "bench"})
            out = {"load_average": [round(x, 2) for x in os.getloadavg()]}
            engine = get_engine(url)
            with app.app_context():
                save_dashboard(ws, app_id)
                json_ms = {}
                if not quick:
                    # SQLite reading the JSON takes half a minute per question at 1M: once each.
                    json_repeat = repeat if engine.dialect.name == "postgresql" else 1
                    for q, spec in SPECS.items():
                        json_ms[q] = timed(lambda: engine_rows(app, ws, app_id, spec), json_repeat)[0]
                    out["promotion_s"] = promote()
                else:
                    promote()
                for q, spec in SPECS.items():
                    sql = typed_sql(engine.dialect.name)[q]
                    with engine.connect() as c:
                        typed_ms, typed_rows = timed(lambda: c.execute(sa.text(sql)).all(), repeat)
                    ours_ms, result = timed(lambda: engine_rows(app, ws, app_id, spec), repeat)
                    a, b = comparable(q, result, typed_rows)
                    same = a == b
                    out[q] = {"engine_ms": round(ours_ms, 1), "typed_ms": round(typed_ms, 1),
                              "ratio": round(ours_ms / typed_ms, 2) if typed_ms else None, "same_answer": same}
                    line = f"[{kind}] {q}: same answer={same}"
                    if not quick:
                        line += f"  engine {ours_ms:8.1f} ms  typed {typed_ms:8.1f} ms  ratio {ours_ms / typed_ms:5.2f}x"
                    if q in json_ms:
                        out[q]["engine_json_ms"] = round(json_ms[q], 1)
                        out[q]["json_ratio"] = round(json_ms[q] / typed_ms, 2)
                        line += f"  (JSON only {json_ms[q]:8.1f} ms, {json_ms[q] / typed_ms:5.2f}x)"
                    print(line)
                    if not same:
                        print("   engine:", a[:5], "\n   typed: ", b[:5])
            out["load_average"] += [round(x, 2) for x in os.getloadavg()]
            return out
        finally:
            drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="small size; check answers only")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = 3000 if args.quick else args.orders
    repeat = 1 if args.quick else args.repeat
    results = {"orders": n}
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        results[kind] = run_for(kind, n, args.quick, repeat)
        print(f"[{kind}] load average (1, 5, 15 min) before: {results[kind]['load_average'][:3]}, "
              f"after: {results[kind]['load_average'][3:]}")
    ok = all(v["same_answer"] for k, r in results.items() if k != "orders"
             for v in r.values() if isinstance(v, dict))
    if not args.quick:
        path = Path(__file__).parent / "results" / "latest_reports.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(results, indent=1))
    print("answers match" if ok else "ANSWERS DIFFER")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
