"""Concurrent writers: unique values, serial numbers and optimistic versions hold under threads."""
from __future__ import annotations

import threading

import pytest

from app.auth.actor import Actor
from app.errors import Conflict
from app.extensions import unit_of_work
from app.form_engine import records


def _actor(api) -> Actor:
    return Actor(workspace_id=api.workspace["id"], user_id=api.user["id"], role="owner")


def _race(app, n, work):
    """Run work(i) in n threads at once, each in its own unit of work; collect outcomes."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work() as s:
                    outcomes[i] = work(s, i)
            except Conflict as err:
                outcomes[i] = err
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_unique_phone_concurrent_creates_give_one_201_and_one_409(app, api, make_form):
    form = make_form([{"key": "phone", "type": "phone", "unique": True}])
    actor = _actor(api)
    outcomes = _race(app, 2, lambda s, i: records.create(s, actor, form["id"],
                                                         {"phone": "13900000000"}).id)
    assert sorted(isinstance(o, Conflict) for o in outcomes) == [False, True]
    r = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"phone": "139 0000 0000"}})
    assert r.status_code == 409 and "phone" in r.json["error"]["details"]["fields"]


def test_serials_are_gap_free_under_concurrent_creates(app, api, make_form):
    form = make_form([{"key": "no", "type": "serial", "prefix": "A-", "digits": 3},
                      {"key": "x", "type": "number"}])
    actor = _actor(api)
    outcomes = _race(app, 6, lambda s, i: records.create(s, actor, form["id"], {"x": i}).data["no"])
    assert sorted(outcomes) == [f"A-{n:03d}" for n in range(1, 7)]


def test_serial_resets_monthly(api, make_form, clock):
    import datetime as dt
    form = make_form([{"key": "no", "type": "serial", "digits": 2, "reset": "monthly"}])
    url = f"/api/v1/forms/{form['id']}/records"
    clock.freeze(dt.datetime(2025, 1, 15, 12, tzinfo=dt.timezone.utc))
    assert api.post(url, json={"data": {}}).json["data"]["no"] == "20250101"
    assert api.post(url, json={"data": {}}).json["data"]["no"] == "20250102"
    clock.freeze(dt.datetime(2025, 2, 15, 12, tzinfo=dt.timezone.utc))
    assert api.post(url, json={"data": {}}).json["data"]["no"] == "20250201"


def test_stale_version_patch_is_409(app, api, make_form):
    form = make_form([{"key": "x", "type": "number"}])
    rid = api.post(f"/api/v1/forms/{form['id']}/records", json={"data": {"x": 1}}).json["id"]
    actor = _actor(api)
    outcomes = _race(app, 2, lambda s, i: records.update(s, actor, rid, {"x": 10 + i}, version=1).version)
    assert sorted(isinstance(o, Conflict) for o in outcomes) == [False, True]
    r = api.patch(f"/api/v1/records/{rid}", json={"data": {"x": 5}, "version": 1})
    assert r.status_code == 409
    assert api.patch(f"/api/v1/records/{rid}", json={"data": {"x": 5}, "version": 2}).status_code == 200


def test_bad_bulk_saves_nothing_and_reports_by_index(api, make_form):
    form = make_form([{"key": "name", "type": "text", "required": True},
                      {"key": "email", "type": "email", "unique": True}])
    url = f"/api/v1/forms/{form['id']}/records/bulk"
    rows = [{"data": {"name": "a", "email": "a@x.io"}}, {"data": {"email": "bad"}},
            {"data": {"name": "c", "email": "A@x.io"}}]
    r = api.post(url, json={"records": rows})
    assert r.status_code == 422
    assert set(r.json["error"]["details"]["records"]) == {"1", "2"}
    assert r.json["error"]["details"]["records"]["1"].keys() == {"name", "email"}
    assert api.get(f"/api/v1/forms/{form['id']}/records").json["items"] == []
