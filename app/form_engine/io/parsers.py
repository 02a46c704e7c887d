"""Spreadsheet cell -> stored value, per field type, with the habits of real spreadsheets:
Chinese and ISO dates, Excel serial dates, thousands separators and currency signs, select by
label, relations by title or unique key, users by email. Types without a rule here use the
field registry's own `from_text`."""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import Any, Callable
from zoneinfo import ZoneInfo

from app.form_engine import fields as registry
from app.i18n import LazyText, _

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
LIST_SPLIT = re.compile(r"\s*[;,，；、|]\s*")
UTC = dt.timezone.utc


class CellError(ValueError):
    """A cell that cannot be read as its field's type; carries a bilingual message."""

    def __init__(self, message: LazyText):
        super().__init__(str(message))
        self.message = message


def cell_text(value: Any) -> str:
    """A cell as text: integral floats from Excel (phone numbers!) lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _norm(text: str) -> str:
    """Full-width digits, letters and signs (１２３，￥) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()


# ---- dates -------------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_TIME_RE = re.compile(r"^(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?$")


def _excel_serial(text: str) -> dt.datetime | None:
    try:
        serial = float(text)
    except ValueError:
        return None
    if not 1 <= serial < 2958466:  # Excel's own range: 1900-01-01 .. 9999-12-31
        return None
    return EXCEL_EPOCH + dt.timedelta(days=serial)


def _split_date_time(text: str) -> tuple[str, str]:
    text = _norm(text).replace("T", " ")
    match = re.match(r"^(.*?日|\S+)\s*(.*)$", text)
    return (match.group(1), match.group(2).strip()) if match else (text, "")


def parse_date_part(text: str) -> dt.date:
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(p) for p in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                break
    raise CellError(_("Not a date: {text} (use 2025-03-01, 2025/3/1 or 2025年3月1日)",
                      "不是日期：{text}（可用 2025-03-01、2025/3/1 或 2025年3月1日）", text=text))


def parse_date(value: Any, field: dict, ctx: "ParseContext") -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = cell_text(value)
    if not text:
        return None
    serial = _excel_serial(text) if re.fullmatch(r"\d{1,7}(\.\d+)?", text) and len(text) != 8 \
        else None
    if serial is not None:
        return serial.date().isoformat()
    date_text, _time = _split_date_time(text)
    return parse_date_part(date_text).isoformat()


def parse_datetime(value: Any, field: dict, ctx: "ParseContext") -> str | None:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        text = cell_text(value)
        if not text:
            return None
        moment = None
        if re.fullmatch(r"\d{1,7}(\.\d+)?", text) and len(text) != 8:
            moment = _excel_serial(text)
        if moment is None:
            try:
                moment = dt.datetime.fromisoformat(_norm(text).replace("Z", "+00:00"))
            except ValueError:
                date_text, time_text = _split_date_time(text)
                day = parse_date_part(date_text)
                hour = minute = second = 0
                if time_text:
                    match = _TIME_RE.match(time_text)
                    if not match:
                        raise CellError(_("Not a time: {text}", "不是时间：{text}", text=text))
                    hour, minute = int(match.group(1)), int(match.group(2))
                    second = int(match.group(3) or 0)
                try:
                    moment = dt.datetime(day.year, day.month, day.day, hour, minute, second)
                except ValueError:
                    raise CellError(_("Not a time: {text}", "不是时间：{text}", text=text))
    if moment.tzinfo is None:  # a wall-clock time in the workspace's zone
        moment = moment.replace(tzinfo=ctx.tz)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- numbers and choices -----------------------------------------------------------------

_CURRENCY = re.compile(r"^[¥$€£]|元$|RMB|CNY", re.IGNORECASE)


# Most number cells are plain: digits, maybe thousands separators and a decimal part. They skip
# the normalisation below, which costs more than the rest of a row's parsing.
_PLAIN_NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def parse_number(value: Any, field: dict, ctx: "ParseContext") -> float | int | None:
    if isinstance(value, bool):
        raise CellError(_("Not a number", "不是数字"))
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        number = float(value.replace(",", ""))
    else:
        text = _norm(cell_text(value))
        if not text:
            return None
        raw = text
        negative = text.startswith("(") and text.endswith(")")
        text = _CURRENCY.sub("", text.strip("()")).replace(",", "").replace(" ", "").strip()
        scale = 1
        if text.endswith("%"):
            text, scale = text[:-1], 100
        try:
            number = float(text) / scale
        except ValueError:
            raise CellError(_("Not a number: {text}", "不是数字：{text}", text=raw))
        if negative:
            number = -number
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def parse_rating(value: Any, field: dict, ctx: "ParseContext") -> int | None:
    text = cell_text(value)
    if text and set(text) <= {"★", "☆"}:
        return text.count("★")
    number = parse_number(value, field, ctx)
    if number is None:
        return None
    if number != int(number):
        raise CellError(_("Not a whole number: {text}", "不是整数：{text}", text=text))
    return int(number)


def _match_option(text: str, field: dict) -> str:
    options = field.get("options", [])
    if text in options:
        return text
    wanted = _norm(text).casefold()
    for option in options:
        if _norm(option).casefold() == wanted:
            return option
    if field.get("allow_other"):
        return text
    shown = "、".join(options[:10])
    raise CellError(_("{text} is not one of the options ({options})",
                      "{text} 不是可选项（{options}）", text=text, options=shown))


def parse_select(value: Any, field: dict, ctx: "ParseContext") -> str | None:
    text = cell_text(value)
    return _match_option(text, field) if text else None


def parse_multiselect(value: Any, field: dict, ctx: "ParseContext") -> list[str] | None:
    text = cell_text(value)
    if not text:
        return None
    return [_match_option(p, field) for p in LIST_SPLIT.split(text) if p]


def parse_text(value: Any, field: dict, ctx: "ParseContext") -> str | None:
    return cell_text(value) or None


def parse_phone(value: Any, field: dict, ctx: "ParseContext") -> str | None:
    text = _norm(cell_text(value))
    text = re.sub(r"[\s\-()]", "", text)
    return text or None


def parse_json_or_text(value: Any, field: dict, ctx: "ParseContext"):
    text = cell_text(value)
    if not text:
        return None
    if text[0] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            raise CellError(_("Not valid JSON", "不是有效的 JSON"))
    return _registry_parse(text, field)


def _registry_parse(text: str, field: dict):
    try:
        return registry.get(field["type"]).from_text(text, field)
    except CellError:
        raise
    except (ValueError, TypeError, KeyError, IndexError):
        raise CellError(_("Cannot read {text}", "无法识别：{text}", text=text))


def parse_default(value: Any, field: dict, ctx: "ParseContext"):
    text = cell_text(value)
    return _registry_parse(text, field) if text else None


# ---- references: users, departments, relations -------------------------------------------

def _references(value: Any, field: dict, lookup: Callable[[str], str | None], what: LazyText,
                multiple: bool):
    text = cell_text(value)
    if not text:
        return None
    parts = [p for p in LIST_SPLIT.split(_norm(text)) if p] if multiple else [_norm(text)]
    ids = []
    for part in parts:
        found = lookup(part)
        if found is None:
            raise CellError(_("No {what} matches {text}", "找不到匹配 {text} 的{what}",
                              what=what, text=part))
        ids.append(found)
    return ids if multiple else ids[0]


def parse_user(value, field, ctx):
    return _references(value, field, ctx.user_id, _("user", "用户"), field["type"] == "users")


def parse_department(value, field, ctx):
    return _references(value, field, ctx.department_id, _("department", "部门"), False)


def parse_relation(value, field, ctx):
    resolver = ctx.relation(field)
    return _references(value, field, resolver.lookup, _("record", "记录"),
                       bool(field.get("multiple")))


PARSERS: dict[str, Callable] = {
    "text": parse_text, "textarea": parse_text, "richtext": parse_text,
    "email": parse_default, "url": parse_text, "phone": parse_phone,
    "number": parse_number, "rating": parse_rating,
    "date": parse_date, "datetime": parse_datetime,
    "select": parse_select, "multiselect": parse_multiselect,
    "user": parse_user, "users": parse_user, "department": parse_department,
    "relation": parse_relation,
    "subform": parse_json_or_text, "address": parse_json_or_text,
    "location": parse_json_or_text, "file": parse_json_or_text, "image": parse_json_or_text,
    "signature": parse_json_or_text,
}


def parser_for(field: dict) -> Callable[[Any, dict, "ParseContext"], Any]:
    return PARSERS.get(field["type"], parse_default)


def parse_cell(value: Any, field: dict, ctx: "ParseContext"):
    return parser_for(field)(value, field, ctx)


class ParseContext:
    """What parsing needs beyond the cell: the workspace zone and name -> id look-ups."""

    def __init__(self, tz: str = "Asia/Shanghai", users: dict[str, str] | None = None,
                 departments: dict[str, str] | None = None, relations=None):
        self.tz = ZoneInfo(tz)
        self._users = users or {}
        self._departments = departments or {}
        self._relations = relations or {}

    def user_id(self, text: str) -> str | None:
        return self._users.get(text.casefold())

    def department_id(self, text: str) -> str | None:
        return self._departments.get(text.casefold())

    def relation(self, field: dict):
        return self._relations[field["key"]]
