"""In-process event interface: engines publish (record.created, ...) and others subscribe.

form_engine publishes; flow_engine and webhooks subscribe at start-up, so form_engine never
imports them. Handlers run after the publishing transaction has committed.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any, Callable

from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_handlers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event: str, handler: Callable[..., None]) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish_after_commit(session: Session, event: str, payload: dict[str, Any]) -> str:
    """Write the event to the outbox in the caller's transaction and deliver it to in-process
    subscribers after COMMIT (app.db.Database.transaction). Subscribers receive the payload
    with "outbox_id" added and must mark the outbox row processed once they have acted on it
    durably; a sweeper re-delivers rows left unprocessed. Returns the outbox id."""
    from app.ids import new_id
    from app.models import EventOutbox

    # Not flushed here: a before-commit listener that finds nobody listening drops the row
    # while it is still pending, so it is never inserted.
    row = EventOutbox(id=new_id(), workspace_id=payload["workspace_id"], name=event,
                      payload=payload, attempts=0)
    session.add(row)
    session.info.setdefault("pending_outbox", {})[row.id] = row
    session.info.setdefault("pending_events", []).append((event, {**payload, "outbox_id": row.id}))
    return row.id


def drop_unheard(session: Session, outbox_ids: list[str]) -> None:
    """Outbox rows of this transaction that nobody will act on are not kept: rows not yet
    flushed leave the session (never inserted), the others are deleted. Only unprocessed rows
    are ever read (by the flow job and its sweeper), so a processed row would be dead weight in
    a table that grows with every write."""
    import sqlalchemy as sa

    from app.models import EventOutbox

    pending = session.info.get("pending_outbox", {})
    flushed = []
    for outbox_id in outbox_ids:
        row = pending.pop(outbox_id, None)
        if row is not None and row in session.new:
            session.expunge(row)
        else:
            flushed.append(outbox_id)
    for i in range(0, len(flushed), 500):
        session.execute(sa.delete(EventOutbox).where(EventOutbox.id.in_(flushed[i:i + 500]))
                        .execution_options(synchronize_session=False))


def settle_unheard_with(hearing: Callable[[Session, str, list[dict]], list[bool]] | None) -> None:
    """Let the subscriber that settles outbox rows (the flow engine) say, when a batch is
    published, which events it will act on; the others are not written at all, so a bulk write
    never inserts thousands of rows nobody reads."""
    global _hearing
    _hearing = hearing


_hearing: Callable[[Session, str, list[dict]], list[bool]] | None = None


def publish_many_after_commit(session: Session, event: str, payloads: list[dict[str, Any]]) -> None:
    """The batch form of publish_after_commit: one multi-row INSERT into the outbox of the
    events someone hears (bulk writes and imports), then the same after-commit delivery for
    those (and for every payload to in-process subscribers of the event)."""
    import json

    from app import clock
    from app.db_bulk import JsonText, insert_rows
    from app.ids import new_id
    from app.models import EventOutbox

    if not payloads:
        return
    heard = _hearing(session, event, payloads) if _hearing is not None else [True] * len(payloads)
    now = clock.now()
    kept = [(new_id(), p) for p, hears in zip(payloads, heard) if hears]
    if kept:
        insert_rows(session, EventOutbox.__table__,
                    ["id", "workspace_id", "name", "payload", "created_at", "attempts"],
                    [(i, p["workspace_id"], event, JsonText(json.dumps(p, ensure_ascii=False)),
                      now, 0) for i, p in kept])
    pending = session.info.setdefault("pending_events", [])
    if _handlers.get(event) or _handlers.get("*"):
        pending.extend((event, p) for p, hears in zip(payloads, heard) if not hears)
    pending.extend((event, {**p, "outbox_id": i}) for i, p in kept)


def publish_form_batch_after_commit(session: Session, event: str, form_part: dict[str, Any],
                                    record_parts: Callable[[], list[dict[str, Any]]]) -> None:
    """publish_many_after_commit for the events of one form's records, each payload being
    `form_part` (workspace, app, form, source, actor...) plus its record's part. Who hears a
    record event is decided by its form (flow triggers, awaited forms, webhooks), so the question
    is asked once, and a batch nobody hears never builds its thousand payloads."""
    heard = _hearing(session, event, [form_part])[0] if _hearing is not None else True
    if not heard and not (_handlers.get(event) or _handlers.get("*")):
        return
    publish_many_after_commit(session, event, [{**form_part, **part} for part in record_parts()])


def deliver(event: str, payload: dict[str, Any]) -> None:
    for handler in list(_handlers.get(event, ())) + list(_handlers.get("*", ())):
        try:
            handler(event, payload)
        except Exception:  # one subscriber's failure must not undo a committed write
            log.exception("event handler failed for %s", event)


def handle_in_transaction(event: str) -> list[Callable[..., None]]:
    return list(_handlers.get(event, ()))
