"""Plain JSON values from database rows, identical across dialects (Decimal and float noise,
0/1 booleans, the "other" group's label)."""
from __future__ import annotations

import datetime as dt
import decimal

from app.report_engine.compile import OTHER, OTHER_LABEL

DIGITS = 6


def plain(value, ctype: str | None = None, lang: str = "en"):
    if value is None:
        return None
    if ctype == "boolean":
        return bool(value)
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if isinstance(value, float):
        value = round(value, DIGITS)
        return int(value) if value.is_integer() and ctype == "integer" else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value == OTHER:
        return OTHER_LABEL.render(lang)
    return value


def plain_row(row, types: list[str | None], lang: str = "en") -> list:
    return [plain(v, t, lang) for v, t in zip(row, types)]
