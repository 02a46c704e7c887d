"""Flows as a use case: create and save versions (checked), enable/disable, delete, runs and
their steps, per-node stats, the trigger log, dry run and backtest."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth.actor import Actor
from app.errors import Conflict, ValidationFailed
from app.flow_engine import cache, graph, listeners, runtime, triggers
from app.i18n import _
from app.models import App, Flow, FlowRun, FlowVersion, Form, Record, StepRun, TriggerLog
from app.models.scope import get_scoped, scoped


def _trigger_form_id(session: Session, app_id: str, definition: dict) -> str | None:
    key = definition["trigger"].get("form")
    if not key:
        return None
    return session.scalar(sa.select(Form.id).where(Form.app_id == app_id, Form.key == key))


def create_flow(session: Session, actor: Actor, app_id: str, definition: dict) -> Flow:
    get_scoped(session, App, app_id, actor.workspace_id, what="app")
    graph.check(session, actor.workspace_id, app_id, definition)
    if session.scalar(sa.select(Flow.id).where(Flow.app_id == app_id, Flow.key == definition["key"])):
        raise Conflict(_("A flow with key {key} already exists", "流程标识 {key} 已存在",
                         key=definition["key"]), {"fields": {"key": ["taken"]}})
    flow = Flow(workspace_id=actor.workspace_id, app_id=app_id, key=definition["key"],
                name=definition["name"], version=1, definition=definition, enabled=False,
                trigger_type=definition["trigger"]["type"],
                trigger_form_id=_trigger_form_id(session, app_id, definition),
                hook_token=triggers.new_hook_token() if definition["trigger"]["type"] == "webhook" else None,
                created_by=actor.user_id)
    session.add(flow)
    session.flush()
    session.add(FlowVersion(workspace_id=actor.workspace_id, flow_id=flow.id, version=1,
                            definition=definition, created_by=actor.user_id))
    return flow


def save_version(session: Session, actor: Actor, flow_id: str, definition: dict) -> Flow:
    """A new version; runs already started continue on the version they pinned."""
    flow = get_flow(session, actor, flow_id)
    graph.check(session, actor.workspace_id, flow.app_id, definition)
    if definition["key"] != flow.key and session.scalar(sa.select(Flow.id).where(
            Flow.app_id == flow.app_id, Flow.key == definition["key"])):
        raise Conflict(_("A flow with key {key} already exists", "流程标识 {key} 已存在",
                         key=definition["key"]), {"fields": {"key": ["taken"]}})
    flow.version += 1
    flow.key, flow.name, flow.definition = definition["key"], definition["name"], definition
    flow.trigger_type = definition["trigger"]["type"]
    flow.trigger_form_id = _trigger_form_id(session, flow.app_id, definition)
    if flow.trigger_type == "webhook" and not flow.hook_token:
        flow.hook_token = triggers.new_hook_token()
    session.add(FlowVersion(workspace_id=flow.workspace_id, flow_id=flow.id, version=flow.version,
                            definition=definition, created_by=actor.user_id))
    listeners.changed(session, flow.workspace_id)
    return flow


def get_flow(session: Session, actor: Actor, flow_id: str) -> Flow:
    return get_scoped(session, Flow, flow_id, actor.workspace_id, what="flow")


def list_flows(actor: Actor, app_id: str) -> sa.Select:
    return scoped(Flow, actor.workspace_id).where(Flow.app_id == app_id)


def set_enabled(session: Session, actor: Actor, flow_id: str, enabled: bool) -> Flow:
    flow = get_flow(session, actor, flow_id)
    if enabled:
        graph.check(session, actor.workspace_id, flow.app_id, flow.definition)
        if flow.trigger_type in ("schedule", "segment.entered"):
            flow.last_tick_at = None if flow.trigger_type == "segment.entered" else clock.now()
    flow.enabled = enabled
    listeners.changed(session, flow.workspace_id)
    return flow


def delete_flow(session: Session, actor: Actor, flow_id: str) -> None:
    session.delete(get_flow(session, actor, flow_id))
    listeners.changed(session, actor.workspace_id)


def versions(session: Session, actor: Actor, flow_id: str) -> list[FlowVersion]:
    flow = get_flow(session, actor, flow_id)
    return list(session.scalars(sa.select(FlowVersion).where(FlowVersion.flow_id == flow.id)
                                .order_by(FlowVersion.version)))


# --- runs -----------------------------------------------------------------------------------

def list_runs(session: Session, actor: Actor, flow_id: str, status: str | None) -> sa.Select:
    flow = get_flow(session, actor, flow_id)
    stmt = scoped(FlowRun, actor.workspace_id).where(FlowRun.flow_id == flow.id)
    return stmt.where(FlowRun.status == status) if status else stmt


def get_run(session: Session, actor: Actor, run_id: str) -> FlowRun:
    return get_scoped(session, FlowRun, run_id, actor.workspace_id, what="run")


def run_steps(session: Session, run: FlowRun) -> list[StepRun]:
    return list(session.scalars(sa.select(StepRun).where(StepRun.run_id == run.id)
                                .order_by(StepRun.id)))


def start_manual(session: Session, actor: Actor, flow_id: str, record_ids: list[str]) -> list[FlowRun]:
    flow = get_flow(session, actor, flow_id)
    if flow.trigger_type != "manual":
        raise ValidationFailed(_("This flow is not started by hand", "该流程不能手动启动"),
                               {"fields": {"trigger": [flow.trigger_type]}})
    return triggers.start_manual(session, flow, record_ids, user_id=actor.user_id,
                                 workspace_id=actor.workspace_id)


def trigger_log(actor: Actor, flow_id: str) -> sa.Select:
    return scoped(TriggerLog, actor.workspace_id).where(TriggerLog.flow_id == flow_id)


def stats(session: Session, actor: Actor, flow_id: str) -> dict:
    """Per node: entered, completed, failed, waiting, and per branch taken (`branches`, e.g.
    the ab_split groups, holdout included) — one GROUP BY over step runs."""
    flow = get_flow(session, actor, flow_id)
    rows = session.execute(sa.select(StepRun.node_id, StepRun.status, StepRun.branch,
                                     sa.func.count())
                           .where(StepRun.flow_id == flow.id)
                           .group_by(StepRun.node_id, StepRun.status, StepRun.branch)).all()
    per_node = {n["id"]: {"entered": 0, "completed": 0, "failed": 0, "waiting": 0, "branches": {}}
                for n in flow.definition["nodes"]}
    for node_id, status, branch, count in rows:
        entry = per_node.setdefault(node_id, {"entered": 0, "completed": 0, "failed": 0,
                                              "waiting": 0, "branches": {}})
        entry["entered"] += count
        if status in ("completed", "failed", "waiting"):
            entry[status] += count
        if branch is not None and status == "completed":
            entry["branches"][branch] = entry["branches"].get(branch, 0) + count
    runs = dict(session.execute(sa.select(FlowRun.status, sa.func.count())
                                .where(FlowRun.flow_id == flow.id).group_by(FlowRun.status)).all())
    skipped = dict(session.execute(sa.select(TriggerLog.reason, sa.func.count())
                                   .where(TriggerLog.flow_id == flow.id)
                                   .group_by(TriggerLog.reason)).all())
    return {"nodes": [{"node_id": k, **v} for k, v in per_node.items()], "runs": runs,
            "not_started": skipped}


def cancel(session: Session, actor: Actor, run_id: str) -> FlowRun:
    return runtime.cancel_run(session, get_run(session, actor, run_id))


def retry(session: Session, actor: Actor, run_id: str) -> FlowRun:
    return runtime.retry_run(session, get_run(session, actor, run_id))


# --- dry run and backtest -------------------------------------------------------------------

def dry_run(session: Session, actor: Actor, flow_id: str, record_id: str | None,
            max_steps: int = 100) -> dict:
    """Walk the graph for one record with each node's describe(): the path and what each step
    would do. Runs inside a savepoint that is rolled back, so nothing it touches persists."""
    flow = get_flow(session, actor, flow_id)
    definition = flow.definition
    record = None
    if record_id:
        record = get_scoped(session, Record, record_id, actor.workspace_id, what="record")
    nested = session.begin_nested()
    try:
        return _walk(session, flow, definition, record, max_steps)
    finally:
        nested.rollback()


class _Stand:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def _walk(session, flow, definition, record, max_steps) -> dict:
    from app.flow_engine import nodes

    data = record.data if record else None
    form_definition = session.scalar(sa.select(Form.definition).where(
        Form.id == flow.trigger_form_id)) if flow.trigger_form_id else None
    ok, problem = triggers.condition_holds(session, flow, data or {}, None, form_definition)
    result = {"trigger": {"matches": ok, "error": problem}, "path": []}
    info = cache.flow_version(session, flow.id, flow.version)
    run = _Stand(id="dry-run", flow_id=flow.id, version=flow.version, record_id=record.id if record else None,
                 workspace_id=flow.workspace_id, depth=0, outputs={}, variables={}, started_by=None,
                 context={"record": data, "old": None, "trigger": {"at": clock.now().isoformat()}})
    todo = [e["to"] for e in definition["edges"] if e["from"] == "trigger"]
    visits: dict[str, int] = {}
    while todo and len(result["path"]) < max_steps:
        node_id = todo.pop(0)
        visits[node_id] = visits.get(node_id, 0) + 1
        node = runtime.node_of(definition, node_id)
        step = _Stand(id=f"dry-{len(result['path'])}", visit=visits[node_id], state={},
                      node_id=node_id, output=None)
        ctx = runtime.build_context(session, run, step, info, node, dry_run=True)
        entry = {"node": node_id, "type": node["type"]}
        try:
            outcome = nodes.get(node["type"]).describe(ctx)
        except Exception as exc:  # noqa: BLE001 - shown to the designer
            entry["error"] = str(getattr(exc, "message", None) or exc)
            result["path"].append(entry)
            break
        entry.update(branch=outcome.branch, output=runtime._json_safe(outcome.output))
        result["path"].append(entry)
        run.outputs = {**run.outputs, node_id: entry["output"]}
        if outcome.variables:
            run.variables = {**run.variables, **runtime._json_safe(outcome.variables)}
        if outcome.end:
            break
        if outcome.goto:
            todo.append(outcome.goto)
            continue
        todo += [e["to"] for e in definition["edges"]
                 if e["from"] == node_id and runtime._edge_matches(e, outcome.branch)]
    return result


def backtest(session: Session, actor: Actor, flow_id: str, days: int) -> dict:
    """How many records would have entered over the last `days`: records created (or updated)
    in that window for record triggers, date values in the window for date triggers, filtered
    by the trigger condition."""
    flow = get_flow(session, actor, flow_id)
    if not flow.trigger_form_id:
        raise ValidationFailed(_("Backtests need a trigger on a form", "回测需要基于表单的触发器"))
    since = clock.now() - dt.timedelta(days=days)
    trigger = flow.definition["trigger"]
    stmt = sa.select(Record.id, Record.data).where(Record.form_id == flow.trigger_form_id)
    if trigger["type"] == "record.updated":
        stmt = stmt.where(Record.updated_at >= since)
    elif trigger["type"] == "date":
        from app.flow_engine.durations import parse_duration

        offset = parse_duration(trigger.get("offset", "0d"))
        lo = (since - offset).date().isoformat()
        hi = (clock.now() - offset).date().isoformat()
        value = sa.func.substr(Record.data[trigger["field"]].as_string(), 1, 10)
        stmt = stmt.where(value >= lo, value <= hi)
    else:
        stmt = stmt.where(Record.created_at >= since)
    form_definition = session.scalar(sa.select(Form.definition).where(Form.id == flow.trigger_form_id))
    candidates = entered = 0
    for _record_id, data in session.execute(stmt.execution_options(yield_per=1000)):
        candidates += 1
        ok, _problem = triggers.condition_holds(session, flow, data, None, form_definition)
        entered += ok
    return {"days": days, "candidates": candidates, "entered": entered}

