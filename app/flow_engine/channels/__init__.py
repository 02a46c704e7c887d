"""Channels: every message goes into the message log first (its idempotency key makes a step
delivered twice send once), then in-app messages are stored at once and e-mail/SMS are handed
to a delivery job after commit; unconfigured channels log `not_sent` (no channel)."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import clock
from app.extensions import unit_of_work
from app.ids import new_id
from app.jobs import enqueue, enqueue_after_commit
from app.models import Message, Notification

log = logging.getLogger(__name__)

CHANNELS = ("inapp", "email", "sms")
SENDING_LEASE = dt.timedelta(minutes=5)


def configured(channel: str) -> bool:
    if channel == "email":
        return bool(current_app.config.get("SMTP_URL"))
    if channel == "sms":
        return bool(current_app.config.get("SMS_GATEWAY_URL"))
    return True


def log_message(session: Session, *, key: str, workspace_id: str, channel: str, to: str,
                body: str, subject: str | None = None, status: str = "queued",
                reason: str | None = None, run=None, node_id: str | None = None,
                record_id: str | None = None, marketing: bool = False) -> tuple[Message, bool]:
    """The message row for `key`, created if new; returns (message, created)."""
    existing = session.scalar(sa.select(Message).where(Message.idempotency_key == key))
    if existing is not None:
        return existing, False
    if status == "queued" and not configured(channel):
        status, reason = "not_sent", "no channel"
    message = Message(id=new_id(), workspace_id=workspace_id, idempotency_key=key, channel=channel, to=to,
                      subject=subject, body=body, status=status, reason=reason,
                      run_id=run.id if run is not None else None,
                      flow_id=run.flow_id if run is not None else None, node_id=node_id,
                      record_id=record_id, marketing=marketing)
    session.add(message)
    if status == "queued":
        if channel == "inapp":
            session.add(Notification(workspace_id=workspace_id, user_id=to, title=subject or body[:200],
                                     body=body, message_id=message.id,
                                     link=f"/records/{record_id}" if record_id else None))
            message.status, message.sent_at = "sent", clock.now()
        else:
            enqueue_after_commit(session, deliver_message, message.id, queue_name="default")
    return message, True


def deliver_message(message_id: str) -> str:
    """RQ job: claim a queued e-mail/SMS (status `sending`), send it, record the result. A crash
    while sending leaves `sending`: the sweeper marks it failed rather than risk a duplicate."""
    from app.flow_engine.channels import email, sms

    with unit_of_work() as session:
        claimed = session.execute(sa.update(Message).where(
            Message.id == message_id, Message.status == "queued").values(
            status="sending", sent_at=clock.now())).rowcount
        message = session.get(Message, message_id)
        if not claimed:
            return message.status if message else "missing"
        channel, to, subject, body = message.channel, message.to, message.subject, message.body
    try:
        sender = {"email": email.send, "sms": sms.send}[channel]
        sender(to=to, subject=subject, body=body)
        status, reason = "sent", None
    except Exception as exc:  # noqa: BLE001 - the log shows why
        log.warning("message %s failed: %s", message_id, exc)
        status, reason = "failed", str(exc)[:2000] or type(exc).__name__
    with unit_of_work() as session:
        session.execute(sa.update(Message).where(Message.id == message_id).values(
            status=status, reason=reason, sent_at=clock.now()))
    return status


def redeliver_messages(batch: int = 500) -> int:
    """Sweeper: queued messages whose job was lost go out; `sending` past the lease is failed."""
    now = clock.now()
    with unit_of_work() as session:
        session.execute(sa.update(Message).where(
            Message.status == "sending", Message.sent_at < now - SENDING_LEASE).values(
            status="failed", reason="interrupted while sending; not retried to avoid a duplicate"))
        ids = list(session.scalars(sa.select(Message.id).where(
            Message.status == "queued", Message.created_at < now - dt.timedelta(seconds=10))
            .limit(batch)))
    for message_id in ids:
        enqueue(deliver_message, message_id, queue_name="default")
    return len(ids)
