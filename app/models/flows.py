"""Flows (versioned graphs), runs, step runs, timers, human tasks, messages, notifications,
outbound webhooks and the trigger log. Owned by app/flow_engine."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, JSONType, TimestampMixin, WorkspaceMixin, utcnow


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


class Flow(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "flows"
    __table_args__ = (sa.UniqueConstraint("app_id", "key"),)
    app_id: Mapped[str] = mapped_column(sa.String(26), _fk("apps"), index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    name: Mapped[dict | str] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(default=1)
    definition: Mapped[dict] = mapped_column(JSONType)
    enabled: Mapped[bool] = mapped_column(default=False)
    # Denormalised from the current definition so event handlers find flows by index.
    trigger_type: Mapped[str] = mapped_column(sa.String(32), index=True)
    trigger_form_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    hook_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Cursor of the schedule trigger: the last cron tick that started a run.
    last_tick_at: Mapped[dt.datetime | None] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(sa.String(26))


class FlowVersion(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "flow_versions"
    __table_args__ = (sa.UniqueConstraint("flow_id", "version"),)
    flow_id: Mapped[str] = mapped_column(sa.String(26), _fk("flows"), index=True)
    version: Mapped[int] = mapped_column()
    definition: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))


class FlowRun(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "flow_runs"
    # One run per trigger occurrence (outbox event, date value, cron tick): a re-delivered
    # trigger hits this constraint instead of starting a second run.
    __table_args__ = (sa.UniqueConstraint("flow_id", "trigger_key"),
                      sa.Index("ix_flow_runs_flow_status", "flow_id", "status"))
    flow_id: Mapped[str] = mapped_column(sa.String(26), _fk("flows"))
    version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    # running, completed, failed, cancelled
    trigger_key: Mapped[str | None] = mapped_column(sa.String(200))
    record_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    context: Mapped[dict] = mapped_column(JSONType, default=dict)   # trigger, record, old
    variables: Mapped[dict] = mapped_column(JSONType, default=dict)
    outputs: Mapped[dict] = mapped_column(JSONType, default=dict)   # steps.<id> values
    depth: Mapped[int] = mapped_column(default=0)
    steps_count: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_by: Mapped[str | None] = mapped_column(sa.String(26))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class StepRun(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "step_runs"
    __table_args__ = (sa.UniqueConstraint("run_id", "node_id", "visit"),
                      sa.Index("ix_step_runs_status_queued", "status", "queued_at"))
    run_id: Mapped[str] = mapped_column(sa.String(26), _fk("flow_runs"), index=True)
    flow_id: Mapped[str] = mapped_column(sa.String(26), index=True)
    node_id: Mapped[str] = mapped_column(sa.String(63))
    node_type: Mapped[str] = mapped_column(sa.String(32))
    visit: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    # queued, waiting, completed, failed, cancelled
    attempts: Mapped[int] = mapped_column(default=0)
    state: Mapped[dict] = mapped_column(JSONType, default=dict)     # node-private (wait phase)
    input: Mapped[dict | None] = mapped_column(JSONType)
    output: Mapped[dict | None] = mapped_column(JSONType)
    branch: Mapped[str | None] = mapped_column(sa.String(63))
    error: Mapped[str | None] = mapped_column(sa.Text)
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    finished_at: Mapped[dt.datetime | None] = mapped_column()


class Timer(IdMixin, WorkspaceMixin, Base):
    """A moment a step must be woken: end of a wait, a timeout, a retry backoff, a reminder."""
    __tablename__ = "flow_timers"
    __table_args__ = (sa.Index("ix_flow_timers_due", "fired_at", "due_at"),)
    run_id: Mapped[str] = mapped_column(sa.String(26), _fk("flow_runs"), index=True)
    step_id: Mapped[str] = mapped_column(sa.String(26), _fk("step_runs"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))   # wake, timeout, retry, remind
    due_at: Mapped[dt.datetime] = mapped_column()
    fired_at: Mapped[dt.datetime | None] = mapped_column()


class Task(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    """A human to-do or one approver's share of an approval step."""
    __tablename__ = "tasks"
    __table_args__ = (sa.Index("ix_tasks_assignee_status", "assignee_id", "status"),)
    run_id: Mapped[str | None] = mapped_column(sa.String(26), _fk("flow_runs"), index=True)
    step_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    flow_id: Mapped[str | None] = mapped_column(sa.String(26))
    node_id: Mapped[str | None] = mapped_column(sa.String(63))
    record_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16), default="task")   # task, approval, cc
    title: Mapped[str] = mapped_column(sa.Text)
    assignee_id: Mapped[str | None] = mapped_column(sa.String(26))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open, done, cancelled
    outcome: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    signature: Mapped[dict | None] = mapped_column(JSONType)
    due_at: Mapped[dt.datetime | None] = mapped_column()
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    completed_by: Mapped[str | None] = mapped_column(sa.String(26))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)


class Message(IdMixin, WorkspaceMixin, Base):
    """The message log: every in-app, e-mail and SMS message a flow sent, skipped or failed."""
    __tablename__ = "messages"
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    run_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    flow_id: Mapped[str | None] = mapped_column(sa.String(26))
    node_id: Mapped[str | None] = mapped_column(sa.String(63))
    record_id: Mapped[str | None] = mapped_column(sa.String(26), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    to: Mapped[str] = mapped_column(sa.String(320), index=True)
    subject: Mapped[str | None] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    marketing: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(16))  # sending, sent, failed, skipped, not_sent
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column()


class Notification(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)
    user_id: Mapped[str] = mapped_column(sa.String(26), _fk("users"))
    title: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str | None] = mapped_column(sa.Text)
    link: Mapped[str | None] = mapped_column(sa.Text)
    message_id: Mapped[str | None] = mapped_column(sa.String(26))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column()


class Webhook(IdMixin, WorkspaceMixin, TimestampMixin, Base):
    __tablename__ = "webhooks"
    url: Mapped[str] = mapped_column(sa.Text)
    events: Mapped[list] = mapped_column(JSONType)
    form_id: Mapped[str | None] = mapped_column(sa.String(26))
    secret: Mapped[str] = mapped_column(sa.String(200))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str | None] = mapped_column(sa.String(26))


class WebhookDelivery(IdMixin, WorkspaceMixin, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("webhook_id", "event_id"),
                      sa.Index("ix_webhook_deliveries_pending", "status", "next_attempt_at"))
    webhook_id: Mapped[str] = mapped_column(sa.String(26), _fk("webhooks"), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))
    event: Mapped[str] = mapped_column(sa.String(64))
    payload: Mapped[dict] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(default=0)
    response_status: Mapped[int | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column()


class TriggerLog(IdMixin, WorkspaceMixin, Base):
    """Why a trigger did not start a run (condition false, disabled, loop bound, rate limit)."""
    __tablename__ = "flow_trigger_log"
    __table_args__ = (sa.Index("ix_flow_trigger_log_flow", "flow_id", "created_at"),)
    flow_id: Mapped[str] = mapped_column(sa.String(26), _fk("flows"))
    event: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[str | None] = mapped_column(sa.String(26))
    reason: Mapped[str] = mapped_column(sa.String(32))
    detail: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DateTriggerFire(WorkspaceMixin, Base):
    """Each record fires a date trigger once per date value (and per year when yearly)."""
    __tablename__ = "flow_date_fires"
    flow_id: Mapped[str] = mapped_column(sa.String(26), _fk("flows"), primary_key=True)
    record_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    fire_key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SegmentMember(WorkspaceMixin, Base):
    """Records known to match a segment, so segment.entered fires only for newcomers."""
    __tablename__ = "flow_segment_members"
    flow_id: Mapped[str] = mapped_column(sa.String(26), _fk("flows"), primary_key=True)
    record_id: Mapped[str] = mapped_column(sa.String(26), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
