"""Field SQL of the report engine: the rule engine's field text, and system fields."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.models import Record
from app.report_engine import fields as F
from app.rule_engine import sql as rule_sql

DIALECTS = {"postgresql": postgresql.dialect(), "sqlite": sqlite.dialect()}


def sql(expr, dialect) -> str:
    return str(expr.compile(dialect=DIALECTS[dialect], compile_kwargs={"literal_binds": True}))


@pytest.mark.parametrize("dialect", DIALECTS)
def test_json_text_is_the_rule_engines_field_text(dialect):
    assert sql(F.json_text(dialect, "amount"), dialect) == \
        sql(rule_sql.field_text(Record.data, "amount"), dialect)
    with pytest.raises(ValueError):
        F.json_text(dialect, "bad'key")


def test_system_fields_yield_to_the_forms_own():
    assert set(F.system_fields(set())) == {"created_at", "updated_at", "created_by", "record_id"}
    own = F.system_fields({"created_at"})
    assert "created_at" not in own and own["record_id"].column == "id"
    assert own["updated_at"].value_type == "datetime" and own["created_by"].value_type == "text"


def test_system_datetime_text_per_dialect():
    info = F.system_fields(set())["created_at"]
    assert sql(F.column_text(info), "sqlite") == \
        "strftime('%Y-%m-%dT%H:%M:%SZ', records.created_at)"
    assert sql(F.column_text(info), "postgresql") == \
        "to_char((records.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    assert sql(F.typed("sqlite", F.system_fields(set())["record_id"]), "sqlite") == "records.id"
    assert isinstance(F.column_text(info).type, sa.String)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_date_range_filter_drops_only_the_impossible_blank_branch(dialect):
    """Blanks count as smallest, so `d < X` alone keeps them; within `d >= A and d < B` the
    blank branch of `d < B` can never hold, and is left out (SQLite then plans one range)."""
    from app.report_engine import filters
    from app.report_engine.fields import field_map

    fmap = field_map({"fields": [{"key": "d", "type": "datetime"}, {"key": "n", "type": "number"}]})
    alone = sql(filters.filter_clause("d < DATE(2025, 1, 1)", fmap, "UTC"), dialect)
    assert "IS NULL" in alone
    both = sql(filters.filter_clause("d >= DATE(2024, 1, 1) and d < DATE(2025, 1, 1)", fmap, "UTC"),
               dialect)
    assert "IS NOT NULL" in both and "IS NULL" not in both.replace("IS NOT NULL", "")
    other = sql(filters.filter_clause("n >= 1 and d < DATE(2025, 1, 1)", fmap, "UTC"), dialect)
    assert "IS NULL" in other.replace("IS NOT NULL", "")  # a blank d still passes there
