"""Rate limits (login, public forms) on the `limits` library, shared through Redis."""
from __future__ import annotations

import logging

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.errors import LimitExceeded
from app.i18n import _

log = logging.getLogger(__name__)
_limiters: dict[str, MovingWindowRateLimiter] = {}


def _storage_uri(redis_url: str) -> str:
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


def _limiter() -> MovingWindowRateLimiter:
    uri = _storage_uri(current_app.config["REDIS_URL"])
    limiter = _limiters.get(uri)
    if limiter is None:
        limiter = MovingWindowRateLimiter(storage_from_string(uri))
        _limiters[uri] = limiter
    return limiter


def client_ip() -> str:
    # Behind a proxy, configure it to set X-Forwarded-For and wrap the app with ProxyFix.
    return request.remote_addr or "unknown"


def hit(rule: str, *identifiers: str) -> None:
    """Count one hit; raise LimitExceeded (429 with Retry-After) when over `rule`."""
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return
    item = parse(rule)
    limiter = _limiter()
    try:
        allowed = limiter.hit(item, *identifiers)
        if not allowed:
            reset_at, _remaining = limiter.get_window_stats(item, *identifiers)
            import time

            retry = max(1, int(reset_at - time.time()))
            raise LimitExceeded(_("Too many attempts, retry in {seconds} s",
                                  "尝试次数过多，请 {seconds} 秒后重试", seconds=retry),
                                retry_after=retry)
    except LimitExceeded:
        raise
    except Exception:  # the limiter must not take the login down with Redis
        log.warning("rate limiter unavailable", exc_info=True)


def limit_login(email: str) -> None:
    rule = current_app.config["LOGIN_RATE_LIMIT"]
    hit(rule, "login-ip", client_ip())
    hit(rule, "login-email", email.strip().lower())
