"""Faults with real processes: a worker killed with kill -9 mid-step, a flushed Redis, a step
delivered twice. The database is the source of truth; the sweeps recover."""
from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa

from tests.faults.servers import end_worker, start_worker
from tests.integration.flow_engine.conftest import chain


def _steps(status=None):
    from app.extensions import unit_of_work
    from app.models import StepRun

    with unit_of_work() as s:
        stmt = sa.select(StepRun)
        if status:
            stmt = stmt.where(StepRun.status == status)
        return list(s.scalars(stmt))


def test_message_step_delivered_twice_sends_one_message(world, worker):
    from app.extensions import unit_of_work
    from app.flow_engine.record_events import redeliver_outbox
    from app.flow_engine.runtime import execute_step
    from app.jobs import enqueue
    from app.models import Message, StepRun

    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "note", "type": "send_message", "channel": "inapp",
                 "to": {"user": world.user_id}, "body": "hi {{record.name}}"}], chain("note"))
    world.create({"name": "Twice"})
    redeliver_outbox(older_than=dt.timedelta(0))   # the record event's job, run right here
    [step] = _steps("queued")
    enqueue(execute_step, step.id, queue_name="high")  # a duplicate delivery of the same step
    worker()
    # and a redelivery after it completed (e.g. a sweeper that re-enqueued it just before commit)
    with unit_of_work() as s:
        s.get(StepRun, step.id).status = "queued"
    execute_step(step.id)
    with unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Message)) == 1
    assert len(world.api.get("/api/v1/notifications").json["items"]) == 1


def test_flushed_redis_loses_no_queued_or_waiting_step(world, worker, clock):
    from app.extensions import redis
    from app.flow_engine.record_events import redeliver_outbox
    from app.flow_engine.sweeps import requeue_stuck_steps
    from app.flow_engine.timers import fire_due_timers

    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "wait", "type": "wait", "duration": "1d"},
                       {"id": "mark", "type": "update_record", "set": {"lifecycle": "'done'"}}],
                      chain("wait", "mark"))
    waiting = world.create({"name": "W"})
    worker()                                   # W is now waiting on a timer
    queued = world.create({"name": "Q"})       # Q's record event job is queued in Redis
    redis().flushdb()
    worker()
    clock.advance(dt.timedelta(seconds=30))
    assert redeliver_outbox() == 1             # the outbox row brings the event back
    redis().flushdb()                          # and Q's first step job is lost too
    worker()
    assert world.record(queued).get("lifecycle") is None
    clock.advance(dt.timedelta(seconds=30))
    assert requeue_stuck_steps() == 1
    worker()
    clock.advance(dt.timedelta(days=1))
    assert fire_due_timers() == 2
    redis().flushdb()                          # lose the woken steps' jobs too
    clock.advance(dt.timedelta(seconds=30))
    assert requeue_stuck_steps() == 2
    worker()
    assert world.record(waiting)["lifecycle"] == world.record(queued)["lifecycle"] == "done"
    assert {r["status"] for r in world.runs(flow["id"])} == {"completed"}


class _Slow(BaseHTTPRequestHandler):
    hits: list = []
    delay = 30.0
    arrived = threading.Event()

    def do_POST(self):  # noqa: N802
        type(self).hits.append(self.headers.get("Idempotency-Key"))
        type(self).arrived.set()
        time.sleep(type(self).delay)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_worker_killed_mid_step_completes_once_after_the_sweeper(world, worker, app, db_url,
                                                                 redis_url, tmp_path):
    from app.flow_engine.sweeps import requeue_stuck_steps

    _Slow.hits, _Slow.delay = [], 30.0
    _Slow.arrived.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["OUTBOUND_ALLOWLIST"] = ["127.0.0.1"]
    url = f"http://127.0.0.1:{server.server_address[1]}/slow"
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request", "url": url, "body": {"n": "1"}},
                       {"id": "mark", "type": "update_record", "set": {"points": "points + 1"}}],
                      chain("call", "mark"))
    rid = world.create({"name": "K", "points": 0})
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL=redis_url, SECRET_KEY="test-secret",
               INSTANCE_PATH=str(tmp_path / "inst"), OUTBOUND_ALLOWLIST="127.0.0.1")
    proc = start_worker(env, "--queues", "high")
    try:
        assert _Slow.arrived.wait(30), "the worker never reached the step"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        end_worker(proc)
    [step] = _steps("running")
    _Slow.delay = 0.0
    assert requeue_stuck_steps(running_grace=dt.timedelta(0)) == 1
    worker()
    server.shutdown()
    [run] = world.runs(flow["id"])
    assert run["status"] == "completed"
    assert world.record(rid)["points"] == 1
    assert len({key for key in _Slow.hits}) == 1   # the retry carried the same idempotency key
    completed = [s for s in world.run(run["id"])["steps"] if s["node_id"] == "call"]
    assert [s["status"] for s in completed] == ["completed"]
