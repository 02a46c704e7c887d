"""PostgreSQL crashes (pg_ctl stop -m immediate) while the API writes records: requests answer
503 with Retry-After in the caller's language, the API recovers by itself once the server is
back, and every record is whole (its revision and outbox row) or absent."""
from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from tests.conftest import ApiClient, fresh
from tests.faults.servers import PrivatePostgres

pytestmark = pytest.mark.postgres

FORM = {"key": "customer", "name": "Customer",
        "fields": [{"key": "name", "type": "text"}, {"key": "phone", "type": "phone",
                                                     "unique": True}]}


@pytest.fixture(scope="module")
def private_pg():
    from app.migrate import upgrade

    server = PrivatePostgres().init()
    server.start()
    upgrade(server.url)
    yield server
    server.destroy()


@pytest.fixture
def pg_app(private_pg, redis_url, tmp_path):
    from app import create_app
    from app.redis_conn import get_redis

    get_redis(redis_url).flushdb()
    application = create_app({
        "TESTING": True, "DATABASE_URL": private_pg.url, "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"), "RATE_LIMITS_ENABLED": False})
    yield application
    application.extensions["formloom.db"].engine.dispose()


class Writer(threading.Thread):
    """Creates records without pause, one at a time and in bulk batches of 10, alternating the
    caller's language, and notes what each request answered and when it started."""

    def __init__(self, api: ApiClient, form_id: str):
        super().__init__(daemon=True)
        self.api, self.form_id = api, form_id
        self.results: list[dict] = []
        self.stopping = threading.Event()

    def run(self):
        n = 0
        while not self.stopping.is_set():
            n += 1
            lang = "zh-CN" if n % 2 else "en"
            if n % 3:
                names = [f"single-{n}"]
                body, path = {"data": {"name": names[0], "phone": f"1380000{n:04d}"}}, ""
            else:
                names = [f"bulk-{n}-{i}" for i in range(10)]
                body = {"records": [{"data": {"name": name}} for name in names]}
                path = "/bulk"
            started = time.monotonic()
            r = self.api.post(f"/api/v1/forms/{self.form_id}/records{path}", json=body,
                              headers={"Accept-Language": lang})
            self.results.append({"names": names, "status": r.status_code, "lang": lang,
                                 "started": started, "json": r.json,
                                 "retry_after": r.headers.get("Retry-After")})

    def count(self, status: int, since: float = 0.0) -> int:
        return sum(1 for r in list(self.results) if r["status"] == status and r["started"] >= since)

    def wait_for(self, status: int, n: int, since: float = 0.0, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while self.count(status, since) < n:
            assert self.is_alive(), "the writer thread died"
            assert time.monotonic() < deadline, f"fewer than {n} answers {status} in {timeout}s"
            time.sleep(0.01)


def test_api_answers_503_while_postgres_is_down_then_recovers_with_nothing_half_written(
        pg_app, private_pg):
    from app.auth.actor import Actor
    from app.form_engine import forms
    from app.models import EventOutbox, Record, RecordRevision

    api = ApiClient(pg_app.test_client())
    api.signup()
    app_id = api.post("/api/v1/apps", json={"key": fresh("a"), "name": "Shop"}).json["id"]
    with pg_app.app_context():
        from app.extensions import unit_of_work

        with unit_of_work() as s:
            form_id = forms.create_form(s, Actor(api.workspace["id"], api.user["id"], "owner"),
                                        app_id, FORM).id
    # Someone hears record.created, so every create keeps its event in the outbox (events
    # nobody hears are not stored) and the check below covers the event too.
    r = api.post("/api/v1/webhooks", json={"url": "https://hooks.example.com/shop",
                                           "events": ["record.created"], "form_id": form_id,
                                           "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json

    writer = Writer(api, form_id)
    writer.start()
    try:
        writer.wait_for(201, 20)
        private_pg.stop("immediate")          # a crash in the middle of the writes
        down = time.monotonic()
        writer.wait_for(503, 10, since=down)
        health = pg_app.test_client().get("/healthz")
        assert health.status_code == 503 and health.json["database"] == "unavailable"
        private_pg.start()
        up = time.monotonic()
        writer.wait_for(201, 20, since=up)
    finally:
        writer.stopping.set()
        writer.join(30)

    results = writer.results
    assert {r["status"] for r in results} <= {201, 503}, \
        [r["json"] for r in results if r["status"] not in (201, 503)][:3]
    refused = [r for r in results if r["status"] == 503]
    for r in refused:
        assert r["json"]["error"]["code"] == "unavailable" and r["retry_after"] == "5"
    messages = {r["lang"]: r["json"]["error"]["message"] for r in refused}
    assert messages["en"] == "A backing service is unavailable, please retry"
    assert messages["zh-CN"] == "后台服务暂不可用，请稍后重试"
    # No request sent after the restart fails.
    assert [r["status"] for r in results if r["started"] >= up] == \
        [201] * sum(1 for r in results if r["started"] >= up)
    assert pg_app.test_client().get("/healthz").status_code == 200
    # A restart while the API is idle leaves only dead connections in the pool: the pool tests
    # a connection before lending it, so the very first request afterwards works.
    private_pg.stop("immediate")
    private_pg.start()
    r = api.post(f"/api/v1/forms/{form_id}/records", json={"data": {"name": "after-idle"}})
    assert r.status_code == 201, r.json

    engine = sa.create_engine(private_pg.url)
    try:
        with engine.connect() as conn:
            names = dict(conn.execute(sa.select(Record.data["name"].as_string(), Record.id)
                                      .where(Record.form_id == form_id)).all())
            revisions = dict(conn.execute(
                sa.select(RecordRevision.record_id, sa.func.count())
                .where(RecordRevision.form_id == form_id, RecordRevision.action == "create")
                .group_by(RecordRevision.record_id)).all())
            outbox = [row.payload["record_id"] for row in conn.execute(
                sa.select(EventOutbox.payload).where(EventOutbox.name == "record.created"))]
    finally:
        engine.dispose()
    for r in results:
        present = [name in names for name in r["names"]]
        if r["status"] == 201:
            assert all(present), r["names"]
        else:   # a commit whose answer was lost may be there, but never a part of a batch
            assert all(present) or not any(present), r["names"]
    assert "after-idle" in names
    assert revisions == {record_id: 1 for record_id in names.values()}
    assert sorted(outbox) == sorted(names.values())
