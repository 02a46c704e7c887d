"""The rule engine's view of a form: field key -> {type, result, fields} (FORMATS.md types)."""
from __future__ import annotations

from typing import Callable

from app.form_engine import fields as registry

_AGG_RESULT = {"count": "number", "count_distinct": "number", "sum": "number", "avg": "number"}


def _field_spec(field: dict, definition: dict, resolve: Callable | None, depth: int,
                siblings: list[dict] | None = None) -> dict:
    kind = field["type"]
    spec: dict = {"type": kind}
    if kind == "formula":
        spec["result"] = field.get("result", "any")
    elif kind == "subform":
        spec["fields"] = {f["key"]: _field_spec(f, definition, resolve, depth, field["fields"])
                          for f in field["fields"] if registry.get(f["type"]).stores}
    elif kind == "relation":
        target = resolve(field["target"]) if resolve and depth < 1 else None
        if target is not None:
            spec["fields"] = rule_schema(target, resolve, depth + 1)
        if field.get("multiple"):
            spec["multiple"] = True
    elif kind == "lookup":
        spec["result"] = field.get("result") or _lookup_result(
            field, siblings or definition["fields"], resolve)
    elif kind == "rollup":
        spec["result"] = field.get("result") or _AGG_RESULT.get(field.get("agg"), "number")
    return spec


def _lookup_result(field, siblings, resolve) -> str:
    via = next((f for f in siblings if f["key"] == field.get("via")), None)
    target = resolve(via["target"]) if via and via["type"] == "relation" and resolve else None
    source = next((f for f in (target or {}).get("fields", []) if f["key"] == field.get("field")),
                  None)
    if source is None:
        return "any"
    if source["type"] in ("formula", "lookup", "rollup"):
        return source.get("result", "any")
    return {"number": "number", "rating": "number", "date": "date", "datetime": "datetime",
            "checkbox": "boolean"}.get(source["type"], "text")


def rule_schema(definition: dict, resolve: Callable | None = None, depth: int = 0) -> dict:
    """The schema the rule engine checks and evaluates this form's expressions against."""
    return {f["key"]: _field_spec(f, definition, resolve, depth) for f in definition.get("fields", [])
            if f.get("type") in registry.all_types() and registry.get(f["type"]).stores}
