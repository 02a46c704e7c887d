"""The tokenizer/parser accepts spreadsheet habits, caches parses and positions its errors."""
import ast

import pytest

from app.rule_engine import RuleError, RuleLimitError, RuleSyntaxError, evaluate, parse
from app.rule_engine.syntax import MAX_EXPRESSION_LENGTH


def test_parse_is_cached_by_expression_text():
    assert parse("amount * 2 + 1") is parse("amount * 2 + 1")


def test_parse_produces_only_the_safe_node_types():
    tree = parse("IF(a.b > 1 and not c in [1, 2], 'x' & d, -e ^ 2 % 3)").tree
    allowed = (ast.Constant, ast.Name, ast.Attribute, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare,
               ast.Call, ast.List, ast.Tuple, ast.Load, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
    assert all(isinstance(n, allowed) for n in ast.walk(tree))


def test_excel_habits_are_accepted():
    assert evaluate("=IF（金额 <> 0，'有'，'无'）", {"金额": 3}) == "有"
    assert evaluate("true AND False") is False
    assert evaluate("'a' & 'b'") == "ab"
    assert evaluate("2 ^ 3") == 8
    assert evaluate("【1，2】") == [1, 2]


def test_full_width_punctuation_inside_text_is_kept():
    assert evaluate("'（，）'") == "（，）"


def test_error_positions_are_offset_line_and_column():
    with pytest.raises(RuleSyntaxError) as info:
        parse("1 +\n  * 2")
    assert info.value.to_dict() == {"message": "Unexpected '*'", "offset": 6, "line": 2, "column": 3}
    assert info.value.to_dict("zh-CN")["message"] == "此处不应出现“*”"


def test_unclosed_parenthesis_points_at_the_opening_one():
    with pytest.raises(RuleSyntaxError) as info:
        parse("SUM(1, (2 + 3)")
    assert info.value.code_name == "unclosed_paren" and info.value.offset == 3


def test_unknown_function_and_arity_are_refused_when_parsing():
    with pytest.raises(RuleError) as info:
        parse("1 + FOO(2)")
    assert info.value.code_name == "unknown_function" and info.value.offset == 4
    with pytest.raises(RuleError) as info:
        parse("ROUND(1, 2, 3)")
    assert info.value.code_name == "arity"
    assert info.value.message("en") == "ROUND takes 1-2 argument(s), got 3"
    assert info.value.message("zh") == "ROUND 需要 1-2 个参数，实际为 3 个"


def test_rule_error_is_a_validation_failure_with_the_api_error_shape():
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        parse("1 +")
    assert info.value.status == 422
    assert info.value.details["expression"]["offset"] == 3
    assert str(info.value.message) == "The expression ends too early"


def test_too_long_expression_is_refused_without_parsing():
    with pytest.raises(RuleLimitError) as info:
        parse("1" * (MAX_EXPRESSION_LENGTH + 1))
    assert info.value.code_name == "too_long"


def test_percent_and_remainder_are_told_apart_by_what_follows():
    assert evaluate("50%") == 0.5
    assert evaluate("10 % 4") == 2
    assert evaluate("x % y", {"x": 10, "y": 4}) == 2
    assert evaluate("20% * 5") == 1
