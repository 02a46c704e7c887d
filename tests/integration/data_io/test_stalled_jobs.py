"""Jobs whose worker died: the stalled-jobs sweep fails them once they have had no heartbeat
(progress report or committed batch) for JOB_STALL_SECONDS, saying what was saved and how to go
on; a worker that was only slow stops at its next batch and keeps that verdict."""
from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
import sqlalchemy as sa

from app.extensions import unit_of_work
from app.form_engine.io import importer, jobs
from app.form_engine.io.stalled import fail_stalled_jobs
from app.models import Job, Record
from tests.faults.servers import end_worker, start_worker
from tests.integration.data_io.conftest import post_file

FORM = {"key": "lead", "name": "Lead", "fields": [{"key": "name", "type": "text"},
                                                  {"key": "n", "type": "number"}]}
STALL = dt.timedelta(seconds=600)


def _csv(first: int, last: int) -> bytes:
    return ("name,n\n" + "".join(f"lead {i},{i}\n" for i in range(first, last + 1))).encode()


def _start(api, form_id, data: bytes, **form) -> str:
    r = post_file(api, f"/api/v1/forms/{form_id}/import", data, "leads.csv", **form)
    assert r.status_code == 202, r.json
    return r.json["job_id"]


def _saved(form_id) -> list[int]:
    with unit_of_work() as s:
        return sorted(d["n"] for d in s.scalars(sa.select(Record.data).where(Record.form_id == form_id)))


def _job(job_id) -> Job:
    with unit_of_work() as s:
        job = s.get(Job, job_id)
        s.expunge(job)
        return job


def _progress_done(app, job_id) -> int:
    """A read that neither waits for nor blocks the worker's batches (SQLite: a deferred read)."""
    from app.db import read_only_work

    token = read_only_work.set(True)
    try:
        with app.extensions["formloom.db"].read_connection() as conn:
            return conn.scalar(sa.select(Job.progress_done).where(Job.id == job_id)) or 0
    finally:
        read_only_work.reset(token)


def test_import_whose_worker_was_killed_fails_with_how_to_continue(api, make_form, worker, clock,
                                                                   app, db_url, redis_url, tmp_path):
    _app, form_id = make_form(FORM)
    rows = 10_000
    job_id = _start(api, form_id, _csv(1, rows), on_error="skip_bad", mode="create")
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url, SECRET_KEY="test-secret",
               INSTANCE_PATH=str(tmp_path / "worker"), UPLOAD_DIR=app.config["UPLOAD_DIR"])
    proc = start_worker(env, "--queues", "low")
    try:
        deadline = time.monotonic() + 60
        while _progress_done(app, job_id) < importer.BATCH_SIZE:   # a batch has committed
            assert time.monotonic() < deadline, "the worker never committed a batch"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        end_worker(proc)   # and its RQ scheduler child, which outlives a killed worker
    saved = _saved(form_id)
    assert _job(job_id).status == "running" and 0 < len(saved) < rows
    assert fail_stalled_jobs() == []                    # its heartbeat is still recent
    clock.advance(STALL + dt.timedelta(seconds=1))
    assert fail_stalled_jobs() == [job_id]
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "failed"
    last_row = job["result"]["last_row"]
    assert job["result"]["created"] == len(saved) and saved == list(range(1, last_row))
    [error] = job["errors"]
    assert error["message"] == (f"The worker stopped; {len(saved)} records were saved, from the rows "
                                f"up to row {last_row}. To continue, import only the rows after row "
                                f"{last_row}")
    zh = api.get(f"/api/v1/jobs/{job_id}", headers={"Accept-Language": "zh-CN"}).json
    assert zh["errors"][0]["message"].startswith("后台进程已停止")
    # the user does what it says: the rest of the file completes the import, nothing twice
    rest = _start(api, form_id, _csv(last_row, rows))
    worker()
    assert api.get(f"/api/v1/jobs/{rest}").json["status"] == "succeeded"
    assert _saved(form_id) == list(range(1, rows + 1))


def _running(api, kind="import", params=None, result=None, errors=()) -> str:
    with unit_of_work() as s:
        job = Job(workspace_id=api.workspace["id"], kind=kind, status="running",
                  params=params or {}, result=result, errors=list(errors), error_count=len(errors),
                  progress_done=2000, progress_total=5000, created_by=api.user["id"])
        s.add(job)
        s.flush()
        return job.id


@pytest.mark.parametrize("kind, params, result, message", [
    ("import", {"mode": "create", "on_error": "all_or_nothing"}, None,
     "The worker stopped; nothing was saved. Run the import again"),
    ("import", {"mode": "upsert", "key": "phone", "on_error": "skip_bad"},
     {"created": 1500, "updated": 490, "bad_rows": 10, "last_row": 2001},
     "The worker stopped after row 2001 (1500 records created, 490 updated). Run the import "
     "again: rows already imported update their records, they are not duplicated"),
    ("import", {"mode": "create", "on_error": "skip_bad"}, None,
     "The worker stopped before any row was saved; run the import again"),
    ("template_install", {"template": "crm", "size": 500}, None,
     "The worker stopped before the demo data was complete, and none of it was saved; install "
     "the template again"),
])
def test_each_kind_of_stalled_job_says_what_was_kept(api, clock, kind, params, result, message):
    earlier = {"row": 7, "column": "phone", "message": {"en": "bad", "zh": "错"}}
    job_id = _running(api, kind, params, result, errors=[earlier])
    clock.advance(STALL - dt.timedelta(seconds=5))
    assert fail_stalled_jobs() == []
    clock.advance(dt.timedelta(seconds=10))
    assert fail_stalled_jobs() == [job_id]
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "failed" and job["finished_at"]
    assert [e["message"] for e in job["errors"]] == ["bad", message]   # row errors are kept
    assert job["error_count"] == 2 and job["progress"] == {"done": 2000, "total": 5000}
    assert job["result"] == result
    assert fail_stalled_jobs() == []                                     # once


def test_a_progress_report_keeps_an_all_or_nothing_import_alive(api, clock):
    """An all-or-nothing import commits nothing until the end: its heartbeat is in Redis."""
    job_id = _running(api, params={"mode": "create", "on_error": "all_or_nothing"})
    clock.advance(STALL)
    jobs.report_progress(job_id, 3000, 5000)
    clock.advance(STALL - dt.timedelta(seconds=1))
    assert fail_stalled_jobs() == []
    assert api.get(f"/api/v1/jobs/{job_id}").json["progress"] == {"done": 3000, "total": 5000}
    clock.advance(dt.timedelta(seconds=2))
    assert fail_stalled_jobs() == [job_id]


def test_the_stall_time_is_a_setting(api, app, clock):
    job_id = _running(api)
    app.config["JOB_STALL_SECONDS"] = 60
    clock.advance(dt.timedelta(seconds=61))
    assert fail_stalled_jobs() == [job_id]


def test_a_slow_worker_stops_at_its_next_batch_after_the_sweep(api, make_form, worker, monkeypatch):
    """The sweep ran while the worker was still busy (simulated: right after its first batch):
    the worker writes no further batch and the job keeps the sweep's failure."""
    _app, form_id = make_form(FORM)
    monkeypatch.setattr(importer, "BATCH_SIZE", 10)
    real_report = jobs.report_progress
    swept = []

    def report_then_sweep(job_id, done, total):
        real_report(job_id, done, total)
        if done and not swept:
            swept.append(job_id)
            assert fail_stalled_jobs(dt.timedelta(0)) == [job_id]

    monkeypatch.setattr(jobs, "report_progress", report_then_sweep)
    job_id = _start(api, form_id, _csv(1, 35), on_error="skip_bad")
    worker()
    monkeypatch.setattr(jobs, "report_progress", real_report)
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "failed" and job["result"]["created"] == 10
    assert "import only the rows after row 11" in job["errors"][-1]["message"]
    assert _saved(form_id) == list(range(1, 11))


def test_the_sweep_is_registered_with_the_workers(app):
    from app.jobs import _PERIODIC

    assert "jobs.stalled" in {name for name, _every, _fn in _PERIODIC}
