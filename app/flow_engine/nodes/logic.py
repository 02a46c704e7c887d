"""Branching and bookkeeping nodes: condition, switch, ab_split, set_variable, end."""
from __future__ import annotations

import hashlib

from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type
from app.rule_engine.values import ErrorValue, to_text

_EXPR = {"type": "string", "minLength": 1, "maxLength": 4000}


@node_type
class Condition(NodeType):
    type = "condition"
    pure = True
    config_schema = {"expression": _EXPR}
    required = ("expression",)
    branches = ("true", "false")

    def expressions(self, node):
        return [("expression", node.get("expression", ""))]

    def execute(self, ctx: NodeContext) -> Outcome:
        result = ctx.is_true(ctx.node["expression"])
        return Outcome(branch="true" if result else "false", output={"result": result})


@node_type
class Switch(NodeType):
    """Follows the edge whose `when` equals the expression's text value, else `default`."""
    type = "switch"
    pure = True
    config_schema = {"expression": _EXPR}
    required = ("expression",)
    branches = "*"

    def expressions(self, node):
        return [("expression", node.get("expression", ""))]

    def execute(self, ctx: NodeContext) -> Outcome:
        value = ctx.evaluate(ctx.node["expression"])
        label = "" if isinstance(value, ErrorValue) else to_text(value)
        labels = {e.get("when") for e in ctx.definition["edges"] if e["from"] == ctx.node["id"]}
        branch = label if label in labels else "default"
        return Outcome(branch=branch, output={"value": label})


@node_type
class AbSplit(NodeType):
    """Deterministic per record (hash of flow, node and record), so a record always lands in the
    same branch. A holdout branch gets no treatment but stays countable: its records follow the
    edges labelled with its key when there are any (e.g. to nodes that only record), and the
    step output says `holdout: true`; the flow's stats count every branch."""
    type = "ab_split"
    pure = True
    config_schema = {"branches": {"type": "array", "minItems": 2, "maxItems": 10, "items": {
        "type": "object", "additionalProperties": False, "required": ["key", "weight"],
        "properties": {"key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"},
                       "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
                       "holdout": {"type": "boolean"}}}}}
    required = ("branches",)
    branches = "*"

    def check(self, node, checker):
        keys = [b.get("key") for b in node.get("branches", [])]
        for edge in checker.edges_from(node["id"]):
            if edge.get("when") not in keys:
                checker.error(node["id"], "edges", f"edge label '{edge.get('when')}' is not a branch key")

    def execute(self, ctx: NodeContext) -> Outcome:
        subject = ctx.run.record_id or ctx.run.id
        digest = hashlib.sha256(f"{ctx.run.flow_id}:{ctx.node['id']}:{subject}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2 ** 64
        branches = ctx.node["branches"]
        total = sum(b["weight"] for b in branches)
        acc = 0.0
        chosen = branches[-1]
        for b in branches:
            acc += b["weight"] / total
            if point < acc:
                chosen = b
                break
        return Outcome(branch=chosen["key"], output={"branch": chosen["key"],
                                                     "holdout": bool(chosen.get("holdout"))})


@node_type
class SetVariable(NodeType):
    """Each value is a rule expression; results are readable later as `vars.<name>`."""
    type = "set_variable"
    pure = True
    config_schema = {"set": {"type": "object", "minProperties": 1, "propertyNames": {
        "pattern": "^[a-z][a-z0-9_]{0,62}$"}, "additionalProperties": _EXPR}}
    required = ("set",)

    def expressions(self, node):
        return [(f"set/{k}", v) for k, v in node.get("set", {}).items()]

    def execute(self, ctx: NodeContext) -> Outcome:
        values = {}
        for name, expression in ctx.node["set"].items():
            value = ctx.evaluate(expression)
            values[name] = str(value) if isinstance(value, ErrorValue) else value
        return Outcome(output=values, variables=values)


@node_type
class End(NodeType):
    type = "end"
    pure = True
    config_schema = {"status": {"enum": ["completed", "cancelled"]}}

    def execute(self, ctx: NodeContext) -> Outcome:
        return Outcome(end=True, output={"status": ctx.node.get("status", "completed")})
