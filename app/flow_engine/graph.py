"""Checking a flow graph on save: its JSON Schema, then the semantics (one trigger, reachable
nodes, valid edge labels, no cycle without a wait, expressions and templates against the
trigger form, referenced forms/fields/users exist). Errors name the node and the field."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.flow_engine import expressions, nodes
from app.i18n import _
from app.models import Form, Membership

SCHEMA_PATH = Path(__file__).parent / "schemas" / "flow.json"
SLEEPING = {"wait", "wait_until", "approval", "create_task"}


@functools.lru_cache(maxsize=1)
def envelope_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))


@functools.lru_cache(maxsize=64)
def _validator(kind: str, type_name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_part_schema(kind, type_name))


def _part_schema(kind: str, type_name: str) -> dict:
    from app.flow_engine.triggers import TRIGGERS

    if kind == "trigger":
        spec = TRIGGERS[type_name]
        props, required = spec["properties"], spec.get("required", ())
        base = {"type": {"const": type_name}, "condition": {"type": "string", "maxLength": 4000},
                "ui": {}}
    else:
        node_type = nodes.get(type_name)
        props, required = node_type.config_schema, node_type.required
        base = {"id": {"type": "string"}, "type": {"const": type_name},
                "name": {"type": ["string", "object"]}, "ui": {}}
    return {"type": "object", "additionalProperties": False,
            "required": ["type", *required], "properties": {**base, **props}}


def full_schema() -> dict:
    """The complete JSON Schema of the flow format, every trigger and node type included."""
    from app.flow_engine.triggers import TRIGGERS

    schema = json.loads(SCHEMA_PATH.read_text())
    schema["properties"]["trigger"] = {"oneOf": [_part_schema("trigger", t) for t in TRIGGERS]}
    schema["properties"]["nodes"]["items"] = {
        "oneOf": [_part_schema("node", t) for t in sorted(nodes.load())]}
    return schema


class Checker:
    """Collects path-addressed errors while the checks walk the graph."""

    def __init__(self, session: Session | None, workspace_id: str, app_id: str, definition: dict):
        self.session, self.workspace_id, self.app_id = session, workspace_id, app_id
        self.definition = definition
        self.errors: list[dict] = []
        self._forms: dict[str, dict | None] = {}
        self.index = {n.get("id"): i for i, n in enumerate(definition.get("nodes", []))}

    def error(self, node_id: str | None, field: str, message: str) -> None:
        if node_id == "trigger":
            pointer = f"/trigger/{field}" if field else "/trigger"
        elif node_id is not None and node_id in self.index:
            pointer = f"/nodes/{self.index[node_id]}" + (f"/{field}" if field else "")
        else:
            pointer = "/" + field if field else ""
        self.errors.append({"node": node_id, "field": field, "pointer": pointer,
                            "message": message})

    def edges_from(self, node_id: str) -> list[dict]:
        return [e for e in self.definition.get("edges", []) if e.get("from") == node_id]

    def form(self, key: str | None) -> dict | None:
        if key not in self._forms:
            definition = None
            if self.session is not None and key:
                definition = self.session.scalar(sa.select(Form.definition).where(
                    Form.app_id == self.app_id, Form.key == key))
            self._forms[key] = definition
        return self._forms[key]

    def form_exists(self, key: str | None) -> bool:
        return self.form(key) is not None

    def form_schema(self, key: str | None) -> dict | None:
        definition = self.form(key)
        return expressions.form_schema(definition) if definition is not None else None

    def user_exists(self, user_id: str) -> bool:
        return self.session is None or self.session.scalar(sa.select(Membership.id).where(
            Membership.workspace_id == self.workspace_id, Membership.user_id == user_id)) is not None


def check(session: Session | None, workspace_id: str, app_id: str, definition) -> None:
    """Raise ValidationFailed listing every problem of the graph, or return None."""
    checker = Checker(session, workspace_id, app_id, definition if isinstance(definition, dict) else {})
    if not _check_schema(checker, definition):
        _check_semantics(checker)
    if checker.errors:
        fields: dict[str, list[str]] = {}
        for e in checker.errors:
            fields.setdefault(e["pointer"] or "/", []).append(e["message"])
        raise ValidationFailed(_("The flow has {n} problem(s)", "流程有 {n} 处问题",
                                 n=len(checker.errors)),
                               {"fields": fields, "errors": checker.errors})


def _schema_errors(validator, instance, prefix: str) -> list[tuple[str, str]]:
    found = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.path)):
        pointer = prefix + "".join(f"/{p}" for p in err.path)
        found.append((pointer, err.message))
    return found


def _check_schema(checker: Checker, definition) -> bool:
    """JSON Schema of the envelope, the trigger and each node; True when anything failed."""
    from app.flow_engine.triggers import TRIGGERS

    def add(pointer, message, node_id=None):
        checker.errors.append({"node": node_id, "field": pointer.rsplit("/", 1)[-1],
                               "pointer": pointer, "message": message})

    for pointer, message in _schema_errors(envelope_validator(), definition, ""):
        add(pointer, message)
    if checker.errors:
        return True
    trigger = definition["trigger"]
    if trigger["type"] not in TRIGGERS:
        add("/trigger/type", f"unknown trigger type '{trigger['type']}'", "trigger")
    else:
        for pointer, message in _schema_errors(_validator("trigger", trigger["type"]), trigger,
                                               "/trigger"):
            add(pointer, message, "trigger")
    known = nodes.load()
    for i, node in enumerate(definition["nodes"]):
        if node["type"] not in known:
            add(f"/nodes/{i}/type", f"unknown node type '{node['type']}'", node["id"])
            continue
        for pointer, message in _schema_errors(_validator("node", node["type"]), node,
                                               f"/nodes/{i}"):
            add(pointer, message, node["id"])
    return bool(checker.errors)


def _check_semantics(c: Checker) -> None:
    from app.flow_engine.triggers import check_trigger

    d = c.definition
    ids = [n["id"] for n in d["nodes"]]
    for node_id in {i for i in ids if ids.count(i) > 1}:
        c.error(node_id, "id", f"duplicate node id '{node_id}'")
    if "trigger" in ids:
        c.error("trigger", "", "'trigger' is reserved for the flow's trigger")
    by_id = {n["id"]: n for n in d["nodes"]}
    for i, edge in enumerate(d["edges"]):
        if edge["from"] != "trigger" and edge["from"] not in by_id:
            c.error(None, f"edges/{i}/from", f"edge from unknown node '{edge['from']}'")
        if edge["to"] not in by_id:
            c.error(None, f"edges/{i}/to", f"edge to unknown node '{edge['to']}'")
        _check_edge_label(c, i, edge, by_id)
    if not c.edges_from("trigger"):
        c.error(None, "edges", "no edge leaves the trigger")
    reachable = _reachable(d["edges"])
    for node_id in ids:
        if node_id not in reachable:
            c.error(node_id, "", f"node '{node_id}' cannot be reached from the trigger")
    for cycle in _cycles(d["edges"], by_id):
        if not any(by_id[n]["type"] in SLEEPING for n in cycle):
            c.error(cycle[0], "", "this loop has no wait, so it would spin: add a wait node")
    record_schema = check_trigger(c, d["trigger"])
    node_ids = set(ids)
    for node in d["nodes"]:
        kind = nodes.get(node["type"])
        for path, expression in kind.expressions(node):
            problem = expressions.check(expression, record_schema, node_ids=node_ids)
            if problem:
                c.error(node["id"], path, problem)
        for path, template in kind.templates(node):
            problem = expressions.check_template(template, record_schema, node_ids=node_ids)
            if problem:
                c.error(node["id"], path, problem)
        kind.check(node, c)


def _check_edge_label(c: Checker, i: int, edge: dict, by_id: dict) -> None:
    when = edge.get("when")
    if edge["from"] == "trigger" or edge["from"] not in by_id:
        if when is not None and edge["from"] == "trigger":
            c.error(None, f"edges/{i}/when", "edges from the trigger take no 'when'")
        return
    source = by_id[edge["from"]]
    allowed = nodes.get(source["type"]).branches
    if allowed is None and when is not None:
        c.error(source["id"], f"edges/{i}/when", f"a {source['type']} node has no branches")
    elif isinstance(allowed, tuple) and when is not None and when not in allowed:
        c.error(source["id"], f"edges/{i}/when",
                f"'{when}' is not a branch of {source['type']} ({', '.join(allowed)})")


def _reachable(edges: list[dict]) -> set[str]:
    seen, todo = set(), ["trigger"]
    while todo:
        current = todo.pop()
        for e in edges:
            if e["from"] == current and e["to"] not in seen:
                seen.add(e["to"])
                todo.append(e["to"])
    return seen


def _cycles(edges: list[dict], by_id: dict) -> list[list[str]]:
    """Strongly connected components that loop (Tarjan), each a list of node ids."""
    graph: dict[str, list[str]] = {n: [] for n in by_id}
    for e in edges:
        if e["from"] in graph and e["to"] in graph:
            graph[e["from"]].append(e["to"])
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                result.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return result
