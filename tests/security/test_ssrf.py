"""SSRF: the outbound guard (webhooks, the http_request node, the SMS gateway) refuses loopback,
private, link-local, metadata and other non-public destinations in every spelling, after DNS
resolution and on every redirect. A local HTTP sink listens on 127.0.0.1 so that a bypass would
be seen as a request actually arriving, not only as a missing exception."""
from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import fresh


class _Sink(BaseHTTPRequestHandler):
    """Records every request; /redirect?to=URL&code=30x redirects to URL; /loop to itself."""
    received: list = []

    def _handle(self):
        parts = urlsplit(self.path)
        if parts.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if parts.path == "/redirect":
            self.send_response(int(parse_qs(parts.query).get("code", ["302"])[0]))
            self.send_header("Location", parse_qs(parts.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        type(self).received.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sink():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.fixture()
def received(sink):
    _Sink.received = []
    return _Sink.received


@pytest.fixture(scope="module")
def _guard_app(tmp_path_factory):
    from app import create_app

    instance = tmp_path_factory.mktemp("ssrf")
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{instance}/x.db",
                       "INSTANCE_PATH": str(instance), "SECRET_KEY": "ssrf"})


@pytest.fixture()
def guard_app(_guard_app):
    """The guard reads only configuration: a small app without the per-test database reset."""
    with _guard_app.app_context():
        yield _guard_app


def _forms(port: int) -> list[str]:
    """Every spelling of a forbidden destination; the loopback ones aim at the live sink."""
    return [
        # loopback, literally and in decimal / hex / octal / short forms
        f"http://127.0.0.1:{port}/a", f"http://127.0.0.2:{port}/a", f"http://127.1:{port}/a",
        f"http://2130706433:{port}/a", f"http://0x7f000001:{port}/a", f"http://0x7f.1:{port}/a",
        f"http://0177.0.0.1:{port}/a", f"http://017700000001:{port}/a",
        f"http://0.0.0.0:{port}/a", f"http://0:{port}/a",
        # IPv6 spellings of loopback and the unspecified address
        f"http://[::1]:{port}/a", f"http://[0:0:0:0:0:0:0:1]:{port}/a",
        f"http://[::ffff:127.0.0.1]:{port}/a", f"http://[::ffff:7f00:1]:{port}/a",
        f"http://[::]:{port}/a",
        # names that resolve to loopback (no network needed)
        f"http://localhost:{port}/a", f"http://LOCALHOST:{port}/a", f"http://localhost.:{port}/a",
        # credentials and odd URL shapes that hide the real host
        f"http://user:pw@127.0.0.1:{port}/a", f"http://example.com@127.0.0.1:{port}/a",
        f"https://127.0.0.1:{port}/a",
        # private ranges, CGNAT, benchmarking, link-local and the cloud metadata address
        "http://10.0.0.1/", "http://10.255.255.254/", "http://172.16.0.1/", "http://172.31.255.1/",
        "http://192.168.1.1/", "http://100.64.0.1/", "http://198.18.0.1/",
        "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1/",
        "http://0xa9fea9fe/latest/meta-data/", "http://2852039166/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        # IPv6 unique-local (fc00::/7) and link-local (fe80::/10), multicast
        "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[fe80::1]/",
        "http://[ff02::1]/", "http://224.0.0.1/", "http://255.255.255.255/",
    ]


# Embedded-IPv4 forms that Python's `is_global` calls public on 3.11 although they carry a
# forbidden IPv4 address: NAT64 (64:ff9b::/96), 6to4 (2002::/16) and IPv4-compatible (::/96).
EMBEDDED_IPV4 = ["http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
                 "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::1]/",
                 "http://[2002:a9fe:a9fe::1]/", "http://[::127.0.0.1]/"]


def _refusal(url: str, timeout: float = 2.0) -> str | None:
    """None when the guard refused `url` before connecting; else what happened instead."""
    from app.flow_engine.outbound import OutboundRefused, request

    try:
        response = request("GET", url, timeout=timeout)
    except OutboundRefused:
        return None
    except OSError as exc:
        return f"connected/attempted: {exc!r}"
    return f"answered {response.status}"


def test_guard_refuses_every_spelling_of_internal_addresses(guard_app, sink, received):
    guard_app.config["OUTBOUND_ALLOWLIST"] = []
    leaks = {url: why for url in _forms(sink) if (why := _refusal(url)) is not None}
    assert leaks == {}
    assert received == []


def test_guard_refuses_other_schemes(guard_app):
    guard_app.config["OUTBOUND_ALLOWLIST"] = []
    for url in ("ftp://example.com/", "file:///etc/passwd", "gopher://127.0.0.1:25/_x",
                "dict://127.0.0.1:6379/info", "http:///nohost", "javascript:alert(1)"):
        assert _refusal(url) is None, url


@pytest.mark.parametrize("url", EMBEDDED_IPV4)
def test_guard_refuses_ipv6_forms_that_embed_an_internal_ipv4(guard_app, url):
    guard_app.config["OUTBOUND_ALLOWLIST"] = []
    assert _refusal(url, timeout=0.5) is None


def test_dns_answers_are_vetted_all_of_them(guard_app, monkeypatch, sink, received):
    """A resolver trick (no network): names that resolve to internal addresses, including a
    rebinding-style answer that mixes a public and a private address."""
    from app.flow_engine import outbound

    answers = {"intranet.example.com": ["10.1.2.3"], "meta.example.com": ["169.254.169.254"],
               "rebind.example.com": ["93.184.216.34", "127.0.0.1"],
               "v6.example.com": ["fe80::1"], "mapped.example.com": ["::ffff:10.0.0.7"]}
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (a, port)) for a in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(outbound.socket, "getaddrinfo", fake_getaddrinfo)
    guard_app.config["OUTBOUND_ALLOWLIST"] = []
    for host in answers:
        assert _refusal(f"http://{host}:{sink}/a") is None, host
    assert received == []


def test_redirects_to_internal_addresses_are_refused(guard_app, sink, received):
    """The first hop is allow-listed (`localhost`); every redirect target is vetted again."""
    from urllib.parse import quote

    from app.flow_engine.outbound import request

    guard_app.config["OUTBOUND_ALLOWLIST"] = ["localhost"]
    assert request("GET", f"http://localhost:{sink}/control", timeout=2).status == 200
    assert received == ["/control"]  # the positive control: the sink does record requests
    received.clear()
    targets = [f"http://127.0.0.1:{sink}/r", f"http://2130706433:{sink}/r",
               f"http://[::ffff:127.0.0.1]:{sink}/r", f"http://[::1]:{sink}/r",
               f"//127.0.0.1:{sink}/r", "http://169.254.169.254/latest/meta-data/",
               "http://10.0.0.1/", "http://[fd00::1]/", "file:///etc/passwd",
               f"http://localhost:{sink}/redirect?to=" + quote(f"http://127.0.0.1:{sink}/r2", safe="")]
    leaks = {}
    for target in targets:
        for code in (301, 302, 303, 307, 308):
            url = f"http://localhost:{sink}/redirect?code={code}&to={quote(target, safe='')}"
            if (why := _refusal(url)) is not None:
                leaks[(code, target)] = why
    assert leaks == {}
    assert received == []


def test_redirect_loops_are_bounded(guard_app, sink, received):
    from app.flow_engine.outbound import OutboundRefused, request

    guard_app.config["OUTBOUND_ALLOWLIST"] = ["localhost"]
    with pytest.raises(OutboundRefused):
        request("GET", f"http://localhost:{sink}/loop", timeout=2)
    assert received == []
    three_hops = f"http://localhost:{sink}/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/x"
    assert request("GET", three_hops, timeout=2).status == 200
    assert received == ["/x"]


# --- through the real delivery paths ---------------------------------------------------------

REAL_PATH_TARGETS = ["http://127.0.0.1:{port}/hook", "http://2130706433:{port}/hook",
                     "http://[::ffff:127.0.0.1]:{port}/hook", "http://localhost:{port}/hook",
                     "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/hook",
                     "http://[fe80::1]/hook"]


def _app_with_form(api) -> tuple[str, str]:
    app_id = api.post("/api/v1/apps", json={"key": fresh("ssrf"), "name": "SSRF"}).json["id"]
    r = api.post(f"/api/v1/apps/{app_id}/forms", json={
        "key": "lead", "name": "Lead", "fields": [{"key": "name", "type": "text"}]})
    assert r.status_code == 201, r.json
    return app_id, r.json["id"]


def test_webhook_deliveries_to_internal_addresses_fail_without_a_request(app, api, worker, sink,
                                                                        received):
    app.config["OUTBOUND_ALLOWLIST"] = []
    _app_id, form_id = _app_with_form(api)
    hooks = {}
    for target in REAL_PATH_TARGETS:
        url = target.format(port=sink)
        r = api.post("/api/v1/webhooks", json={"url": url, "events": ["record.created"],
                                               "secret": "s3cret-s3cret-s3cret"})
        if r.status_code == 422:
            continue  # refused when saved is as good as refused when sent
        assert r.status_code == 201, (url, r.json)
        hooks[r.json["id"]] = url
    assert api.post(f"/api/v1/forms/{form_id}/records", json={"data": {"name": "x"}}).status_code == 201
    worker()
    assert len(hooks) >= 4, "webhooks could not be saved at all: the test would prove nothing"
    for hook_id, url in hooks.items():
        [delivery] = api.get(f"/api/v1/webhooks/{hook_id}/deliveries").json["items"]
        assert delivery["status"] != "delivered" and delivery["response_status"] is None, (url, delivery)
        assert "non-public" in (delivery["error"] or ""), (url, delivery)
    assert received == []


def test_http_request_node_to_internal_addresses_fails_without_a_request(app, api, worker, sink,
                                                                        received):
    app.config["OUTBOUND_ALLOWLIST"] = []
    app_id, form_id = _app_with_form(api)
    flows = {}
    for target in REAL_PATH_TARGETS:
        url = target.format(port=sink)
        r = api.post(f"/api/v1/apps/{app_id}/flows", json={
            "key": fresh("f"), "name": "Call", "trigger": {"type": "record.created", "form": "lead"},
            "nodes": [{"id": "call", "type": "http_request", "url": url, "method": "POST",
                       "body": "{{record.name}}"}],
            "edges": [{"from": "trigger", "to": "call"}]})
        assert r.status_code == 201, r.json
        assert api.post(f"/api/v1/flows/{r.json['id']}/enable").status_code == 200
        flows[r.json["id"]] = url
    assert api.post(f"/api/v1/forms/{form_id}/records", json={"data": {"name": "x"}}).status_code == 201
    worker()
    for flow_id, url in flows.items():
        [run] = api.get(f"/api/v1/flows/{flow_id}/runs").json["items"]
        [step] = api.get(f"/api/v1/runs/{run['id']}").json["steps"]
        assert step["status"] != "completed", (url, step)
        assert "non-public" in (step.get("error") or ""), (url, step)
    assert received == []


def test_sms_gateway_pointing_inside_is_refused(app, sink, received):
    from app.flow_engine.channels import sms

    app.config["OUTBOUND_ALLOWLIST"] = []
    for url in (f"http://127.0.0.1:{sink}/sms", "http://169.254.169.254/sms"):
        app.config["SMS_GATEWAY_URL"] = url
        with pytest.raises(Exception) as caught:
            sms.send(to="+100", subject=None, body="hi")
        assert "non-public" in str(caught.value), url
    assert received == []
