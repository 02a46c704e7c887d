"""Filtered record lists on indexed fields are read from the field's index on both databases (not
by walking the primary key in id order until enough rows match, which cost ~1 s at 1M records
on PostgreSQL), give the same answers with and without the indexes, and a key that holds text on
another form breaks neither PostgreSQL's ANALYZE (the planner statistics on the indexed
expressions are whole-table) nor the filters."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import expressions, forms, indexes, queries
from app.models import Form, Record
from app.models.base import new_id
from app.rule_engine import EvalEnv
from tests.conftest import fresh

ROWS = 6000
FIELDS = [{"key": "n0", "type": "number", "indexed": True},
          {"key": "status", "type": "select", "options": ["a", "b", "c"], "indexed": True},
          {"key": "amount", "type": "number"}]
# Each filter matches a handful of the 6,000 rows: a plan that walks the records in id order
# and tests each one reads them all.
SELECTIVE = ["n0 = 42", "n0 >= 2995", "status = 'b' and n0 >= 2990", "n0 > 2990 and n0 <= 2992"]
OTHER = ["n0 != 7 and n0 < 10", "ISBLANK(n0) and status = 'c'", "status = 'B' and n0 < 4",
         "n0 < 3 or n0 > 2997", "amount = 77"]


def _row(i: int) -> dict:
    data = {"status": "abc"[i % 3], "amount": i}
    if i % 1000 != 7:  # a few records leave the number blank
        data["n0"] = i % 3000 if i % 2 else float(i % 3000)
    return data


def _insert(session, form: Form, rows: list[dict]) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    session.execute(sa.insert(Record), [
        {"id": new_id(), "workspace_id": form.workspace_id, "form_id": form.id, "data": data,
         "version": 1, "form_version": 1, "created_at": now, "updated_at": now} for data in rows])


@pytest.fixture
def forms_with_data(api):
    """The indexed form with ROWS records, and another form of the same workspace whose `n0` is
    indexed text holding what no number cast accepts."""
    app_id = api.post("/api/v1/apps", json={"key": fresh("app"), "name": "A"}).json["id"]
    actor = Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner")
    with unit_of_work() as s:
        main = forms.create_form(s, actor, app_id, {"key": "order", "name": "O", "fields": FIELDS})
        other = forms.create_form(s, actor, app_id, {"key": "note", "name": "N", "fields": [
            {"key": "n0", "type": "text", "indexed": True}]})
        _insert(s, main, [_row(i) for i in range(ROWS)])
        _insert(s, other, [{"n0": v} for v in ["abc", "12", "1e999", "", "NaN", "4 2"]])
    with unit_of_work() as s:
        # ANALYZE evaluates the statistics' expressions over every form's rows
        s.execute(sa.text("ANALYZE" if s.get_bind().dialect.name == "sqlite" else "ANALYZE records"))
    return actor, main.id, other.id


def _list_statement(session, actor, form_id, text):
    """The list query as queries.query runs it (first page), with its parameters."""
    seen = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM records" in statement and "LIMIT" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        queries.query(session, actor, form_id, filter=text)
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return seen[0]


def _plan(session, statement, parameters) -> str:
    if session.get_bind().dialect.name == "postgresql":
        rows = session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
        return "\n".join(r[0] for r in rows)
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return "\n".join(str(r[-1]) for r in rows)


def _all_ids(session, actor, form_id, text) -> list[str]:
    ids, cursor = [], None
    while True:
        page = queries.query(session, actor, form_id, filter=text, limit=50, cursor=cursor)
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def _python_ids(session, form_id, text) -> list[str]:
    schema = {f["key"]: f for f in FIELDS}
    rows = session.execute(sa.select(Record.id, Record.data).where(Record.form_id == form_id))
    return sorted(i for i, data in rows if expressions.truthy(text, data, EvalEnv(), schema))


def _drop_field_indexes(session) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        names = session.scalars(sa.text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_rec_%'"))
        stats = list(session.scalars(sa.text("SELECT stxname FROM pg_statistic_ext "
                                             "WHERE stxname LIKE 'st_rec_%'")))
    else:
        names = session.scalars(sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'ix_rec_%'"))
        stats = []
    for name in list(names):
        session.execute(sa.text(f'DROP INDEX "{name}"'))
    for name in stats:
        session.execute(sa.text(f'DROP STATISTICS "{name}"'))
    session.execute(sa.text("ANALYZE" if dialect == "sqlite" else "ANALYZE records"))


def test_selective_filters_on_indexed_fields_read_the_index_not_every_record(forms_with_data, dialect):
    actor, form_id, _other = forms_with_data
    with unit_of_work() as s:
        for text in SELECTIVE:
            plan = _plan(s, *_list_statement(s, actor, form_id, text))
            assert "ix_rec_" in plan, (text, plan)
            if dialect == "postgresql":
                assert "pk_records" not in plan, (text, plan)


def test_indexed_and_unindexed_lists_give_the_same_records(forms_with_data):
    actor, form_id, _other = forms_with_data
    with unit_of_work() as s:
        indexed = {text: _all_ids(s, actor, form_id, text) for text in SELECTIVE + OTHER}
    with unit_of_work() as s:
        _drop_field_indexes(s)
    with unit_of_work() as s:
        for text in SELECTIVE + OTHER:
            plain = _all_ids(s, actor, form_id, text)
            expected = _python_ids(s, form_id, text)
            assert indexed[text] == plain == expected, text
            assert expected, text


def test_text_in_a_key_another_form_indexes_as_a_number_breaks_nothing(forms_with_data, dialect):
    actor, form_id, other_id = forms_with_data
    with unit_of_work() as s:
        if dialect == "postgresql":  # the fixture's ANALYZE ran: the statistics are filled
            filled = s.scalar(sa.text(
                "SELECT count(*) FROM pg_statistic_ext s JOIN pg_statistic_ext_data d "
                "ON d.stxoid = s.oid WHERE s.stxname LIKE 'st_rec_%' AND d.stxdexpr IS NOT NULL"))
            assert filled >= 3  # n0 as a number, n0 as text, status
        assert [queries.count(s, actor, other_id, f) for f in ["n0 = 'abc'", "n0 = '12'"]] == [1, 1]
        assert queries.count(s, actor, form_id, "n0 = 12") == 2
        # blank reads as 0; six records leave n0 blank and two hold 0
        assert queries.count(s, actor, form_id, "n0 >= 1") == len(_python_ids(s, form_id, "n0 >= 1")) \
            == ROWS - 6 - 2


def test_catch_up_rebuilds_indexes_whose_expression_changed_and_drops_what_no_form_wants(
        forms_with_data, dialect):
    actor, form_id, other_id = forms_with_data
    with unit_of_work() as s:
        indexes.catch_up(s)  # leftovers of other tests' forms (their rows were truncated)
    with unit_of_work() as s:
        assert indexes.catch_up(s) == []
        form = s.get(Form, form_id)
        wanted = indexes.wanted_expressions({**form.definition, "_form_id": form_id},
                                            s.get_bind().dialect)
        number = next(n for n, e in wanted.items() if "n0" in e and "FLOAT" in e.upper())
        # what an older release indexed the number on: a plain cast of the text
        s.execute(sa.text(f'DROP INDEX "{number}"'))
        old = "CAST((data ->> 'n0') AS FLOAT)" if dialect == "postgresql" \
            else "CAST(json_extract(data, '$.n0') AS REAL)"
        s.execute(sa.text(f"CREATE INDEX ix_rec_old0000000000000 ON records (({old})) "
                          f"WHERE form_id = '{form_id}'"))
    with unit_of_work() as s:
        assert indexes.stale_forms(s) == [form_id]
    indexes.catch_up_sweep()  # what the elected worker runs hourly
    with unit_of_work() as s:
        assert indexes.stale_forms(s) == []
        have = indexes._existing(s, form_id)
        assert number in have and "ix_rec_old0000000000000" not in have
        forms.delete_form(s, actor, other_id)
    with unit_of_work() as s:
        indexes.catch_up(s)
        if dialect == "postgresql":
            left = set(s.scalars(sa.text("SELECT pg_get_statisticsobjdef_expressions(oid)::text "
                                         "FROM pg_statistic_ext WHERE stxname LIKE 'st_rec_%'")))
            assert len(left) == 2 and not any("lower" in e and "n0" in e for e in left), left
        assert indexes.catch_up(s) == []
