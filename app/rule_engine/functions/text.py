"""Text functions: joining, slicing, searching, formatting numbers and dates as text."""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from app.rule_engine.functions import flatten, rule_function
from app.rule_engine.functions.math import _decimal, glob_search
from app.rule_engine.values import (
    MAX_LIST_LENGTH, MAX_TEXT_LENGTH, VALUE as VALUE_ERROR, ErrorValue, check_text, current_env, equals, fold,
    is_blank, parse_date_text, text_to_number, to_date, to_text,
)
from app.rule_engine.errors import RuleLimitError


def joined(parts: list[str], separator: str = "") -> str:
    """Join, refusing before allocating a text longer than the limit."""
    if sum(map(len, parts)) + len(separator) * max(0, len(parts) - 1) > MAX_TEXT_LENGTH:
        raise RuleLimitError("text_too_long", limit=MAX_TEXT_LENGTH)
    return separator.join(parts)


def _texts(values, skip_blank=False):
    out = []
    for v, _ in flatten(values):
        if type(v) is ErrorValue:
            return v
        if skip_blank and is_blank(v):
            continue
        s = to_text(v)
        if type(s) is ErrorValue:
            return s
        out.append(s)
    return out


@rule_function(variadic="text", result="text")
def CONCATENATE(*texts):
    """CONCATENATE(text1, [text2, ...]) -> text

    en: Joins texts into one; numbers and dates are turned into text first.
    zh: 把多个文本连接成一个；数字和日期先转换为文本。

    Example: CONCATENATE("SO-", 42) => "SO-42"
    示例: CONCATENATE("你好", "，", "世界") => "你好，世界"
    """
    return joined(list(texts))


@rule_function(variadic="values", result="text")
def CONCAT(*values):
    """CONCAT(value1, [value2, ...]) -> text

    en: Joins values and every item of lists (subform columns) without a separator.
    zh: 连接各个值以及列表（子表列）中的每一项，不加分隔符。

    Example: CONCAT(["a", "b"], "c") => "abc"
    示例: CONCAT("编号", 7) => "编号7"
    """
    parts = _texts(values)
    if type(parts) is ErrorValue:
        return parts
    return joined(parts)


@rule_function("text", "boolean", variadic="values", result="text")
def TEXTJOIN(delimiter, ignore_empty, *values):
    """TEXTJOIN(delimiter, ignore_empty, value1, [value2, ...]) -> text

    en: Joins values and list items with a delimiter, skipping blanks when ignore_empty is TRUE.
    zh: 用分隔符连接各值和列表项；ignore_empty 为 TRUE 时跳过空值。

    Example: TEXTJOIN("-", TRUE, "a", "", "b") => "a-b"
    示例: TEXTJOIN("、", TRUE, ["苹果", "香蕉"]) => "苹果、香蕉"
    """
    parts = _texts(values, skip_blank=ignore_empty)
    if type(parts) is ErrorValue:
        return parts
    return joined(parts, delimiter)


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yyy|yy|y|mmmm|mmm|mm|m|dddd|ddd|dd|d|aaaa|aaa|hh|h|ss|s|AM/PM|am/pm|.',
                         re.S | re.I)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_ZH_DAYS = "一二三四五六日"


def _format_date(value, fmt: str) -> str:
    if type(value) is dt.datetime:
        local = value.astimezone(current_env().zone)
    else:
        local = dt.datetime.combine(value, dt.time())
    tokens = _DATE_TOKEN.findall(fmt)
    ampm = any(t.lower() == "am/pm" for t in tokens)
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if tok.startswith('"'):
            out.append(tok[1:-1])
        elif tok.startswith("\\"):
            out.append(tok[1:])
        elif low in ("yyyy", "yyy"):
            out.append(f"{local.year:04d}")
        elif low in ("yy", "y"):
            out.append(f"{local.year % 100:02d}")
        elif low[0] == "m" and low in ("m", "mm", "mmm", "mmmm"):
            prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip() and t[0].isalpha()), "")
            nxt = next((t.lower() for t in tokens[i + 1:] if t.strip() and t[0].isalpha()), "")
            if low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s")):
                out.append(f"{local.minute:02d}" if low == "mm" else str(local.minute))
            elif low == "mmmm":
                out.append(_MONTHS[local.month - 1])
            elif low == "mmm":
                out.append(_MONTHS[local.month - 1][:3])
            else:
                out.append(f"{local.month:02d}" if low == "mm" else str(local.month))
        elif low == "dddd":
            out.append(_DAYS[local.weekday()])
        elif low == "ddd":
            out.append(_DAYS[local.weekday()][:3])
        elif low in ("dd", "d"):
            out.append(f"{local.day:02d}" if low == "dd" else str(local.day))
        elif low == "aaaa":
            out.append("星期" + _ZH_DAYS[local.weekday()])
        elif low == "aaa":
            out.append(_ZH_DAYS[local.weekday()])
        elif low in ("hh", "h"):
            hour = local.hour
            if ampm:
                hour = hour % 12 or 12
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{local.second:02d}" if low == "ss" else str(local.second))
        elif low == "am/pm":
            out.append("AM" if local.hour < 12 else "PM")
        else:
            out.append(tok)
    return "".join(out)


_NUMBER_CORE = re.compile(r"[#0][#0,]*(?:\.[#0]*)?|\.[#0]+")


def _format_number(n, fmt: str):
    m = _NUMBER_CORE.search(fmt)
    if m is None:
        return fmt
    prefix, core, suffix = fmt[:m.start()], m.group(), fmt[m.end():]
    if "%" in suffix or "%" in prefix:
        n = n * 100
    int_part, _, frac_part = core.partition(".")
    commas = "," in int_part
    min_int = int_part.count("0")
    required, optional = frac_part.count("0"), frac_part.count("#")
    places = required + optional
    d = _decimal(n).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(abs(d), f"{',' if commas else ''}.{places}f")
    whole, _, frac = text.partition(".")
    if optional:
        frac = frac.rstrip("0")
        if len(frac) < required:
            frac = frac.ljust(required, "0")
    digits = whole.replace(",", "")
    if digits == "0" and min_int == 0:
        whole = ""
    elif len(digits) < min_int:
        padded = digits.zfill(min_int)
        whole = f"{int(padded):,}".zfill(min_int) if commas else padded
    sign = "-" if d < 0 and (whole.strip("0,") or frac.strip("0")) else ""
    body = whole + ("." + frac if frac else "")
    return f"{sign}{_unquote(prefix)}{body}{_unquote(suffix)}"


def _unquote(s: str) -> str:
    return re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) if m.group(1) is not None else m.group(2), s)


_DATE_FORMAT_HINT = re.compile(r"[yd]|h|s|m(?![^\"]*\")", re.I)


@rule_function("any", "text", result="text")
def TEXT(value, format_text):
    """TEXT(value, format) -> text

    en: Formats a number or date as text: "0.00", "#,##0", "0%", "yyyy-mm-dd", "yyyy年m月d日", "hh:mm".
    zh: 按格式把数字或日期转为文本，如 "0.00"、"#,##0"、"0%"、"yyyy-mm-dd"、"yyyy年m月d日"、"hh:mm"。

    Example: TEXT(1234.5, "#,##0.00") => "1,234.50"
    示例: TEXT(DATE(2024, 3, 5), "yyyy年m月d日") => "2024年3月5日"
    """
    if type(value) is ErrorValue:
        return value
    t = type(value)
    number_like = _NUMBER_CORE.search(format_text) is not None
    if t is dt.date or t is dt.datetime:
        return _format_date(value, format_text)
    if t is str:
        parsed = parse_date_text(value.strip())
        if parsed is not None and not number_like:
            return _format_date(parsed, format_text)
        n = text_to_number(value)
        if type(n) is ErrorValue:
            return value
        value, t = n, type(n)
    if value is None:
        value, t = 0, int
    if t is bool:
        return "TRUE" if value else "FALSE"
    if t is int or t is float:
        if not number_like and re.search(r"[ydhs]|m", format_text, re.I):
            d = to_date(value)
            if type(d) is ErrorValue:
                return d
            return _format_date(d, format_text)
        return _format_number(value, format_text)
    return VALUE_ERROR


@rule_function("text", "number?", result="text")
def LEFT(text, count=1):
    """LEFT(text, [count]) -> text

    en: The first `count` characters (default 1).
    zh: 从左边取指定个数的字符（默认 1 个）。

    Example: LEFT("Formloom", 4) => "Form"
    示例: LEFT("上海市浦东新区", 3) => "上海市"
    """
    count = int(count)
    if count < 0:
        return VALUE_ERROR
    return text[:count]


@rule_function("text", "number?", result="text")
def RIGHT(text, count=1):
    """RIGHT(text, [count]) -> text

    en: The last `count` characters (default 1).
    zh: 从右边取指定个数的字符（默认 1 个）。

    Example: RIGHT("13800138000", 4) => "8000"
    示例: RIGHT("订单已完成", 3) => "已完成"
    """
    count = int(count)
    if count < 0:
        return VALUE_ERROR
    return text[max(0, len(text) - count):] if count else ""


@rule_function("text", "number", "number", result="text")
def MID(text, start, count):
    """MID(text, start, count) -> text

    en: `count` characters starting at position `start` (the first character is 1).
    zh: 从第 start 个字符开始取 count 个字符（第一个字符位置为 1）。

    Example: MID("ABCDEF", 2, 3) => "BCD"
    示例: MID("2024年3月", 6, 1) => "3"
    """
    start, count = int(start), int(count)
    if start < 1 or count < 0:
        return VALUE_ERROR
    return text[start - 1:start - 1 + count]


@rule_function("text", result="number")
def LEN(text):
    """LEN(text) -> number

    en: Number of characters (a Chinese character counts as one).
    zh: 字符个数（一个汉字算一个字符）。

    Example: LEN("hello") => 5
    示例: LEN("你好") => 2
    """
    return len(text)


@rule_function("text", result="text")
def UPPER(text):
    """UPPER(text) -> text

    en: Text in upper case.
    zh: 转为大写。

    Example: UPPER("abc") => "ABC"
    示例: UPPER("vip客户") => "VIP客户"
    """
    return text.upper()


@rule_function("text", result="text")
def LOWER(text):
    """LOWER(text) -> text

    en: Text in lower case.
    zh: 转为小写。

    Example: LOWER("ABC") => "abc"
    示例: LOWER("VIP客户") => "vip客户"
    """
    return text.lower()


_SPACES = re.compile(r" {2,}")


@rule_function("text", result="text")
def TRIM(text):
    """TRIM(text) -> text

    en: Removes leading and trailing spaces and collapses runs of spaces inside to one.
    zh: 去掉首尾空格，并把中间连续的多个空格合并为一个。

    Example: TRIM("  a   b ") => "a b"
    示例: TRIM("  张三 ") => "张三"
    """
    return _SPACES.sub(" ", text.strip(" "))


@rule_function("text", "number", "number", "text", result="text")
def REPLACE(text, start, count, new_text):
    """REPLACE(text, start, count, new_text) -> text

    en: Replaces `count` characters starting at position `start` with new_text.
    zh: 把从第 start 个字符开始的 count 个字符替换为新文本。

    Example: REPLACE("abcdef", 2, 3, "X") => "aXef"
    示例: REPLACE("13800138000", 4, 4, "****") => "138****8000"
    """
    start, count = int(start), int(count)
    if start < 1 or count < 0:
        return VALUE_ERROR
    return check_text(text[:start - 1] + new_text + text[start - 1 + count:])


@rule_function("text", "text", "text", "number?", result="text")
def SUBSTITUTE(text, old, new, instance=None):
    """SUBSTITUTE(text, old_text, new_text, [instance]) -> text

    en: Replaces old_text with new_text everywhere, or only its `instance`-th occurrence.
    zh: 把文本中的 old_text 全部替换为 new_text；给出 instance 时只替换第 instance 次出现。

    Example: SUBSTITUTE("a-b-c", "-", "+") => "a+b+c"
    示例: SUBSTITUTE("张三 张三", "张三", "李四", 2) => "张三 李四"
    """
    if old == "":
        return text
    if instance is None:
        if new and len(text) // len(old) * len(new) > MAX_TEXT_LENGTH:
            raise RuleLimitError("text_too_long", limit=MAX_TEXT_LENGTH)
        return check_text(text.replace(old, new))
    instance = int(instance)
    if instance < 1:
        return VALUE_ERROR
    pos = -1
    for _ in range(instance):
        pos = text.find(old, pos + 1)
        if pos < 0:
            return text
    return text[:pos] + new + text[pos + len(old):]


@rule_function("text", "text", "number?", result="number")
def SEARCH(find_text, within, start=1):
    """SEARCH(find_text, within_text, [start]) -> number

    en: Position of find_text in within_text, ignoring case, with wildcards * and ?; #VALUE! when not found.
    zh: 查找文本位置（不区分大小写，支持通配符 * 和 ?）；找不到时返回 #VALUE!。

    Example: SEARCH("b", "ABC") => 2
    示例: SEARCH("市", "上海市") => 3
    """
    start = int(start)
    if start < 1 or start > len(within) + 1:
        return VALUE_ERROR
    pos = glob_search(fold(find_text), fold(within), start - 1)
    return VALUE_ERROR if pos < 0 else pos + 1


@rule_function("text", "text", "number?", result="number")
def FIND(find_text, within, start=1):
    """FIND(find_text, within_text, [start]) -> number

    en: Position of find_text in within_text, case-sensitive; #VALUE! when not found.
    zh: 查找文本位置（区分大小写）；找不到时返回 #VALUE!。

    Example: FIND("c", "abcabc", 4) => 6
    示例: FIND("区", "浦东新区") => 4
    """
    start = int(start)
    if start < 1 or start > len(within) + 1:
        return VALUE_ERROR
    pos = within.find(find_text, start - 1)
    return VALUE_ERROR if pos < 0 else pos + 1


@rule_function("text", "number", result="text")
def REPT(text, times):
    """REPT(text, times) -> text

    en: Repeats text `times` times (results longer than 100,000 characters are refused).
    zh: 把文本重复指定次数（结果超过 100,000 个字符会被拒绝）。

    Example: REPT("ab", 3) => "ababab"
    示例: REPT("★", 4) => "★★★★"
    """
    times = int(times)
    if times < 0:
        return VALUE_ERROR
    if len(text) * times > MAX_TEXT_LENGTH:
        raise RuleLimitError("text_too_long", limit=MAX_TEXT_LENGTH)
    return text * times


@rule_function("any", result="number")
def VALUE(value):
    """VALUE(text) -> number

    en: Converts text such as "1,234.5", "10%" or "2024-01-31" (a date serial) to a number; #VALUE! otherwise.
    zh: 把 "1,234.5"、"10%"、"2024-01-31"（日期序号）这样的文本转为数字，否则返回 #VALUE!。

    Example: VALUE("1,234.5") => 1234.5
    示例: VALUE("10%") => 0.1
    """
    t = type(value)
    if t is int or t is float:
        return value
    if value is None:
        return 0
    s = to_text(value)
    if type(s) is ErrorValue:
        return s
    return text_to_number(s)


@rule_function("any", "any", result="boolean")
def CONTAINS(haystack, needle):
    """CONTAINS(text_or_list, value) -> boolean

    en: For text: TRUE when it contains value (ignoring case). For a list (multiselect, subform column): TRUE when an item equals value.
    zh: 文本包含该值（不区分大小写）时为 TRUE；对列表（多选、子表列）则是某一项等于该值时为 TRUE。

    Example: CONTAINS("Hello world", "WORLD") => true
    示例: CONTAINS(["VIP", "老客户"], "老客户") => true
    """
    if type(haystack) is list:
        return any(type(item) is not ErrorValue and equals(item, needle) for item in haystack)
    hay, sub = to_text(haystack), to_text(needle)
    if type(hay) is ErrorValue:
        return hay
    if type(sub) is ErrorValue:
        return sub
    return fold(sub) in fold(hay)


@rule_function("text", "text?", result="list")
def SPLIT(text, delimiter=","):
    """SPLIT(text, [delimiter]) -> list

    en: Splits text at each delimiter (default ",") into a list; an empty delimiter splits into characters.
    zh: 按分隔符（默认 ","）把文本拆成列表；分隔符为空时拆成单个字符。

    Example: SPLIT("a,b,c") => ["a", "b", "c"]
    示例: SPLIT("红/黄/蓝", "/") => ["红", "黄", "蓝"]
    """
    if text == "":
        return []
    parts = list(text) if delimiter == "" else text.split(delimiter)
    if len(parts) > MAX_LIST_LENGTH:
        raise RuleLimitError("list_too_long", limit=MAX_LIST_LENGTH)
    return parts
