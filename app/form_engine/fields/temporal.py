"""Date fields: date (a calendar day in the workspace zone) and datetime (stored UTC, ISO 8601)."""
from __future__ import annotations

import datetime as dt
import re

from app.form_engine.fields import FieldType, add_error, field_type
from app.i18n import _

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_JSON_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"
UTC = dt.timezone.utc
_DATE_SEPARATORS = re.compile(r"[/.年月]")  # 2025/3/1, 2025.3.1, 2025年3月1日


def parse_date(value: str) -> dt.date | None:
    if not DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str) -> dt.datetime | None:
    """An ISO 8601 date-time that names its offset; None otherwise."""
    try:
        moment = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def format_utc(moment: dt.datetime) -> str:
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


@field_type("date")
class Date(FieldType):
    options = {"min": {"type": "string", "format": "date"}, "max": {"type": "string", "format": "date"}}
    rule_type = "date"

    def value_schema(self, field):
        return {"type": ["string", "null"], "pattern": DATE_RE.pattern, "format": "date"}

    def checker(self, field):
        low, high = field.get("min"), field.get("max")

        def check(value, path, errors):
            if not isinstance(value, str) or parse_date(value) is None:
                add_error(errors, path, _("Must be a date (YYYY-MM-DD)", "必须是日期（YYYY-MM-DD）"))
                return value
            if low and value < low:
                add_error(errors, path, _("Must be on or after {d}", "不能早于 {d}", d=low))
            if high and value > high:
                add_error(errors, path, _("Must be on or before {d}", "不能晚于 {d}", d=high))
            return value
        return check

    def from_text(self, text, field):
        text = _DATE_SEPARATORS.sub("-", text.strip()).rstrip("日号")
        if not text:
            return None
        if " " in text or "T" in text:
            text = re.split(r"[ T]", text)[0]
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day).isoformat()


@field_type("datetime")
class DateTime(FieldType):
    options = {"min": {"type": "string", "format": "date-time"},
               "max": {"type": "string", "format": "date-time"}}
    rule_type = "datetime"

    def value_schema(self, field):
        return {"type": ["string", "null"], "pattern": DATETIME_JSON_PATTERN, "format": "date-time"}

    def checker(self, field):
        low = parse_datetime(field["min"]) if field.get("min") else None
        high = parse_datetime(field["max"]) if field.get("max") else None

        def check(value, path, errors):
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment is None:
                add_error(errors, path, _("Must be a date-time with a time zone offset (ISO 8601)",
                                          "必须是带时区偏移的日期时间（ISO 8601）"))
                return value
            if low and moment < low:
                add_error(errors, path, _("Must be at or after {d}", "不能早于 {d}", d=field["min"]))
            if high and moment > high:
                add_error(errors, path, _("Must be at or before {d}", "不能晚于 {d}", d=field["max"]))
            # Stored in UTC with a Z so that text order is time order (indexes, range filters).
            return format_utc(moment)
        return check

    def from_text(self, text, field):
        text = text.strip()
        if not text:
            return None
        moment = parse_datetime(text.replace(" ", "T", 1))
        if moment is None:
            raise ValueError(text)
        return format_utc(moment)
