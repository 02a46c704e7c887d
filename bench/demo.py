"""Demo data benchmark (issue 10): the Repurchase CRM generator (templates_lib/crm/demo.py)
writing about N orders (with their customers, tickets, follow-ups...) through the bulk write path
on PostgreSQL, against COPY of the same stored rows into a bare JSONB table in the same run.
Prints orders/s, the seconds spent writing each form, and the ratio of rows/s to the COPY.
`--quick` writes a few hundred orders and checks the answers only."""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import time
import uuid

import sqlalchemy as sa

from bench import _redis_db as redis_db

PG = os.environ.get("FORMLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ORDERS_PER_CUSTOMER = 2.03  # what the generator makes on average (plan_orders, seed 42)


def create_database() -> str:
    name = f"formloom_bench_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    from app.db import dispose_all

    dispose_all()
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def install_crm(url: str):
    """A fresh workspace with the CRM template installed; returns (flask app, workspace, app id)."""
    from app import create_app
    from app.auth.actor import Actor
    from app.bundles.templates import install
    from app.extensions import unit_of_work
    from app.migrate import upgrade
    from app.models import Workspace

    upgrade(url)
    flask_app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                            "REDIS_URL": redis_db.url()})
    with flask_app.app_context(), unit_of_work() as s:
        ws = Workspace(name="bench")
        s.add(ws)
        s.flush()
        crm, _job = install(s, Actor.system(ws.id, via="template"), "crm")
        return flask_app, ws.id, crm.id


class FormTimer:
    """Seconds spent in records.bulk_create per form key (the rest of generate is planning)."""

    def __init__(self, keys_by_id: dict[str, str]):
        from app.form_engine import records

        self.keys_by_id, self.seconds = keys_by_id, {}
        self._records, self._original = records, records.bulk_create

        def timed(session, actor, form_id, rows, **kwargs):
            started = time.perf_counter()
            try:
                return self._original(session, actor, form_id, rows, **kwargs)
            finally:
                key = self.keys_by_id.get(form_id, form_id)
                self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started

        records.bulk_create = timed

    def close(self) -> None:
        self._records.bulk_create = self._original


def generate(flask_app, workspace_id: str, app_id: str, customers: int) -> tuple[dict, float, dict]:
    """Run the generator in one unit of work (as `formloom demo` does); (counts, seconds, per form)."""
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from app.models import Form
    from templates_lib.crm import demo

    with flask_app.app_context():
        with unit_of_work() as s:
            keys = dict(s.execute(sa.select(Form.id, Form.key).where(Form.app_id == app_id)).all())
        timer = FormTimer(keys)
        try:
            started = time.perf_counter()
            with unit_of_work() as s:
                result = demo.generate(s, Actor.system(workspace_id, via="template"), app_id,
                                       customers=customers)
            elapsed = time.perf_counter() - started
        finally:
            timer.close()
    return result.counts, elapsed, timer.seconds


def copy_baseline(url: str, app_id: str) -> tuple[int, float]:
    """COPY every stored row of the app (the same JSON documents) into a bare JSONB table."""
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("CREATE TABLE bench_copy (id text PRIMARY KEY, data jsonb)"))
        rows = c.execute(sa.text(
            "SELECT r.id, r.data::text FROM records r JOIN forms f ON f.id = r.form_id "
            "WHERE f.app_id = :app"), {"app": app_id}).all()
    started = time.perf_counter()
    with engine.begin() as c:
        raw = c.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy("COPY bench_copy (id, data) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return len(rows), elapsed


def check_answers(url: str, app_id: str, counts: dict) -> None:
    """Stored rows match the generator's counts, and the customers' rollups and formulas agree
    with the orders that were written."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        stored = dict(c.execute(sa.text(
            "SELECT f.key, count(r.id) FROM forms f LEFT JOIN records r ON r.form_id = f.id "
            "WHERE f.app_id = :app GROUP BY f.key"), {"app": app_id}).all())
        for key, n in counts.items():
            assert stored.get(key, 0) >= n, (key, stored.get(key), n)
        mismatched = c.scalar(sa.text(
            "WITH o AS (SELECT r.data->>'customer' AS cid, count(*) AS n, "
            "  sum((r.data->>'amount')::numeric) AS spent FROM records r JOIN forms f "
            "  ON f.id = r.form_id WHERE f.app_id = :app AND f.key = 'order' "
            "  AND r.data->>'status' = '已完成' GROUP BY 1) "
            "SELECT count(*) FROM records r JOIN forms f ON f.id = r.form_id "
            "LEFT JOIN o ON o.cid = r.id WHERE f.app_id = :app AND f.key = 'customer' "
            "AND (coalesce((r.data->>'order_count')::numeric, 0) <> coalesce(o.n, 0) "
            "  OR coalesce((r.data->>'total_spent')::numeric, 0) <> coalesce(o.spent, 0) "
            "  OR (o.n > 0 AND (r.data->>'avg_order_value')::numeric "
            "      <> round(o.spent / o.n, 2)))"), {"app": app_id})
        assert mismatched == 0, f"{mismatched} customers' rollups disagree with their orders"
        bad_amounts = c.scalar(sa.text(
            "SELECT count(*) FROM records r JOIN forms f ON f.id = r.form_id "
            "WHERE f.app_id = :app AND f.key = 'order' AND (r.data->>'amount')::numeric <> "
            "(SELECT sum((i->>'qty')::numeric * (i->>'price')::numeric) "
            " FROM jsonb_array_elements(r.data->'items') i)"), {"app": app_id})
        assert bad_amounts == 0, f"{bad_amounts} orders' amounts disagree with their items"
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--orders", type=int, default=None, help="about this many orders")
    args = parser.parse_args()
    orders = args.orders or (400 if args.quick else 100_000)
    customers = max(1, round(orders / ORDERS_PER_CUSTOMER))
    url = create_database()
    try:
        flask_app, workspace_id, app_id = install_crm(url)
        load_before = os.getloadavg()[0]
        counts, elapsed, per_form = generate(flask_app, workspace_id, app_id, customers)
        check_answers(url, app_id, counts)
        rows, copy_seconds = copy_baseline(url, app_id)
    finally:
        drop_database(url)
    written = sum(counts.values())
    result = {
        "customers": customers, "orders": counts.get("order", 0), "rows": written,
        "seconds": round(elapsed, 1), "orders_per_s": round(counts.get("order", 0) / elapsed),
        "rows_per_s": round(written / elapsed),
        "bulk_create_seconds_by_form": {k: round(v, 2) for k, v in sorted(per_form.items())},
        "planning_seconds": round(elapsed - sum(per_form.values()), 2),
        "baseline_copy_rows_per_s": round(rows / copy_seconds),
        "ratio_to_copy": round(written / elapsed / (rows / copy_seconds), 3),
        "load_average": [round(x, 2) for x in (load_before, *os.getloadavg()[:1])],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if not args.quick:
        out = pathlib.Path(__file__).with_name("results")
        out.mkdir(exist_ok=True)
        (out / "demo.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
