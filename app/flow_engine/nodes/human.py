"""Human steps: create_task (a to-do, optionally awaited) and approval (any/all, approve,
reject, send back, cc, per-node field permissions, timeout with remind/approve/return)."""
from __future__ import annotations

from app import clock
from app.flow_engine import assignees
from app.flow_engine.durations import PATTERN, parse_duration
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type

_DURATION = {"type": "string", "pattern": PATTERN}


def _check_users(node, checker, key):
    specs = node.get(key)
    for spec in specs if isinstance(specs, list) else [specs] if specs else []:
        for user_id in ([spec["user"]] if "user" in spec else spec.get("users", [])):
            if not checker.user_exists(user_id):
                checker.error(node["id"], key, f"unknown user '{user_id}'")
        field = spec.get("field") or spec.get("manager_of")
        schema = checker.form_schema(checker.definition["trigger"].get("form"))
        if field and schema is not None and field not in schema:
            checker.error(node["id"], key, f"unknown field '{field}'")


@node_type
class CreateTask(NodeType):
    type = "create_task"
    config_schema = {"title": {"type": "string", "minLength": 1, "maxLength": 500},
                     "description": {"type": "string", "maxLength": 5000},
                     "assignee": assignees.SCHEMA_LIST, "due": _DURATION,
                     "remind": _DURATION, "wait": {"type": "boolean"}}
    required = ("title", "assignee")

    def templates(self, node):
        return [("title", node.get("title", "")), ("description", node.get("description", ""))]

    def check(self, node, checker):
        _check_users(node, checker, "assignee")

    def execute(self, ctx: NodeContext) -> Outcome:
        from app.flow_engine.tasks import create_tasks

        if ctx.woken:
            return Outcome(output={**(ctx.state.get("result") or {})})
        users = assignees.resolve(ctx.session, ctx.workspace_id, ctx.node["assignee"],
                                  ctx.data.get("record"), flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
        tasks = create_tasks(ctx, users, kind="task", title=ctx.render(ctx.node["title"]),
                             due=ctx.node.get("due"), remind=ctx.node.get("remind"),
                             details={"description": ctx.render(ctx.node.get("description", ""))})
        output = {"task_ids": [t.id for t in tasks], "assignees": users}
        if ctx.node.get("wait") and tasks:
            return Outcome(waiting=True, output=output)
        return Outcome(output=output)

    def describe(self, ctx: NodeContext) -> Outcome:
        users = assignees.resolve(ctx.session, ctx.workspace_id, ctx.node["assignee"],
                                  ctx.data.get("record"), flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
        return Outcome(output={"would": "create a task", "title": ctx.render(ctx.node["title"]),
                               "assignees": users})


@node_type
class Approval(NodeType):
    """Waits for the approvers' decisions (tasks of kind "approval"). Edges: "approve",
    "reject"; a send-back jumps to `send_back_to`, the node the approver chose, or the node
    before this one."""
    type = "approval"
    config_schema = {
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "assignees": assignees.SCHEMA_LIST,
        "mode": {"enum": ["any", "all"]},
        "cc": assignees.SCHEMA_LIST,
        "fields": {"type": "object", "additionalProperties": False, "properties": {
            "visible": {"type": "array", "items": {"type": "string"}},
            "editable": {"type": "array", "items": {"type": "string"}}}},
        "timeout": {"type": "object", "additionalProperties": False, "required": ["after", "action"],
                    "properties": {"after": _DURATION,
                                   "action": {"enum": ["remind", "approve", "return"]}}},
        "send_back_to": {"type": "string"},
        "require_signature": {"type": "boolean"},
        "require_comment": {"type": "boolean"},
    }
    required = ("title", "assignees")
    branches = ("approve", "reject")

    def templates(self, node):
        return [("title", node.get("title", ""))]

    def check(self, node, checker):
        _check_users(node, checker, "assignees")
        _check_users(node, checker, "cc")
        target = node.get("send_back_to")
        if target and target not in checker.index:
            checker.error(node["id"], "send_back_to", f"unknown node '{target}'")
        schema = checker.form_schema(checker.definition["trigger"].get("form"))
        for group in ("visible", "editable"):
            for key in node.get("fields", {}).get(group, []):
                if schema is not None and key not in schema:
                    checker.error(node["id"], f"fields/{group}", f"unknown field '{key}'")

    def execute(self, ctx: NodeContext) -> Outcome:
        from app.flow_engine.tasks import create_tasks, previous_node

        decision = ctx.state.get("decision")
        if ctx.woken == "timeout" and not decision:
            action = ctx.node["timeout"]["action"]
            if action == "remind":
                from app.flow_engine.tasks import remind_open

                remind_open(ctx)
                return Outcome(waiting=True, output=ctx.step.output)
            decision = {"outcome": "approve" if action == "approve" else "send_back",
                        "by": None, "auto": True}
        if decision:
            from app.flow_engine.tasks import close_open_tasks

            close_open_tasks(ctx)
            if decision["outcome"] == "send_back":
                target = decision.get("to_node") or ctx.node.get("send_back_to") or previous_node(ctx)
                return Outcome(goto=target, output={"outcome": "send_back", "to": target,
                                                    **decision})
            return Outcome(branch=decision["outcome"], output={**decision})
        users = assignees.resolve(ctx.session, ctx.workspace_id, ctx.node["assignees"],
                                  ctx.data.get("record"), flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
        title = ctx.render(ctx.node["title"])
        tasks = create_tasks(ctx, users, kind="approval", title=title,
                             details={"mode": ctx.node.get("mode", "any"),
                                      "fields": ctx.node.get("fields", {})})
        if ctx.node.get("cc"):
            cc_users = assignees.resolve(ctx.session, ctx.workspace_id, ctx.node["cc"],
                                         ctx.data.get("record"), flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
            create_tasks(ctx, cc_users, kind="cc", title=title, details={}, status="done")
        if not tasks:
            return Outcome(branch="reject", output={"outcome": "reject", "reason": "no approver"})
        timeout = ctx.node.get("timeout")
        due = clock.now() + parse_duration(timeout["after"]) if timeout else None
        return Outcome(waiting=True, wait_until=due, timer_kind="timeout",
                       output={"task_ids": [t.id for t in tasks], "approvers": users})

    def describe(self, ctx: NodeContext) -> Outcome:
        users = assignees.resolve(ctx.session, ctx.workspace_id, ctx.node["assignees"],
                                  ctx.data.get("record"), flow_node=ctx.node["id"], app_id=ctx.flow.app_id)
        return Outcome(branch="approve", output={"would": "ask for approval", "approvers": users,
                                                 "mode": ctx.node.get("mode", "any")})
