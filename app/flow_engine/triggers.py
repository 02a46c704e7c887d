"""Triggers: the schema of each trigger type, and turning record events, dates, cron ticks,
segment entries, inbound webhooks and manual starts into runs. Every occurrence that does not
start a run leaves a row in the trigger log saying why."""
from __future__ import annotations

import datetime as dt
import logging
import secrets

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import clock
from app.extensions import unit_of_work
from app.flow_engine import cache, expressions, runtime
from app.flow_engine.durations import PATTERN, parse_duration
from app.models import (DateTriggerFire, Flow, FlowRun, Form, Record, Segment, SegmentMember,
                        TriggerLog)
from app.rule_engine import EvalEnv, RuleError

log = logging.getLogger(__name__)

_FORM = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_SOURCES = {"type": "array", "items": {"enum": ["api", "public", "import", "flow", "template",
                                                 "system"]}}
TRIGGERS: dict[str, dict] = {
    "record.created": {"properties": {"form": _FORM, "sources": _SOURCES}, "required": ["form"]},
    "record.updated": {"properties": {"form": _FORM, "sources": _SOURCES,
                                      "fields": {"type": "array", "items": _FORM}},
                       "required": ["form"]},
    "record.deleted": {"properties": {"form": _FORM, "sources": _SOURCES}, "required": ["form"]},
    "date": {"properties": {"form": _FORM, "field": _FORM,
                            "offset": {"type": "string", "pattern": PATTERN},
                            "at": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
                            "yearly": {"type": "boolean"}},
             "required": ["form", "field"]},
    "schedule": {"properties": {"cron": {"type": "string", "minLength": 9, "maxLength": 100}},
                 "required": ["cron"]},
    "segment.entered": {"properties": {"form": _FORM, "segment": _FORM},
                        "required": ["form", "segment"]},
    "webhook": {"properties": {}},
    "manual": {"properties": {"form": _FORM}},
}


def check_trigger(checker, trigger: dict) -> dict | None:
    """Semantic checks of the trigger; returns the rule schema flow expressions are checked with
    (None when the trigger has no form: names are then not checked)."""
    kind = trigger["type"]
    schema = None
    if "form" in trigger:
        schema = checker.form_schema(trigger["form"])
        if schema is None:
            checker.error("trigger", "form", f"unknown form '{trigger['form']}'")
            return None
    for i, key in enumerate(trigger.get("fields", [])):
        if key not in schema:
            checker.error("trigger", f"fields/{i}", f"unknown field '{key}'")
    if kind == "date":
        spec = schema.get(trigger["field"])
        if spec is None:
            checker.error("trigger", "field", f"unknown field '{trigger['field']}'")
        elif expressions_type(spec) not in ("date", "datetime"):
            checker.error("trigger", "field", f"'{trigger['field']}' is not a date field")
    if kind == "schedule":
        from croniter import croniter

        if not croniter.is_valid(trigger["cron"]):
            checker.error("trigger", "cron", f"not a cron expression: '{trigger['cron']}'")
    if kind == "segment.entered" and checker.session is not None:
        exists = checker.session.scalar(sa.select(Segment.id).join(Form, Form.id == Segment.form_id)
                                        .where(Form.app_id == checker.app_id,
                                               Form.key == trigger["form"],
                                               Segment.key == trigger["segment"]))
        if exists is None:
            checker.error("trigger", "segment", f"unknown segment '{trigger['segment']}'")
    if trigger.get("condition"):
        problem = expressions.check(trigger["condition"], schema)
        if problem:
            checker.error("trigger", "condition", problem)
    return schema


def expressions_type(spec: dict) -> str | None:
    return spec.get("result") if spec.get("type") in ("formula", "lookup", "rollup") else spec.get("type")


def log_skip(session: Session, flow: Flow, event: str, reason: str, *, record_id=None,
             detail: str | None = None) -> None:
    session.add(TriggerLog(workspace_id=flow.workspace_id, flow_id=flow.id, event=event,
                           record_id=record_id, reason=reason, detail=detail))


def _env(session: Session, workspace_id: str, **values) -> EvalEnv:
    return cache.env(session, workspace_id, **values)


def condition_holds(session: Session, flow: Flow, data: dict, old: dict | None,
                    form_definition: dict | None, *, schema: dict | None = None,
                    record_id: str | None = None,
                    current_user: str | None = None) -> tuple[bool, str | None]:
    """Whether the trigger condition holds for a record; RECORD_ID() and CURRENT_USER see the
    record and the user whose write fired the trigger."""
    condition = flow.definition["trigger"].get("condition")
    if not condition:
        return True, None
    if schema is None:
        schema = expressions.flow_schema(expressions.form_schema(form_definition))
    scope = expressions.step_data(data, old, {}, {}, {})
    env = _env(session, flow.workspace_id, record_id=record_id, current_user=current_user)
    try:
        return expressions.is_true(condition, scope, env, schema), None
    except RuleError as exc:
        return False, str(exc.message)


def admit(session: Session, flow: Flow, event: str, *, record_id=None, depth: int = 0,
          source: str | None = None, recent_runs: int | None = None) -> bool:
    """Bounds every trigger shares: enabled, source opt-outs, re-trigger depth, rate limit."""
    settings = flow.definition.get("settings", {})
    if not flow.enabled:
        log_skip(session, flow, event, "disabled", record_id=record_id)
        return False
    sources = flow.definition["trigger"].get("sources") or settings.get("sources")
    if source and sources is not None and source not in sources:
        log_skip(session, flow, event, "source_excluded", record_id=record_id, detail=source)
        return False
    max_depth = settings.get("max_depth", current_app.config.get("FLOW_MAX_DEPTH", 3))
    if depth > max_depth:
        log_skip(session, flow, event, "loop_bound", record_id=record_id,
                 detail=f"re-trigger depth {depth} > {max_depth}")
        return False
    per_minute = settings.get("rate_limit_per_minute",
                              current_app.config.get("FLOW_RATE_LIMIT_PER_MINUTE", 6000))
    recent = recent_runs if recent_runs is not None else session.scalar(
        sa.select(sa.func.count()).select_from(FlowRun).where(
            FlowRun.flow_id == flow.id, FlowRun.started_at > clock.now() - dt.timedelta(minutes=1)))
    if recent >= per_minute:
        log_skip(session, flow, event, "rate_limited", record_id=record_id,
                 detail=f"{recent} runs in the last minute")
        return False
    return True


# --- manual and inbound webhook -------------------------------------------------------------

def start_manual(session: Session, flow: Flow, record_ids: list[str], *, user_id: str | None,
                 workspace_id: str) -> list[FlowRun]:
    from app.errors import NotFound, ValidationFailed
    from app.i18n import _

    form = None
    if flow.trigger_form_id:
        form = session.get(Form, flow.trigger_form_id)
    runs = []
    for record_id in record_ids:
        record = session.scalar(sa.select(Record).where(Record.id == record_id,
                                                        Record.workspace_id == workspace_id))
        if record is None or (form is not None and record.form_id != form.id):
            raise NotFound(_("record not found", "找不到该记录"))
        if not admit(session, flow, "manual", record_id=record_id):
            raise ValidationFailed(_("The flow is not enabled", "流程未启用"))
        ok, problem = condition_holds(session, flow, record.data, None,
                                      form.definition if form else None, record_id=record.id,
                                      current_user=user_id)
        if not ok:
            log_skip(session, flow, "manual", "condition_false", record_id=record_id, detail=problem)
            continue
        runs.append(runtime.start_run(session, flow, record_id=record.id, record=record.data,
                                      trigger={"event": "manual", "record_id": record.id},
                                      started_by=user_id))
    return runs


def new_hook_token() -> str:
    return secrets.token_urlsafe(24)


def start_from_webhook(session: Session, flow: Flow, payload) -> FlowRun | None:
    if not admit(session, flow, "webhook"):
        return None
    body = payload if isinstance(payload, dict) else {"value": payload}
    condition = flow.definition["trigger"].get("condition")
    if condition:
        try:
            holds = expressions.is_true(condition, {**body, "payload": body},
                                        _env(session, flow.workspace_id))
        except RuleError as exc:
            log_skip(session, flow, "webhook", "condition_error", detail=str(exc.message))
            return None
        if not holds:
            log_skip(session, flow, "webhook", "condition_false")
            return None
    return runtime.start_run(session, flow, trigger={"event": "webhook", "payload": body})


# --- date, schedule and segment sweeps -------------------------------------------------------

def sweep_date_triggers(batch: int = 5000) -> int:
    """Start date-trigger runs due today. The date arithmetic is done once per flow (today minus
    the offset) and pushed to SQL as a text comparison of the stored ISO date, so the database
    scans, not Python; each (record, date value) fires once, guarded by a primary key."""
    started = 0
    with unit_of_work() as session:
        flows = session.scalars(sa.select(Flow).where(Flow.trigger_type == "date",
                                                      Flow.enabled.is_(True))).all()
        for flow in flows:
            started += _fire_date_flow(session, flow, batch)
    return started


def _fire_date_flow(session: Session, flow: Flow, batch: int) -> int:
    trigger = flow.definition["trigger"]
    env = _env(session, flow.workspace_id)
    local_now = clock.now().astimezone(env.zone)
    if trigger.get("at") and local_now.strftime("%H:%M") < trigger["at"]:
        return 0
    target = local_now.date() - parse_duration(trigger.get("offset", "0d"))
    info = cache.flow_version(session, flow.id, flow.version)
    spec = info.record_schema.get(trigger["field"]) or {}
    if expressions_type(spec) == "datetime":
        rows = _due_datetimes(session, flow, trigger, target, local_now, env, batch)
    else:
        rows = _due_dates(session, flow, trigger, target, local_now, batch)
    recent = None
    started = 0
    for record_id, data, key in rows:
        session.add(DateTriggerFire(workspace_id=flow.workspace_id, flow_id=flow.id,
                                    record_id=record_id, fire_key=key))
        if recent is None:
            recent = session.scalar(sa.select(sa.func.count()).select_from(FlowRun).where(
                FlowRun.flow_id == flow.id,
                FlowRun.started_at > clock.now() - dt.timedelta(minutes=1)))
        if not admit(session, flow, "date", record_id=record_id, recent_runs=recent):
            continue
        ok, problem = condition_holds(session, flow, data, None, None, schema=info.schema,
                                      record_id=record_id)
        if not ok:
            log_skip(session, flow, "date", "condition_false", record_id=record_id, detail=problem)
            continue
        if runtime.start_run(session, flow, record_id=record_id, record=data,
                             trigger={"event": "date", "date": key},
                             trigger_key=f"date:{record_id}:{key}"):
            started += 1
            recent += 1
    return started


def _due_dates(session, flow, trigger, target: dt.date, local_now, batch: int) -> list:
    """Date fields hold "YYYY-MM-DD": the comparison and the once-only check are one query."""
    value = sa.func.substr(Record.data[trigger["field"]].as_string(), 1, 10)
    if trigger.get("yearly"):
        match = sa.func.substr(value, 6, 5) == target.strftime("%m-%d")
        fire_key = sa.literal(f"{local_now.year}:") + value
    else:
        match = value == target.isoformat()
        fire_key = value
    fired = sa.select(DateTriggerFire.record_id).where(
        DateTriggerFire.flow_id == flow.id, DateTriggerFire.record_id == Record.id,
        DateTriggerFire.fire_key == fire_key)
    return session.execute(sa.select(Record.id, Record.data, fire_key).where(
        Record.form_id == flow.trigger_form_id, match, ~sa.exists(fired)).limit(batch)).all()


def _due_datetimes(session, flow, trigger, target: dt.date, local_now, env, batch: int) -> list:
    """Datetime fields hold UTC instants ("...Z") but fire on the workspace's calendar date: a
    local date lies within the UTC dates one day either side, so SQL narrows to those and the
    exact local date is kept here. The fire key is the local date."""
    days = [target + dt.timedelta(days=d) for d in (-1, 0, 1)]
    value = sa.func.substr(Record.data[trigger["field"]].as_string(), 1, 10)
    if trigger.get("yearly"):
        match = sa.func.substr(value, 6, 5).in_([d.strftime("%m-%d") for d in days])
    else:
        match = value.in_([d.isoformat() for d in days])
    due = []
    for record_id, data in session.execute(sa.select(Record.id, Record.data).where(
            Record.form_id == flow.trigger_form_id, match).order_by(Record.id)):
        try:
            moment = dt.datetime.fromisoformat(str(data[trigger["field"]]).replace("Z", "+00:00"))
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        local = moment.astimezone(env.zone).date()
        if trigger.get("yearly"):
            if local.strftime("%m-%d") == target.strftime("%m-%d"):
                due.append((record_id, data, f"{local_now.year}:{local.isoformat()}"))
        elif local == target:
            due.append((record_id, data, local.isoformat()))
    if not due:
        return []
    fired = set()
    for i in range(0, len(due), 500):
        fired |= set(session.execute(sa.select(DateTriggerFire.record_id, DateTriggerFire.fire_key)
                                     .where(DateTriggerFire.flow_id == flow.id,
                                            DateTriggerFire.record_id.in_([r[0] for r in due[i:i + 500]]))).all())
    return [row for row in due if (row[0], row[2]) not in fired][:batch]


def sweep_schedules() -> int:
    """Start a run for each schedule flow whose next cron tick has passed (the latest missed
    tick only: a worker down for a day does not replay a day of ticks)."""
    from croniter import croniter

    started = 0
    with unit_of_work() as session:
        flows = session.scalars(sa.select(Flow).where(Flow.trigger_type == "schedule",
                                                      Flow.enabled.is_(True))).all()
        for flow in flows:
            env = _env(session, flow.workspace_id)
            now = clock.now().astimezone(env.zone)
            base = (flow.last_tick_at or flow.updated_at).astimezone(env.zone)
            tick = croniter(flow.definition["trigger"]["cron"], base).get_next(dt.datetime)
            if tick > now:
                continue
            latest = croniter(flow.definition["trigger"]["cron"], now).get_prev(dt.datetime)
            flow.last_tick_at = latest
            if admit(session, flow, "schedule") and runtime.start_run(
                    session, flow, trigger={"event": "schedule", "tick": latest.isoformat()},
                    trigger_key=f"cron:{latest.isoformat()}"):
                started += 1
    return started


def sweep_segments(batch: int = 5000) -> int:
    """segment.entered: records matching the segment now that were not members at the last
    sweep start a run; leavers are forgotten so that re-entering fires again. The first sweep
    after enabling only records the current members."""
    from app.flow_engine.segments import matching_record_ids

    started = 0
    with unit_of_work() as session:
        flows = session.scalars(sa.select(Flow).where(Flow.trigger_type == "segment.entered",
                                                      Flow.enabled.is_(True))).all()
        for flow in flows:
            segment = session.scalar(sa.select(Segment).where(
                Segment.form_id == flow.trigger_form_id,
                Segment.key == flow.definition["trigger"]["segment"]))
            if segment is None:
                log_skip(session, flow, "segment.entered", "broken", detail="segment deleted")
                continue
            now_ids = matching_record_ids(session, segment, _env(session, flow.workspace_id))
            known = set(session.scalars(sa.select(SegmentMember.record_id).where(
                SegmentMember.flow_id == flow.id)))
            left = known - now_ids
            if left:
                session.execute(sa.delete(SegmentMember).where(
                    SegmentMember.flow_id == flow.id, SegmentMember.record_id.in_(left)))
            baseline = flow.last_tick_at is None
            flow.last_tick_at = clock.now()
            for record_id in sorted(now_ids - known)[:batch]:
                session.add(SegmentMember(workspace_id=flow.workspace_id, flow_id=flow.id,
                                          record_id=record_id))
                if baseline or not admit(session, flow, "segment.entered", record_id=record_id):
                    continue
                data = session.scalar(sa.select(Record.data).where(Record.id == record_id))
                if runtime.start_run(session, flow, record_id=record_id, record=data,
                                     trigger={"event": "segment.entered"},
                                     trigger_key=f"segment:{record_id}:{clock.now().isoformat()}"):
                    started += 1
    return started
