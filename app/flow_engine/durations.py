"""Durations of the flow format (`30m`, `2h`, `7d`, `2w`, optionally negative) as timedeltas."""
from __future__ import annotations

import datetime as dt
import re

PATTERN = r"^-?\d{1,6}(s|m|h|d|w)$"
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_RE = re.compile(PATTERN)


def parse_duration(text: str) -> dt.timedelta:
    if not isinstance(text, str) or not _RE.match(text):
        raise ValueError(f"not a duration: {text!r}")
    return dt.timedelta(**{_UNITS[text[-1]]: int(text[:-1])})
