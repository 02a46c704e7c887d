"""The shared test vectors (tests/rule_vectors/*.json), also run by the TypeScript evaluator."""
import datetime as dt
import json
import math
import pathlib

import pytest

from app.rule_engine import ErrorValue, EvalEnv, RuleError, evaluate, to_plain

VECTOR_DIR = pathlib.Path(__file__).resolve().parents[2] / "rule_vectors"
DEFAULT_NOW = "2025-03-01T09:00:00Z"


def load_vectors(directory=VECTOR_DIR):
    for path in sorted(directory.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        vectors = raw if isinstance(raw, list) else raw["vectors"]
        for i, vector in enumerate(vectors):
            yield pytest.param(vector, id=f"{path.stem}#{i}:{vector['expression'][:60]}")


def env_of(vector) -> EvalEnv:
    now = dt.datetime.fromisoformat(vector.get("now", DEFAULT_NOW))
    return EvalEnv(tz=vector.get("tz", "UTC"), now=now, current_user=vector.get("current_user"),
                   record_id=vector.get("record_id"),
                   tags=set(vector["tags"]) if vector.get("tags") is not None else None)


def close(actual, expected) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(close(a, b) for a, b in zip(actual, expected))
    return actual == expected


def run_vector(vector):
    """('value', plain) or ('error', code) or ('rule_error', RuleError)."""
    try:
        value = evaluate(vector["expression"], vector.get("data") or {}, env=env_of(vector),
                         schema=vector.get("schema"))
    except RuleError as exc:
        return "rule_error", exc
    if isinstance(value, ErrorValue):
        return "error", value.code
    return "value", to_plain(value)


def assert_vector(vector):
    kind, got = run_vector(vector)
    where = f"{vector['expression']!r} -> {kind} {got!r}"
    if "error" in vector:
        wanted = vector["error"]
        if wanted.startswith("#"):
            assert (kind, got) == ("error", wanted), where
        else:
            assert kind == "rule_error", where
            assert wanted in (got.kind, got.code_name), f"{where}: {got.kind}/{got.code_name}"
        return
    assert kind != "rule_error", f"{where}: {got}"
    actual = got
    assert close(actual, vector["expected"]), f"{where}; expected {vector['expected']!r}"


def test_there_are_at_least_400_shared_vectors():
    assert len(list(load_vectors())) >= 400


@pytest.mark.parametrize("vector", list(load_vectors()))
def test_vector(vector):
    assert_vector(vector)
