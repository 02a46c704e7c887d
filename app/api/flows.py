"""Flows: CRUD with versions, enable/disable, dry run, backtest, manual runs, run history,
stats and the trigger log; the inbound webhook trigger."""
from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from app.api.fields import AnyJSON, Label
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint, json_body
from app.auth.roles import Role
from app.errors import BadRequest, NotFound
from app.extensions import unit_of_work
from app.services.apps import get_app
from app.flow_engine import service, triggers
from app.i18n import _
from app.models import Flow, FlowRun, TriggerLog

bp = Blueprint("flows", __name__, url_prefix="/api/v1")


class FlowOut(Schema):
    id = fields.String()
    app_id = fields.String()
    key = fields.String()
    name = Label()
    version = fields.Integer()
    enabled = fields.Boolean()
    trigger_type = fields.String()
    hook_token = fields.String(allow_none=True)
    definition = AnyJSON()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FlowVersionOut(Schema):
    version = fields.Integer()
    definition = AnyJSON()
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


class StepOut(Schema):
    id = fields.String()
    node_id = fields.String()
    node_type = fields.String()
    visit = fields.Integer()
    status = fields.String()
    attempts = fields.Integer()
    branch = fields.String(allow_none=True)
    input = AnyJSON(allow_none=True)
    output = AnyJSON(allow_none=True)
    error = fields.String(allow_none=True)
    queued_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class RunOut(Schema):
    id = fields.String()
    flow_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    record_id = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    depth = fields.Integer()
    steps_count = fields.Integer()
    context = AnyJSON()
    variables = AnyJSON()
    started_by = fields.String(allow_none=True)
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class RunDetailOut(RunOut):
    steps = fields.List(fields.Nested(StepOut))


class TriggerLogOut(Schema):
    id = fields.String()
    event = fields.String()
    record_id = fields.String(allow_none=True)
    reason = fields.String()
    detail = fields.String(allow_none=True)
    created_at = fields.DateTime()


class RunsQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["running", "completed", "failed", "cancelled"]))


class TestIn(Schema):
    record_id = fields.String(load_default=None, allow_none=True)


class ManualIn(Schema):
    record_id = fields.String()
    record_ids = fields.List(fields.String(), validate=validate.Length(1, 1000))


class BacktestIn(Schema):
    days = fields.Integer(load_default=30, validate=validate.Range(1, 3650))


def _definition() -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object", "请求体必须是 JSON 对象"))
    return body


@endpoint(bp, "GET", "/apps/<app_id>/flows", summary="List an app's flows", query=PageQuery,
          out=FlowOut, paginated=True)
def list_flows(app_id, query):
    with unit_of_work() as s:
        get_app(s, current_actor(), app_id)  # another workspace's app is 404, not []
        return paginate(s, service.list_flows(current_actor(), app_id), Flow.id, **query)


@endpoint(bp, "POST", "/apps/<app_id>/flows", summary="Create a flow (flow graph body)",
          out=FlowOut, status=201, role=Role.EDITOR)
def create_flow(app_id):
    with unit_of_work() as s:
        return service.create_flow(s, current_actor(), app_id, _definition())


@endpoint(bp, "GET", "/flows/<flow_id>", summary="Get a flow", out=FlowOut)
def get_flow(flow_id):
    with unit_of_work() as s:
        return service.get_flow(s, current_actor(), flow_id)


@endpoint(bp, "PUT", "/flows/<flow_id>", summary="Save a new version of a flow", out=FlowOut,
          role=Role.EDITOR)
def update_flow(flow_id):
    with unit_of_work() as s:
        return service.save_version(s, current_actor(), flow_id, _definition())


@endpoint(bp, "DELETE", "/flows/<flow_id>", summary="Delete a flow and its history", status=204,
          role=Role.EDITOR)
def delete_flow(flow_id):
    with unit_of_work() as s:
        service.delete_flow(s, current_actor(), flow_id)


@endpoint(bp, "GET", "/flows/<flow_id>/versions", summary="A flow's versions", out=FlowVersionOut,
          many=True)
def flow_versions(flow_id):
    with unit_of_work() as s:
        return service.versions(s, current_actor(), flow_id)


@endpoint(bp, "POST", "/flows/<flow_id>/enable", summary="Enable a flow", out=FlowOut,
          role=Role.EDITOR)
def enable_flow(flow_id):
    with unit_of_work() as s:
        return service.set_enabled(s, current_actor(), flow_id, True)


@endpoint(bp, "POST", "/flows/<flow_id>/disable", summary="Disable a flow", out=FlowOut,
          role=Role.EDITOR)
def disable_flow(flow_id):
    with unit_of_work() as s:
        return service.set_enabled(s, current_actor(), flow_id, False)


@endpoint(bp, "POST", "/flows/<flow_id>/test", summary="Dry run on a record: path and actions, "
          "no side effects", body=TestIn, role=Role.EDITOR)
def test_flow(flow_id, body):
    with unit_of_work() as s:
        return service.dry_run(s, current_actor(), flow_id, body["record_id"])


@endpoint(bp, "POST", "/flows/<flow_id>/backtest", summary="How many records would have entered "
          "over the last N days", body=BacktestIn, role=Role.EDITOR)
def backtest_flow(flow_id, body):
    with unit_of_work() as s:
        return service.backtest(s, current_actor(), flow_id, body["days"])


@endpoint(bp, "POST", "/flows/<flow_id>/runs", summary="Start a manual run on one record or a "
          "selection", body=ManualIn, out=RunOut, status=202, role=Role.MEMBER)
def start_runs(flow_id, body):
    ids = body.get("record_ids") or ([body["record_id"]] if body.get("record_id") else [])
    if not ids:
        raise BadRequest(_("record_id or record_ids is required", "需要 record_id 或 record_ids"))
    with unit_of_work() as s:
        runs = service.start_manual(s, current_actor(), flow_id, ids)
    if "record_ids" in body:
        return _accepted({"items": RunOut(many=True).dump(runs), "next_cursor": None})
    if not runs:
        return _accepted({"status": "not_started", "reason": "condition_false"})
    return runs[0]


def _accepted(payload: dict):
    response = jsonify(payload)
    response.status_code = 202
    return response


@endpoint(bp, "GET", "/flows/<flow_id>/runs", summary="A flow's runs", query=RunsQuery,
          out=RunOut, paginated=True)
def list_runs(flow_id, query):
    with unit_of_work() as s:
        stmt = service.list_runs(s, current_actor(), flow_id, query.pop("status"))
        return paginate(s, stmt, FlowRun.id, **query)


@endpoint(bp, "GET", "/flows/<flow_id>/stats", summary="Per node: entered, completed, failed, "
          "waiting and branches taken (ab_split groups, holdout included)")
def flow_stats(flow_id):
    with unit_of_work() as s:
        return service.stats(s, current_actor(), flow_id)


@endpoint(bp, "GET", "/flows/<flow_id>/trigger-log", summary="Why triggers did not start runs",
          query=PageQuery, out=TriggerLogOut, paginated=True)
def flow_trigger_log(flow_id, query):
    with unit_of_work() as s:
        service.get_flow(s, current_actor(), flow_id)
        return paginate(s, service.trigger_log(current_actor(), flow_id), TriggerLog.id, **query)


def _run_detail(s, run):
    return {**RunOut().dump(run), "steps": StepOut(many=True).dump(service.run_steps(s, run))}


@endpoint(bp, "GET", "/runs/<run_id>", summary="A run with its steps", out=RunDetailOut)
def get_run(run_id):
    with unit_of_work() as s:
        run = service.get_run(s, current_actor(), run_id)
        run.steps = service.run_steps(s, run)
        return run


@endpoint(bp, "POST", "/runs/<run_id>/cancel", summary="Cancel a run", out=RunOut,
          role=Role.MEMBER)
def cancel_run(run_id):
    with unit_of_work() as s:
        return service.cancel(s, current_actor(), run_id)


@endpoint(bp, "POST", "/runs/<run_id>/retry", summary="Retry a failed run from its failed step",
          out=RunOut, role=Role.EDITOR)
def retry_run(run_id):
    with unit_of_work() as s:
        return service.retry(s, current_actor(), run_id)


@endpoint(bp, "POST", "/hooks/<hook_token>", summary="Inbound webhook trigger", status=202,
          auth=False)
def inbound_hook(hook_token):
    payload = json_body()
    with unit_of_work() as s:
        from sqlalchemy import select

        flow = s.scalar(select(Flow).where(Flow.hook_token == hook_token))
        if flow is None:
            raise NotFound(_("hook not found", "找不到该 Webhook"))
        run = triggers.start_from_webhook(s, flow, payload)
        return {"run_id": run.id if run else None, "status": "started" if run else "not_started"}
