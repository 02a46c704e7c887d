"""Sleeping nodes: wait (a duration) and wait_until (a date expression, or an event with a
timeout edge). The runtime persists the wake-up as a timer row, never as a Redis job."""
from __future__ import annotations

import datetime as dt

from app.flow_engine.durations import PATTERN, parse_duration
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type
from app.rule_engine.values import ErrorValue, to_date

_DURATION = {"type": "string", "pattern": PATTERN}


@node_type
class Wait(NodeType):
    type = "wait"
    pure = True
    config_schema = {"duration": _DURATION}
    required = ("duration",)

    def execute(self, ctx: NodeContext) -> Outcome:
        if ctx.woken:
            return Outcome(output={"waited": ctx.node["duration"]})
        due = ctx.env.current_time() + parse_duration(ctx.node["duration"])
        return Outcome(wait_until=due, output={"until": due.isoformat()})

    def describe(self, ctx: NodeContext) -> Outcome:
        return Outcome(output={"would": f"wait {ctx.node['duration']}"})


@node_type
class WaitUntil(NodeType):
    """`until`: a date/time expression. `event`: {"form": key, "match": expression over the new
    record, whose fields are bare and the waiting run's record is `record`} woken by record.created
    of that form; `timeout` then follows the edge labelled "timeout"."""
    type = "wait_until"
    pure = True
    config_schema = {
        "until": {"type": "string", "minLength": 1, "maxLength": 4000},
        "event": {"type": "object", "additionalProperties": False, "required": ["form"],
                  "properties": {"form": {"type": "string"},
                                 "on": {"enum": ["record.created", "record.updated"]},
                                 "match": {"type": "string", "maxLength": 4000}}},
        "timeout": _DURATION,
    }
    branches = ("timeout", "event", "reached")

    def expressions(self, node):
        return [("until", node["until"])] if node.get("until") else []

    def check(self, node, checker):
        if not node.get("until") and not node.get("event"):
            checker.error(node["id"], "until", "wait_until needs 'until' or 'event'")
        if node.get("event") and not checker.form_exists(node["event"].get("form")):
            checker.error(node["id"], "event/form", f"unknown form '{node['event'].get('form')}'")

    def _until(self, ctx: NodeContext) -> dt.datetime | None:
        value = ctx.evaluate(ctx.node["until"])
        if isinstance(value, ErrorValue) or value in (None, ""):
            return None
        if isinstance(value, str):
            parsed = to_date(value)
            value = parsed if not isinstance(parsed, ErrorValue) else None
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), tzinfo=ctx.env.zone)
        return None

    def execute(self, ctx: NodeContext) -> Outcome:
        if ctx.woken == "event":
            return Outcome(branch="event", output={"event": ctx.state.get("event")})
        if ctx.woken == "timeout":
            return Outcome(branch="timeout", output={"timed_out": True})
        if ctx.woken:
            return Outcome(branch="reached", output={"reached": True})
        if ctx.node.get("until"):
            due = self._until(ctx)
            if due is None or due <= ctx.env.current_time():
                return Outcome(branch="reached", output={"reached": True, "until": None})
            return Outcome(wait_until=due, output={"until": due.isoformat()})
        timeout = ctx.node.get("timeout")
        due = ctx.env.current_time() + parse_duration(timeout) if timeout else None
        return Outcome(waiting=True, wait_until=due, timer_kind="timeout",
                       state={"event_form": ctx.node["event"]["form"]},
                       output={"waiting_for": ctx.node["event"]["form"]})

    def describe(self, ctx: NodeContext) -> Outcome:
        if ctx.node.get("until"):
            due = self._until(ctx)
            return Outcome(branch="reached", output={"would": f"wait until {due}"})
        return Outcome(branch="event", output={"would": f"wait for {ctx.node['event']['form']}"})
