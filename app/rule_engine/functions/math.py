"""Math and aggregate functions with Excel rounding (half away from zero) and criteria strings."""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from app.rule_engine import operators
from app.rule_engine.functions import flatten, rule_function
from app.rule_engine.values import (
    DIV0, NUM, VALUE, ErrorValue, compare, fold, is_blank, normalize_number, parse_date_text,
    serial_of, text_to_number, to_number,
)

_DATES = (dt.date, dt.datetime)


def _numbers(values, skip_direct_blanks=False):
    """Numbers of the arguments: list items only when numeric; direct arguments coerced."""
    out = []
    for v, in_list in flatten(values):
        t = type(v)
        if t is ErrorValue:
            return v
        if in_list:
            if t is int or t is float:
                out.append(v)
            elif t in _DATES:
                out.append(serial_of(v))
            continue
        if skip_direct_blanks and (v is None or v == ""):
            continue
        n = to_number(v)
        if type(n) is ErrorValue:
            return n
        out.append(n)
    return out


def _decimal(x) -> Decimal:
    return Decimal(repr(float(x))) if type(x) is float else Decimal(x)


def _round(x, digits, mode):
    digits = int(digits)
    try:
        d = _decimal(x).scaleb(digits).quantize(Decimal(1), rounding=mode).scaleb(-digits)
    except InvalidOperation:
        return x
    return normalize_number(float(d)) if digits > 0 else int(d)


@rule_function(variadic="values", result="number")
def SUM(*values):
    """SUM(number1, [number2, ...]) -> number

    en: Adds numbers; lists such as a subform column (items.qty) are added item by item, skipping blanks and text.
    zh: 求和；列表（如子表列 items.qty）逐项相加，忽略空值和文本。

    Example: SUM(1, 2, 3.5) => 6.5
    示例: SUM([10, 20, 30]) => 60
    """
    nums = _numbers(values)
    if type(nums) is ErrorValue:
        return nums
    return math.fsum(nums) if any(type(n) is float for n in nums) else sum(nums)


@rule_function(variadic="values", result="number")
def AVERAGE(*values):
    """AVERAGE(number1, [number2, ...]) -> number

    en: Arithmetic mean of the numbers; blanks are skipped; #DIV/0! when there are none.
    zh: 数字的平均值，忽略空值；没有数字时返回 #DIV/0!。

    Example: AVERAGE(1, 2, 3, 4) => 2.5
    示例: AVERAGE([80, 90, 100]) => 90
    """
    nums = _numbers(values, skip_direct_blanks=True)
    if type(nums) is ErrorValue:
        return nums
    if not nums:
        return DIV0
    return math.fsum(nums) / len(nums)


@rule_function(variadic="values", result="number")
def MIN(*values):
    """MIN(number1, [number2, ...]) -> number

    en: Smallest number; 0 when there are no numbers.
    zh: 最小值；没有数字时为 0。

    Example: MIN(3, 1, 2) => 1
    示例: MIN([5, -2, 8]) => -2
    """
    nums = _numbers(values, skip_direct_blanks=True)
    if type(nums) is ErrorValue:
        return nums
    return min(nums) if nums else 0


@rule_function(variadic="values", result="number")
def MAX(*values):
    """MAX(number1, [number2, ...]) -> number

    en: Largest number; 0 when there are no numbers.
    zh: 最大值；没有数字时为 0。

    Example: MAX(3, 1, 2) => 3
    示例: MAX([5, -2, 8]) => 8
    """
    nums = _numbers(values, skip_direct_blanks=True)
    if type(nums) is ErrorValue:
        return nums
    return max(nums) if nums else 0


@rule_function(variadic="values", result="number", accepts_errors=True)
def COUNT(*values):
    """COUNT(value1, [value2, ...]) -> number

    en: Counts the numbers (and dates) among the arguments and list items.
    zh: 统计参数和列表中数字（及日期）的个数。

    Example: COUNT(1, "a", 3) => 2
    示例: COUNT([1, "", "张三", 4]) => 2
    """
    count = 0
    for v, in_list in flatten(values):
        t = type(v)
        if (t is int or t is float) or t in _DATES:
            count += 1
        elif not in_list and t is str and v and type(text_to_number(v)) is not ErrorValue:
            count += 1
        elif not in_list and t is bool:
            count += 1
    return count


@rule_function(variadic="values", result="number", accepts_errors=True)
def COUNTA(*values):
    """COUNTA(value1, [value2, ...]) -> number

    en: Counts the values that are not blank (errors count too).
    zh: 统计非空值的个数（错误值也计入）。

    Example: COUNTA(1, "", "a") => 2
    示例: COUNTA(["张三", "", "李四"]) => 2
    """
    return sum(1 for v, _ in flatten(values) if not is_blank(v))


_CRITERIA = re.compile(r"^(>=|<=|<>|=|>|<)?(.*)$", re.S)


def _glob_segments(pattern: str) -> list:
    """Excel wildcards (* any run, ? one character, ~ escapes) as literal segments between stars."""
    segments, current = [], []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "~" and i + 1 < len(pattern):
            current.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            segments.append(current)
            current = []
        else:
            current.append("." if c == "?" else re.escape(c))
        i += 1
    segments.append(current)
    return [(re.compile("".join(seg), re.S), len(seg)) for seg in segments]


def glob_match(pattern: str, text: str) -> bool:
    """Whole-text wildcard match in linear time (no regex backtracking across stars)."""
    segs = _glob_segments(pattern)
    if len(segs) == 1:
        return segs[0][0].fullmatch(text) is not None
    first, first_len = segs[0]
    last, last_len = segs[-1]
    tail = len(text) - last_len
    if tail < first_len or first.match(text, 0, first_len) is None:
        return False
    if last.fullmatch(text, tail) is None:
        return False
    pos = first_len
    for rx, _ in segs[1:-1]:
        m = rx.search(text, pos, tail)
        if m is None:
            return False
        pos = m.end()
    return True


def glob_search(pattern: str, text: str, start: int = 0) -> int:
    """0-based position of the first wildcard match in text at or after start, or -1."""
    segs = _glob_segments(pattern)
    m0 = segs[0][0].search(text, start)
    if m0 is None:
        return -1
    pos = m0.end()
    for rx, _ in segs[1:]:
        m = rx.search(text, pos)
        if m is None:
            return -1
        pos = m.end()
    return m0.start()


def criteria_predicate(criteria):
    """A test for one cell from an Excel criteria value: 10, ">=10", "<>done", "a*", ""."""
    if type(criteria) is not str:
        target = criteria
        return lambda v: not is_blank(v) and compare(v, target) == 0
    op, rest = _CRITERIA.match(criteria).groups()
    if rest == "" and op in (None, "="):
        return is_blank
    if rest == "" and op == "<>":
        return lambda v: not is_blank(v)
    number = text_to_number(rest) if rest.strip() else VALUE
    date = parse_date_text(rest.strip())
    if date is not None:
        target = date
    elif type(number) is not ErrorValue:
        target = number
    elif rest.strip().upper() in ("TRUE", "FALSE"):
        target = rest.strip().upper() == "TRUE"
    else:
        target = rest
    if type(target) is str:
        if op in (None, "=", "<>"):
            pattern = fold(target)
            positive = op != "<>"

            def text_match(v):
                hit = type(v) is str and glob_match(pattern, fold(v))
                return hit if positive else not hit

            return text_match

        def text_order(v):
            if type(v) is not str or v == "":
                return False
            c = compare(v, target)
            return _ORDER[op](c)

        return text_order

    def typed(v):
        if is_blank(v):
            return op == "<>"
        if type(v) is str and type(target) in _DATES:
            v = parse_date_text(v.strip()) or v  # ISO text in lists read without a schema
        if type(v) is str and op not in (None, "=", "<>"):
            return False
        c = compare(v, target)
        if type(c) is ErrorValue:
            return False
        if type(v) is str and type(target) is not str:
            parsed = text_to_number(v)
            if type(parsed) is ErrorValue:
                return op == "<>"
            c = (parsed > target) - (parsed < target)
        return _ORDER[op or "="](c)

    return typed


_ORDER = {"=": lambda c: c == 0, "<>": lambda c: c != 0, ">": lambda c: c > 0,
          ">=": lambda c: c >= 0, "<": lambda c: c < 0, "<=": lambda c: c <= 0}


def _cells(v):
    return v if type(v) is list else [v]


@rule_function("list", "criteria", result="number")
def COUNTIF(cells, criteria):
    """COUNTIF(list, criteria) -> number

    en: Counts the items that meet the criteria: a value, or text such as ">=10", "<>done", "a*" (wildcards * and ?), "" for blanks.
    zh: 统计满足条件的项数。条件可以是值，或 ">=10"、"<>完成"、"张*"（通配符 * 和 ?）、""（空值）这样的文本。

    Example: COUNTIF([5, 12, 20], ">=10") => 2
    示例: COUNTIF(["已完成", "待付款", "已完成"], "已完成") => 2
    """
    pred = criteria_predicate(criteria)
    return sum(1 for v in _cells(cells) if type(v) is not ErrorValue and pred(v))


@rule_function("list", "criteria", "list?", result="number")
def SUMIF(cells, criteria, sum_cells=None):
    """SUMIF(list, criteria, [sum_list]) -> number

    en: Adds the items of sum_list (or of list) whose item in list meets the criteria.
    zh: 对满足条件的项求和；给出 sum_list 时对其中对应位置的项求和。

    Example: SUMIF([5, 12, 20], ">10") => 32
    示例: SUMIF(["北京", "上海", "北京"], "北京", [100, 200, 300]) => 400
    """
    pred = criteria_predicate(criteria)
    cells = _cells(cells)
    targets = cells if sum_cells is None else _cells(sum_cells)
    total = 0
    for i, v in enumerate(cells):
        if type(v) is ErrorValue or not pred(v) or i >= len(targets):
            continue
        x = targets[i]
        if type(x) is ErrorValue:
            return x
        if (type(x) is int or type(x) is float):
            total += x
    return total


@rule_function("list", "criteria", "list?", result="number")
def AVERAGEIF(cells, criteria, avg_cells=None):
    """AVERAGEIF(list, criteria, [average_list]) -> number

    en: Mean of the items whose item in list meets the criteria; #DIV/0! when none does.
    zh: 满足条件的项的平均值；没有满足条件的项时返回 #DIV/0!。

    Example: AVERAGEIF([5, 12, 20], ">10") => 16
    示例: AVERAGEIF(["男", "女", "男"], "男", [170, 160, 180]) => 175
    """
    pred = criteria_predicate(criteria)
    cells = _cells(cells)
    targets = cells if avg_cells is None else _cells(avg_cells)
    picked = []
    for i, v in enumerate(cells):
        if type(v) is ErrorValue or not pred(v) or i >= len(targets):
            continue
        x = targets[i]
        if type(x) is ErrorValue:
            return x
        if type(x) is int or type(x) is float:
            picked.append(x)
    if not picked:
        return DIV0
    return math.fsum(picked) / len(picked)


@rule_function("number", "number?", result="number")
def ROUND(number, digits=0):
    """ROUND(number, [digits]) -> number

    en: Rounds to `digits` decimal places (negative: to tens, hundreds...); halves round away from zero.
    zh: 四舍五入到指定小数位数（负数表示十位、百位……），0.5 远离零进位。

    Example: ROUND(2.345, 2) => 2.35
    示例: ROUND(-2.5) => -3
    """
    return _round(number, digits, ROUND_HALF_UP)


@rule_function("number", "number?", result="number")
def ROUNDUP(number, digits=0):
    """ROUNDUP(number, [digits]) -> number

    en: Rounds away from zero to `digits` decimal places.
    zh: 远离零方向舍入到指定小数位数。

    Example: ROUNDUP(3.141, 2) => 3.15
    示例: ROUNDUP(-1.21, 1) => -1.3
    """
    return _round(number, digits, ROUND_UP)


@rule_function("number", "number?", result="number")
def ROUNDDOWN(number, digits=0):
    """ROUNDDOWN(number, [digits]) -> number

    en: Rounds toward zero to `digits` decimal places.
    zh: 向零方向舍入到指定小数位数。

    Example: ROUNDDOWN(3.149, 2) => 3.14
    示例: ROUNDDOWN(-1.29, 1) => -1.2
    """
    return _round(number, digits, ROUND_DOWN)


@rule_function("number", result="number")
def INT(number):
    """INT(number) -> number

    en: Rounds down to the nearest integer (toward negative infinity).
    zh: 向下取整（朝负无穷方向）。

    Example: INT(8.9) => 8
    示例: INT(-8.1) => -9
    """
    return math.floor(number)


@rule_function("number", result="number")
def ABS(number):
    """ABS(number) -> number

    en: Absolute value.
    zh: 绝对值。

    Example: ABS(-4) => 4
    示例: ABS(2.5) => 2.5
    """
    return abs(number)


@rule_function("number", "number", result="number")
def MOD(number, divisor):
    """MOD(number, divisor) -> number

    en: Remainder of number / divisor, with the sign of the divisor; #DIV/0! for a zero divisor.
    zh: 求余数，结果与除数同号；除数为 0 时返回 #DIV/0!。

    Example: MOD(10, 3) => 1
    示例: MOD(-3, 2) => 1
    """
    return operators.mod(number, divisor)


@rule_function("number", "number", result="number")
def POWER(number, exponent):
    """POWER(number, exponent) -> number

    en: number raised to exponent (same as ^); #NUM! when the result is too large.
    zh: 乘方（同 ^）；结果过大时返回 #NUM!。

    Example: POWER(2, 10) => 1024
    示例: POWER(9, 0.5) => 3
    """
    return operators.power(number, exponent)


@rule_function("number", result="number")
def SQRT(number):
    """SQRT(number) -> number

    en: Square root; #NUM! for a negative number.
    zh: 平方根；负数返回 #NUM!。

    Example: SQRT(16) => 4
    示例: SQRT(-1) => "#NUM!"
    """
    if number < 0:
        return NUM
    return math.sqrt(number)


def _to_multiple(number, significance, up: bool):
    if significance == 0:
        return 0 if up else DIV0
    if number > 0 and significance < 0:
        return NUM
    n, s = _decimal(number), _decimal(significance)
    # ceil/floor of the quotient: with a negative significance this rounds away from/toward zero
    q = (n / s).quantize(Decimal(1), rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return normalize_number(float(q * s))


@rule_function("number", "number?", result="number")
def CEILING(number, significance=1):
    """CEILING(number, [significance]) -> number

    en: Rounds up to the nearest multiple of significance (default 1); negative numbers with a negative significance round away from zero.
    zh: 向上舍入到 significance（默认 1）的最接近倍数；负数配负 significance 时远离零舍入。

    Example: CEILING(2.1, 0.5) => 2.5
    示例: CEILING(-2.5, 2) => -2
    """
    return _to_multiple(number, significance, True)


@rule_function("number", "number?", result="number")
def FLOOR(number, significance=1):
    """FLOOR(number, [significance]) -> number

    en: Rounds down to the nearest multiple of significance (default 1); #DIV/0! for a zero significance.
    zh: 向下舍入到 significance（默认 1）的最接近倍数；significance 为 0 时返回 #DIV/0!。

    Example: FLOOR(2.7, 0.5) => 2.5
    示例: FLOOR(-2.5, 2) => -4
    """
    return _to_multiple(number, significance, False)


@rule_function("number", "number?", "boolean?", result="text")
def FIXED(number, decimals=2, no_commas=False):
    """FIXED(number, [decimals], [no_commas]) -> text

    en: Rounds to `decimals` places (default 2) and returns text with thousands separators unless no_commas is TRUE.
    zh: 四舍五入到指定小数位（默认 2 位）并返回带千位分隔符的文本；no_commas 为 TRUE 时不加分隔符。

    Example: FIXED(1234.567, 1) => "1,234.6"
    示例: FIXED(1234.5, 0, TRUE) => "1235"
    """
    decimals = int(decimals)
    if decimals > 127:
        return VALUE
    rounded = _round(number, decimals, ROUND_HALF_UP)
    places = max(decimals, 0)
    d = _decimal(rounded).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(d, f"{'' if no_commas else ','}.{places}f")
