"""The durable runtime: a run is rows, a step is one RQ job that locks its row, executes its node
and commits the result and the next steps in one transaction; jobs are enqueued after commit.

A killed worker rolls its transaction back, leaving the step `queued` for the sweeper; a step
delivered twice finds itself no longer queued and does nothing. Nodes that talk to the network
(`external`) claim the step (`running`) first and act outside the transaction.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import clock
from app.db import after_commit
from app.errors import FormloomError
from app.extensions import unit_of_work
from app.flow_engine import cache, expressions
from app.flow_engine.cache import FlowVersionInfo
from app.flow_engine.nodes import NodeContext, Outcome, get as get_node
from app.form_engine import public_prefill
from app.ids import new_id
from app.models import Flow, FlowRun, Record, StepRun, Timer

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running", "waiting")
STEP_JOB_TIMEOUT = 120
_PENDING_JOBS = "flow_step_jobs"


def limit(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def definition_of(session: Session, flow_id: str, version: int) -> dict:
    """The graph a run pinned (versions never change once saved)."""
    info = cache.flow_version(session, flow_id, version)
    return info.definition if info is not None else {}


def node_of(definition: dict, node_id: str) -> dict | None:
    return next((n for n in definition.get("nodes", []) if n["id"] == node_id), None)


def enqueue_step(session: Session, step_id: str) -> None:
    """Queue the step's job once the transaction commits; all steps a transaction queued go to
    Redis in one pipeline."""
    pending = session.info.get(_PENDING_JOBS)
    if pending is None:
        pending = session.info[_PENDING_JOBS] = []
        app = current_app._get_current_object()
        after_commit(session, lambda: _enqueue_steps(app, session.info.pop(_PENDING_JOBS, [])))
    pending.append(step_id)


def _enqueue_steps(app, step_ids: list[str]) -> None:
    from rq import Queue

    from app.jobs import FAILURE_TTL, queue

    if not step_ids:
        return
    with app.app_context():
        try:
            queue("high").enqueue_many([
                Queue.prepare_data(execute_step, (step_id,), timeout=STEP_JOB_TIMEOUT,
                                   result_ttl=0, failure_ttl=FAILURE_TTL)
                for step_id in step_ids])
        except Exception:  # noqa: BLE001 - Redis down: the sweeper re-enqueues queued steps
            log.warning("enqueue of %s step(s) failed; the sweeper will retry", len(step_ids),
                        exc_info=True)


# --- starting -------------------------------------------------------------------------------

def start_run(session: Session, flow: Flow, *, record_id: str | None = None,
              record: dict | None = None, old: dict | None = None, trigger: dict | None = None,
              trigger_key: str | None = None, depth: int = 0, started_by: str | None = None,
              unique_check: bool = True) -> FlowRun | None:
    """Create a run pinned to the flow's current version and queue its first steps. Returns None
    when this trigger occurrence already started a run (the unique trigger key); callers that
    already claimed the occurrence (an outbox row) pass unique_check=False to skip the
    savepoint."""
    now = clock.now()
    run = FlowRun(id=new_id(), workspace_id=flow.workspace_id, flow_id=flow.id,
                  version=flow.version, status="running", trigger_key=trigger_key,
                  record_id=record_id, steps_count=0,
                  context={"record": record, "old": old, "visits": {},
                           "trigger": {"at": now.isoformat(), **(trigger or {})}},
                  variables={}, outputs={}, depth=depth, started_by=started_by, started_at=now)
    if trigger_key and unique_check:
        try:
            with session.begin_nested():
                session.add(run)
                session.flush()
        except sa.exc.IntegrityError:
            return None
    else:
        session.add(run)
    info = cache.flow_version(session, flow.id, flow.version)
    targets = [e["to"] for e in info.definition.get("edges", []) if e["from"] == "trigger"]
    for node_id in targets:
        _queue_node(session, run, info, node_id)
    if not targets:
        _finish(session, run, "completed")
    return run


def _next_visit(session: Session, run: FlowRun, node_id: str) -> int:
    """Visits are counted in the run's context (no query); runs from before that was kept
    count their step rows once."""
    visits = (run.context or {}).get("visits")
    if visits is None:
        visits = dict(session.execute(sa.select(StepRun.node_id, sa.func.max(StepRun.visit))
                                      .where(StepRun.run_id == run.id)
                                      .group_by(StepRun.node_id)).all())
    visits = {**visits, node_id: visits.get(node_id, 0) + 1}
    run.context = {**run.context, "visits": visits}
    return visits[node_id]


def _queue_node(session: Session, run: FlowRun, info: FlowVersionInfo,
                node_id: str) -> StepRun | None:
    node = info.node(node_id)
    if run.steps_count >= limit("FLOW_MAX_STEPS", 500):
        _finish(session, run, "failed", f"the run reached the limit of {run.steps_count} steps")
        return None
    visit = _next_visit(session, run, node_id)
    if visit > limit("FLOW_MAX_VISITS", 50):
        _finish(session, run, "failed", f"node '{node_id}' was visited more than {visit - 1} times")
        return None
    run.steps_count += 1
    step = StepRun(id=new_id(), workspace_id=run.workspace_id, run_id=run.id, flow_id=run.flow_id,
                   node_id=node_id, node_type=node["type"], visit=visit, status="queued",
                   attempts=0, state={}, queued_at=clock.now())
    session.add(step)
    enqueue_step(session, step.id)
    return step


# --- executing ------------------------------------------------------------------------------

def execute_step(step_id: str) -> str:
    """The RQ job of one step. Safe to run any number of times for the same step."""
    with unit_of_work() as session:
        step, run = _lock(session, step_id)
        if step is None or step.status != "queued":
            return "skipped"
        if run.status != "running":
            step.status, step.finished_at = "cancelled", clock.now()
            return "cancelled"
        info = cache.flow_version(session, run.flow_id, run.version)
        node = info.node(step.node_id)
        kind = get_node(node["type"])
        if kind.external:
            step.status, step.started_at = "running", clock.now()
            step.attempts += 1
        else:
            return _execute_chain(session, run, step, info, node, kind)
    return _execute_external(step_id, kind)


def _execute_chain(session, run, step, info, node, kind) -> str:
    """Execute the step, then, while it hands over to exactly one next step that also runs in
    the transaction, that step too (up to FLOW_CHAIN_STEPS): the run is locked already and all
    of it commits at once, so a linear journey costs one job, not one per node. Each step keeps
    its own row, timings and output; a failing step ends the chain with its failure recorded."""
    budget = limit("FLOW_CHAIN_STEPS", 25)
    record = None
    while True:
        # After a pure step the record is as the previous step read it: no re-read, and with
        # no query in between, the steps' and the run's rows are written once, at commit.
        status, queued, record = _execute_in_transaction(session, run, step, info, node, kind,
                                                         record=record if kind.pure else None)
        budget -= 1
        if budget <= 0 or status != "completed" or run.status != "running" or len(queued) != 1:
            return status
        step = queued[0]
        node = info.node(step.node_id)
        kind = get_node(node["type"])
        if kind.external:
            return status
        pending = session.info.get(_PENDING_JOBS) or []
        if step.id in pending:
            pending.remove(step.id)


def _lock(session: Session, step_id: str):
    """Lock the run, then the step (always in that order: a step that ends the run updates its
    siblings while holding the run)."""
    run_id = sa.select(StepRun.run_id).where(StepRun.id == step_id).scalar_subquery()
    run = session.scalars(sa.select(FlowRun).where(FlowRun.id == run_id).with_for_update()
                          .execution_options(populate_existing=True)).first()
    if run is None:
        return None, None
    step = session.get(StepRun, step_id, with_for_update=True, populate_existing=True)
    return step, run


def _execute_in_transaction(session, run, step, info, node, kind, *, record=None):
    """Execute one step in the caller's transaction: (its status, the steps it queued, the
    record data it saw)."""
    ctx = build_context(session, run, step, info, node, record=record)  # reads before writes
    step.attempts += 1
    step.started_at = clock.now()
    try:
        if kind.pure:   # nothing to roll back: no savepoint round trips
            outcome = kind.execute(ctx)
        else:
            with session.begin_nested():
                outcome = kind.execute(ctx)
                session.flush()
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the step
        _record_failure(session, run, step, kind, exc)
        return step.status, [], None
    queued = apply_outcome(session, run, step, info, outcome)
    return step.status, queued, ctx.data.get("record")


def _execute_external(step_id: str, kind) -> str:
    with unit_of_work() as session:
        step, run = _lock(session, step_id)
        info = cache.flow_version(session, run.flow_id, run.version)
        node = info.node(step.node_id)
        ctx = build_context(session, run, step, info, node)
        ctx.session = None
    try:
        outcome, error = kind.execute(ctx), None
    except Exception as exc:  # noqa: BLE001
        outcome, error = None, exc
    with unit_of_work() as session:
        step, run = _lock(session, step_id)
        if step is None or step.status != "running":
            return "skipped"
        if error is not None:
            _record_failure(session, run, step, kind, error)
            return "failed"
        apply_outcome(session, run, step, info, outcome)
        return step.status


def build_context(session, run, step, info: FlowVersionInfo, node, *, dry_run: bool = False,
                  record: dict | None = None) -> NodeContext:
    """What a node sees (`record`: the record data when the caller knows it is current).
    RECORD_ID() is the run's record and CURRENT_USER the user whose write (or manual start)
    began the run."""
    if record is None:
        record, _schema = current_record(session, run, info)
    trigger = run.context.get("trigger", {})
    data = expressions.step_data(record, run.context.get("old"), trigger,
                                 run.outputs or {}, run.variables or {})
    env = cache.env(session, run.workspace_id, record_id=run.record_id,
                    current_user=run.started_by or trigger.get("actor_id"),
                    public_link=public_prefill.resolver(
                        session, run.workspace_id, info.app_id,
                        secret=current_app.config["SECRET_KEY"],
                        base_url=current_app.config["PUBLIC_BASE_URL"]))
    return NodeContext(session=session, workspace_id=run.workspace_id, flow=info, run=run,
                       step=step, node=node, definition=info.definition, data=data,
                       schema=info.schema, env=env, config=current_app.config, dry_run=dry_run,
                       woken=(step.state or {}).get("woken"), state=dict(step.state or {}))


def current_record(session, run, info: FlowVersionInfo) -> tuple[dict | None, dict]:
    """The trigger record as it is now (a journey reads fresh data after a wait), falling back
    to the snapshot taken at the trigger when it was deleted."""
    if run.record_id:
        data = session.scalar(sa.select(Record.data).where(
            Record.id == run.record_id, Record.workspace_id == run.workspace_id))
        if data is not None:
            return data, info.record_schema
    return run.context.get("record"), info.record_schema


def apply_outcome(session, run, step, info: FlowVersionInfo, outcome: Outcome) -> list[StepRun]:
    """Record the outcome on the step and queue what follows; returns the steps queued."""
    now = clock.now()
    step.output = _json_safe(outcome.output)
    if outcome.state is not None:
        step.state = {**(step.state or {}), **outcome.state, "woken": None}
    if outcome.wait_until is not None or outcome.waiting:
        step.status = "waiting"
        if outcome.wait_until is not None:
            session.add(Timer(workspace_id=run.workspace_id, run_id=run.id, step_id=step.id,
                              kind=outcome.timer_kind, due_at=outcome.wait_until))
        return []
    step.status, step.finished_at, step.branch, step.error = "completed", now, outcome.branch, None
    run.outputs = {**(run.outputs or {}), step.node_id: step.output}
    if outcome.variables:
        run.variables = {**(run.variables or {}), **_json_safe(outcome.variables)}
    if outcome.end:
        _cancel_open_steps(session, run, except_id=step.id)
        _finish(session, run, "completed")
        return []
    targets = ([outcome.goto] if outcome.goto else
               [e["to"] for e in info.definition.get("edges", [])
                if e["from"] == step.node_id and _edge_matches(e, outcome.branch)])
    queued = []
    for node_id in targets:
        next_step = _queue_node(session, run, info, node_id)
        if run.status != "running":
            return []
        queued.append(next_step)
    if not queued:
        _complete_if_idle(session, run)
    return queued


def _edge_matches(edge: dict, branch: str | None) -> bool:
    when = edge.get("when")
    if branch is None:
        return when is None
    return when == branch or (when is None and branch in ("reached", "event"))


def _record_failure(session, run, step, kind, exc: Exception) -> None:
    message = str(getattr(exc, "message", None) or exc) or type(exc).__name__
    step.error = message[:2000]
    log.warning("step %s of run %s failed (attempt %s): %s", step.id, run.id, step.attempts,
                message)
    transient = not isinstance(exc, FormloomError)
    if transient and step.attempts < kind.max_attempts:
        delay = kind.backoff_seconds * 2 ** (step.attempts - 1)
        step.status = "waiting"
        step.state = {**(step.state or {}), "retry": True}
        session.add(Timer(workspace_id=run.workspace_id, run_id=run.id, step_id=step.id,
                          kind="retry", due_at=clock.now() + dt.timedelta(seconds=delay)))
        return
    step.status, step.finished_at = "failed", clock.now()
    _cancel_open_steps(session, run, except_id=step.id)
    _finish(session, run, "failed", f"step '{step.node_id}' failed: {message}"[:2000])


def _complete_if_idle(session, run) -> None:
    session.flush()
    active = session.scalar(sa.select(sa.func.count()).select_from(StepRun).where(
        StepRun.run_id == run.id, StepRun.status.in_(ACTIVE)))
    if not active:
        _finish(session, run, "completed")


def _finish(session, run, status: str, error: str | None = None) -> None:
    run.status, run.finished_at = status, clock.now()
    if error:
        run.error = error


def _cancel_open_steps(session, run, except_id: str | None = None) -> None:
    from app.models import Task

    cancelled = session.execute(sa.update(StepRun).where(
        StepRun.run_id == run.id, StepRun.status.in_(ACTIVE), StepRun.id != (except_id or ""),
    ).values(status="cancelled", finished_at=clock.now())).rowcount
    if not cancelled:   # timers and open tasks belong to active steps: none left
        return
    session.execute(sa.update(Timer).where(Timer.run_id == run.id, Timer.fired_at.is_(None))
                    .values(fired_at=clock.now()))
    session.execute(sa.update(Task).where(Task.run_id == run.id, Task.status == "open")
                    .values(status="cancelled"))


def _json_safe(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- waking, cancelling, retrying -----------------------------------------------------------

def wake(session: Session, step: StepRun, woken: str, state: dict | None = None) -> bool:
    """Queue a sleeping step again (timer fired, awaited event came, human acted)."""
    if step.status != "waiting":
        return False
    step.status, step.queued_at = "queued", clock.now()
    step.state = {**(step.state or {}), **(state or {}), "woken": woken}
    session.execute(sa.update(Timer).where(Timer.step_id == step.id, Timer.fired_at.is_(None))
                    .values(fired_at=clock.now()))
    enqueue_step(session, step.id)
    return True


def cancel_run(session: Session, run: FlowRun) -> FlowRun:
    if run.status == "running":
        _cancel_open_steps(session, run)
        _finish(session, run, "cancelled")
    return run


def retry_run(session: Session, run: FlowRun) -> FlowRun:
    """Continue a failed run from its failed step (a new visit of that node)."""
    from app.errors import Conflict
    from app.i18n import _

    if run.status != "failed":
        raise Conflict(_("Only a failed run can be retried", "只有失败的运行可以重试"))
    failed = session.scalar(sa.select(StepRun).where(StepRun.run_id == run.id,
                                                     StepRun.status == "failed")
                            .order_by(StepRun.id.desc()).limit(1))
    if failed is None:
        raise Conflict(_("This run has no failed step to retry", "该运行没有可重试的失败步骤"))
    run.status, run.error, run.finished_at = "running", None, None
    _queue_node(session, run, cache.flow_version(session, run.flow_id, run.version),
                failed.node_id)
    return run
