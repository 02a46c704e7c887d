"""Pure helpers: function names in the static check, per-language texts, report rows as items."""
from __future__ import annotations

from app.flow_engine import expressions
from app.flow_engine.nodes.messages import lang_of, pick
from app.flow_engine.nodes.records import rows_of

SCHEMA = {"amount": {"type": "number"}, "owner": {"type": "user"}}


def test_function_names_are_never_unknown_fields():
    for ok in ("DATEADD(NOW(), 1, 'day') > NOW()", "RECORD_ID() <> ''", "owner = CURRENT_USER()",
               "TODAY()", "amount > 1"):
        assert expressions.check(ok, SCHEMA) is None, ok
        assert expressions.check(ok, None) is None, ok
    for bare in ("NOW", "CURRENT_USER", "record_id"):
        for schema in (SCHEMA, None):
            assert "is a function" in expressions.check(bare, schema)
    assert expressions.check("nope", SCHEMA) == "unknown field 'nope'"
    assert expressions.check("item.x", SCHEMA) == "unknown field 'item'"
    assert expressions.check("item.x", SCHEMA, extra_roots=("item",)) is None


def test_per_language_texts():
    text = {"zh": "你好", "en": "Hello"}
    assert pick(text, "en", "zh") == "Hello"
    assert pick(text, None, "zh") == "你好"
    assert pick({"en": "Hello"}, "zh", "zh") == "Hello"
    assert pick("plain", "en", "zh") == "plain"
    assert (lang_of("zh-CN"), lang_of("en-US"), lang_of("fr"), lang_of(None)) == ("zh", "en", None, None)


def test_report_rows_become_items_keyed_by_column():
    output = {"columns": [{"key": "customer"}, {"key": "r"}], "rows": [["c1", 5], ["c2", 1]]}
    assert rows_of(output, "rows") == [{"customer": "c1", "r": 5}, {"customer": "c2", "r": 1}]
    assert rows_of({"items": [{"id": "x"}]}, "items") == [{"id": "x"}]
    assert rows_of(None, "rows") == []
