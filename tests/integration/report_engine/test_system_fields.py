"""System fields (created_at, updated_at, created_by, record_id) read from the records columns:
dimensions with local-day buckets, filters, measures, drill-down and dashboard filters, checked
against the same answers computed in plain Python."""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
import sqlalchemy as sa

from app.extensions import unit_of_work
from app.models import Dashboard, Form, Record
from app.report_engine import dashboards
from tests.integration.report_engine.conftest import SHANGHAI

UTC = dt.timezone.utc
USERS = ["UA" + "0" * 24, "UB" + "0" * 24, None]


@pytest.fixture
def stamped(crm):
    """Each order's (id, created_at, updated_at, created_by), set on the records' columns; some
    land on either side of Shanghai midnight (16:00 UTC) and of a month end."""
    rng = random.Random(7)
    out = []
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    with unit_of_work() as s:
        for i, (rid, _data, _owner) in enumerate(crm.orders):
            created = start + dt.timedelta(seconds=rng.randrange(0, 400 * 86400))
            if i % 11 == 0:
                created = dt.datetime(2024, 5, 31, 15, 59, 59, tzinfo=UTC) + dt.timedelta(seconds=i % 2)
            updated = created + dt.timedelta(seconds=rng.randrange(0, 30 * 86400), microseconds=250000)
            user = USERS[i % 3]
            s.execute(sa.update(Record).where(Record.id == rid).values(
                created_at=created, updated_at=updated, created_by=user))
            out.append((rid, created, updated, user))
    return out


def local(t: dt.datetime) -> dt.date:
    return t.astimezone(SHANGHAI).date()


def iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_dimensions_with_buckets(run, stamped):
    result = run({"dimensions": [{"field": "created_at", "bucket": "month"}],
                  "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "created_at"}]})
    expected = Counter(local(c).strftime("%Y-%m") for _i, c, _u, _b in stamped)
    assert result["rows"] == sorted([k, v] for k, v in expected.items())
    assert result["columns"][0]["label"] == "Created at"
    week = run({"dimensions": [{"field": "updated_at", "bucket": "week"}],
                "measures": [{"agg": "count", "as": "n"}]})
    weeks = Counter((local(u) - dt.timedelta(days=local(u).weekday())).isoformat() for _i, _c, u, _b in stamped)
    assert {r[0]: r[1] for r in week["rows"]} == weeks
    by_user = run({"dimensions": [{"field": "created_by"}], "measures": [{"agg": "count", "as": "n"}]})
    assert {r[0]: r[1] for r in by_user["rows"]} == Counter(b for *_x, b in stamped)


def test_measures_and_plain_datetime_dimension(run, stamped):
    result = run({"measures": [{"agg": "min", "field": "created_at"}, {"agg": "max", "field": "updated_at"},
                               {"agg": "count", "field": "created_by"},
                               {"agg": "count_distinct", "field": "record_id"}]})
    assert result["rows"] == [[iso(min(c for _i, c, _u, _b in stamped)),
                               iso(max(u for _i, _c, u, _b in stamped)),
                               sum(1 for *_x, b in stamped if b), len(stamped)]]
    assert [c["type"] for c in result["columns"][:2]] == ["datetime", "datetime"]
    rows = run({"dimensions": [{"field": "created_at"}], "measures": [{"agg": "count", "as": "n"}],
                "sort": [{"by": "created_at"}], "limit": 3})["rows"]
    assert [r[0] for r in rows] == sorted({iso(c) for _i, c, _u, _b in stamped})[:3]


@pytest.mark.parametrize("expression, keep", [
    ("created_at >= DATE(2024, 6, 1)", lambda c, u, b: local(c) >= dt.date(2024, 6, 1)),
    ("created_at < DATE(2024, 6, 1) and created_at >= DATE(2024, 5, 31)",
     lambda c, u, b: local(c) == dt.date(2024, 5, 31)),
    ("updated_at > DATE(2024, 6, 1)",
     lambda c, u, b: u.replace(microsecond=0) > dt.datetime(2024, 6, 1, tzinfo=SHANGHAI)),
    (f"created_by = '{USERS[0]}'", lambda c, u, b: b == USERS[0]),
    ("ISBLANK(created_by)", lambda c, u, b: b is None),
])
def test_filters(run, stamped, expression, keep):
    result = run({"filter": expression, "measures": [{"agg": "count", "as": "n"}]})
    assert result["rows"] == [[sum(1 for _i, c, u, b in stamped if keep(c, u, b))]]


def test_record_id_filter_and_dimension(run, stamped):
    rid = stamped[5][0]
    assert run({"filter": f"record_id = '{rid}'", "measures": [{"agg": "count", "as": "n"}]})["rows"] == [[1]]
    rows = run({"dimensions": [{"field": "record_id"}], "measures": [{"agg": "count", "as": "n"}],
                "sort": [{"by": "record_id"}]})["rows"]
    assert [r[0] for r in rows] == sorted(i for i, *_x in stamped)


def test_own_field_with_the_same_key_wins(run, crm, stamped):
    with unit_of_work() as s:
        form = s.get(Form, crm.forms["order"])
        form.definition = {**form.definition, "fields": form.definition["fields"] + [
            {"key": "created_at", "type": "date"}]}
        first = crm.orders[0][0]
        rec = s.get(Record, first)
        rec.data = {**rec.data, "created_at": "2020-02-02"}
    result = run({"dimensions": [{"field": "created_at", "bucket": "year"}],
                  "measures": [{"agg": "count", "as": "n"}], "sort": [{"by": "created_at"}]})
    assert result["rows"] == [["2020", 1], [None, len(stamped) - 1]]


def test_unknown_is_still_unknown(run):
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        run({"dimensions": [{"field": "created_on", "bucket": "month"}]})
    assert "/dimensions/0/field" in exc.value.details["fields"]


def test_dashboard_filter_drill_and_hot_fields(crm, stamped, run):
    definition = {"key": "made", "name": {"en": "Made"},
                  "filters": [{"key": "period", "type": "date_range", "field": "created_at"}],
                  "widgets": [{"id": "by_month", "chart": "bar", "query": {
                      "source": "order", "dimensions": [{"field": "created_at", "bucket": "month"}],
                      "measures": [{"agg": "count", "as": "n"}], "filter": "created_by <> ''"}}]}
    actor = crm.actor
    with unit_of_work() as s:
        dash = dashboards.create_dashboard(s, actor, crm.app_id, definition)
        dash_id = dash.id
        assert s.get(Dashboard, dash_id).fields_used == {"order": []}
    period = {"from": "2024-05-31", "to": "2024-06-30"}
    with unit_of_work() as s:
        data = dashboards.dashboard_data(s, actor, dash_id, {"period": period}, use_cache=False)
    kept = [(c, b) for _i, c, _u, b in stamped
            if b and dt.date(2024, 5, 31) <= local(c) <= dt.date(2024, 6, 30)]
    expected = Counter(local(c).strftime("%Y-%m") for c, _b in kept)
    rows = data["widgets"]["by_month"]["rows"]
    assert {r[0]: r[1] for r in rows} == expected
    with unit_of_work() as s:
        drill = dashboards.drill_filter(s, actor, dash_id, "by_month", {"created_at": "2024-05"},
                                        {"period": period})
    assert run({"filter": drill["filter"], "measures": [{"agg": "count", "as": "n"}]})["rows"] == \
        [[expected["2024-05"]]]
    with unit_of_work() as s:
        assert dashboards.index_hints(s, crm.forms["order"]) == []


def test_drill_down_api_on_system_fields(api):
    import json

    from tests.integration.report_engine.test_reports_api import setup_app

    app_id, forms, _orders = setup_app(api)
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)
    with unit_of_work() as s:
        ids = s.scalars(sa.select(Record.id).where(Record.form_id == forms["order"]).order_by(Record.id)).all()
        stamps = {rid: start + dt.timedelta(hours=13 * i) for i, rid in enumerate(ids)}
        for rid, at in stamps.items():
            s.execute(sa.update(Record).where(Record.id == rid).values(created_at=at))
    definition = {"key": "made", "name": {"en": "Made"},
                  "filters": [{"key": "period", "type": "date_range", "field": "created_at"}],
                  "widgets": [{"id": "by_day", "chart": "bar", "query": {
                      "source": "order", "dimensions": [{"field": "created_at", "bucket": "day"}],
                      "measures": [{"agg": "count", "as": "n"}]}}]}
    r = api.post(f"/api/v1/apps/{app_id}/dashboards", json=definition)
    assert r.status_code == 201, r.json
    dash_id = r.json["id"]
    filters = json.dumps({"period": {"from": "2025-01-03", "to": "2025-01-10"}})
    data = api.get(f"/api/v1/dashboards/{dash_id}/data?filters={filters}").json["widgets"]["by_day"]
    days = Counter(local(at).isoformat() for at in stamps.values()
                   if dt.date(2025, 1, 3) <= local(at) <= dt.date(2025, 1, 10))
    assert {row[0]: row[1] for row in data["rows"]} == days
    point = json.dumps({"created_at": "2025-01-05"})
    got, cursor = [], None
    while True:
        url = f"/api/v1/dashboards/{dash_id}/widgets/by_day/drill?point={point}&filters={filters}&limit=2"
        drill = api.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert drill.status_code == 200, drill.json
        got += [item["id"] for item in drill.json["items"]]
        cursor = drill.json["next_cursor"]
        if not cursor:
            break
    assert got == sorted(rid for rid, at in stamps.items() if local(at) == dt.date(2025, 1, 5))
    assert len(got) == days["2025-01-05"] > 0
