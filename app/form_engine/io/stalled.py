"""The job sweeps (imports, template installs); the database row, not Redis, says what must happen.

- Stalled: a job whose worker died stays `running` in its row; with no heartbeat for
  JOB_STALL_SECONDS it is failed with a message saying what was saved and how to go on.
- Lost: a job still `queued` after JOB_REQUEUE_SECONDS whose RQ job is gone (Redis restarted
  empty or was flushed, the enqueue after commit failed) or ended without starting it (its worker
  was killed first) is enqueued again under its deterministic RQ job id, at most
  MAX_REQUEUES times; then it is failed with a message asking to start it again."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob

from app import clock
from app.extensions import unit_of_work
from app.form_engine.io import jobs
from app.i18n import LazyText, _
from app.jobs import periodic
from app.models import Job

log = logging.getLogger(__name__)

DEFAULT_STALL_SECONDS = 600
DEFAULT_REQUEUE_SECONDS = 300
MAX_REQUEUES = 3
SWEEP_EVERY_SECONDS = 60
# RQ states in which the job will still run, or is running
_ALIVE = {"queued", "started", "deferred", "scheduled"}


def _stall_after() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config.get("JOB_STALL_SECONDS", DEFAULT_STALL_SECONDS))


def stopped_message(job: Job) -> LazyText:
    """What the user reads: the worker stopped, what of the work was kept, what to do now."""
    params, result = job.params or {}, job.result or {}
    if job.kind != "import":
        return _("The worker stopped before the demo data was complete, and none of it was saved; "
                 "install the template again",
                 "后台进程在演示数据生成完成前停止，演示数据均未保存；请重新安装模板")
    if params.get("on_error") == "all_or_nothing":
        return _("The worker stopped; nothing was saved. Run the import again",
                 "后台进程已停止，未保存任何数据。请重新运行导入")
    row, created, updated = result.get("last_row", 0), result.get("created", 0), result.get("updated", 0)
    if not row:
        return _("The worker stopped before any row was saved; run the import again",
                 "后台进程在保存任何行之前停止；请重新运行导入")
    if params.get("mode") == "upsert":
        return _("The worker stopped after row {row} ({created} records created, {updated} "
                 "updated). Run the import again: rows already imported update their records, "
                 "they are not duplicated",
                 "后台进程在第 {row} 行后停止（已新建 {created} 条、更新 {updated} 条）。请重新运行导入："
                 "已导入的行会更新对应记录，不会重复", row=row, created=created, updated=updated)
    return _("The worker stopped; {created} records were saved, from the rows up to row {row}. "
             "To continue, import only the rows after row {row}",
             "后台进程已停止；已保存 {created} 条记录（第 {row} 行及之前的行）。"
             "如需继续，请只导入第 {row} 行之后的行", row=row, created=created)


def _fail(session, job: Job) -> None:
    message = stopped_message(job)
    error = {"row": None, "column": None,
             "message": {"en": message.render("en"), "zh": message.render("zh-CN")}}
    # `result` keeps what the committed batches recorded (created, updated, last_row).
    jobs.finish(session, job, status="failed", done=job.progress_done, total=job.progress_total,
                errors=[*(job.errors or []), error], error_count=(job.error_count or 0) + 1,
                result=job.result)


def fail_stalled_jobs(stall_after: dt.timedelta | None = None, batch: int = 100) -> list[str]:
    """Fail running jobs with no heartbeat (progress report or row update) for `stall_after`;
    returns their ids. A job whose batch is being written is locked and skipped (PostgreSQL)."""
    cutoff = clock.now() - (stall_after if stall_after is not None else _stall_after())
    failed = []
    with unit_of_work() as session:
        candidates = session.scalars(sa.select(Job).where(
            Job.status == "running", Job.updated_at <= cutoff).order_by(Job.updated_at)
            .limit(batch).with_for_update(skip_locked=True)).all()
        for job in candidates:
            if jobs.last_heartbeat(job) > cutoff:
                continue
            _fail(session, job)
            failed.append(job.id)
    for job_id in failed:
        log.warning("job %s had no heartbeat since before %s: marked failed (worker stopped)",
                    job_id, cutoff.isoformat())
    return failed


def _requeue_after() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config.get("JOB_REQUEUE_SECONDS",
                                                       DEFAULT_REQUEUE_SECONDS))


def _rq_alive(conn, rq_id: str) -> bool:
    try:
        return RQJob.fetch(rq_id, connection=conn).get_status(refresh=False) in _ALIVE
    except NoSuchJobError:
        return False


def _requeue_count_key(job_id: str) -> str:
    return f"formloom:job:{job_id}:requeues"


def never_started_message() -> LazyText:
    return _("The job could not be started after several attempts, and nothing was saved; "
             "start it again",
             "任务多次尝试后仍未能启动，未保存任何数据；请重新开始")


def requeue_lost_jobs(queued_for: dt.timedelta | None = None, batch: int = 100) -> list[str]:
    """Enqueue again the jobs queued for longer than `queued_for` whose RQ job will not run
    them; returns their ids. Idempotent: a job whose RQ job is waiting or running is left alone,
    and the RQ job id is the one the first enqueue used, so a second sweep (or a late first
    enqueue) cannot make two jobs. The row is locked meanwhile (PostgreSQL: other sweepers skip
    it)."""
    from app.extensions import redis
    from app.jobs import enqueue

    cutoff = clock.now() - (queued_for if queued_for is not None else _requeue_after())
    conn = redis()
    requeued, given_up = [], []
    with unit_of_work() as session:
        candidates = session.scalars(sa.select(Job).where(
            Job.status == "queued", Job.kind.in_(jobs.RQ_RUNNERS), Job.updated_at <= cutoff)
            .order_by(Job.updated_at).limit(batch).with_for_update(skip_locked=True)).all()
        for job in candidates:
            func, _prefix, queue_name, timeout = jobs.RQ_RUNNERS[job.kind]
            rq_id = jobs.rq_job_id(job)
            if _rq_alive(conn, rq_id):
                continue
            attempts = conn.incr(_requeue_count_key(job.id))
            conn.expire(_requeue_count_key(job.id), 7 * 24 * 3600)
            if attempts > MAX_REQUEUES:
                message = never_started_message()
                jobs.finish(session, job, status="failed", done=0, total=job.progress_total,
                            errors=[{"row": None, "column": None, "message": {
                                "en": message.render("en"), "zh": message.render("zh-CN")}}],
                            error_count=1)
                given_up.append(job.id)
                continue
            enqueue(func, job.id, queue_name=queue_name, job_id=rq_id, timeout=timeout)
            job.updated_at = clock.now()  # the next attempt waits a whole period again
            requeued.append(job.id)
    for job_id in requeued:
        log.warning("job %s was queued since before %s and its RQ job was lost: enqueued again",
                    job_id, cutoff.isoformat())
    for job_id in given_up:
        log.warning("job %s never started after %d enqueues: marked failed", job_id, MAX_REQUEUES)
    return requeued


@periodic("jobs.stalled", every_seconds=SWEEP_EVERY_SECONDS)
def _sweep() -> None:
    fail_stalled_jobs()


@periodic("jobs.lost", every_seconds=SWEEP_EVERY_SECONDS)
def _sweep_lost() -> None:
    requeue_lost_jobs()
