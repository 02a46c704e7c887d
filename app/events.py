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

    # Not flushed here: a before-commit listener that finds nobody listening marks the row
    # processed while it is still pending, so it is inserted once and never updated.
    row = EventOutbox(id=new_id(), workspace_id=payload["workspace_id"], name=event,
                      payload=payload, attempts=0)
    session.add(row)
    session.info.setdefault("pending_outbox", {})[row.id] = row
    session.info.setdefault("pending_events", []).append((event, {**payload, "outbox_id": row.id}))
    return row.id


def mark_processed(session: Session, outbox_ids: list[str]) -> None:
    """Mark outbox rows of this transaction processed: rows not yet flushed just get the
    timestamp, the others one UPDATE per chunk."""
    import sqlalchemy as sa

    from app import clock
    from app.models import EventOutbox

    now = clock.now()
    pending = session.info.get("pending_outbox", {})
    flushed = []
    for outbox_id in outbox_ids:
        row = pending.get(outbox_id)
        if row is not None:
            row.processed_at = now
        else:
            flushed.append(outbox_id)
    for i in range(0, len(flushed), 500):
        session.execute(sa.update(EventOutbox).where(EventOutbox.id.in_(flushed[i:i + 500]))
                        .values(processed_at=now).execution_options(synchronize_session=False))


def settle_unheard_with(hearing: Callable[[Session, str, list[dict]], list[bool]] | None) -> None:
    """Let the subscriber that settles outbox rows (the flow engine) say, when a batch is
    published, which events it will act on; the others are written already processed, so a bulk
    write never inserts and then updates thousands of rows nobody reads."""
    global _hearing
    _hearing = hearing


_hearing: Callable[[Session, str, list[dict]], list[bool]] | None = None


def _settled(payload: dict[str, Any]) -> dict[str, Any]:
    """What an event nobody will deliver keeps in the outbox: which record, form, fields, source
    and actor, not a second copy of the record's data (the bulk of the row)."""
    return {k: v for k, v in payload.items() if k not in ("data", "old")}


def publish_many_after_commit(session: Session, event: str, payloads: list[dict[str, Any]]) -> None:
    """The batch form of publish_after_commit: one multi-row INSERT into the outbox (bulk
    writes and imports), then the same after-commit delivery for each payload that someone
    hears (and for all of them to in-process subscribers of the event)."""
    import json

    from app import clock
    from app.db_bulk import JsonText, insert_rows
    from app.ids import new_id
    from app.models import EventOutbox

    if not payloads:
        return
    now = clock.now()
    ids = [new_id() for _ in payloads]
    heard = _hearing(session, event, payloads) if _hearing is not None else [True] * len(ids)
    insert_rows(session, EventOutbox.__table__,
                ["id", "workspace_id", "name", "payload", "created_at", "attempts", "processed_at"],
                [(i, p["workspace_id"], event, JsonText(json.dumps(
                    p if hears else _settled(p), ensure_ascii=False)), now, 0,
                  None if hears else now) for i, p, hears in zip(ids, payloads, heard)])
    subscribed = bool(_handlers.get(event) or _handlers.get("*"))
    pending = session.info.setdefault("pending_events", [])
    pending.extend((event, {**p, "outbox_id": i} if hears else p)
                   for i, p, hears in zip(ids, payloads, heard) if hears or subscribed)


def deliver(event: str, payload: dict[str, Any]) -> None:
    for handler in list(_handlers.get(event, ())) + list(_handlers.get("*", ())):
        try:
            handler(event, payload)
        except Exception:  # one subscriber's failure must not undo a committed write
            log.exception("event handler failed for %s", event)


def handle_in_transaction(event: str) -> list[Callable[..., None]]:
    return list(_handlers.get(event, ()))
