"""Outbound HTTP for webhooks, the http_request node and the SMS gateway: an SSRF guard that
vets every resolved address (and every redirect) and connects to the vetted address itself, so
a DNS answer cannot change between the check and the connection; HMAC-SHA256 signatures;
webhook subscriptions' delivery log with retries and backoff."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from app import clock
from app.extensions import unit_of_work
from app.ids import new_id
from app.jobs import enqueue, enqueue_after_commit
from app.models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)

MAX_REDIRECTS = 3
MAX_RESPONSE_BYTES = 1_000_000
WEBHOOK_MAX_ATTEMPTS = 6
WEBHOOK_BACKOFF_SECONDS = 10


class OutboundRefused(Exception):
    """The destination is not allowed (private, loopback, link-local, metadata) or malformed."""


@dataclass
class HttpResponse:
    status: int
    headers: dict
    body: str


def _allowlist() -> set[str]:
    return {h.strip().lower() for h in current_app.config.get("OUTBOUND_ALLOWLIST") or [] if h}


def vet_address(host: str, port: int) -> str:
    """Resolve `host` and return an address we may connect to, or raise OutboundRefused."""
    allowed = _allowlist()
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundRefused(f"cannot resolve {host}") from exc
    addresses = [info[4][0] for info in infos]
    if host.lower() in allowed:
        return addresses[0]
    for address in addresses:
        if address in allowed:
            continue
        for ip in _addresses_behind(ipaddress.ip_address(address.split("%")[0])):
            if not ip.is_global or ip.is_multicast:
                raise OutboundRefused(f"{host} resolves to a non-public address ({address})")
    return addresses[0]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _addresses_behind(ip) -> list:
    """The address itself plus every IPv4 address an IPv6 form carries (mapped, compatible,
    NAT64, 6to4, Teredo): Python calls several of those forms global although they reach
    loopback or metadata addresses through a translator."""
    found = [ip]
    if ip.version != 6:
        return found
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in _NAT64 or ip in _NAT64_LOCAL or ip in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def request(method: str, url: str, *, headers: dict | None = None, body: bytes | None = None,
            timeout: float = 10.0) -> HttpResponse:
    """One HTTP exchange through the SSRF guard, following up to MAX_REDIRECTS redirects."""
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OutboundRefused(f"not an http(s) URL: {url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = vet_address(parts.hostname, port)
        cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        conn = cls(parts.hostname, port, address, timeout)
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read(MAX_RESPONSE_BYTES)
            if resp.status in (301, 302, 303, 307, 308) and resp.getheader("Location"):
                url = urljoin(url, resp.getheader("Location"))
                if resp.status == 303:
                    method, body = "GET", None
                continue
            return HttpResponse(resp.status, dict(resp.getheaders()),
                                data.decode("utf-8", errors="replace"))
        finally:
            conn.close()
    raise OutboundRefused("too many redirects")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str | None, body: bytes, extra: dict | None = None) -> dict:
    headers = {"Content-Type": "application/json", "User-Agent": "Formloom-Webhook/1",
               **(extra or {})}
    if secret:
        timestamp = str(int(time.time()))
        headers["X-Formloom-Timestamp"] = timestamp
        headers["X-Formloom-Signature"] = signature(secret, timestamp, body)
    return headers


# --- webhook subscriptions ------------------------------------------------------------------

def queue_deliveries(session: Session, event: str, payload: dict, webhook_ids: list[str]) -> int:
    """One delivery row per matching subscription (`webhook_ids`, from the listeners cache), in
    the transaction that handles the event."""
    body = {k: v for k, v in payload.items() if k != "outbox_id"}
    for webhook_id in webhook_ids:
        delivery = WebhookDelivery(id=new_id(), workspace_id=payload["workspace_id"],
                                   webhook_id=webhook_id, event_id=str(payload.get("outbox_id")),
                                   event=event, payload={"event": event, "data": body})
        session.add(delivery)
        enqueue_after_commit(session, deliver_webhook, delivery.id, queue_name="default")
    return len(webhook_ids)


def deliver_webhook(delivery_id: str) -> str:
    """RQ job: claim the delivery (a lease as long as the timeout), POST it signed, record it."""
    now = clock.now()
    with unit_of_work() as session:
        delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status != "pending" or delivery.next_attempt_at > now:
            return "skipped"
        hook = session.get(Webhook, delivery.webhook_id)
        delivery.attempts += 1
        timeout = current_app.config.get("OUTBOUND_TIMEOUT", 10)
        # The lease outlasts the slowest exchange (a timeout per redirect hop), so the sweeper
        # never sends a delivery again while it may still be in flight.
        lease = max(60, (MAX_REDIRECTS + 2) * timeout)
        delivery.next_attempt_at = now + dt.timedelta(seconds=lease)
        url, secret, payload, attempt = hook.url, hook.secret, delivery.payload, delivery.attempts
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    headers = signed_headers(secret, body, {"X-Formloom-Event": payload["event"],
                                            "X-Formloom-Delivery": delivery_id})
    status, error = None, None
    try:
        status = request("POST", url, headers=headers, body=body, timeout=timeout).status
        if status >= 300:
            error = f"HTTP {status}"
    except (OutboundRefused, OSError, http.client.HTTPException) as exc:
        error = str(exc) or type(exc).__name__
    with unit_of_work() as session:
        delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
        delivery.response_status, delivery.error = status, error
        if error is None:
            delivery.status, delivery.delivered_at = "delivered", clock.now()
        elif attempt >= WEBHOOK_MAX_ATTEMPTS:
            delivery.status = "failed"
        else:
            delivery.next_attempt_at = clock.now() + dt.timedelta(
                seconds=WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1))
        return delivery.status


def deliver_due(batch: int = 500) -> int:
    """Sweeper: enqueue deliveries whose (retry) time has come."""
    with unit_of_work() as session:
        ids = list(session.scalars(sa.select(WebhookDelivery.id).where(
            WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= clock.now())
            .limit(batch)))
    for delivery_id in ids:
        enqueue(deliver_webhook, delivery_id, queue_name="default")
    return len(ids)
