"""Timers live in the database: the sweep wakes every step whose timer is due, so a wait of
seven days survives restarts, and moving the test clock makes it fire."""
from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.extensions import unit_of_work
from app.flow_engine import runtime
from app.models import StepRun, Timer


def fire_due_timers(batch: int = 1000) -> int:
    """Wake the steps of due timers; returns how many steps were woken."""
    woken = 0
    with unit_of_work() as session:
        due = session.scalars(sa.select(Timer).where(Timer.fired_at.is_(None),
                                                     Timer.due_at <= clock.now())
                              .order_by(Timer.due_at).limit(batch)
                              .with_for_update(skip_locked=True)).all()
        for timer in due:
            timer.fired_at = clock.now()
            step = session.get(StepRun, timer.step_id, with_for_update=True)
            if step is None:
                continue
            if timer.kind == "remind":
                from app.flow_engine.tasks import send_reminders

                send_reminders(session, step)
                continue
            if timer.kind == "retry":
                if step.status == "waiting":
                    step.status, step.queued_at = "queued", clock.now()
                    step.state = {**(step.state or {}), "retry": False}
                    runtime.enqueue_step(session, step.id)
                    woken += 1
                continue
            woken += runtime.wake(session, step, timer.kind)
    return woken
