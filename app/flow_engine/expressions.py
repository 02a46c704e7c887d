"""Rule expressions and `{{ }}` templates inside flows: the data a step sees, static checks of
field references against the trigger form, evaluation and channel-escaped rendering."""
from __future__ import annotations

import ast
import html
import re

from app import rule_engine
from app.rule_engine.values import ErrorValue, to_plain, to_text

# Names a flow expression may use besides the trigger form's own fields.
ROOTS = ("record", "old", "trigger", "steps", "vars")
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)


def form_schema(definition: dict | None) -> dict:
    """The rule-engine schema of a form definition (field key -> type spec)."""
    try:
        from app.form_engine.forms import rule_schema
    except ImportError:
        return _schema_of_fields((definition or {}).get("fields", []))
    return rule_schema(definition or {})


def _schema_of_fields(fields: list) -> dict:
    schema = {}
    for f in fields:
        spec = {"type": f.get("type")}
        if f.get("result"):
            spec["result"] = f["result"]
        if f.get("fields"):
            spec["fields"] = _schema_of_fields(f["fields"])
        schema[f.get("key")] = spec
    return schema


def flow_schema(record_schema: dict) -> dict:
    """Schema for evaluation: record fields bare and under `record`/`old`, `trigger.at` a time."""
    return {**record_schema,
            "record": {"type": "relation", "fields": record_schema},
            "old": {"type": "relation", "fields": record_schema},
            "trigger": {"type": "relation", "fields": {"at": {"type": "datetime"}}}}


def step_data(record: dict | None, old: dict | None, trigger: dict, outputs: dict,
              variables: dict) -> dict:
    record = record or {}
    return {**record, "record": {**record}, "old": old, "trigger": trigger, "steps": outputs,
            "vars": variables}


def references(expression: str) -> list[tuple[str, ...]]:
    """Every name path an expression reads (`amount` -> ('amount',), `record.x` -> ('record','x'))."""
    tree = rule_engine.parse(expression).tree
    found = []
    functions = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if id(node) in functions:
            continue
        if isinstance(node, ast.Attribute) and hasattr(node, "parts"):
            found.append(tuple(node.parts))
        elif isinstance(node, ast.Name):
            found.append((node.id,))
    # An Attribute's root also appears as a Name inside it on some trees: keep the longest.
    longest = {p for p in found if not any(len(q) > len(p) and q[:len(p)] == p for q in found)}
    return sorted(longest)


def check(expression: str, record_schema: dict | None, *, node_ids: set[str] | None = None,
          extra_roots: tuple[str, ...] = ()) -> str | None:
    """None when the expression parses and reads only known names, else the problem (English).
    `extra_roots`: names a node adds (`item` inside update_record's for_each)."""
    try:
        paths = references(expression)
    except rule_engine.RuleError as exc:
        return str(exc.message)
    for path in paths:
        root = path[0]
        if root in ("steps",):
            if node_ids is not None and len(path) > 1 and path[1] not in node_ids:
                return f"unknown step '{path[1]}'"
            continue
        if root in ("trigger", "vars") or root in extra_roots:
            continue
        if record_schema is None:
            if len(path) == 1 and _is_function(root):
                return f"'{root}' is a function: write {root.upper()}()"
            continue
        key = path[1] if root in ("record", "old") and len(path) > 1 else root
        if root in ("record", "old") and len(path) == 1:
            continue
        if key not in record_schema:
            if len(path) == 1 and _is_function(root):
                return f"'{root}' is a function: write {root.upper()}()"
            return f"unknown field '{key}'"
    return None


def _is_function(name: str) -> bool:
    from app.rule_engine.syntax import FUNCTIONS

    return name.upper() in FUNCTIONS


def check_template(template: str, record_schema: dict | None, *, node_ids=None) -> str | None:
    for match in _TEMPLATE.finditer(template or ""):
        problem = check(match.group(1).strip(), record_schema, node_ids=node_ids)
        if problem:
            return problem
    return None


def evaluate(expression: str, data: dict, env=None, schema: dict | None = None):
    """Plain value of an expression (Excel errors stay ErrorValue for the caller to judge)."""
    value = rule_engine.evaluate(expression, data, env=env, schema=schema)
    return value if isinstance(value, ErrorValue) else to_plain(value)


def is_true(expression: str, data: dict, env=None, schema: dict | None = None) -> bool:
    return rule_engine.matches(expression, data, env=env, schema=schema)


def render(template: str, data: dict, *, escape: str = "text", env=None, schema=None) -> str:
    """Replace each `{{ expr }}` by its text; `escape="html"` for e-mail bodies."""
    def _one(match):
        value = rule_engine.evaluate(match.group(1).strip(), data, env=env, schema=schema)
        text = str(value) if isinstance(value, ErrorValue) else to_text(value)
        return html.escape(text) if escape == "html" else text
    return _TEMPLATE.sub(_one, template or "")
