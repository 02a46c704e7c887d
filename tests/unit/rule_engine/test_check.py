"""check(): unknown names, arity, type mismatches in en and zh-CN, the fields read, the result type."""
import pytest

from app.rule_engine import check, check_template

ORDER = {
    "amount": {"type": "number"}, "name": {"type": "text"}, "status": {"type": "select"},
    "paid": {"type": "checkbox"}, "ordered_at": {"type": "datetime"}, "due": {"type": "date"},
    "tags": {"type": "multiselect"}, "section1": {"type": "section"},
    "items": {"type": "subform", "fields": {"qty": {"type": "number"}, "sku": {"type": "text"}}},
    "customer": {"type": "relation", "target": "customer",
                 "fields": {"name": {"type": "text"}, "total_spent": {"type": "rollup", "result": "number"}}},
    "address": {"type": "address"},
    "total": {"type": "formula", "result": "number"}, "first_order": {"type": "lookup", "result": "date"},
}


@pytest.mark.parametrize("expression,result_type,fields", [
    ("amount > 0 or status = '已退款'", "boolean", ["amount", "status"]),
    ("SUM(items.qty) * 2", "number", ["items.qty"]),
    ("customer.name & '先生'", "text", ["customer.name"]),
    ("customer.total_spent >= 1000", "boolean", ["customer.total_spent"]),
    ("DATEADD(due, 7)", "date", ["due"]),
    ("DATEADD(ordered_at, 2, 'hour')", "datetime", ["ordered_at"]),
    ("ordered_at >= DATE(2025, 1, 1)", "boolean", ["ordered_at"]),
    ("due < '2025-01-01'", "boolean", ["due"]),
    ("IF(paid, total, 0)", "number", ["paid", "total"]),
    ("IF(paid, 'a', 1)", "any", ["paid"]),
    ("'vip' in tags", "boolean", ["tags"]),
    ("address.city", "text", ["address.city"]),
    ("DAYS(TODAY(), first_order) < 90", "boolean", ["first_order"]),
    ("SPLIT(name, ',')", "list", ["name"]),
    ("TEXT(amount, '0.00')", "text", ["amount"]),
])
def test_valid_expression_reports_fields_and_result_type(expression, result_type, fields):
    result = check(expression, ORDER)
    assert result.ok, result.errors
    assert result.result_type == result_type
    assert result.fields == fields


@pytest.mark.parametrize("expression,en,zh,offset", [
    ("amount > 0 and nme = 'x'", "Unknown field 'nme'", "未知字段“nme”", 15),
    ("items.qtty > 1", "Unknown field 'items.qtty'", "未知字段“items.qtty”", 0),
    ("section1 = 1", "Unknown field 'section1'", "未知字段“section1”", 0),
    ("amount.x", "Unknown field 'amount.x'", "未知字段“amount.x”", 0),
    ("SUMM(amount)", "Unknown function SUMM", "未知函数 SUMM", 0),
    ("ROUND(amount, 1, 2)", "ROUND takes 1-2 argument(s), got 3", "ROUND 需要 1-2 个参数，实际为 3 个", 0),
    ("name + 1", "The left side of + expects a number, got text", "“+”的左边需要数字，实际为文本", 0),
    ("amount > 'abc'", "This comparison expects a number, got text", "此比较需要数字，实际为文本", 9),
    ("ROUND(name, 2)", "Argument 1 of ROUND expects a number, got text", "ROUND 的第 1 个参数需要数字，实际为文本", 6),
    ("YEAR(name) + DAYS(TODAY(), name)", "Argument 2 of DAYS expects a date, got text", "DAYS 的第 2 个参数需要日期，实际为文本", 27),
    ("items.qty > 3", "This comparison expects text, got a list", "此比较需要文本，实际为列表", 0),
    ("IF(name, 1, 2)", "Argument 1 of IF expects TRUE/FALSE, got text", "IF 的第 1 个参数需要真假值，实际为文本", 3),
    ("paid = 1", "This comparison expects TRUE/FALSE, got a number", "此比较需要真假值，实际为数字", 7),
    ("due > amount", "This comparison expects a date, got a number", "此比较需要日期，实际为数字", 6),
    ("1 +", "The expression ends too early", "表达式不完整", 3),
])
def test_broken_expression_is_reported_in_both_languages_with_its_position(expression, en, zh, offset):
    result_en = check(expression, ORDER, lang="en")
    result_zh = check(expression, ORDER, lang="zh-CN")
    assert not result_en.ok
    assert result_en.errors[0]["message"] == en
    assert result_zh.errors[0]["message"] == zh
    assert result_en.errors[0]["offset"] == offset
    assert result_en.errors[0]["line"] == 1 and result_en.errors[0]["column"] == offset + 1


def test_every_error_of_an_expression_is_reported_in_order():
    result = check("foo + bar", ORDER)
    assert [e["offset"] for e in result.errors] == [0, 6]


def test_flow_roots_are_typed_by_their_schema_or_any():
    roots = {"record": ORDER, "old": ORDER, "trigger": "any", "steps": "any"}
    result = check("record.amount > old.amount and steps.query.count > 0 and trigger.at > record.due",
                   {}, allow_roots=roots)
    assert result.ok, result.errors
    assert result.fields == ["old.amount", "record.amount", "record.due", "steps.query.count", "trigger.at"]
    assert not check("record.nope = 1", {}, allow_roots=roots).ok
    assert not check("amount = 1", {}, allow_roots=roots).ok


def test_schema_entries_may_be_bare_type_names():
    result = check("d + 1", {"d": "date"})
    assert result.ok and result.result_type == "date"


def test_check_template_positions_errors_in_the_whole_template():
    text = "回访 {{record.name}}\n金额 {{ record.amout }}"
    result = check_template(text, {}, allow_roots={"record": {"name": {"type": "text"}}})
    assert not result.ok
    err = result.errors[0]
    assert err["offset"] == text.index("record.amout")
    assert (err["line"], err["column"]) == (2, 7)
    assert result.fields == ["record.name"]
    assert check_template("{{ 1 + }}").errors[0]["message"] == "The expression ends too early"
    assert not check_template("hello {{ name").ok


def test_check_result_serialises_to_the_api_shape():
    assert check("amount", ORDER).to_dict() == {"ok": True, "errors": [], "fields": ["amount"],
                                                "result_type": "number"}
