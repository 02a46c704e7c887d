"""Redis killed and restarted empty (no persistence), not just flushed: the API keeps serving
what does not need Redis, rate limits fail open while it is gone and hold again after, and the
database's outbox and sweeps bring back every job the restart lost."""
from __future__ import annotations

import datetime as dt
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.faults.servers import PrivateRedis, end_worker, start_worker
from tests.integration.flow_engine.conftest import chain

pytestmark = pytest.mark.redis


@pytest.fixture(scope="module")
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def redis_url(private_redis):
    """Overrides the shared Redis for this module: these tests kill the server."""
    return private_redis.url


@pytest.fixture(autouse=True)
def redis_is_up(private_redis):
    if private_redis.proc is None:
        private_redis.start()


def _restart(server: PrivateRedis) -> None:
    server.kill()
    server.start()


def test_api_works_without_redis_and_lost_jobs_come_back_after_restart(world, worker, clock,
                                                                       private_redis, app):
    from app.extensions import redis
    from app.flow_engine.record_events import redeliver_outbox
    from app.flow_engine.sweeps import requeue_stuck_steps
    from app.flow_engine.timers import fire_due_timers

    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "wait", "type": "wait", "duration": "1d"},
                       {"id": "mark", "type": "update_record", "set": {"lifecycle": "'done'"}}],
                      chain("wait", "mark"))
    waiting = world.create({"name": "W"})
    worker()                                     # W sleeps on a timer row
    queued = world.create({"name": "Q"})         # Q's record event job is in Redis only
    _restart(private_redis)
    assert redis().dbsize() == 0

    private_redis.kill()
    api = world.api
    started = time.monotonic()
    r = api.post(f"/api/v1/forms/{world.customer}/records", json={"data": {"name": "Down"}})
    assert r.status_code == 201, r.json          # the write commits; its job waits in the outbox
    down = r.json["id"]
    assert api.get(f"/api/v1/forms/{world.customer}/records").status_code == 200
    assert api.get(f"/api/v1/records/{down}").json["data"]["name"] == "Down"
    health = api.get("/healthz")
    assert health.status_code == 503 and health.json["redis"] == "unavailable"
    assert time.monotonic() - started < 5, "requests waited on the dead Redis"

    private_redis.start()
    worker()                                     # nothing to run: the restart lost every job
    assert world.record(queued).get("lifecycle") is None
    clock.advance(dt.timedelta(seconds=30))
    assert redeliver_outbox() == 2               # Q and Down come back from the outbox
    _restart(private_redis)                      # and their first steps' jobs are lost too
    worker()
    clock.advance(dt.timedelta(seconds=30))
    assert requeue_stuck_steps() == 2
    worker()
    clock.advance(dt.timedelta(days=1))
    assert fire_due_timers() == 3
    _restart(private_redis)                      # lose the woken steps' jobs as well
    clock.advance(dt.timedelta(seconds=30))
    assert requeue_stuck_steps() == 3
    worker()
    assert {world.record(r)["lifecycle"] for r in (waiting, queued, down)} == {"done"}
    runs = world.runs(flow["id"])
    assert len(runs) == 3 and {r["status"] for r in runs} == {"completed"}


def test_flow_enabled_by_another_process_after_a_restart_is_not_missed(world, worker,
                                                                      private_redis):
    """Flow changes bump a counter in Redis that every process compares with its cached copy;
    a restart sets the counters back, so a cached number could match again."""
    from app.extensions import redis, unit_of_work
    from app.flow_engine import listeners
    from app.models import Flow

    mark = [{"id": "mark", "type": "update_record", "set": {"lifecycle": "'hit'"}}]
    world.flow({"type": "record.deleted", "form": "customer"}, mark, chain("mark"))  # bump: 1
    flow = world.flow({"type": "record.created", "form": "customer"}, mark, chain("mark"),
                      enable=False)
    world.create({"name": "warm the cache"})     # this process caches generation 1
    _restart(private_redis)
    with unit_of_work() as s:   # as another process does: the row changes, the generation moves
        s.get(Flow, flow["id"]).enabled = True
    assert redis().incr(listeners._key(world.ws)) == 1   # ... to 1 again
    seen = world.create({"name": "seen"})
    worker()
    assert world.record(seen)["lifecycle"] == "hit"


def test_login_rate_limit_fails_open_without_redis_and_holds_after_restart(app, api,
                                                                           private_redis):
    from tests.conftest import ApiClient

    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    email, password = api.user["email"], api.password
    anon = ApiClient(app.test_client())
    private_redis.kill()
    for _ in range(5):                           # no Redis to count in: nobody is locked out
        r = anon.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.json
    private_redis.start()
    statuses = [anon.post("/api/v1/auth/login", json={"email": email, "password": "wrong-1"})
                .status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert anon.post("/api/v1/auth/login", json={"email": email, "password": password}
                     ).status_code == 429


class _Held(BaseHTTPRequestHandler):
    """An HTTP endpoint that answers only when the test lets it: the worker is busy till then."""
    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):  # noqa: N802
        type(self).arrived.set()
        type(self).release.wait(30)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


LONG = os.environ.get("FORMLOOM_LONG_FAULTS", "") not in ("", "0")


@pytest.fixture
def busy_worker_loses_redis(world, private_redis, db_url, app, tmp_path):
    """A real `formloom worker` finishing a step when Redis dies: the step commits but its next
    step's job and RQ's own bookkeeping fail, and RQ leaves its work loop. Yields the flow, the
    record of that run and the worker process once Redis is back (empty)."""
    _Held.arrived.clear()
    _Held.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Held)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["OUTBOUND_ALLOWLIST"] = ["127.0.0.1"]
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request",
                        "url": f"http://127.0.0.1:{server.server_address[1]}/held", "body": {}},
                       {"id": "mark", "type": "update_record", "set": {"lifecycle": "'done'"}}],
                      chain("call", "mark"))
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=private_redis.url,
               SECRET_KEY="test-secret", INSTANCE_PATH=str(tmp_path / "inst"),
               OUTBOUND_ALLOWLIST="127.0.0.1")
    proc = start_worker(env)
    try:
        busy = world.create({"name": "Busy"})
        assert _Held.arrived.wait(30), "the worker never reached the step"
        private_redis.kill()
        _Held.release.set()
        _wait(lambda: _step_status(busy, "call") == "completed", 10)
        time.sleep(1)                            # RQ's bookkeeping after the job meets no Redis
        private_redis.start()
        yield flow, busy, proc
    finally:
        _Held.release.set()
        end_worker(proc)
        server.shutdown()


def test_worker_busy_when_redis_dies_works_again_after_restart(world, busy_worker_loses_redis):
    flow, busy, proc = busy_worker_loses_redis
    later = world.create({"name": "Later"})      # its job goes to the restarted Redis
    _wait(lambda: world.record(later).get("lifecycle") == "done", 15)
    assert proc.poll() is None, "the worker process ended"
    assert world.record(busy).get("lifecycle") is None   # its next step waits for the sweeper


@pytest.mark.skipif(not LONG, reason="long fault test (~25 s): set FORMLOOM_LONG_FAULTS=1")
def test_worker_sweeps_finish_the_step_whose_job_redis_lost(world, busy_worker_loses_redis):
    flow, busy, proc = busy_worker_loses_redis
    # The stuck-step sweep (every 5 s) re-enqueues steps queued for more than 10 s.
    _wait(lambda: world.record(busy).get("lifecycle") == "done", 30)
    [run] = world.runs(flow["id"])
    assert run["status"] == "completed"
    assert [s["status"] for s in world.run(run["id"])["steps"]] == ["completed", "completed"]


def _step_status(record_id: str, node_id: str) -> str | None:
    import sqlalchemy as sa

    from app.extensions import unit_of_work
    from app.models import FlowRun, StepRun

    with unit_of_work() as s:
        return s.scalar(sa.select(StepRun.status).join(FlowRun, FlowRun.id == StepRun.run_id)
                        .where(FlowRun.record_id == record_id, StepRun.node_id == node_id))


def _wait(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "not recovered in time"
        time.sleep(0.2)
