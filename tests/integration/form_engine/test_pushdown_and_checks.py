"""Record filters and segments run in SQL (no Python evaluation per record); definitions get the
rule engine's full static check; field descriptions take {zh, en}; filter indexes are used."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import unit_of_work
from app.form_engine import expressions, queries


@pytest.fixture
def python_evaluations(monkeypatch):
    calls = []
    original = expressions.truthy

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(expressions, "truthy", counting)
    return calls


def test_filters_and_segments_are_pushed_to_sql(api, make_form, python_evaluations):
    form = make_form([{"key": "n", "type": "number", "indexed": True},
                      {"key": "status", "type": "select", "options": ["a", "b"]}])
    api.post(f"/api/v1/forms/{form['id']}/records/bulk",
             json={"records": [{"data": {"n": i, "status": "ab"[i % 2]}} for i in range(20)]})
    r = api.get(f"/api/v1/forms/{form['id']}/records?filter=n >= 15 and status = 'a'&sort=-n")
    assert r.status_code == 200 and [x["data"]["n"] for x in r.json["items"]] == [18, 16]
    seg = api.post(f"/api/v1/forms/{form['id']}/segments",
                   json={"key": "low", "name": "Low", "expression": "n < 3"}).json
    assert api.get(f"/api/v1/segments/{seg['id']}/count").json["count"] == 3
    assert len(api.get(f"/api/v1/segments/{seg['id']}/records").json["items"]) == 3
    assert python_evaluations == []


def test_filter_clause_compiles_to_sql(api, make_form):
    form = make_form([{"key": "n", "type": "number"}])
    with unit_of_work() as s:
        from app.models import Form

        clause = queries.filter_clause(s, s.get(Form, form["id"]), "n > 2")
        sql = str(clause.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
    assert "n" in sql and "> 2" in sql


def test_filter_uses_the_field_index(api, make_form, dialect):
    form = make_form([{"key": "n", "type": "number", "indexed": True}])
    # Enough rows of the form that its form_id index is the worse choice for "n = 7".
    r = api.post(f"/api/v1/forms/{form['id']}/records/bulk",
                 json={"records": [{"data": {"n": i}} for i in range(300)]})
    assert r.status_code in (200, 201), r.json
    with unit_of_work() as s:
        s.execute(sa.text("ANALYZE records"))
    with unit_of_work() as s:
        from app.models import Form, Record

        clause = queries.filter_clause(s, s.get(Form, form["id"]), "n = 7")
        stmt = sa.select(Record.id).where(Record.form_id == form["id"], clause)
        sql = str(stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True}))
        if dialect == "postgresql":
            s.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(r[0] for r in s.execute(sa.text("EXPLAIN " + sql)))
        else:
            plan = "\n".join(str(r[-1]) for r in s.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "ix_rec_" in plan, plan


def test_definitions_get_the_full_static_check(api, make_form, app_id):
    body = {"key": "bad", "name": "Bad", "fields": [
        {"key": "qty", "type": "number"},
        {"key": "x", "type": "formula", "expression": "LEN(qty, 2)"}]}
    r = api.post(f"/api/v1/apps/{app_id}/forms", json=body)
    assert r.status_code == 422
    problem = r.json["error"]["details"]["fields"]["/fields/1/expression"][0]
    assert problem["offset"] == 0 and "LEN" in problem["message"]
    zh = api.post(f"/api/v1/apps/{app_id}/forms", json=body, headers={"Accept-Language": "zh-CN"})
    assert zh.json["error"]["details"]["fields"]["/fields/1/expression"][0]["message"] != \
        problem["message"]


def test_descriptions_take_chinese_and_english(api, make_form):
    form = make_form([{"key": "phone", "type": "phone",
                       "description": {"zh": "手机号", "en": "Mobile number"}}],
                     description={"zh": "客户", "en": "Customers"})
    assert form["definition"]["fields"][0]["description"]["zh"] == "手机号"
    assert form["definition"]["description"]["en"] == "Customers"
