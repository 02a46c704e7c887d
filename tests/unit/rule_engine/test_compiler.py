"""Compiled expressions give exactly what the tree-walking evaluator gives, with the schema read
per run (rule_engine.evaluate) and fixed when compiling (a form version's formulas), on every
shared vector; limits and the time budget still hold."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from app.rule_engine import ErrorValue, RuleError, parse
from app.rule_engine.compiler import compile_parsed
from app.rule_engine.evaluate import RuleEvaluator
from app.rule_engine.values import normalize_number, set_current_env
from tests.unit.rule_engine.test_vectors import env_of, load_vectors


def _outcome(run):
    try:
        value = run()
    except RuleError as exc:
        return "rule_error", exc.code_name
    if isinstance(value, ErrorValue):
        return "error", value.code
    return "value", value


def _walked(parsed, data, env, schema):
    """The evaluator as it was before compilation: simpleeval walking the tree."""
    ev = RuleEvaluator()
    previous = set_current_env(env)
    ev.data, ev.schema, ev.env = data, schema if schema is not None else env.schema, env
    ev.deadline = time.perf_counter() + 0.5
    try:
        result = ev.eval(parsed.text, previously_parsed=parsed.tree)
    finally:
        set_current_env(previous)
    return normalize_number(result) if type(result) is float else result


@pytest.mark.parametrize("vector", list(load_vectors()))
def test_compiled_expression_matches_the_tree_walker(vector):
    try:
        parsed = parse(vector["expression"])
    except RuleError:
        return  # refused before evaluation either way
    data, env, schema = vector.get("data") or {}, env_of(vector), vector.get("schema")
    walked = _outcome(lambda: _walked(parsed, data, env, schema))
    dynamic = _outcome(lambda: compile_parsed(parsed).run(data, env, schema))
    static = _outcome(lambda: compile_parsed(parsed, schema).run(data, env))
    assert dynamic == walked, vector["expression"]
    assert static == walked, vector["expression"]


def test_a_form_schema_types_dates_when_compiled():
    schema = {"due": {"type": "date"}, "seen": {"type": "rollup", "result": "datetime"}}
    days = compile_parsed(parse("DAYS(due, seen)"), schema)
    assert days.run({"due": "2025-03-10", "seen": "2025-03-01T10:00:00Z"}) == 9
    assert compile_parsed(parse("due + 1"), schema).run({"due": "2025-03-10"}) == dt.date(2025, 3, 11)
    untyped = compile_parsed(parse("due & ''"), None)
    assert untyped.run({"due": "2025-03-10"}) == "2025-03-10"


def test_the_time_budget_stops_a_compiled_expression():
    program = compile_parsed(parse("SUM(items.qty) + LEN(TEXTJOIN(',', TRUE, items.qty))"))
    rows = [{"qty": i} for i in range(5000)]
    with pytest.raises(RuleError) as info:
        for _ in range(200):
            program.run({"items": rows}, time_budget=0.0)
    assert info.value.code_name == "timeout"
