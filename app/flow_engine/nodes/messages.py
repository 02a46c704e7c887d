"""send_message: in-app, e-mail or SMS with `{{ }}` templates; marketing messages honour the
recipient's consent and a frequency cap (skips are logged with the reason)."""
from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.flow_engine import assignees
from app.flow_engine.channels import CHANNELS, log_message
from app.flow_engine.durations import parse_duration
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type
from app.models import Message, User


@node_type
class SendMessage(NodeType):
    type = "send_message"
    config_schema = {
        "channel": {"enum": list(CHANNELS)},
        "to": {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 500},
                         assignees.SCHEMA_LIST]},
        "subject": {"type": "string", "maxLength": 500},
        "body": {"type": "string", "minLength": 1, "maxLength": 20000},
        "marketing": {"type": "boolean"},
        "consent_field": {"type": "string"},
        "frequency_cap": {"type": "object", "additionalProperties": False,
                          "required": ["max", "per"],
                          "properties": {"max": {"type": "integer", "minimum": 0},
                                         "per": {"type": "string",
                                                 "pattern": r"^\d{1,6}(s|m|h|d|w)$"}}},
    }
    required = ("channel", "to", "body")

    def templates(self, node):
        found = [("body", node.get("body", "")), ("subject", node.get("subject", ""))]
        if isinstance(node.get("to"), str):
            found.append(("to", node["to"]))
        return found

    def check(self, node, checker):
        if node.get("channel") == "inapp" and isinstance(node.get("to"), str):
            checker.error(node["id"], "to", "in-app messages go to users: use {\"user\": ...}, "
                          "{\"role\": ...} or {\"field\": ...}")

    def recipients(self, ctx: NodeContext) -> list[str]:
        to, channel = ctx.node["to"], ctx.node["channel"]
        if isinstance(to, str):
            return [r.strip() for r in ctx.render(to).split(",") if r.strip()]
        user_ids = assignees.resolve(ctx.session, ctx.workspace_id, to, ctx.data.get("record"),
                                     flow_node=ctx.node["id"])
        if channel == "inapp":
            return user_ids
        column = User.email if channel == "email" else User.phone
        rows = dict(ctx.session.execute(sa.select(User.id, column).where(User.id.in_(user_ids))).all())
        return [rows[u] for u in user_ids if rows.get(u)]

    def _skip_reason(self, ctx: NodeContext, to: str) -> str | None:
        node, settings = ctx.node, ctx.definition.get("settings", {})
        if not node.get("marketing"):
            return None
        consent_field = node.get("consent_field") or settings.get("consent_field")
        if consent_field and not (ctx.data.get("record") or {}).get(consent_field):
            return "no consent"
        cap = node.get("frequency_cap") or settings.get("frequency_cap")
        if cap:
            since = clock.now() - parse_duration(cap["per"])
            sent = ctx.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
                Message.workspace_id == ctx.workspace_id, Message.to == to,
                Message.channel == node["channel"], Message.marketing.is_(True),
                Message.status.in_(("queued", "sending", "sent")), Message.created_at >= since))
            if sent >= cap["max"]:
                return f"frequency cap ({cap['max']} per {cap['per']})"
        return None

    def execute(self, ctx: NodeContext) -> Outcome:
        node = ctx.node
        escape = "html" if node["channel"] == "email" else "text"
        body = ctx.render(node["body"], escape=escape)
        subject = ctx.render(node.get("subject", "")) or None
        results = []
        for to in self.recipients(ctx):
            reason = self._skip_reason(ctx, to)
            message, _created = log_message(
                ctx.session, key=f"{ctx.idempotency_key}:{to}", workspace_id=ctx.workspace_id,
                channel=node["channel"], to=to, body=body, subject=subject,
                status="skipped" if reason else "queued", reason=reason, run=ctx.run,
                node_id=node["id"], record_id=ctx.run.record_id,
                marketing=bool(node.get("marketing")))
            results.append({"to": to, "status": message.status, "reason": message.reason})
        return Outcome(output={"messages": results, "count": len(results)})

    def describe(self, ctx: NodeContext) -> Outcome:
        node = ctx.node
        return Outcome(output={"would": f"send {node['channel']}", "to": self.recipients(ctx),
                               "subject": ctx.render(node.get("subject", "")) or None,
                               "body": ctx.render(node["body"])})
