"""Response headers: a strict Content-Security-Policy (no inline or eval'd script, no plug-ins,
no framing) and nosniff on every page and API answer, whatever its status; built pages carry no
inline script the policy would have to allow; uploaded HTML/SVG/script files are only ever sent
as attachments of an inert type; session cookies are HttpOnly and SameSite; cookie-authenticated
writes need the CSRF header."""
from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.api.routing import REGISTRY
from tests.conftest import fresh

DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
PLACEHOLDER = "01aaaaaaaaaaaaaaaaaaaaaaaa"
RUNNABLE_TYPES = ("text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
                  "application/xml", "text/javascript", "application/javascript",
                  "application/x-shockwave-flash", "multipart/x-mixed-replace")


def _directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = [w.lower() for w in words[1:]]
    return out


def assert_strict(response, where: str) -> None:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"{where}: no Content-Security-Policy"
    d = _directives(policy)
    scripts = d.get("script-src", d.get("default-src"))
    assert scripts is not None, f"{where}: neither script-src nor default-src"
    for loose in ("'unsafe-inline'", "'unsafe-eval'", "data:", "*", "http:", "https:", "blob:",
                  "'unsafe-hashes'", "'wasm-unsafe-eval'"):
        assert loose not in scripts, f"{where}: script-src allows {loose}"
    assert d.get("default-src") in (["'self'"], ["'none'"]), f"{where}: default-src {d.get('default-src')}"
    assert d.get("object-src") == ["'none'"], f"{where}: object-src"
    assert d.get("base-uri") in (["'self'"], ["'none'"]), f"{where}: base-uri"
    assert d.get("frame-ancestors") in (["'none'"], ["'self'"]), f"{where}: frame-ancestors"
    assert "form-action" in d, f"{where}: form-action"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", f"{where}: nosniff"
    assert response.headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN"), where


def _url(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?[a-zA-Z_]+>", PLACEHOLDER, rule)


def _page_paths() -> list[str]:
    paths = ["/", "/login", "/signup", "/templates", "/inbox", "/settings", "/settings/members",
             f"/apps/{PLACEHOLDER}", f"/apps/{PLACEHOLDER}/forms/{PLACEHOLDER}/design",
             f"/apps/{PLACEHOLDER}/forms/{PLACEHOLDER}/data",
             f"/apps/{PLACEHOLDER}/forms/{PLACEHOLDER}/records/new",
             f"/apps/{PLACEHOLDER}/flows/{PLACEHOLDER}", f"/apps/{PLACEHOLDER}/dashboards/x",
             "/f/not-a-token", "/q/not-a-token", "/no/such/page", "/healthz", "/favicon.svg",
             "/index.html", "/public.html", "/%3Cscript%3Ealert(1)%3C/script%3E",
             "/assets/missing.js"]
    assets = sorted(p.name for p in (DIST / "assets").glob("*")) if (DIST / "assets").exists() else []
    paths += [f"/assets/{name}" for name in assets[:20]]
    return paths


def test_every_page_has_a_strict_policy(api):
    anonymous_and_signed_in = [api.c.application.test_client(), api]
    for client in anonymous_and_signed_in:
        for path in _page_paths():
            r = client.get(path)
            assert_strict(r, f"GET {path} -> {r.status_code}")


def test_every_api_route_answer_has_a_strict_policy_and_no_store(api, make_client):
    anonymous = make_client(signup=False)
    for doc in REGISTRY:
        for client in (anonymous, api):
            r = client.request(doc.method, _url(doc.rule), json={})
            where = f"{doc.method} {doc.rule} -> {r.status_code}"
            assert_strict(r, where)
            assert "no-store" in r.headers.get("Cache-Control", ""), where
            assert r.status_code < 500, where
    for extra in ("/api/v1/openapi.json", "/api/v1/nope", "/healthz"):
        r = api.get(extra)
        assert_strict(r, extra)


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_inline = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.handlers += [f"{tag}[{k}]" for k in names if k.lower().startswith("on")]
        if tag == "script" and not names.get("src"):
            self._in_inline = True
        if tag == "a" and (names.get("href") or "").strip().lower().startswith("javascript:"):
            self.handlers.append("a[href=javascript:]")

    def handle_data(self, data):
        if self._in_inline and data.strip():
            self.inline.append(data.strip()[:80])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline = False


@pytest.mark.parametrize("page", ["index.html", "public.html"])
def test_built_pages_need_no_inline_script(page):
    if not (DIST / page).exists():
        pytest.skip("the front end is not built")
    parser = _Scripts()
    parser.feed((DIST / page).read_text())
    assert parser.inline == [] and parser.handlers == []


HOSTILE_FILES = [
    ("page.html", b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"),
    ("img.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'),
    ("x.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'),
    ("app.js", b"alert(document.domain)"),
    ("data.xml", b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>'),
    ("photo.png", b"<script>alert('not a png')</script>"),
    ("poly.gif", b"GIF89a/*<svg onload=alert(1)>*/=alert(1)//<script>alert(1)</script>"),
    ("evil.swf", b"CWS\x09" + b"\x00" * 64),
    ('a"\r\nSet-Cookie: pwned=1\r\nX: .html', b"<script>alert(1)</script>"),
    ("..\\..\\etc\\passwd.html", b"<script>alert(1)</script>"),
]


def _upload(api, name: str, data: bytes, content_type: str = "text/html"):
    return api.post("/api/v1/files", data={"file": (io.BytesIO(data), name, content_type)},
                    content_type="multipart/form-data")


def test_uploaded_active_content_is_served_as_inert_attachments(api):
    for name, data in HOSTILE_FILES:
        r = _upload(api, name, data)
        assert r.status_code == 201, (name, r.json)
        meta = r.json
        assert meta["content_type"].split(";")[0] not in RUNNABLE_TYPES, (name, meta)
        assert "/" not in meta["name"] and "\\" not in meta["name"] and "\r" not in meta["name"]
        download = api.get(f"/api/v1/files/{meta['id']}")
        assert download.status_code == 200, name
        assert download.data == data
        disposition = download.headers["Content-Disposition"]
        assert disposition.startswith("attachment;"), (name, disposition)
        assert "\r" not in disposition and "\n" not in disposition
        assert "pwned" not in str(download.headers.get_all("Set-Cookie"))
        served_type = download.headers["Content-Type"].split(";")[0].strip().lower()
        assert served_type not in RUNNABLE_TYPES, (name, served_type)
        assert_strict(download, f"download {name}")
        thumb = api.get(f"/api/v1/files/{meta['id']}/thumbnail")
        if thumb.status_code == 200:  # only real images have one, and it is an image
            assert thumb.headers["Content-Type"] in ("image/png", "image/jpeg"), name
            assert_strict(thumb, f"thumbnail {name}")
        else:
            assert thumb.status_code == 404, (name, thumb.status_code)
        download.close()
        thumb.close()


def test_file_fields_with_html_accept_still_serve_attachments(api):
    """A designer who allows .html/.svg uploads on a field cannot make them render inline."""
    app_id = api.post("/api/v1/apps", json={"key": fresh("up"), "name": "Up"}).json["id"]
    form = api.post(f"/api/v1/apps/{app_id}/forms", json={"key": "doc", "name": "Doc", "fields": [
        {"key": "att", "type": "file", "accept": [".html", ".svg", "text/html", "image/svg+xml"]}]})
    assert form.status_code == 201, form.json
    for name, data in HOSTILE_FILES[:2]:
        r = api.post("/api/v1/files", data={"file": (io.BytesIO(data), name, "text/html"),
                                            "form_id": form.json["id"], "field": "att"},
                     content_type="multipart/form-data")
        if r.status_code == 422:
            continue  # the sniffed type (text) is not what the field accepts: refused, fine
        assert r.status_code == 201, r.json
        download = api.get(f"/api/v1/files/{r.json['id']}")
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["Content-Type"].split(";")[0] not in RUNNABLE_TYPES
        download.close()


def test_session_cookies_are_httponly_and_samesite(make_client):
    client = make_client(signup=False)
    r = client.post("/api/v1/auth/signup", json={"email": f"{fresh('c')}@example.com",
                                                 "password": "correct-horse-1", "name": "C",
                                                 "workspace": fresh("ws")})
    assert r.status_code == 201
    cookies = r.headers.get_all("Set-Cookie")
    session_cookies = [c for c in cookies if not c.startswith("formloom_csrf=")]
    assert session_cookies, cookies
    for cookie in session_cookies:
        lowered = cookie.lower()
        assert "httponly" in lowered and ("samesite=lax" in lowered or "samesite=strict" in lowered), cookie


def test_cookie_writes_need_the_csrf_header(api):
    assert api.token is None and api.csrf
    r = api.request("POST", "/api/v1/apps", json={"key": fresh("c"), "name": "C"},
                    headers={"X-CSRF-Token": ""})
    assert r.status_code == 403, r.json
    r = api.request("POST", "/api/v1/apps", json={"key": fresh("c"), "name": "C"},
                    headers={"X-CSRF-Token": "forged-" + api.csrf})
    assert r.status_code == 403, r.json
    assert api.post("/api/v1/apps", json={"key": fresh("c"), "name": "C"}).status_code == 201
