"""Periodic sweeps run by one elected worker: due timers, steps the database says are queued
or running for too long (a killed worker, a flushed Redis), undelivered record events, date,
schedule and segment triggers, pending messages and webhook deliveries."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from app import clock
from app.extensions import unit_of_work
from app.flow_engine import outbound, record_events, runtime, timers, triggers
from app.flow_engine.channels import redeliver_messages
from app.jobs import periodic
from app.models import StepRun

log = logging.getLogger(__name__)

QUEUED_GRACE = dt.timedelta(seconds=10)
RUNNING_GRACE = dt.timedelta(seconds=runtime.STEP_JOB_TIMEOUT + 30)


def requeue_stuck_steps(queued_grace: dt.timedelta = QUEUED_GRACE,
                        running_grace: dt.timedelta = RUNNING_GRACE, batch: int = 1000) -> int:
    """Re-enqueue steps queued for longer than `queued_grace` (their job was lost with Redis or
    never enqueued) and reset steps `running` past `running_grace` (their worker died outside
    a transaction). Executing a step twice is harmless: the first commit wins."""
    now = clock.now()
    with unit_of_work() as session:
        stale_running = session.scalars(sa.select(StepRun).where(
            StepRun.status == "running", StepRun.started_at < now - running_grace)
            .limit(batch).with_for_update(skip_locked=True)).all()
        for step in stale_running:
            step.status = "queued"
        stuck = session.scalars(sa.select(StepRun).where(
            StepRun.status == "queued", StepRun.queued_at < now - queued_grace)
            .order_by(StepRun.queued_at).limit(batch).with_for_update(skip_locked=True)).all()
        for step in {*stale_running, *stuck}:
            step.queued_at = now
            runtime.enqueue_step(session, step.id)
    count = len({s.id for s in stale_running} | {s.id for s in stuck})
    if count:
        log.warning("re-enqueued %s stuck step(s)", count)
    return count


@periodic("flows.timers", every_seconds=1)
def _timers() -> None:
    timers.fire_due_timers()


@periodic("flows.stuck_steps", every_seconds=5)
def _stuck() -> None:
    requeue_stuck_steps()


@periodic("flows.outbox", every_seconds=5)
def _outbox() -> None:
    record_events.redeliver_outbox()


@periodic("flows.dates", every_seconds=60)
def _dates() -> None:
    triggers.sweep_date_triggers()


@periodic("flows.schedules", every_seconds=15)
def _schedules() -> None:
    triggers.sweep_schedules()


@periodic("flows.segments", every_seconds=60)
def _segments() -> None:
    triggers.sweep_segments()


@periodic("flows.messages", every_seconds=10)
def _messages() -> None:
    redeliver_messages()


@periodic("flows.webhooks", every_seconds=5)
def _webhooks() -> None:
    outbound.deliver_due()
