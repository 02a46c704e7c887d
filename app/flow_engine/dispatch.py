"""Record events to flows, batched per committed transaction: just before a transaction that
published record events commits, the events nobody listens to are dropped from that same
transaction (a batch published by a bulk write is sorted when it is written, so its unheard rows
are never inserted), and the outbox ids of the others go to ONE job queued after the commit. The job
handles the whole batch in one transaction. The outbox sweeper stays the safety net (a crash
between commit and enqueue, Redis down)."""
from __future__ import annotations

import logging

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.events import drop_unheard, settle_unheard_with
from app.flow_engine import listeners
from app.flow_engine.listeners import RECORD_EVENTS

log = logging.getLogger(__name__)

_DISPATCHED = "flow_events_dispatched"


def install() -> None:
    if not sa_event.contains(Session, "before_commit", _before_commit):
        sa_event.listen(Session, "before_commit", _before_commit)
    settle_unheard_with(hearing)


def hearing(session: Session, name: str, payloads: list[dict]) -> list[bool]:
    """Whether a flow, a waiting journey or a webhook hears each event of a batch being
    published (every one when Redis cannot say: the job or the sweeper decides)."""
    if name not in RECORD_EVENTS:
        return [True] * len(payloads)
    try:
        known = listeners.for_workspaces(session, {p["workspace_id"] for p in payloads})
        return [known[p["workspace_id"]].hears(name, p) for p in payloads]
    except Exception:  # noqa: BLE001 - Redis down
        log.warning("flow listeners unavailable; every event goes to the flow job", exc_info=True)
        return [True] * len(payloads)


def _before_commit(session: Session) -> None:
    pending = session.info.get("pending_events")
    if not pending:
        return
    start = session.info.get(_DISPATCHED, 0)
    session.info[_DISPATCHED] = len(pending)
    fresh = [(name, payload) for name, payload in pending[start:]
             if name in RECORD_EVENTS and payload.get("outbox_id")]
    if not fresh:
        return
    try:
        known = listeners.for_workspaces(session, {p["workspace_id"] for _n, p in fresh})
        heard, unheard = [], []
        for name, payload in fresh:
            hears = known[payload["workspace_id"]].hears(name, payload)
            (heard if hears else unheard).append(payload["outbox_id"])
    except Exception:  # noqa: BLE001 - Redis down: let the job (or the sweeper) decide
        log.warning("flow listeners unavailable; every event goes to the flow job", exc_info=True)
        heard, unheard = [p["outbox_id"] for _n, p in fresh], []
    drop_unheard(session, unheard)
    if heard:
        from app.flow_engine.record_events import process_outbox
        from app.jobs import enqueue_after_commit

        enqueue_after_commit(session, process_outbox, heard, queue_name="high")
