"""The one clock every engine reads, so tests can move time instead of sleeping."""
from __future__ import annotations

import datetime as dt
import threading

_lock = threading.Lock()
_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Current time, timezone-aware UTC, shifted by whatever a test set."""
    with _lock:
        if _frozen is not None:
            return _frozen
        return dt.datetime.now(dt.timezone.utc) + _offset


def advance(delta: dt.timedelta) -> None:
    """Move the clock forward (tests, `formloom` demo tooling)."""
    global _offset, _frozen
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + delta
        else:
            _offset = _offset + delta


def freeze(at: dt.datetime | None) -> None:
    """Pin the clock at `at` (None releases it)."""
    global _frozen
    with _lock:
        _frozen = at if at is None or at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def reset() -> None:
    global _offset, _frozen
    with _lock:
        _offset = dt.timedelta(0)
        _frozen = None
