"""Graph check without a database: schema pointers, reachability, loops, durations."""
from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationFailed
from app.flow_engine import graph
from app.flow_engine.durations import parse_duration


def _check(definition):
    graph.check(None, "ws", "app", definition)


def _flow(nodes, edges, trigger=None):
    return {"key": "f", "name": "F", "trigger": trigger or {"type": "webhook"},
            "nodes": nodes, "edges": edges}


def test_valid_flow_passes():
    _check(_flow([{"id": "w", "type": "wait", "duration": "1d"}, {"id": "e", "type": "end"}],
                 [{"from": "trigger", "to": "w"}, {"from": "w", "to": "e"}]))


def test_unknown_key_and_node_type_are_pointed_at():
    with pytest.raises(ValidationFailed) as err:
        _check(_flow([{"id": "w", "type": "wait", "duration": "1d", "colour": "red"},
                      {"id": "x", "type": "teleport"}], [{"from": "trigger", "to": "w"}]))
    fields = err.value.details["fields"]
    assert "/nodes/0" in fields and "/nodes/1/type" in fields


def test_loop_without_wait_is_refused_but_with_wait_allowed():
    spin = [{"id": "a", "type": "set_variable", "set": {"x": "1"}},
            {"id": "b", "type": "condition", "expression": "vars.x > 0"}]
    edges = [{"from": "trigger", "to": "a"}, {"from": "a", "to": "b"},
             {"from": "b", "to": "a", "when": "true"}]
    with pytest.raises(ValidationFailed):
        _check(_flow(spin, edges))
    _check(_flow(spin + [{"id": "w", "type": "wait", "duration": "1h"}],
                 edges[:2] + [{"from": "b", "to": "w", "when": "true"}, {"from": "w", "to": "a"}]))


def test_full_schema_lists_every_node_type():
    schema = graph.full_schema()
    types = {s["properties"]["type"]["const"] for s in schema["properties"]["nodes"]["items"]["oneOf"]}
    assert {"condition", "switch", "ab_split", "wait", "wait_until", "create_record",
            "update_record", "delete_record", "query_records", "query_report", "create_task",
            "approval", "send_message", "http_request", "set_variable", "end"} == types


def test_durations():
    assert parse_duration("2w") == dt.timedelta(weeks=2)
    assert parse_duration("-3d") == dt.timedelta(days=-3)
    with pytest.raises(ValueError):
        parse_duration("7 days")
