"""Import benchmark (issue 7): a generated CSV of N customer-like rows imported by the real job
(parse, map, bulk_create in batches) on PostgreSQL, against raw executemany of the same rows;
prints rows/s, the ratio and peak RSS (which must not grow with the file). `--quick` imports a
few thousand rows and checks the answers only."""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import pathlib
import resource
import time
import uuid

import sqlalchemy as sa

from bench import _redis_db as redis_db

PG = os.environ.get("FORMLOOM_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FIELDS = ([{"key": f"t{i}", "type": "text", "label": f"文本{i}"} for i in range(8)]
          + [{"key": f"n{i}", "type": "number", "label": f"数字{i}"} for i in range(6)]
          + [{"key": "phone", "type": "phone", "label": "手机号", "unique": True},
             {"key": "status", "type": "select", "label": "状态", "options": ["a", "b", "c"]},
             {"key": "joined", "type": "date", "label": "日期"}])
HEADERS = [f["label"] for f in FIELDS]


def _cells(i: int) -> list:
    return ([f"text {i} {k}" for k in range(8)] + [f"{i + k:,}" for k in range(6)]
            + [str(13000000000 + i), "abc"[i % 3], f"2025/{i % 12 + 1}/{i % 28 + 1}"])


def _csv_file(path: pathlib.Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for i in range(rows):
            writer.writerow(_cells(i))


def _database() -> str:
    name = f"formloom_bench_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG.rsplit("/", 1)[0] + f"/{name}"


def _baseline(url: str, rows: int) -> float:
    """executemany of the same JSON documents into a bare JSONB table, 1,000 per batch."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bench_base (id text primary key, data jsonb)"))
    started = time.perf_counter()
    for start in range(0, rows, 1000):
        batch = [{"id": uuid.uuid4().hex, "data": json.dumps(
            {f["key"]: v for f, v in zip(FIELDS, _cells(i))}, ensure_ascii=False)}
            for i in range(start, min(rows, start + 1000))]
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO bench_base VALUES (:id, CAST(:data AS jsonb))"), batch)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return rows / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    rows = args.rows or (3000 if args.quick else 1_000_000)
    from app import create_app
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from app.form_engine import forms
    from app.form_engine.io import importer
    from app.migrate import upgrade
    from app.models import Record

    url = _database()
    upgrade(url)
    tmp = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"formloom-bench-{uuid.uuid4().hex[:6]}"
    tmp.mkdir(parents=True)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "INSTANCE_PATH": str(tmp), "UPLOAD_DIR": str(tmp / "uploads"),
                      "MAX_UPLOAD_BYTES": 2 * 1024 ** 3,
                      "REDIS_URL": redis_db.url()})
    client = app.test_client()
    r = client.post("/api/v1/auth/signup", json={"email": f"{uuid.uuid4().hex[:8]}@b.io",
                                                 "password": "correct-horse-1", "name": "B",
                                                 "workspace": "bench"})
    user_id, ws_id = r.json["user"]["id"], r.json["workspace"]["id"]
    csrf = {"X-CSRF-Token": r.json.get("csrf_token", "")}
    app_id = client.post("/api/v1/apps", json={"key": "bench", "name": "B"}, headers=csrf).json["id"]
    actor = Actor(ws_id, user_id, "owner")
    with app.app_context():
        with unit_of_work() as s:
            form_id = forms.create_form(s, actor, app_id, {"key": "customer", "name": "C",
                                                           "fields": FIELDS}).id
        source = tmp / "rows.csv"
        _csv_file(source, rows)
        with unit_of_work() as s, open(source, "rb") as handle:
            from app.files import service as files

            upload = files.upload(s, actor, handle, "rows.csv", purpose="import")
            job = importer.start_import(s, actor, form_id, file_id=upload.id, mapping=None,
                                        on_error="skip_bad")
            job_id = job.id
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        importer.run_import(job_id)  # the job function itself, in this process
        elapsed = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with unit_of_work() as s:
            from app.form_engine.io.jobs import Job

            job = s.get(Job, job_id)
            stored = s.scalar(sa.select(sa.func.count()).select_from(Record)
                              .where(Record.form_id == form_id))
            status, errors = job.status, job.error_count
            sample = s.scalar(sa.select(Record.data).where(Record.form_id == form_id).limit(1))
    assert status == "succeeded" and errors == 0 and stored == rows, (status, errors, stored)
    assert sample["joined"].startswith("2025-") and isinstance(sample["n1"], int)
    ours = rows / elapsed
    result = {"rows": rows, "import_rows_per_s": round(ours), "seconds": round(elapsed, 1),
              "peak_rss_mb": round(rss_after / 1024), "rss_before_import_mb": round(rss_before / 1024)}
    if not args.quick:
        base = _baseline(url, rows)
        result.update({"baseline_executemany_rows_per_s": round(base),
                       "ratio": round(ours / base, 2), "target_rows_per_s": 10_000})
    print(json.dumps(result, indent=2))
    if not args.quick:  # make test runs --quick; it must not overwrite a measured result
        out = pathlib.Path(__file__).with_name("results")
        out.mkdir(exist_ok=True)
        (out / "import.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
