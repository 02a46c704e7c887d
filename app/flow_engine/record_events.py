"""Record events -> runs, woken event waits and webhook deliveries, a batch of outbox rows per
transaction (see dispatch.py for how batches are formed)."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.extensions import unit_of_work
from app.flow_engine import cache, expressions, listeners, runtime, triggers
from app.models import EventOutbox, Flow, FlowRun, Form, StepRun
from app.rule_engine import RuleError

log = logging.getLogger(__name__)
CHUNK = 500


class EventBatch:
    """What a batch of events shares: listeners, flows, form schemas, time zones, and the
    per-flow count of runs started in the last minute (the rate limit) kept in memory."""

    def __init__(self, session: Session, workspace_ids: set[str]):
        self.session = session
        self.listeners = listeners.for_workspaces(session, workspace_ids) if workspace_ids else {}
        self._schemas: dict[str, dict] = {}
        self._recent: dict[str, int] = {}
        # Held here: the session's identity map is weak, and a re-SELECT would autoflush.
        self._flows: dict[str, Flow | None] = {}

    def flows(self, event: str, payload: dict) -> list[Flow]:
        ids = self.listeners[payload["workspace_id"]].flows_for(event, payload["form_id"])
        for flow_id in ids:
            if flow_id not in self._flows:
                self._flows[flow_id] = self.session.get(Flow, flow_id)
        return [self._flows[i] for i in ids if self._flows[i] is not None]

    def form_schema(self, form_id: str) -> dict:
        if form_id not in self._schemas:
            definition = self.session.scalar(sa.select(Form.definition).where(Form.id == form_id))
            self._schemas[form_id] = expressions.flow_schema(expressions.form_schema(definition))
        return self._schemas[form_id]

    def recent_runs(self, flow: Flow) -> int:
        if flow.id not in self._recent:
            self._recent[flow.id] = self.session.scalar(
                sa.select(sa.func.count()).select_from(FlowRun).where(
                    FlowRun.flow_id == flow.id,
                    FlowRun.started_at > clock.now() - dt.timedelta(minutes=1)))
        return self._recent[flow.id]

    def started(self, flow: Flow) -> None:
        self._recent[flow.id] = self.recent_runs(flow) + 1


def process_outbox(outbox_ids: list[str]) -> int:
    """RQ job: the record events of one committed write, in one transaction. If the batch fails
    as a whole, each event gets its own transaction so one bad event cannot hold back the rest."""
    try:
        with unit_of_work() as session:
            return process_batch(session, outbox_ids)
    except Exception:  # noqa: BLE001
        if len(outbox_ids) == 1:
            raise
        log.exception("record event batch failed; processing its events one by one")
    done = 0
    for outbox_id in outbox_ids:
        try:
            with unit_of_work() as session:
                done += process_batch(session, [outbox_id])
        except Exception:  # noqa: BLE001 - left unprocessed: the sweeper tries again
            log.exception("record event %s failed", outbox_id)
    return done


def process_batch(session: Session, outbox_ids: list[str]) -> int:
    """Claim the unprocessed rows among `outbox_ids` and act on each; returns how many."""
    rows = []
    for i in range(0, len(outbox_ids), CHUNK):
        rows += session.execute(
            sa.select(EventOutbox.id, EventOutbox.name, EventOutbox.payload)
            .where(EventOutbox.id.in_(outbox_ids[i:i + CHUNK]), EventOutbox.processed_at.is_(None))
            .with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    rows.sort(key=lambda r: r.id)
    ids = [r.id for r in rows]
    for i in range(0, len(ids), CHUNK):
        session.execute(sa.update(EventOutbox).where(EventOutbox.id.in_(ids[i:i + CHUNK]))
                        .values(processed_at=clock.now(), attempts=EventOutbox.attempts + 1)
                        .execution_options(synchronize_session=False))
    batch = EventBatch(session, {r.payload["workspace_id"] for r in rows})
    for row in rows:
        if row.name in listeners.RECORD_EVENTS:
            process_record_event(session, row.name, {**row.payload, "outbox_id": row.id}, batch)
    return len(rows)


def process_record_event(session: Session, event: str, payload: dict,
                         batch: EventBatch | None = None) -> list[FlowRun]:
    from app.flow_engine.outbound import queue_deliveries

    batch = batch or EventBatch(session, {payload["workspace_id"]})
    heard = batch.listeners[payload["workspace_id"]]
    runs = []
    for flow in batch.flows(event, payload):
        run = _maybe_start(session, flow, event, payload, batch)
        if run is not None:
            runs.append(run)
    if heard.waits_for(event, payload):
        _wake_event_waits(session, event, payload)
    hooks = heard.hooks_for(event, payload)
    if hooks:
        queue_deliveries(session, event, payload, [h[0] for h in hooks])
    return runs


def _maybe_start(session, flow, event, payload, batch: EventBatch) -> FlowRun | None:
    record_id = payload.get("record_id")
    if not triggers.admit(session, flow, event, record_id=record_id,
                          depth=payload.get("depth") or 0, source=payload.get("source"),
                          recent_runs=batch.recent_runs(flow)):
        return None
    watched = flow.definition["trigger"].get("fields")
    if event == "record.updated" and watched and not set(watched) & set(payload.get("changed") or []):
        triggers.log_skip(session, flow, event, "fields_unchanged", record_id=record_id,
                          detail=", ".join(watched))
        return None
    ok, problem = triggers.condition_holds(
        session, flow, payload.get("data") or {}, payload.get("old"), None,
        schema=batch.form_schema(payload["form_id"]), record_id=record_id,
        current_user=payload.get("actor_id"))
    if not ok:
        triggers.log_skip(session, flow, event, "condition_error" if problem else "condition_false",
                          record_id=record_id, detail=problem)
        return None
    batch.started(flow)
    return runtime.start_run(
        session, flow, record_id=record_id if event != "record.deleted" else None,
        record=payload.get("data"), old=payload.get("old"),
        trigger={"event": event, "record_id": record_id, "source": payload.get("source"),
                 "actor_id": payload.get("actor_id"), "changed": payload.get("changed") or []},
        trigger_key=f"event:{payload['outbox_id']}", depth=payload.get("depth") or 0,
        unique_check=False)


def _wake_event_waits(session: Session, event: str, payload: dict) -> None:
    """Steps of this app waiting for a record of this form (state.event_form, found in SQL)."""
    waiting = session.scalars(sa.select(StepRun).join(Flow, Flow.id == StepRun.flow_id).where(
        StepRun.workspace_id == payload["workspace_id"], StepRun.status == "waiting",
        StepRun.node_type == "wait_until", Flow.app_id == payload.get("app_id"),
        StepRun.state["event_form"].as_string() == payload.get("form_key"))
        .order_by(StepRun.id)).all()
    for step in waiting:
        run = session.get(FlowRun, step.run_id)
        info = cache.flow_version(session, run.flow_id, run.version)
        spec = info.node(step.node_id).get("event", {})
        if spec.get("on", "record.created") != event:
            continue
        match = spec.get("match")
        if match:
            record, _schema = runtime.current_record(session, run, info)
            scope = {**(payload.get("data") or {}), "record": record or {},
                     "trigger": run.context.get("trigger", {})}
            try:
                env = cache.env(session, run.workspace_id, record_id=run.record_id)
                if not expressions.is_true(match, scope, env):
                    continue
            except RuleError:
                continue
        runtime.wake(session, step, "event", {"event": {"record_id": payload.get("record_id"),
                                                        "data": payload.get("data")}})


def redeliver_outbox(older_than: dt.timedelta = dt.timedelta(seconds=5), batch: int = 500) -> int:
    """Sweeper: record events whose job never ran (crash after COMMIT, Redis lost the job)."""
    with unit_of_work() as session:
        ids = list(session.scalars(sa.select(EventOutbox.id).where(
            EventOutbox.processed_at.is_(None), EventOutbox.created_at < clock.now() - older_than)
            .order_by(EventOutbox.id).limit(batch)))
    if ids:
        process_outbox(ids)
    return len(ids)
