"""The daily sweep of volatile formulas: stored values follow the clock in batches, only the
volatile keys are written, once per local day."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import unit_of_work
from app.form_engine import volatile
from app.jobs import _PERIODIC
from app.models import Form, Record

FIELDS = [
    {"key": "name", "type": "text"},
    {"key": "start", "type": "date"},
    {"key": "age", "type": "formula", "result": "number",
     "expression": "IF(NOT(ISBLANK(start)), DAYS(TODAY(), start))"},
    {"key": "age_next", "type": "formula", "expression": "age + 1", "result": "number"},
    {"key": "label", "type": "formula", "expression": "UPPER(name)", "result": "text"},
    {"key": "lines", "type": "subform", "fields": [
        {"key": "due", "type": "date"},
        {"key": "left", "type": "formula", "expression": "DAYS(due, TODAY())", "result": "number"}]},
]


def _stored(form_id):
    with unit_of_work() as s:
        rows = s.execute(sa.select(Record.data, Record.version).where(Record.form_id == form_id)
                         .order_by(Record.id)).all()
        return [r[0] for r in rows], [r[1] for r in rows]


def test_sweep_refreshes_stored_values_once_per_local_day(api, make_form, clock):
    assert "forms.volatile_formulas" in {name for name, _every, _fn in _PERIODIC}
    clock.freeze(dt.datetime(2025, 3, 1, 4, 0, tzinfo=dt.timezone.utc))  # 12:00 in Shanghai
    form = make_form(FIELDS)
    plain = make_form([{"key": "a", "type": "text"}])
    bodies = [{"name": "a", "start": "2025-02-27", "lines": [{"due": "2025-03-10"}]},
              {"name": "b", "start": "2025-03-01"},
              {"name": "c"}]
    for body in bodies:
        assert api.post(f"/api/v1/forms/{form['id']}/records", json={"data": body}
                        ).status_code == 201
    data, versions = _stored(form["id"])
    assert [d["age"] for d in data] == [2, 0, None]  # IF's FALSE is no number: blank
    with unit_of_work() as s:
        data_version = s.get(Form, form["id"]).data_version

    clock.advance(dt.timedelta(days=3))
    done = volatile.sweep(batch=2)
    assert done == {form["id"]: 2}  # the record without a start date keeps its blank
    data, after_versions = _stored(form["id"])
    assert [d["age"] for d in data] == [5, 3, None]
    assert [d["age_next"] for d in data] == [6, 4, 1]
    assert data[0]["lines"] == [{"due": "2025-03-10", "left": 6}]
    assert [d["label"] for d in data] == ["A", "B", "C"] and data[2]["start"] is None
    assert after_versions == versions  # a derived refresh is not an edit
    with unit_of_work() as s:
        assert s.get(Form, form["id"]).data_version > data_version
    listed = api.get(f"/api/v1/forms/{form['id']}/records", query_string={"filter": "age = 3"})
    assert [r["data"]["name"] for r in listed.json["items"]] == ["b"]

    assert volatile.sweep() == {}  # already refreshed on this local day
    clock.advance(dt.timedelta(hours=20))  # 08:00 the next day in Shanghai
    assert volatile.sweep() == {form["id"]: 2}
    assert plain["id"] not in volatile.sweep()
