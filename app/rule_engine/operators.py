"""Operators of the rule language with Excel semantics: blanks as 0 or "", errors propagate, dates as dates."""
from __future__ import annotations

import datetime as dt
import math

from app.rule_engine.values import (
    DIV0, NUM, VALUE, ErrorValue, check_text, compare, current_env, date_from_serial, equals, fold,
    local_midnight, parse_date_text, serial_of, to_bool, to_number, to_text,
)

_NUMS = (int, float)
_DATES = (dt.date, dt.datetime)


def _num(v):
    t = type(v)
    if t is int or t is float:
        return v
    return to_number(v)


def _finite(n):
    if type(n) is float and not math.isfinite(n):
        return NUM
    return n


def add(a, b):
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return _finite(a + b)
    if ta in _DATES and tb not in _DATES:
        return _shift_date(a, b, 1)
    if tb in _DATES and ta not in _DATES:
        return _shift_date(b, a, 1)
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    return _finite(x + y)


def sub(a, b):
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return _finite(a - b)
    if ta in _DATES:
        if tb is str and b:
            parsed = parse_date_text(b.strip())
            if parsed is not None:
                b, tb = parsed, type(parsed)
        if tb is dt.date and ta is dt.date:
            return (a - b).days
        if tb in _DATES:
            return _days_between(a, b)
        return _shift_date(a, b, -1)
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    return _finite(x - y)


def _days_between(a, b):
    if type(a) is dt.date:
        a = local_midnight(a)
    if type(b) is dt.date:
        b = local_midnight(b)
    delta = (a - b).total_seconds() / 86400
    return delta


def _shift_date(d, n, sign):
    n = _num(n)
    if type(n) is ErrorValue:
        return n
    if type(d) is dt.date and float(n).is_integer():
        try:
            return d + dt.timedelta(days=sign * int(n))
        except OverflowError:
            return NUM
    if type(d) is dt.date:
        return date_from_serial(serial_of(d) + sign * n)
    try:
        return d + dt.timedelta(days=sign * n)
    except OverflowError:
        return NUM


def mul(a, b):
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return _finite(a * b)
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    return _finite(x * y)


def div(a, b):
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    if y == 0:
        return DIV0
    return _finite(x / y)


def mod(a, b):
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    if y == 0:
        return DIV0
    return _finite(x % y)


def power(a, b):
    """a ^ b in floating point: bounded by construction (no huge integers), overflow is #NUM!."""
    x, y = _num(a), _num(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    if x == 0 and y < 0:
        return DIV0
    if x == 0 and y == 0:
        return NUM
    try:
        r = math.pow(x, y)
    except (OverflowError, ValueError):
        return NUM
    if type(x) is int and type(y) is int and y >= 0 and abs(r) < 2**53:
        return int(r)
    return _finite(r)


def percent(a):
    x = _num(a)
    if type(x) is ErrorValue:
        return x
    return x / 100


def concat(a, b):
    x, y = to_text(a), to_text(b)
    if type(x) is ErrorValue:
        return x
    if type(y) is ErrorValue:
        return y
    return check_text(x + y)


def neg(a):
    x = _num(a)
    if type(x) is ErrorValue:
        return x
    return -x


def pos(a):
    return _num(a)


def not_(a):
    x = to_bool(a)
    if type(x) is ErrorValue:
        return x
    return not x


def eq(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c == 0


def ne(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c != 0


def lt(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c < 0


def le(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c <= 0


def gt(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c > 0


def ge(a, b):
    c = compare(a, b)
    return c if type(c) is ErrorValue else c >= 0


def in_(a, b):
    """`x in list` is membership by `=`; `x in text` is a case-insensitive substring test."""
    if type(a) is ErrorValue:
        return a
    if type(b) is ErrorValue:
        return b
    if type(b) is list:
        for item in b:
            if type(item) is ErrorValue:
                continue
            if equals(a, item):
                return True
        return False
    if b is None:
        return False
    needle, hay = to_text(a), to_text(b)
    if type(needle) is ErrorValue:
        return needle
    if type(hay) is ErrorValue:
        return hay
    return fold(needle) in fold(hay)


def not_in(a, b):
    r = in_(a, b)
    return r if type(r) is ErrorValue else not r


__all__ = [
    "add", "sub", "mul", "div", "mod", "power", "percent", "concat", "neg", "pos", "not_", "eq", "ne",
    "lt", "le", "gt", "ge", "in_", "not_in", "current_env",
]
