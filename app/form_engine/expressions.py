"""The form engine's use of rule expressions: parse and check (positioned errors), the fields an
expression reads, volatility (TODAY/NOW), and evaluation with the record's environment (once,
or compiled for a form version's schema and called per record)."""
from __future__ import annotations

import ast
import functools
from typing import Callable

from app import rule_engine
from app.i18n import LazyText
from app.rule_engine import EvalEnv, ErrorValue, RuleError, parse
from app.rule_engine.compiler import compile_parsed
from app.rule_engine.evaluate import evaluate_parsed
from app.rule_engine.values import to_bool

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


@functools.lru_cache(maxsize=4096)
def is_contextual(expression: str) -> bool:
    """Whether the value depends on more than the record's fields (clock, user, record id...)."""
    for node in ast.walk(parse(expression).tree):
        fn = getattr(node, "rule_fn", None)
        if fn is not None and fn.contextual:
            return True
    return False


def check(expression: str, schema: dict, *, allow_roots: dict | None = None) -> dict | None:
    """None when the expression is fine for `schema`; else the first error of the rule engine's
    full static check (names, functions, arity, types) as {message, offset, line, column} with
    a bilingual message."""
    outcome = rule_engine.check(expression, schema, lang="en", allow_roots=allow_roots)
    if outcome.ok:
        return None
    chinese = rule_engine.check(expression, schema, lang="zh", allow_roots=allow_roots)
    first = outcome.errors[0]
    return {"message": LazyText(first["message"], chinese.errors[0]["message"]),
            "offset": first["offset"], "line": first["line"], "column": first["column"]}


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


def compiled(expression: str, schema: dict, *, env_is_current: bool = False
             ) -> Callable[[dict, EvalEnv], object]:
    """`evaluate` for one expression and a schema that stays as it is (a compiled form's):
    compiled once, then called as fn(data, env); with env_is_current the caller has made env
    the current one around its calls (values.set_current_env)."""
    try:
        program = compile_parsed(parse(expression), schema)
    except RuleError:
        return lambda data, env: None
    run = program.run_in_env if env_is_current else program.run

    def value_of(data: dict, env: EvalEnv):
        try:
            value = run(data, env)
        except RuleError:
            return None
        if isinstance(value, ErrorValue):
            return None
        return rule_engine.to_plain(value)
    return value_of


def compiled_test(expression: str, schema: dict, *, env_is_current: bool = False
                  ) -> Callable[[dict, EvalEnv], bool]:
    """`truthy` compiled once for a schema that stays as it is."""
    try:
        program = compile_parsed(parse(expression), schema)
    except RuleError:
        return lambda data, env: False
    run = program.run_in_env if env_is_current else program.run

    def holds(data: dict, env: EvalEnv) -> bool:
        try:
            return to_bool(run(data, env)) is True
        except RuleError:
            return False
    return holds
