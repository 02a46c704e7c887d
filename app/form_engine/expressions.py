"""The form engine's use of rule expressions: parse and check (positioned errors), the fields an
expression reads, volatility (TODAY/NOW), and evaluation with the record's environment."""
from __future__ import annotations

import ast
import functools

from app import rule_engine
from app.rule_engine import EvalEnv, ErrorValue, RuleError, parse
from app.rule_engine.evaluate import evaluate_parsed

VOLATILE_FUNCTIONS = {"TODAY", "NOW"}


@functools.lru_cache(maxsize=4096)
def referenced_paths(expression: str) -> tuple[tuple[str, ...], ...]:
    """Every field reference of a parsed expression, as parts: ('customer', 'name')."""
    tree = parse(expression).tree
    found = []
    for node in ast.walk(tree):
        parts = getattr(node, "parts", None)
        if parts is not None:
            found.append(tuple(parts))
    return tuple(dict.fromkeys(found))


def referenced_fields(expression: str) -> set[str]:
    """The field keys (first part of each reference) an expression reads."""
    return {parts[0] for parts in referenced_paths(expression)}


@functools.lru_cache(maxsize=4096)
def is_volatile(expression: str) -> bool:
    for node in ast.walk(parse(expression).tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").upper() in VOLATILE_FUNCTIONS:
            return True
    return False


def check(expression: str, schema: dict, *, allow_roots: tuple[str, ...] = ()) -> dict | None:
    """None when the expression is fine for `schema`; else {message, offset, line, column} with a
    bilingual message. The rule engine's static check is used when it provides one."""
    try:
        parse(expression)
        engine_check = getattr(rule_engine, "check", None)
        if engine_check is not None:
            outcome = engine_check(expression, schema, allow_roots=allow_roots)
            errors = getattr(outcome, "errors", None)
            if errors is None and isinstance(outcome, dict):
                errors = outcome.get("errors")
            if errors:
                first = errors[0]
                return _positioned(first) if isinstance(first, RuleError) else first
            return None
        for parts in referenced_paths(expression):
            if parts[0] not in schema and parts[0] not in allow_roots:
                offset = _offset_of(expression, parts[0])
                return _positioned(RuleError("unknown_field", offset, expression, name=parts[0]))
    except RuleError as err:
        return _positioned(err)
    return None


def _offset_of(expression: str, name: str) -> int:
    position = expression.find(name)
    return max(position, 0)


def _positioned(err: RuleError) -> dict:
    from app.i18n import LazyText

    return {"message": LazyText(err.message("en"), err.message("zh")), "offset": err.offset,
            "line": err.line, "column": err.column}


def evaluate(expression: str, data: dict, env: EvalEnv, schema: dict | None = None):
    """Value of an expression for one record: errors (#DIV/0!, ...) become None (blank)."""
    try:
        value = evaluate_parsed(parse(expression), data, env, schema)
    except RuleError:
        return None
    if isinstance(value, ErrorValue):
        return None
    return rule_engine.to_plain(value)


def truthy(expression: str, data: dict, env: EvalEnv, schema: dict | None = None) -> bool:
    try:
        return rule_engine.matches(expression, data, env=env, schema=schema)
    except RuleError:
        return False
