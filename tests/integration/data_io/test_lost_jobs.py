"""Jobs whose RQ job was lost while they were still `queued` (Redis restarted empty, the enqueue
after commit failed): the lost-jobs sweep enqueues them again under the same RQ job id once they
have waited JOB_REQUEUE_SECONDS, leaves alone those RQ still holds, never makes two RQ jobs of
one, and fails a job that never starts after MAX_REQUEUES attempts, saying so."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from rq import Queue
from rq.job import Job as RQJob

from app.extensions import redis, unit_of_work
from app.form_engine.io import jobs, stalled
from app.form_engine.io.stalled import requeue_lost_jobs
from app.models import Job, Record
from tests.integration.data_io.conftest import post_file

FORM = {"key": "lead", "name": "Lead", "fields": [{"key": "name", "type": "text"},
                                                  {"key": "n", "type": "number"}]}
WAIT = dt.timedelta(seconds=stalled.DEFAULT_REQUEUE_SECONDS)
ROWS = 40


def _start_import(api, form_id) -> str:
    data = ("name,n\n" + "".join(f"lead {i},{i}\n" for i in range(1, ROWS + 1))).encode()
    r = post_file(api, f"/api/v1/forms/{form_id}/import", data, "leads.csv", mode="create")
    assert r.status_code == 202, r.json
    return r.json["job_id"]


def _lose_redis_jobs() -> None:
    """What a Redis restarted without its data leaves of RQ: nothing (the test's own keys stay)."""
    conn = redis()
    for key in list(conn.scan_iter("rq:*")):
        conn.delete(key)


def _rq_job_id(job_id: str) -> str:
    with unit_of_work() as s:
        return jobs.rq_job_id(s.get(Job, job_id))


def _saved(form_id) -> list[int]:
    with unit_of_work() as s:
        return sorted(d["n"] for d in s.scalars(sa.select(Record.data).where(Record.form_id == form_id)))


def test_import_lost_with_redis_is_enqueued_again_once_and_completes(api, make_form, worker, clock):
    _app, form_id = make_form(FORM)
    job_id = _start_import(api, form_id)
    rq_id = _rq_job_id(job_id)
    conn = redis()
    assert RQJob.exists(rq_id, connection=conn)   # the id the importer enqueued under
    clock.advance(WAIT + dt.timedelta(seconds=1))
    assert requeue_lost_jobs() == []                 # waiting behind other work: left alone
    _lose_redis_jobs()
    clock.advance(-WAIT)
    assert requeue_lost_jobs() == []                 # not queued for long enough yet
    clock.advance(WAIT)
    assert requeue_lost_jobs() == [job_id]
    clock.advance(WAIT + dt.timedelta(seconds=1))
    assert requeue_lost_jobs() == []                 # its RQ job is back: nothing twice
    assert Queue("low", connection=conn).job_ids == [rq_id]
    assert api.get(f"/api/v1/jobs/{job_id}").json["status"] == "queued"
    worker()
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "succeeded", job
    assert _saved(form_id) == list(range(1, ROWS + 1))
    assert requeue_lost_jobs() == []


def test_template_demo_data_lost_with_redis_is_enqueued_again_and_completes(api, worker, clock):
    r = api.post("/api/v1/templates/crm/install", json={"demo_data": True, "size": 20})
    assert r.status_code == 201, r.json
    job_id = r.json["job_id"]
    assert RQJob.exists(_rq_job_id(job_id), connection=redis())  # the installer's id
    _lose_redis_jobs()
    clock.advance(WAIT + dt.timedelta(seconds=1))
    assert requeue_lost_jobs() == [job_id]
    worker()
    assert api.get(f"/api/v1/jobs/{job_id}").json["status"] == "succeeded"


def test_job_that_never_starts_is_failed_after_the_last_attempt(api, make_form, clock):
    _app, form_id = make_form(FORM)
    job_id = _start_import(api, form_id)
    for _attempt in range(stalled.MAX_REQUEUES):
        _lose_redis_jobs()
        clock.advance(WAIT + dt.timedelta(seconds=1))
        assert requeue_lost_jobs() == [job_id]
    _lose_redis_jobs()
    clock.advance(WAIT + dt.timedelta(seconds=1))
    assert requeue_lost_jobs() == []
    job = api.get(f"/api/v1/jobs/{job_id}").json
    assert job["status"] == "failed"
    assert job["errors"][0]["message"] == ("The job could not be started after several attempts, "
                                           "and nothing was saved; start it again")
    zh = api.get(f"/api/v1/jobs/{job_id}", headers={"Accept-Language": "zh-CN"}).json
    assert zh["errors"][0]["message"].startswith("任务多次尝试后仍未能启动")
    assert not RQJob.exists(_rq_job_id(job_id), connection=redis())
    assert _saved(form_id) == []
