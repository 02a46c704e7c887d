"""Who listens to record events in a workspace (enabled flows' record triggers, wait_until nodes
of running journeys, webhook subscriptions): a per-process cache read on every committed write,
so a write nobody listens to costs no job and no extra transaction. Flow and webhook changes bump
a per-workspace generation in Redis; every process reloads its copy when the generation moved.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import after_commit

log = logging.getLogger(__name__)

RECORD_EVENTS = ("record.created", "record.updated", "record.deleted")
_MAX_CACHED = 4096
_cache: dict[str, tuple[tuple, "Listeners"]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Listeners:
    flows: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (form_id, event) -> flow ids
    waits: frozenset[tuple[str, str]] = frozenset()      # (app_id, form_key) awaited by wait_until
    hooks: tuple = ()                                    # enabled webhooks: (id, form_id, events)

    def flows_for(self, event: str, form_id: str) -> tuple[str, ...]:
        return self.flows.get((form_id, event), ())

    def waits_for(self, event: str, payload: dict) -> bool:
        return event != "record.deleted" and (payload.get("app_id"), payload.get("form_key")) in self.waits

    def hooks_for(self, event: str, payload: dict) -> list:
        return [h for h in self.hooks
                if event in h[2] and (h[1] is None or h[1] == payload.get("form_id"))]

    def hears(self, event: str, payload: dict) -> bool:
        # Decided by the event's form alone (workspace, app, form): app.events asks once for a
        # batch of one form's records.
        return bool(self.flows_for(event, payload.get("form_id")) or self.waits_for(event, payload)
                    or self.hooks_for(event, payload))


def _key(workspace_id: str) -> str:
    return f"formloom:flows:listeners:{workspace_id}"


def _redis():
    from app.extensions import redis

    return redis()


_EPOCH = "formloom:flows:listeners:epoch"


def _generations(ids: list[str]) -> list[tuple[bytes, bytes | None]]:
    """(epoch, generation) per workspace. A Redis that restarted or was flushed starts its
    counters again, so a cached generation could match a new one; the epoch, new after each
    such start, makes every copy cached before it stale."""
    conn = _redis()
    keys = [_EPOCH, *(_key(w) for w in ids)]
    values = conn.mget(keys)
    if values[0] is None:
        from app.ids import new_id

        conn.set(_EPOCH, new_id(), nx=True)
        values = conn.mget(keys)
    return [(values[0], generation) for generation in values[1:]]


def for_workspaces(session: Session, workspace_ids: set[str]) -> dict[str, Listeners]:
    """The listeners of each workspace; one Redis round trip checks every cached copy. Raises
    when Redis is down, so callers treat every event as heard (the job or the sweeper decides)."""
    ids = sorted(workspace_ids)
    generations = _generations(ids)
    found = {}
    for workspace_id, generation in zip(ids, generations):
        cached = _cache.get(workspace_id)
        if cached is None or cached[0] != generation:
            cached = (generation, load(session, workspace_id))
            with _lock:
                if len(_cache) >= _MAX_CACHED:
                    _cache.clear()
                _cache[workspace_id] = cached
        found[workspace_id] = cached[1]
    return found


def load(session: Session, workspace_id: str) -> Listeners:
    from app.models import Flow, FlowRun, FlowVersion, Webhook

    flows: dict[tuple[str, str], list[str]] = {}
    for flow_id, form_id, kind in session.execute(sa.select(
            Flow.id, Flow.trigger_form_id, Flow.trigger_type).where(
            Flow.workspace_id == workspace_id, Flow.enabled.is_(True),
            Flow.trigger_type.in_(RECORD_EVENTS)).order_by(Flow.id)):
        flows.setdefault((form_id, kind), []).append(flow_id)
    # Journeys waiting on an event may run an old version, or a flow disabled since they began.
    running = sa.select(FlowRun.flow_id, FlowRun.version).where(
        FlowRun.workspace_id == workspace_id, FlowRun.status == "running").distinct().subquery()
    definitions = session.execute(
        sa.select(Flow.app_id, FlowVersion.definition)
        .join(running, sa.and_(running.c.flow_id == FlowVersion.flow_id,
                               running.c.version == FlowVersion.version))
        .join(Flow, Flow.id == FlowVersion.flow_id)).all()
    definitions += session.execute(sa.select(Flow.app_id, Flow.definition).where(
        Flow.workspace_id == workspace_id, Flow.enabled.is_(True))).all()
    waits = {(app_id, node["event"]["form"]) for app_id, definition in definitions
             for node in (definition or {}).get("nodes", [])
             if node.get("type") == "wait_until" and node.get("event")}
    hooks = tuple((hook_id, form_id, tuple(events or ())) for hook_id, form_id, events in
                  session.execute(sa.select(Webhook.id, Webhook.form_id, Webhook.events).where(
                      Webhook.workspace_id == workspace_id, Webhook.enabled.is_(True))
                      .order_by(Webhook.id)))
    return Listeners(flows={k: tuple(v) for k, v in flows.items()}, waits=frozenset(waits),
                     hooks=hooks)


def changed(session: Session, workspace_id: str) -> None:
    """A flow or webhook of the workspace changed: every process reloads after this commits."""
    def _bump():
        with _lock:
            _cache.pop(workspace_id, None)
        try:
            _redis().incr(_key(workspace_id))
        except Exception:  # noqa: BLE001 - Redis down: other processes reload when it is back
            log.warning("could not bump the flow listeners generation", exc_info=True)

    after_commit(session, _bump)


def forget() -> None:
    """Drop every cached copy (tests that flush Redis start from nothing)."""
    with _lock:
        _cache.clear()
