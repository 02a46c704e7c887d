"""Slow gateways: an HTTP endpoint and an SMTP server that answer after the client's timeout.
Steps time out and retry with the engine's backoff under one idempotency key, then succeed or
fail as documented; a message is never sent twice; the API answers while a worker waits."""
from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from tests.integration.flow_engine.conftest import chain

MARK = {"id": "mark", "type": "update_record", "set": {"points": "points + 1"}}


class _Endpoint(BaseHTTPRequestHandler):
    """Answers request n after `delays[n]` seconds (the last delay repeats); "hold" waits until
    the test sets `release`."""
    delays: list = []
    seen: list = []
    arrived = threading.Event()
    release = threading.Event()

    def do_POST(self):  # noqa: N802
        cls = type(self)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n = len(cls.seen)
        cls.seen.append(dict(self.headers))
        cls.arrived.set()
        delay = cls.delays[min(n, len(cls.delays) - 1)]
        if delay == "hold":
            cls.release.wait(30)
        else:
            time.sleep(delay)
        try:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"ok": true}')
        except OSError:     # the client gave up long ago
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(app):
    _Endpoint.delays, _Endpoint.seen = [0], []
    _Endpoint.arrived.clear()
    _Endpoint.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["OUTBOUND_ALLOWLIST"] = ["127.0.0.1"]
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Endpoint.release.set()
    server.shutdown()


class _SlowSmtp:
    """An aiosmtpd handler that takes `delay` seconds (or until `release`) to accept DATA."""

    def __init__(self):
        self.delay: float | str = 0
        self.data_commands = 0
        self.received = []
        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.data_commands += 1
        self.arrived.set()
        if self.delay == "hold":
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        else:
            await asyncio.sleep(self.delay)
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(app):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _SlowSmtp()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield handler
    handler.release.set()
    controller.stop()


def _steps(node_id: str):
    from app.extensions import unit_of_work
    from app.models import StepRun

    with unit_of_work() as s:
        return list(s.scalars(sa.select(StepRun).where(StepRun.node_id == node_id)))


def _keys() -> set:
    return {h.get("Idempotency-Key") for h in _Endpoint.seen}


def _in_thread(app, fn, *args) -> threading.Thread:
    """Run a job function as a worker would, beside the test's requests."""
    def run():
        with app.app_context():
            fn(*args)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_http_step_timing_out_retries_with_backoff_and_acts_once(world, worker, clock,
                                                                 endpoint):
    from app.flow_engine.timers import fire_due_timers

    clock.freeze(clock.now())                    # backoff times exact, however slow the machine
    _Endpoint.delays = [2, 2, 0]                 # two answers after the 1 s timeout, then fast
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request", "url": endpoint + "/slow",
                        "body": {"n": "1"}, "timeout": 1}, MARK], chain("call", "mark"))
    rid = world.create({"name": "Slow", "points": 0})
    worker()
    [step] = _steps("call")
    assert (step.status, step.attempts, step.error) == ("waiting", 1, "timed out")
    for backoff in (10, 20):                     # 10 s, then 20 s (backoff_seconds * 2^n)
        clock.advance(dt.timedelta(seconds=backoff - 1))
        assert fire_due_timers() == 0
        clock.advance(dt.timedelta(seconds=2))
        assert fire_due_timers() == 1
        worker()
    [run] = world.runs(flow["id"])
    assert run["status"] == "completed"
    assert _steps("call")[0].attempts == 3
    assert world.record(rid)["points"] == 1      # the step after it ran once
    assert len(_Endpoint.seen) == 3 and len(_keys()) == 1   # one key: the receiver can dedupe


def test_http_step_that_always_times_out_fails_the_run_after_five_attempts(world, worker, clock,
                                                                           endpoint):
    from app.flow_engine.timers import fire_due_timers

    _Endpoint.delays = [2]
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request", "url": endpoint + "/slow",
                        "body": {}, "timeout": 1}, MARK], chain("call", "mark"))
    rid = world.create({"name": "Never", "points": 0})
    for _ in range(6):
        worker()
        clock.advance(dt.timedelta(minutes=10))
        fire_due_timers()
    [run] = world.runs(flow["id"])
    assert run["status"] == "failed" and run["error"] == "step 'call' failed: timed out"
    assert _steps("call")[0].attempts == 5 and _steps("mark") == []
    assert world.record(rid)["points"] == 0
    assert len(_Endpoint.seen) == 5 and len(_keys()) == 1


def test_api_answers_while_a_step_waits_on_a_slow_endpoint(world, worker, app, endpoint):
    from app.flow_engine.record_events import redeliver_outbox
    from app.flow_engine.runtime import execute_step

    _Endpoint.delays = ["hold"]
    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request", "url": endpoint + "/held",
                        "body": {}}, MARK], chain("call", "mark"))
    rid = world.create({"name": "Held", "points": 0})
    redeliver_outbox(older_than=dt.timedelta(0))
    [step] = _steps("call")
    delivery = _in_thread(app, execute_step, step.id)
    assert _Endpoint.arrived.wait(10)
    api = world.api
    # Reads and writes, even of the record the run is about, do not wait for the slow call.
    assert api.post(f"/api/v1/forms/{world.order}/records",
                    json={"data": {"amount": 5}}).status_code == 201
    assert api.patch(f"/api/v1/records/{rid}", json={"data": {"tier": "vip"}}).status_code == 200
    [run] = world.runs(flow["id"])
    steps = world.run(run["id"])["steps"]
    assert [(s["node_id"], s["status"]) for s in steps] == [("call", "running")]
    assert delivery.is_alive()                   # all of that happened during the call
    _Endpoint.release.set()
    delivery.join(10)
    worker()
    assert world.run(run["id"])["status"] == "completed"
    assert world.record(rid)["points"] == 1 and len(_Endpoint.seen) == 1


def _email_flow(world):
    return world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "mail", "type": "send_message", "channel": "email",
                        "to": "{{record.email}}", "subject": "Hi", "body": "Hello"}],
                      chain("mail"))


def _messages():
    from app.extensions import unit_of_work
    from app.models import Message

    with unit_of_work() as s:
        return list(s.scalars(sa.select(Message)))


def test_slow_smtp_server_times_out_and_the_message_fails_without_a_second_send(
        world, worker, clock, app, smtp):
    from app.flow_engine.channels import redeliver_messages

    app.config["SMTP_TIMEOUT"] = 1
    smtp.delay = 2                               # accepts the message after we stopped waiting
    _email_flow(world)
    world.create({"name": "Ann", "email": "ann@example.com"})
    worker()
    [message] = _messages()
    assert message.status == "failed" and "timed out" in message.reason
    clock.advance(dt.timedelta(hours=1))         # past the sending lease: nothing goes again
    assert redeliver_messages() == 0
    worker()
    assert smtp.data_commands == 1               # handed over once, never again
    [logged] = world.api.get("/api/v1/messages?channel=email").json["items"]
    assert logged["status"] == "failed"


def test_api_answers_while_an_email_waits_on_a_slow_smtp_server(world, worker, app, smtp):
    from app.flow_engine.channels import deliver_message
    from app.flow_engine.record_events import redeliver_outbox
    from app.flow_engine.runtime import execute_step

    smtp.delay = "hold"
    _email_flow(world)
    rid = world.create({"name": "Bo", "email": "bo@example.com"})
    redeliver_outbox(older_than=dt.timedelta(0))
    [step] = _steps("mail")
    execute_step(step.id)                        # logs the message; its delivery job is queued
    [message] = _messages()
    sending = _in_thread(app, deliver_message, message.id)
    assert smtp.arrived.wait(10)
    api = world.api
    assert api.patch(f"/api/v1/records/{rid}", json={"data": {"tier": "vip"}}).status_code == 200
    [logged] = api.get("/api/v1/messages?channel=email").json["items"]
    assert logged["status"] == "sending"
    assert sending.is_alive()
    smtp.release.set()
    sending.join(10)
    worker()                                     # the queued duplicate job finds it sent
    assert [m.status for m in _messages()] == ["sent"]
    assert smtp.data_commands == len(smtp.received) == 1


def test_slow_webhook_endpoint_is_retried_with_backoff_under_one_delivery_id(world, worker,
                                                                            clock, app,
                                                                            endpoint):
    from app.flow_engine.outbound import deliver_due

    clock.freeze(clock.now())
    app.config["OUTBOUND_TIMEOUT"] = 1
    _Endpoint.delays = [2, 0]
    r = world.api.post("/api/v1/webhooks", json={"url": endpoint + "/hook",
                                                 "events": ["record.created"],
                                                 "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json
    world.create({"name": "Hooked"})
    worker()
    deliveries = f"/api/v1/webhooks/{r.json['id']}/deliveries"
    [first] = world.api.get(deliveries).json["items"]
    assert (first["status"], first["attempts"], first["error"]) == ("pending", 1, "timed out")
    clock.advance(dt.timedelta(seconds=9))
    assert deliver_due() == 0                    # the first backoff is 10 s
    clock.advance(dt.timedelta(seconds=2))
    assert deliver_due() == 1
    worker()
    [done] = world.api.get(deliveries).json["items"]
    assert (done["status"], done["attempts"]) == ("delivered", 2)
    assert len(_Endpoint.seen) == 2
    assert len({h["X-Formloom-Delivery"] for h in _Endpoint.seen}) == 1
