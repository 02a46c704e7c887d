"""Identifiers: time-ordered, URL-safe strings (ULID layout) so cursors can page by id."""
from __future__ import annotations

import base64
import os
import threading
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_lock = threading.Lock()
_last_ms = 0
_last_rand = 0


def new_id() -> str:
    """26 characters: 48-bit millisecond time + 80 bits that increase within one millisecond."""
    global _last_ms, _last_rand
    with _lock:
        ms = int(time.time() * 1000)
        if ms <= _last_ms:
            ms = _last_ms
            _last_rand += 1
        else:
            _last_rand = int.from_bytes(os.urandom(10), "big") >> 1
        _last_ms = ms
        value = (ms << 80) | (_last_rand & ((1 << 80) - 1))
    return encode(value)


# Crockford's base32 through the C base32 encoder: 130 bits (the 128-bit value with two leading
# zero bits) are the last 26 of the 32 characters that 160 bits encode to.
_FROM_RFC4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _ALPHABET)


def encode(value: int) -> str:
    return base64.b32encode(value.to_bytes(20, "big"))[6:].decode("ascii").translate(_FROM_RFC4648)
