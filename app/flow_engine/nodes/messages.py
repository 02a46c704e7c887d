"""send_message: in-app, e-mail or SMS with `{{ }}` templates, optionally one per language
({"zh": ..., "en": ...}: the recipient user's language, else the workspace's); marketing
messages honour the recipient's consent and a frequency cap (skips are logged with the reason)."""
from __future__ import annotations

import sqlalchemy as sa

from app import clock
from app.flow_engine import assignees
from app.flow_engine.channels import CHANNELS, log_message
from app.flow_engine.durations import parse_duration
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type
from app.models import Message, User, Workspace

LANGS = ("zh", "en")


def _text(max_length: int, min_length: int = 0) -> dict:
    plain = {"type": "string", "minLength": min_length, "maxLength": max_length}
    return {"oneOf": [plain, {"type": "object", "additionalProperties": False, "minProperties": 1,
                              "properties": {lang: plain for lang in LANGS}}]}


def lang_of(code: str | None) -> str | None:
    """"zh-CN" -> "zh", "en-US" -> "en"; None for anything else."""
    short = (code or "").split("-")[0].lower()
    return short if short in LANGS else None


def pick(text, lang: str | None, fallback: str | None):
    """The variant of a per-language text for `lang`, else the fallback language, else any."""
    if not isinstance(text, dict):
        return text
    return text.get(lang) or text.get(fallback) or next(iter(text.values()), "")


@node_type
class SendMessage(NodeType):
    type = "send_message"
    config_schema = {
        "channel": {"enum": list(CHANNELS)},
        "to": {"oneOf": [{"type": "string", "minLength": 1, "maxLength": 500},
                         assignees.SCHEMA_LIST]},
        "subject": _text(500),
        "body": _text(20000, 1),
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
        found = []
        for key in ("body", "subject"):
            value = node.get(key, "")
            found += ([(f"{key}/{lang}", text) for lang, text in value.items()]
                      if isinstance(value, dict) else [(key, value)])
        if isinstance(node.get("to"), str):
            found.append(("to", node["to"]))
        return found

    def check(self, node, checker):
        if node.get("channel") == "inapp" and isinstance(node.get("to"), str):
            checker.error(node["id"], "to", "in-app messages go to users: use {\"user\": ...}, "
                          "{\"role\": ...} or {\"field\": ...}")

    def recipients(self, ctx: NodeContext) -> list[tuple[str, str | None]]:
        """(address, the recipient user's language or None) pairs."""
        to, channel = ctx.node["to"], ctx.node["channel"]
        if isinstance(to, str):
            return [(r.strip(), None) for r in ctx.render(to).split(",") if r.strip()]
        user_ids = assignees.resolve(ctx.session, ctx.workspace_id, to, ctx.data.get("record"),
                                     flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
        column = User.id if channel == "inapp" else User.email if channel == "email" else User.phone
        rows = {u: (address, lang) for u, address, lang in ctx.session.execute(
            sa.select(User.id, column, User.language).where(User.id.in_(user_ids)))}
        return [(rows[u][0], lang_of(rows[u][1])) for u in user_ids if rows.get(u, (None,))[0]]

    def _workspace_lang(self, ctx: NodeContext) -> str | None:
        node = ctx.node
        if not any(isinstance(node.get(k), dict) for k in ("body", "subject")):
            return None
        return lang_of(ctx.session.scalar(sa.select(Workspace.language).where(
            Workspace.id == ctx.workspace_id)))

    def _texts(self, ctx: NodeContext, lang: str | None, fallback: str | None):
        node = ctx.node
        escape = "html" if node["channel"] == "email" else "text"
        body = ctx.render(pick(node["body"], lang, fallback), escape=escape)
        subject = ctx.render(pick(node.get("subject", ""), lang, fallback)) or None
        return body, subject

    def _skip_reason(self, ctx: NodeContext, to: str) -> str | None:
        node, settings = ctx.node, ctx.definition.get("settings", {})
        # The flow's consent field guards its marketing messages; a node's own guards that node
        # whatever it is (a service survey needs consent but sits under no frequency cap).
        consent_field = node.get("consent_field") or \
            (settings.get("consent_field") if node.get("marketing") else None)
        if consent_field and not (ctx.data.get("record") or {}).get(consent_field):
            return "no consent"
        if not node.get("marketing"):
            return None
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
        fallback = self._workspace_lang(ctx)
        results = []
        for to, lang in self.recipients(ctx):
            body, subject = self._texts(ctx, lang, fallback)
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
        fallback = self._workspace_lang(ctx)
        recipients = self.recipients(ctx)
        body, subject = self._texts(ctx, recipients[0][1] if recipients else None, fallback)
        return Outcome(output={"would": f"send {node['channel']}",
                               "to": [to for to, _lang in recipients], "subject": subject,
                               "body": body})
