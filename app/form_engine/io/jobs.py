"""Job rows for long work (imports, template installs): create, progress, errors, outcome.

Live progress goes to Redis because an all-or-nothing import holds its transaction open (and on
SQLite the write lock) until the end; the row gets the final numbers when the job finishes.
Each progress report is also the job's heartbeat (with the row's `updated_at`, touched by every
committed batch): the stalled-jobs sweeper fails a running job without one for too long."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth.actor import Actor
from app.models import Job
from app.models.scope import get_scoped

MAX_STORED_ERRORS = 10_000
_PROGRESS_TTL = 7 * 24 * 3600

# kind -> the RQ job that runs it: its function (a dotted path, so this module imports neither
# the importer nor the templates), the prefix of its deterministic RQ job id, its queue and
# timeout. The importer and the template installer enqueue with these ids; the lost-jobs sweep
# enqueues again under the same id.
RQ_RUNNERS = {
    "import": ("app.form_engine.io.importer.run_import", "import-", "low", 6 * 3600),
    "template_install": ("app.bundles.templates.run_demo_data", "template-", "low", 6 * 3600),
}


def rq_job_id(job: Job) -> str:
    return RQ_RUNNERS[job.kind][1] + job.id


def create_job(session: Session, actor: Actor, kind: str, params: dict, total: int = 0) -> Job:
    job = Job(workspace_id=actor.workspace_id, kind=kind, status="queued", params=params,
              progress_total=total, created_by=actor.user_id, errors=[])
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, actor: Actor, job_id: str) -> Job:
    return get_scoped(session, Job, job_id, actor.workspace_id, what="job")


def _progress_key(job_id: str) -> str:
    return f"formloom:job:{job_id}:progress"


def report_progress(job_id: str, done: int, total: int) -> None:
    from app.extensions import redis

    key = _progress_key(job_id)
    conn = redis()
    conn.hset(key, mapping={"done": done, "total": total, "at": clock.now().timestamp()})
    conn.expire(key, _PROGRESS_TTL)


def last_heartbeat(job: Job) -> dt.datetime:
    """When the job last showed it was alive: its last progress report or row update."""
    beat = job.updated_at
    try:
        from app.extensions import redis

        at = redis().hget(_progress_key(job.id), "at")
    except Exception:  # Redis down: the row is all there is
        at = None
    if at is not None:
        beat = max(beat, dt.datetime.fromtimestamp(float(at), dt.timezone.utc))
    return beat


class JobStopped(Exception):
    """The job is no longer running (the stalled-jobs sweeper failed it): its work must not
    commit."""


def lock_running(session: Session, job_id: str) -> Job:
    """The job row, locked for this transaction so the sweeper skips it meanwhile (PostgreSQL);
    JobStopped when it is no longer running."""
    job = session.scalar(sa.select(Job).where(Job.id == job_id).with_for_update()
                         .execution_options(populate_existing=True))
    if job is None or job.status != "running":
        raise JobStopped(job_id)
    return job


def live_progress(job: Job) -> dict:
    """{done, total}: Redis while the job runs, the row once it is finished."""
    if job.status == "running":
        from app.extensions import redis

        try:
            live = redis().hgetall(_progress_key(job.id))
        except Exception:
            live = {}
        if live:
            return {"done": int(live[b"done"]), "total": int(live[b"total"])}
    return {"done": job.progress_done, "total": job.progress_total}


def mark_running(session: Session, job: Job, total: int | None = None) -> None:
    job.status = "running"
    job.started_at = clock.now()
    if total is not None:
        job.progress_total = total


def finish(session: Session, job: Job, *, status: str, done: int, total: int,
           errors: Iterable[dict] = (), error_count: int = 0, result: dict | None = None) -> None:
    job.status = status
    job.progress_done, job.progress_total = done, total
    job.errors = list(errors)[:MAX_STORED_ERRORS]
    job.error_count = error_count
    job.result = result
    job.finished_at = clock.now()
    report_progress(job.id, done, total)
