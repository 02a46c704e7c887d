"""Cell parsing per field type: the habits of real spreadsheets."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.form_engine.io.cells import neutralise
from app.form_engine.io.parsers import CellError, ParseContext, parse_cell

CTX = ParseContext("Asia/Shanghai", users={"ann@example.com": "u1"})


@pytest.mark.parametrize("cell", ["2025-03-01", "2025/3/1", "2025年3月1日", "2025.03.01",
                                  "20250301", "45717", 45717, dt.datetime(2025, 3, 1),
                                  "２０２５/３/１", "2025-03-01 10:00"])
def test_dates_in_common_chinese_iso_and_excel_forms(cell):
    assert parse_cell(cell, {"type": "date"}, CTX) == "2025-03-01"


@pytest.mark.parametrize("cell", ["2025-02-30", "next week", "3/1"])
def test_unreadable_dates_say_so(cell):
    with pytest.raises(CellError):
        parse_cell(cell, {"type": "date"}, CTX)


def test_datetimes_are_read_in_the_workspace_zone_and_stored_utc():
    field = {"type": "datetime"}
    assert parse_cell("2025/3/1 9:30", field, CTX) == "2025-03-01T01:30:00Z"
    assert parse_cell("2025年3月1日 09:30:15", field, CTX) == "2025-03-01T01:30:15Z"
    assert parse_cell("2025-03-01T09:30:00+00:00", field, CTX) == "2025-03-01T09:30:00Z"
    assert parse_cell(45717.5, field, CTX) == "2025-03-01T04:00:00Z"


@pytest.mark.parametrize("cell,value", [("1,234.50", 1234.5), ("¥1,000", 1000), ("￥88", 88),
                                        ("12%", 0.12), ("(5)", -5), (3.0, 3), ("１２", 12),
                                        ("100元", 100)])
def test_numbers_with_separators_and_currency(cell, value):
    assert parse_cell(cell, {"type": "number"}, CTX) == value


def test_select_by_label_loosely_and_refuses_others():
    field = {"type": "select", "options": ["VIP", "普通"]}
    assert parse_cell(" vip ", field, CTX) == "VIP"
    with pytest.raises(CellError):
        parse_cell("gold", field, CTX)
    multi = {"type": "multiselect", "options": ["A", "B", "C"]}
    assert parse_cell("a，B; c", multi, CTX) == ["A", "B", "C"]


def test_users_by_email_and_phones_from_excel_floats():
    assert parse_cell("Ann@Example.com", {"type": "user"}, CTX) == "u1"
    with pytest.raises(CellError):
        parse_cell("bob@example.com", {"type": "user"}, CTX)
    assert parse_cell(13800138000.0, {"type": "phone"}, CTX) == "13800138000"
    assert parse_cell("138-0013 8000", {"type": "phone"}, CTX) == "13800138000"


def test_blank_cells_are_none():
    for kind in ("text", "number", "date", "select", "user"):
        assert parse_cell("  ", {"type": kind, "options": ["a"]}, CTX) is None


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise("plain") == "plain"


@given(st.integers(min_value=-10**15, max_value=10**15), st.sampled_from(["", ".5", ".25", ".0"]),
       st.booleans())
def test_plain_number_fast_path_agrees_with_the_full_parser(whole, fraction, separators):
    text = (f"{whole:,}" if separators else str(whole)) + fraction
    slow = parse_cell(f" {text} ", {"type": "number"}, CTX)  # spaces take the full path
    fast = parse_cell(text, {"type": "number"}, CTX)
    assert fast == slow and type(fast) is type(slow)
