"""Signed, expiring values that travel through strangers' hands (public link prefills, upload
references): HMAC with SECRET_KEY, one salt per purpose and scope, ages read from the app clock."""
from __future__ import annotations

import datetime as dt

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app import clock


class _ClockSigner(TimestampSigner):
    # The engines' one clock, so an expiry can be tested by moving time instead of sleeping.
    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class InvalidSigned(Exception):
    """The value was altered, signed for another purpose or scope, or is too old (`expired`)."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt, signer=_ClockSigner)


def sign(secret: str, salt: str, payload) -> str:
    """A URL-safe text carrying `payload` (JSON) that only this secret and salt can verify."""
    return _serializer(secret, salt).dumps(payload)


def unsign(secret: str, salt: str, text: str, max_age: dt.timedelta):
    """The payload of `text`, or InvalidSigned."""
    try:
        return _serializer(secret, salt).loads(text, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise InvalidSigned(expired=True) from None
    except (BadSignature, UnicodeError, ValueError, TypeError):
        raise InvalidSigned() from None
