"""Channels: e-mail to a local SMTP server, SMS to a local HTTP gateway, `not_sent (no channel)`,
consent and frequency cap for marketing, signed webhook deliveries, the SSRF guard."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.integration.flow_engine.conftest import chain


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).received.append({"path": self.path, "headers": dict(self.headers),
                                    "body": body})
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def http_sink(app):
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["OUTBOUND_ALLOWLIST"] = ["127.0.0.1"]
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.received
    server.shutdown()


@pytest.fixture
def smtp_sink(app):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Collect(Sink):
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope)
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    yield handler.messages
    controller.stop()


def test_email_goes_through_smtp_escaped(world, worker, smtp_sink):
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "mail", "type": "send_message", "channel": "email", "to": "{{record.email}}",
                 "subject": "Hello {{record.name}}", "body": "<p>Dear {{record.name}}</p>"}],
               chain("mail"))
    world.create({"name": "<Ann>", "email": "ann@example.com"})
    worker()
    [envelope] = smtp_sink
    assert envelope.rcpt_tos == ["ann@example.com"]
    assert b"Dear &lt;Ann&gt;" in envelope.content
    [message] = world.api.get("/api/v1/messages?channel=email").json["items"]
    assert message["status"] == "sent" and message["to"] == "ann@example.com" and message["run_id"]


def test_sms_goes_to_the_http_gateway(world, worker, http_sink, app):
    url, received = http_sink
    app.config["SMS_GATEWAY_URL"] = url + "/sms"
    app.config["SMS_GATEWAY_AUTH"] = "Bearer gw"
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "sms", "type": "send_message", "channel": "sms", "to": "{{record.phone}}",
                 "body": "{{record.name}}，送您一张券"}], chain("sms"))
    world.create({"name": "王", "phone": "13800000000"})
    worker()
    [call] = received
    assert json.loads(call["body"]) == {"to": "13800000000", "body": "王，送您一张券"}
    assert call["headers"]["Authorization"] == "Bearer gw"


def test_unconfigured_channel_logs_not_sent(world, worker):
    world.flow({"type": "record.created", "form": "customer"},
               [{"id": "sms", "type": "send_message", "channel": "sms", "to": "{{record.phone}}",
                 "body": "hi"}], chain("sms"))
    world.create({"name": "A", "phone": "1"})
    worker()
    [message] = world.api.get("/api/v1/messages").json["items"]
    assert (message["status"], message["reason"]) == ("not_sent", "no channel")


def test_marketing_honours_consent_and_frequency_cap(world, worker, http_sink, app):
    app.config["SMS_GATEWAY_URL"] = http_sink[0] + "/sms"
    flow = world.flow({"type": "record.updated", "form": "customer"},
                      [{"id": "promo", "type": "send_message", "channel": "sms", "marketing": True,
                        "consent_field": "consent", "frequency_cap": {"max": 1, "per": "7d"},
                        "to": "{{record.phone}}", "body": "sale"}], chain("promo"))
    yes = world.create({"name": "Y", "phone": "111", "consent": True})
    no = world.create({"name": "N", "phone": "222", "consent": False})
    for _ in range(2):
        world.update(yes, {"points": 1})
        world.update(no, {"points": 1})
        world.update(yes, {"points": 2})
    worker()
    log = world.api.get("/api/v1/messages").json["items"]
    by = {(m["to"], m["status"], m["reason"]) for m in log}
    assert ("222", "skipped", "no consent") in by
    assert ("111", "skipped", "frequency cap (1 per 7d)") in by
    assert sum(1 for m in log if m["to"] == "111" and m["status"] == "sent") == 1
    assert flow


def test_webhook_subscription_delivers_signed_events(world, worker, http_sink):
    from app.flow_engine.outbound import signature

    url, received = http_sink
    r = world.api.post("/api/v1/webhooks", json={"url": url + "/hook", "events": ["record.created"],
                                                 "secret": "s3cret-s3cret-s3cret"})
    assert r.status_code == 201, r.json
    world.create({"name": "Hooked"})
    worker()
    [call] = received
    headers = call["headers"]
    assert headers["X-Formloom-Signature"] == signature("s3cret-s3cret-s3cret",
                                                        headers["X-Formloom-Timestamp"], call["body"])
    assert json.loads(call["body"])["data"]["data"]["name"] == "Hooked"
    [delivery] = world.api.get(f"/api/v1/webhooks/{r.json['id']}/deliveries").json["items"]
    assert delivery["status"] == "delivered" and delivery["response_status"] == 200


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://169.254.169.254/latest",
                                 "http://10.0.0.1/", "http://[::1]/", "ftp://example.com/"])
def test_ssrf_guard_refuses_internal_addresses(app, url):
    from app.flow_engine.outbound import OutboundRefused, request

    app.config["OUTBOUND_ALLOWLIST"] = []
    with pytest.raises(OutboundRefused):
        request("GET", url, timeout=1)


def test_http_request_node_failure_retries_then_fails_the_run(world, worker, clock, app):
    import datetime as dt

    from app.flow_engine.timers import fire_due_timers

    flow = world.flow({"type": "record.created", "form": "customer"},
                      [{"id": "call", "type": "http_request", "url": "http://127.0.0.1:9/x"}],
                      chain("call"))
    world.create({"name": "A"})
    for _ in range(6):
        worker()
        clock.advance(dt.timedelta(minutes=10))
        fire_due_timers()
    [run] = world.runs(flow["id"])
    assert run["status"] == "failed" and "non-public address" in run["error"]
    assert world.run(run["id"])["steps"][0]["attempts"] == 5
