"""Date functions: dates are dates (not text); date-times are read in the workspace time zone."""
from __future__ import annotations

import calendar
import datetime as dt
import math

from app.rule_engine.functions import rule_function
from app.rule_engine.values import (
    NUM, UTC, VALUE, ErrorValue, current_env, is_blank, local_midnight, to_day, to_text,
)

_DATE_MIN, _DATE_MAX = dt.date(1900, 1, 1), dt.date(9999, 12, 31)


def _checked(d):
    if type(d) is dt.date and not (_DATE_MIN <= d <= _DATE_MAX) and d != dt.date(1899, 12, 30):
        return NUM
    return d


def add_months(d: dt.date, months: int):
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        return NUM
    last = calendar.monthrange(year, month + 1)[1]
    return d.replace(year=year, month=month + 1, day=min(d.day, last))


@rule_function(contextual=True, result="date", min_variadic=0)
def TODAY(ev):
    """TODAY() -> date

    en: Today's date in the workspace time zone.
    zh: 工作区时区的今天日期。

    Example: TODAY() - TODAY() => 0
    示例: YEAR(TODAY()) >= 2024 => true
    """
    return ev.today()


@rule_function(contextual=True, result="datetime")
def NOW(ev):
    """NOW() -> datetime

    en: The current date and time (stored in UTC, shown in the workspace time zone).
    zh: 当前日期和时间（以 UTC 存储，按工作区时区显示）。

    Example: NOW() >= TODAY() => true
    示例: HOUR(NOW()) < 24 => true
    """
    return ev.now()


@rule_function("number", "number", "number", result="date")
def DATE(year, month, day):
    """DATE(year, month, day) -> date

    en: A date from its parts; months and days beyond their range roll over (DATE(2024, 13, 1) is 2025-01-01, day 0 is the last day of the previous month).
    zh: 由年、月、日组成日期；超出范围的月、日会顺延（DATE(2024, 13, 1) 为 2025-01-01，第 0 日为上月最后一天）。

    Example: DATE(2024, 2, 30) => "2024-03-01"
    示例: DATE(2024, 3, 0) => "2024-02-29"
    """
    year, month, day = int(year), int(month), int(day)
    if 0 <= year < 1900:
        year += 1900
    if not 1900 <= year <= 9999:
        return NUM
    first = add_months(dt.date(year, 1, 1), month - 1)
    if type(first) is ErrorValue:
        return first
    try:
        return _checked(first + dt.timedelta(days=day - 1))
    except OverflowError:
        return NUM


def _blank_part(value, part: int):
    """Excel reads a blank date as serial 0, shown as 1900-01-00."""
    return {0: 1900, 1: 1, 2: 0}[part] if is_blank(value) else None


@rule_function("any", result="number")
def YEAR(value):
    """YEAR(date) -> number

    en: The year of a date (date-times in the workspace time zone).
    zh: 日期的年份（日期时间按工作区时区）。

    Example: YEAR(DATE(2024, 5, 1)) => 2024
    示例: YEAR("2023-12-31") => 2023
    """
    blank = _blank_part(value, 0)
    if blank is not None:
        return blank
    d = to_day(value)
    return d if type(d) is ErrorValue else d.year


@rule_function("any", result="number")
def MONTH(value):
    """MONTH(date) -> number

    en: The month of a date, 1 to 12.
    zh: 日期的月份，1 到 12。

    Example: MONTH(DATE(2024, 5, 1)) => 5
    示例: MONTH("2023-12-31") => 12
    """
    blank = _blank_part(value, 1)
    if blank is not None:
        return blank
    d = to_day(value)
    return d if type(d) is ErrorValue else d.month


@rule_function("any", result="number")
def DAY(value):
    """DAY(date) -> number

    en: The day of the month, 1 to 31.
    zh: 日期在当月的第几天，1 到 31。

    Example: DAY(DATE(2024, 5, 17)) => 17
    示例: DAY("2024-02-29") => 29
    """
    blank = _blank_part(value, 2)
    if blank is not None:
        return blank
    d = to_day(value)
    return d if type(d) is ErrorValue else d.day


def _local(value):
    if type(value) is dt.datetime:
        return value.astimezone(current_env().zone)
    return None


@rule_function("date", result="number")
def HOUR(value):
    """HOUR(datetime) -> number

    en: The hour, 0 to 23, in the workspace time zone (0 for a plain date).
    zh: 小时数 0 到 23（按工作区时区；纯日期为 0）。

    Example: HOUR("2024-05-01T09:30:00Z") => 9
    示例: HOUR(DATE(2024, 5, 1)) => 0
    """
    local = _local(value)
    return local.hour if local else 0


@rule_function("date", result="number")
def MINUTE(value):
    """MINUTE(datetime) -> number

    en: The minute, 0 to 59 (0 for a plain date).
    zh: 分钟数 0 到 59（纯日期为 0）。

    Example: MINUTE("2024-05-01T09:30:00Z") => 30
    示例: MINUTE(DATE(2024, 5, 1)) => 0
    """
    local = _local(value)
    return local.minute if local else 0


@rule_function("day", "number?", result="number")
def WEEKDAY(value, return_type=1):
    """WEEKDAY(date, [type]) -> number

    en: Day of the week: type 1 (default) Sunday=1..Saturday=7, type 2 Monday=1..Sunday=7, type 3 Monday=0..Sunday=6.
    zh: 星期几：类型 1（默认）周日=1…周六=7；类型 2 周一=1…周日=7；类型 3 周一=0…周日=6。

    Example: WEEKDAY(DATE(2024, 6, 2)) => 1
    示例: WEEKDAY(DATE(2024, 6, 3), 2) => 1
    """
    wd = value.weekday()
    return_type = int(return_type)
    if return_type == 1:
        return (wd + 1) % 7 + 1
    if return_type == 2:
        return wd + 1
    if return_type == 3:
        return wd
    return NUM


@rule_function("day", "number?", result="number")
def WEEKNUM(value, return_type=1):
    """WEEKNUM(date, [type]) -> number

    en: Week of the year; the week containing January 1 is week 1. Type 1 (default) weeks start on Sunday, type 2 on Monday, type 21 is the ISO week.
    zh: 一年中的第几周，1 月 1 日所在周为第 1 周。类型 1（默认）周日为一周开始，类型 2 周一开始，类型 21 为 ISO 周。

    Example: WEEKNUM(DATE(2024, 1, 7)) => 2
    示例: WEEKNUM(DATE(2024, 1, 7), 2) => 1
    """
    return_type = int(return_type)
    if return_type == 21:
        return value.isocalendar()[1]
    if return_type not in (1, 2, 11):
        return NUM
    jan1 = dt.date(value.year, 1, 1)
    offset = (jan1.weekday() + 1) % 7 if return_type == 1 else jan1.weekday()
    return (value.timetuple().tm_yday - 1 + offset) // 7 + 1


@rule_function("day", result="number")
def ISOWEEKNUM(value):
    """ISOWEEKNUM(date) -> number

    en: ISO 8601 week number (weeks start on Monday; week 1 contains the year's first Thursday).
    zh: ISO 8601 周数（周一为一周开始，包含当年第一个周四的周为第 1 周）。

    Example: ISOWEEKNUM(DATE(2021, 1, 1)) => 53
    示例: ISOWEEKNUM(DATE(2024, 12, 30)) => 1
    """
    return value.isocalendar()[1]


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


@rule_function("day", "day", "text", result="number")
def DATEDIF(start, end, unit):
    """DATEDIF(start_date, end_date, unit) -> number

    en: Whole units between two dates: "Y" years, "M" months, "D" days, "MD" days ignoring months and years, "YM" months ignoring years, "YD" days ignoring years. #NUM! when start is after end.
    zh: 两个日期之间的完整单位数："Y" 年、"M" 月、"D" 天、"MD" 忽略年月的天数、"YM" 忽略年的月数、"YD" 忽略年的天数。开始日期晚于结束日期时返回 #NUM!。

    Example: DATEDIF(DATE(2020, 2, 29), DATE(2024, 2, 28), "Y") => 3
    示例: DATEDIF("2024-01-15", "2024-03-10", "M") => 1
    """
    if start > end:
        return NUM
    unit = unit.strip().upper()
    if unit == "D":
        return (end - start).days
    months = _months_between(start, end)
    if unit == "M":
        return months
    if unit == "Y":
        return months // 12
    if unit == "YM":
        return months % 12
    if unit == "MD":
        if end.day >= start.day:
            return end.day - start.day
        prev_year, prev_month = (end.year, end.month - 1) if end.month > 1 else (end.year - 1, 12)
        return end.day - start.day + calendar.monthrange(prev_year, prev_month)[1]
    if unit == "YD":
        shifted = _same_day_in_year(start, end.year)
        if shifted > end:
            shifted = _same_day_in_year(start, end.year - 1)
        return (end - shifted).days
    return NUM


def _same_day_in_year(d: dt.date, year: int) -> dt.date:
    last = calendar.monthrange(year, d.month)[1]
    return dt.date(year, d.month, min(d.day, last))


@rule_function("day", "day", result="number")
def DAYS(end, start):
    """DAYS(end_date, start_date) -> number

    en: Number of days from start_date to end_date (negative when end is earlier). Date-times count by their calendar date.
    zh: 从开始日期到结束日期的天数（结束较早时为负）。日期时间按其日历日期计算。

    Example: DAYS(DATE(2024, 3, 1), DATE(2024, 2, 1)) => 29
    示例: DAYS("2023-03-01", "2023-02-01") => 28
    """
    return (end - start).days


@rule_function("day", "number", result="date")
def EDATE(start, months):
    """EDATE(start_date, months) -> date

    en: The same day `months` months later (earlier when negative), clamped to the month's last day.
    zh: 若干个月之后（负数为之前）的同一天，超出当月天数时取月末。

    Example: EDATE(DATE(2024, 1, 31), 1) => "2024-02-29"
    示例: EDATE("2024-03-31", -1) => "2024-02-29"
    """
    return _checked(add_months(start, int(months)))


@rule_function("day", "number", result="date")
def EOMONTH(start, months):
    """EOMONTH(start_date, months) -> date

    en: The last day of the month `months` months after start_date.
    zh: start_date 之后若干个月所在月份的最后一天。

    Example: EOMONTH(DATE(2023, 1, 15), 1) => "2023-02-28"
    示例: EOMONTH("2024-02-10", 0) => "2024-02-29"
    """
    moved = add_months(start.replace(day=1), int(months))
    if type(moved) is ErrorValue:
        return moved
    return _checked(moved.replace(day=calendar.monthrange(moved.year, moved.month)[1]))


def _weekdays_until(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in [start, end]."""
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    wd = start.weekday()
    for i in range(rest):
        if (wd + i) % 7 < 5:
            count += 1
    return count


@rule_function("day", "day", "any?", result="number")
def NETWORKDAYS(start, end, holidays=None):
    """NETWORKDAYS(start_date, end_date, [holidays]) -> number

    en: Working days (Monday to Friday) from start_date to end_date inclusive, minus the dates in the holidays list; negative when start is after end.
    zh: 从开始到结束日期（含两端）的工作日（周一到周五）天数，扣除 holidays 列表中的日期；开始晚于结束时为负。

    Example: NETWORKDAYS(DATE(2024, 6, 3), DATE(2024, 6, 9)) => 5
    示例: NETWORKDAYS("2024-10-01", "2024-10-07", ["2024-10-01", "2024-10-02"]) => 3
    """
    sign = 1
    if start > end:
        start, end, sign = end, start, -1
    count = _weekdays_until(start, end)
    seen = set()
    for h in holidays if type(holidays) is list else ([] if holidays is None else [holidays]):
        if is_blank(h):
            continue
        d = to_day(h)
        if type(d) is ErrorValue:
            return d
        if start <= d <= end and d.weekday() < 5 and d not in seen:
            seen.add(d)
            count -= 1
    return sign * count


_UNITS = {
    "year": "year", "years": "year", "y": "year", "年": "year",
    "month": "month", "months": "month", "m": "month", "月": "month",
    "week": "week", "weeks": "week", "w": "week", "周": "week",
    "day": "day", "days": "day", "d": "day", "天": "day", "日": "day",
    "hour": "hour", "hours": "hour", "h": "hour", "小时": "hour",
    "minute": "minute", "minutes": "minute", "min": "minute", "mi": "minute", "分钟": "minute",
    "second": "second", "seconds": "second", "s": "second", "秒": "second",
}
_SECONDS = {"hour": 3600, "minute": 60, "second": 1}


def _dateadd_result(types):
    if types and types[0] == "datetime":
        return "datetime"
    return "date"


@rule_function("date", "number", "text?", result=_dateadd_result)
def DATEADD(value, amount, unit="day"):
    """DATEADD(date, amount, [unit]) -> date

    en: Adds `amount` units to a date: "year", "month", "week", "day" (default), "hour", "minute", "second" (also "y", "m", "w", "d", "h", 年, 月, 周, 天). Months clamp to the month's last day.
    zh: 给日期加上若干单位："year"、"month"、"week"、"day"（默认）、"hour"、"minute"、"second"（也可写 "y"、"m"、"w"、"d"、"h"、年、月、周、天）。按月相加时超出月末取月末。

    Example: DATEADD(DATE(2024, 1, 31), 1, "month") => "2024-02-29"
    示例: DATEADD("2024-12-30", 3, "天") => "2025-01-02"
    """
    kind = _UNITS.get(to_text(unit).strip().lower())
    if kind is None:
        return VALUE
    if kind in ("year", "month"):
        months = math.trunc(amount) * (12 if kind == "year" else 1)
        if type(value) is dt.datetime:
            local = value.astimezone(current_env().zone)
            moved = add_months(local.date(), months)
            if type(moved) is ErrorValue:
                return moved
            return dt.datetime.combine(moved, local.timetz()).astimezone(UTC)
        return _checked(add_months(value, months))
    if kind in ("day", "week"):
        days = amount * (7 if kind == "week" else 1)
        if type(value) is dt.date and float(days).is_integer():
            return _checked(value + dt.timedelta(days=int(days)))
        start = value if type(value) is dt.datetime else local_midnight(value)
        return start + dt.timedelta(days=days)
    start = value if type(value) is dt.datetime else local_midnight(value)
    return start + dt.timedelta(seconds=amount * _SECONDS[kind])
