"""Calendar days and date buckets (day, week, month, quarter, year) in the workspace time zone,
as SQL text expressions that give the same strings on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import sqlalchemy as sa

BUCKETS = ("day", "week", "month", "quarter", "year")
_UTC = dt.timezone.utc
_FIRST_YEAR, _LAST_YEAR = 1970, 2060


@functools.lru_cache(maxsize=64)
def offset_periods(tz: str) -> tuple[tuple[str | None, int], ...]:
    """The zone's UTC offsets (minutes) as ((start ISO UTC or None, offset), ...), found by
    sampling every 6 hours and bisecting each change to the minute; SQLite has no time zone
    database, so this table is how it turns UTC instants into local calendar days."""
    zone = ZoneInfo(tz)

    def offset(t: dt.datetime) -> int:
        return int(t.astimezone(zone).utcoffset().total_seconds() // 60)

    t = dt.datetime(_FIRST_YEAR, 1, 1, tzinfo=_UTC)
    end = dt.datetime(_LAST_YEAR, 1, 1, tzinfo=_UTC)
    step = dt.timedelta(hours=6)
    periods: list[tuple[str | None, int]] = [(None, offset(t))]
    while t < end:
        nxt = t + step
        if offset(nxt) != periods[-1][1]:
            lo, hi = 0, int(step.total_seconds())
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset(t + dt.timedelta(seconds=mid)) == periods[-1][1]:
                    lo = mid
                else:
                    hi = mid
            start = t + dt.timedelta(seconds=hi)
            periods.append((start.strftime("%Y-%m-%dT%H:%M:%SZ"), offset(nxt)))
        t = nxt
    return tuple(periods)


def local_day(dialect: str, value: sa.ColumnElement, value_type: str, tz: str) -> sa.ColumnElement:
    """'YYYY-MM-DD' of a date or datetime field's value in the zone `tz`."""
    if value_type == "date":
        return sa.func.substr(value, 1, 10)
    if dialect == "postgresql":
        local = sa.func.timezone(tz, sa.cast(value, sa.TIMESTAMP(timezone=True)))
        return sa.func.to_char(local, "YYYY-MM-DD")
    periods = offset_periods(tz)
    if len(periods) == 1:
        return sa.func.date(value, f"{periods[0][1]:+d} minutes")
    # Newest period first: most data is recent, so most rows stop at the first WHEN.
    whens = [(value >= start, sa.func.date(value, f"{minutes:+d} minutes"))
             for start, minutes in reversed(periods[1:])]
    return sa.case(*whens, else_=sa.func.date(value, f"{periods[0][1]:+d} minutes"))


def bucket(dialect: str, day: sa.ColumnElement, unit: str) -> sa.ColumnElement:
    """Bucket label of a 'YYYY-MM-DD' day: the day, the Monday of its ISO week, 'YYYY-MM',
    'YYYY-Qn' or 'YYYY'."""
    if unit == "day":
        return day
    if unit == "month":
        return sa.func.substr(day, 1, 7)
    if unit == "year":
        return sa.func.substr(day, 1, 4)
    if unit == "quarter":
        quarter = (sa.cast(sa.func.substr(day, 6, 2), sa.Integer) + 2) // 3
        return sa.func.substr(day, 1, 4) + sa.literal("-Q") + sa.cast(quarter, sa.String)
    if unit == "week":
        if dialect == "postgresql":
            return sa.func.to_char(sa.func.date_trunc("week", sa.cast(day, sa.Date)), "YYYY-MM-DD")
        return sa.func.date(day, "-6 days", "weekday 1")
    raise ValueError(unit)


def days_between(dialect: str, later: sa.ColumnElement, earlier: sa.ColumnElement) -> sa.ColumnElement:
    """Whole days from one 'YYYY-MM-DD' text to another."""
    if dialect == "postgresql":
        return sa.cast(later, sa.Date) - sa.cast(earlier, sa.Date)
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def month_index(day: sa.ColumnElement) -> sa.ColumnElement:
    """Months since year 0 of a 'YYYY-MM-DD' text (for 'months since first purchase')."""
    return (sa.cast(sa.func.substr(day, 1, 4), sa.Integer) * 12
            + sa.cast(sa.func.substr(day, 6, 2), sa.Integer) - 1)
