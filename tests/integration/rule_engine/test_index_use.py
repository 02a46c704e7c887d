"""Pushed-down filters read fields through the same SQL the expression indexes (form engine) and
hot-field statistics/indexes (report engine) are built on, so the planners use them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import forms, queries, records
from app.models import Record
from app.report_engine import fields as report_fields
from app.report_engine import hot_fields
from app.rule_engine import sql as rule_sql
from app.rule_engine import to_sql
from tests.conftest import fresh

ROWS = 1200
CHANNELS = 60


@pytest.fixture
def orders(api):
    app_id = api.post("/api/v1/apps", json={"key": fresh("app"), "name": "Shop"}).json["id"]
    actor = Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner")
    with unit_of_work() as s:
        form = forms.create_form(s, actor, app_id, {"key": "order", "name": "Order", "fields": [
            {"key": "channel", "type": "text", "indexed": True},
            {"key": "amount", "type": "number", "indexed": True},
            {"key": "placed", "type": "date", "indexed": True},
            {"key": "note", "type": "text"}]})
    rows = [{"channel": f"Ch{i % CHANNELS:02d}", "amount": i, "note": "x",
             "placed": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"} for i in range(ROWS)]
    for start in range(0, ROWS, 1000):
        with unit_of_work() as s:
            records.bulk_create(s, actor, form.id, rows[start:start + 1000])
    with unit_of_work() as s:
        s.execute(sa.text("ANALYZE" if s.get_bind().dialect.name == "sqlite" else "ANALYZE records"))
        return actor, s.get(type(form), form.id)


def plan(session, stmt) -> str:
    """The plan of stmt as the driver runs it: constants bound as parameters."""
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"render_postcompile": True})
    if session.get_bind().dialect.name == "postgresql":
        rows = session.connection().exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
        return "\n".join(r[0] for r in rows)
    params = tuple(compiled.params[k] for k in compiled.positiontup)
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params)
    return "\n".join(str(r[-1]) for r in rows)


INDEXED = ["channel = 'ch07'", "amount = 42", "amount >= 1190", "placed = DATE(2024, 3, 3)",
           "channel in ['ch01', 'CH02']", "DAYS(DATE(2024, 12, 31), placed) < 5"]
SCHEMA = {"channel": {"type": "text"}, "amount": {"type": "number"}, "placed": {"type": "date"},
          "note": {"type": "text"}}


def test_filters_use_the_form_engine_expression_indexes(orders, dialect):
    actor, form = orders
    with unit_of_work() as s:
        stored = list(s.scalars(sa.select(Record.data).where(Record.form_id == form.id)))
        for expression in INDEXED + ["note = 'y'"]:
            clause = queries.filter_clause(s, form, expression)
            sql = str(clause.compile(s.get_bind()))
            assert "%(data" not in sql and "JSON_EXTRACT(records.data, ?)" not in sql  # keys inline
            shown = plan(s, sa.select(Record.id).where(Record.form_id == form.id, clause))
            assert ("ix_rec_" in shown) == (expression in INDEXED), (expression, shown)
            expected = sum(1 for data in stored
                           if queries.expressions.truthy(expression, data, queries.EvalEnv(), SCHEMA))
            assert records.count(s, actor, form.id, filter=expression) == expected > 0 or \
                expression == "note = 'y'"
        # the index DDL holds exactly the operand to_sql compares
        if dialect == "postgresql":
            defs = " ".join(s.scalars(sa.text("SELECT indexdef FROM pg_indexes WHERE indexdef LIKE :m"),
                                      {"m": f"%{form.id}%"}))
            assert "lower(((data ->> 'channel'::text) COLLATE \"C\"))" in defs, defs
        else:
            defs = " ".join(s.scalars(sa.text("SELECT sql FROM sqlite_master WHERE sql LIKE :m"),
                                      {"m": f"%{form.id}%"}))
            operand = rule_sql.filter_operand(rule_sql.UNQUALIFIED_DATA, "channel", {"type": "text"})
            assert "lower(json_extract(data, '$.channel'))" == rule_sql.ddl_sql(operand, s.get_bind().dialect)
            assert "lower(json_extract(data, '$.channel'))" in defs, defs


def test_hot_field_objects_match_what_reports_and_filters_read(app, dialect):
    """The report engine's statistics/indexes, its group-by reads and the rule engine's field
    text are one SQL expression."""
    with unit_of_work() as s:
        d = s.get_bind().dialect
        ddl = hot_fields._create(d, hot_fields.object_name(dialect, "channel"), "channel")
        field = rule_sql.ddl_sql(rule_sql.field_text(rule_sql.UNQUALIFIED_DATA, "channel"), d)
        assert field in ddl
        group_by = report_fields.json_text(dialect, "channel", rule_sql.UNQUALIFIED_DATA)
        assert rule_sql.ddl_sql(group_by, d).strip("()") == field.strip("()")
        s.execute(sa.text(ddl))
        if dialect == "postgresql":
            s.execute(sa.text("ANALYZE records"))
            stored = s.scalar(sa.text("SELECT pg_get_statisticsobjdef(oid) FROM pg_statistic_ext "
                                      "WHERE stxname = :n"), {"n": hot_fields.object_name(dialect, "channel")})
            assert "(data ->> 'channel'::text)" in stored


def test_keys_are_validated_before_reaching_sql_text():
    for bad in ["a'b", "A", "1a", "a-b", "x" * 64, "", "a b", "a') or 1=1 --"]:
        with pytest.raises(ValueError):
            rule_sql.field_text(Record.data, bad)
    assert to_sql("n = 1", {"n'": {"type": "number"}}, Record.data) is None
