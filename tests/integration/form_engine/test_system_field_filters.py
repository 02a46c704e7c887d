"""Record lists filter and sort by the system fields created_at, updated_at, created_by and
record_id (read from the records columns, pushed to SQL on both dialects, or evaluated in Python
with the same values), and a form's own field with the same key wins."""
from __future__ import annotations

import datetime as dt
import urllib.parse
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import forms, queries
from app.models import Record, Workspace

UTC = dt.timezone.utc
OTHER = "UO" + "0" * 24


@pytest.fixture
def stamped(api, make_form):
    """A form with 12 records whose columns are set: created every 11 hours from 2024-05-31
    10:00 UTC, updated 90 s (and a fraction) later, created by the owner, another user or
    nobody (public submissions)."""
    form = make_form([{"key": "name", "type": "text"}, {"key": "amount", "type": "number"}])
    ids = []
    for i in range(12):
        r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"name": f"n{i}", "amount": i}})
        assert r.status_code == 201, r.json
        ids.append(r.json["id"])
    start = dt.datetime(2024, 5, 31, 10, tzinfo=UTC)
    rows = {}
    with unit_of_work() as s:
        tz = ZoneInfo(s.scalar(sa.select(Workspace.timezone).where(Workspace.id == api.workspace["id"]))
                      or "UTC")
        for i, rid in enumerate(ids):
            created = start + dt.timedelta(hours=11 * i)
            updated = created + dt.timedelta(seconds=90, microseconds=400000)
            by = [api.user["id"], OTHER, None][i % 3]
            s.execute(sa.update(Record).where(Record.id == rid).values(
                created_at=created, updated_at=updated, created_by=by))
            rows[rid] = {"created_at": created, "updated_at": updated, "created_by": by,
                         "amount": i}
    return form["id"], rows, tz


def _ids(api, form_id, **params) -> list[str]:
    got, cursor = [], None
    while True:
        query = {**params, "limit": 5, **({"cursor": cursor} if cursor else {})}
        r = api.get(f"/api/v1/forms/{form_id}/records?{urllib.parse.urlencode(query)}")
        assert r.status_code == 200, r.json
        got += [item["id"] for item in r.json["items"]]
        cursor = r.json["next_cursor"]
        if not cursor:
            return got


def _owner(api) -> Actor:
    return Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner")


CASES = [
    ("created_at >= DATE(2024, 6, 2)", lambda r, tz: r["created_at"].astimezone(tz).date() >= dt.date(2024, 6, 2)),
    ("created_at < DATE(2024, 6, 1) or amount = 11",
     lambda r, tz: r["created_at"].astimezone(tz).date() < dt.date(2024, 6, 1) or r["amount"] == 11),
    ("updated_at > DATE(2024, 6, 1) and updated_at <= DATE(2024, 6, 3)",
     lambda r, tz: dt.datetime(2024, 6, 1, tzinfo=tz) < r["updated_at"] <= dt.datetime(2024, 6, 3, tzinfo=tz)),
    ("updated_at < NOW()", lambda r, tz: True),
    ("created_by = CURRENT_USER()", lambda r, tz: r["created_by"] is not None and r["created_by"] != OTHER),
    ("created_by <> CURRENT_USER() and not ISBLANK(created_by)", lambda r, tz: r["created_by"] == OTHER),
    ("ISBLANK(created_by)", lambda r, tz: r["created_by"] is None),
]


@pytest.mark.parametrize("expression, keep", CASES)
def test_system_field_filters_are_pushed_down_and_match(api, stamped, expression, keep):
    form_id, rows, tz = stamped
    expected = sorted(rid for rid, r in rows.items() if keep(r, tz))
    assert sorted(_ids(api, form_id, filter=expression)) == expected
    with unit_of_work() as s:
        form = forms.get_form(s, _owner(api), form_id)
        assert queries.filter_clause(s, form, expression, actor=_owner(api)) is not None
        assert queries.count(s, _owner(api), form_id, expression) == len(expected)


def test_record_id_filter(api, stamped):
    form_id, rows, _tz = stamped
    some = sorted(rows)[3:6]
    assert _ids(api, form_id, filter=f"record_id = '{some[0]}'") == [some[0]]
    listed = ", ".join(f"'{i}'" for i in some)
    assert sorted(_ids(api, form_id, filter=f"record_id in [{listed}]")) == some


def test_filters_python_evaluates_read_the_same_system_values(api, stamped):
    """HOUR() has no SQL form: the streamed evaluation gets the columns as the same text."""
    form_id, rows, tz = stamped
    expression = "HOUR(created_at) >= 12 and created_by <> ''"
    with unit_of_work() as s:
        assert queries.filter_clause(s, forms.get_form(s, _owner(api), form_id), expression) is None
    expected = sorted(rid for rid, r in rows.items()
                      if r["created_at"].astimezone(tz).hour >= 12 and r["created_by"])
    assert expected and sorted(_ids(api, form_id, filter=expression)) == expected
    with unit_of_work() as s:
        assert queries.count(s, _owner(api), form_id, expression) == len(expected)


def test_sort_by_system_fields_pages_in_order(api, stamped):
    form_id, rows, _tz = stamped
    newest_first = sorted(rows, key=lambda rid: rows[rid]["created_at"], reverse=True)
    assert _ids(api, form_id, sort="-created_at") == newest_first
    by_user = sorted(rows, key=lambda rid: (rows[rid]["created_by"] is not None,
                                            rows[rid]["created_by"] or "", rid))
    assert _ids(api, form_id, sort="created_by,record_id") == by_user
    assert _ids(api, form_id, sort="-record_id") == sorted(rows, reverse=True)


def test_unknown_and_mistyped_system_fields_answer_422(api, stamped):
    form_id, _rows, _tz = stamped
    for bad in ("created_on > DATE(2024, 1, 1)", "created_at + 1 > 2", "record_id > 3 +"):
        r = api.get(f"/api/v1/forms/{form_id}/records?filter={urllib.parse.quote(bad)}")
        assert r.status_code == 422, (bad, r.json)
        assert "filter" in r.json["error"]["details"]["fields"]
    assert api.get(f"/api/v1/forms/{form_id}/records?sort=created_on").status_code == 400


def test_own_field_with_a_system_key_wins_in_filters_and_sorts(api, make_form):
    form = make_form([{"key": "name", "type": "text"}, {"key": "created_at", "type": "date"},
                      {"key": "record_id", "type": "number"}])
    made = {}
    for name, day, number in (("a", "2020-02-02", 3), ("b", "2030-01-01", 1), ("c", None, 2)):
        data = {"name": name, "record_id": number, **({"created_at": day} if day else {})}
        r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": data})
        assert r.status_code == 201, r.json
        made[name] = r.json["id"]
    # (a blank date is the smallest, as in any date filter)
    assert sorted(_ids(api, form["id"], filter="created_at < DATE(2021, 1, 1)")) == \
        sorted([made["a"], made["c"]])
    assert _ids(api, form["id"], filter="created_at > DATE(2021, 1, 1)") == [made["b"]]
    assert _ids(api, form["id"], filter="record_id >= 2", sort="record_id") == [made["c"], made["a"]]
    assert _ids(api, form["id"], sort="-created_at") == [made["b"], made["a"], made["c"]]
    # the shadowed column is not reachable; the other system fields still are
    assert sorted(_ids(api, form["id"], filter="updated_at > DATE(2000, 1, 1)")) == sorted(made.values())


@pytest.mark.parametrize("expression", ["created_at >= DATE(2024, 6, 2) and created_by <> ''",
                                        "HOUR(created_at) >= 12"])
def test_segments_on_system_fields_list_count_and_trigger_alike(api, stamped, expression):
    """A segment reading system fields: its records and count, and the member set flows'
    segment.entered trigger computes, agree (in SQL and in the Python fallback)."""
    from app.flow_engine.segments import matching_record_ids
    from app.models import Segment
    from app.rule_engine import EvalEnv

    form_id, _rows, tz = stamped
    r = api.post(f"/api/v1/forms/{form_id}/segments", json={"key": "seg", "name": "Seg",
                                                            "expression": expression})
    assert r.status_code == 201, r.json
    listed = sorted(i["id"] for i in api.get(f"/api/v1/segments/{r.json['id']}/records?limit=100").json["items"])
    assert listed and api.get(f"/api/v1/segments/{r.json['id']}/count").json["count"] == len(listed)
    assert sorted(_ids(api, form_id, filter=expression)) == listed
    with unit_of_work() as s:
        segment = s.get(Segment, r.json["id"])
        assert sorted(matching_record_ids(s, segment, EvalEnv(tz=str(tz)))) == listed
