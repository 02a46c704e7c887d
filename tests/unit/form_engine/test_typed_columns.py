"""Typed column names and expressions: readable, within PostgreSQL's 63-byte names, never built
from anything but a field key."""
import pytest

from app.form_engine import typed_columns


def test_column_names_are_readable_and_long_keys_stay_unique_within_63_bytes():
    assert typed_columns.column_name("t", "status") == "hot_t_status"
    assert typed_columns.column_name("n", "amount") == "hot_n_amount"
    a, b = "k" * 62 + "a", "k" * 62 + "b"
    assert len(typed_columns.column_name("t", a)) <= 63
    assert typed_columns.column_name("t", a) != typed_columns.column_name("t", b)


@pytest.mark.parametrize("kind, key", [("t", "Bad"), ("t", "a'; drop table records; --"),
                                       ("x", "status")])
def test_only_field_keys_and_known_kinds_make_a_column(kind, key):
    with pytest.raises(ValueError):
        typed_columns.column_name(kind, key)
    with pytest.raises(ValueError):
        typed_columns.expression(kind, key)


def test_number_column_is_blank_for_anything_but_a_json_number():
    sql = typed_columns.expression("n", "amount")
    assert "jsonb_typeof(data -> 'amount') = 'number'" in sql
    assert typed_columns.expression("t", "status") == "(data ->> 'status')"


def test_sqlite_columns_read_what_the_json_reads():
    """SQLite's VIRTUAL text column is json_extract itself (no affinity: numbers stay numbers);
    the number column is blank for anything but a JSON number, as on PostgreSQL."""
    assert typed_columns.expression("t", "status", "sqlite") == "json_extract(data, '$.status')"
    sql = typed_columns.expression("n", "amount", "sqlite")
    assert "json_type(data, '$.amount') IN ('integer', 'real')" in sql
    assert typed_columns.SQLITE_TYPES["t"] == ""
