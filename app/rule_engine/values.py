"""Values of the rule language and Excel's coercions between them (blank, number, text, date, error)."""
from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass, field
from typing import Callable
from zoneinfo import ZoneInfo

from app import clock

UTC = dt.timezone.utc
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0; blank dates count from here like Excel's
EXCEL_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()

MAX_TEXT_LENGTH = 100_000
MAX_LIST_LENGTH = 10_000


class ErrorValue:
    """An Excel error value (#DIV/0!, #VALUE!, #N/A, #NUM!, #NAME?): returned, propagated, caught by IFERROR."""

    __slots__ = ("code",)
    _instances: dict[str, "ErrorValue"] = {}

    def __new__(cls, code: str):
        inst = cls._instances.get(code)
        if inst is None:
            inst = super().__new__(cls)
            inst.code = code
            cls._instances[code] = inst
        return inst

    def __repr__(self) -> str:
        return f"ErrorValue({self.code!r})"

    def __str__(self) -> str:
        return self.code

    def __eq__(self, other) -> bool:
        return isinstance(other, ErrorValue) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    def __reduce__(self):
        return (ErrorValue, (self.code,))


DIV0 = ErrorValue("#DIV/0!")
VALUE = ErrorValue("#VALUE!")
NA = ErrorValue("#N/A")
NUM = ErrorValue("#NUM!")
NAME = ErrorValue("#NAME?")


@dataclass
class EvalEnv:
    """What an evaluation may know besides the record: time zone, clock, user, record id, tags,
    and how to build public form links."""

    tz: str = "UTC"
    current_user: str | None = None
    record_id: str | None = None
    tags: set | None = None
    now: dt.datetime | None = None
    schema: dict | None = None
    # PUBLIC_LINK's resolver (form key, {field: value}) -> signed URL or None; given by callers
    # that know the app and the signing secret (flow steps), so this engine stays database-free.
    public_link: Callable[[str, dict], str | None] | None = field(default=None, repr=False,
                                                                  compare=False)
    _zone: dt.tzinfo | None = field(default=None, repr=False, compare=False)

    @property
    def zone(self) -> dt.tzinfo:
        if self._zone is None:
            self._zone = UTC if self.tz in ("UTC", "Z", "") else ZoneInfo(self.tz)
        return self._zone

    def current_time(self) -> dt.datetime:
        moment = self.now if self.now is not None else clock.now()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    def today(self) -> dt.date:
        return self.current_time().astimezone(self.zone).date()


DEFAULT_ENV = EvalEnv()
_state = threading.local()


def current_env() -> EvalEnv:
    """The environment of the evaluation running on this thread (functions read tz and clock here)."""
    return getattr(_state, "env", None) or DEFAULT_ENV


def set_current_env(env: EvalEnv | None) -> EvalEnv | None:
    previous = getattr(_state, "env", None)
    _state.env = env
    return previous


# --- blanks ---------------------------------------------------------------------------------

def is_blank(v) -> bool:
    return v is None or v == "" or (type(v) is list and not v)


# --- numbers --------------------------------------------------------------------------------

def text_to_number(s: str):
    """Excel's VALUE for text: '1,234.5', ' 12 ', '10%', '1e3'; else #VALUE!."""
    t = s.strip().replace(",", "")
    if not t:
        return VALUE
    scale = 1
    if t.endswith("%"):
        t, scale = t[:-1], 100
    try:
        n = float(t) if any(c in t for c in ".eE") else int(t)
    except ValueError:
        d = parse_date_text(s.strip())
        if d is not None:
            return serial_of(d)
        return VALUE
    if isinstance(n, float) and not math.isfinite(n):
        return VALUE
    return n / scale if scale != 1 else n


def to_number(v):
    """Number for arithmetic: blank -> 0, TRUE -> 1, numeric text -> number, date -> serial."""
    t = type(v)
    if t is int or t is float:
        return v
    if v is None:
        return 0
    if t is bool:
        return 1 if v else 0
    if t is str:
        return 0 if v == "" else text_to_number(v)
    if t is ErrorValue:
        return v
    if t is dt.date or t is dt.datetime:
        return serial_of(v)
    if t is list:
        return VALUE
    return VALUE


def serial_of(d) -> float | int:
    """Excel serial number: days since 1899-12-30; date-times in the workspace time zone."""
    if type(d) is dt.datetime:
        local = d.astimezone(current_env().zone) if d.tzinfo else d
        secs = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return local.toordinal() - EXCEL_EPOCH_ORDINAL + secs / 86400
    return d.toordinal() - EXCEL_EPOCH_ORDINAL


def normalize_number(n):
    """Integral floats become ints (so 10/2 is 5 and text shows '5')."""
    if type(n) is float and n.is_integer() and abs(n) < 2**53:
        return int(n)
    return n


def format_number(n) -> str:
    """Number as Excel shows it in General format: up to 15 significant digits."""
    if type(n) is int:
        return str(n)
    if n.is_integer() and abs(n) < 1e15:
        return str(int(n))
    text = "%.15g" % n
    if "e" in text:
        mantissa, exp = text.split("e")
        sign = exp[0]
        digits = exp[1:].lstrip("0") or "0"
        return f"{mantissa}E{sign}{digits.zfill(2)}"
    return text


# --- text -----------------------------------------------------------------------------------

def to_text(v):
    """Text for joining and text functions: blank -> '', 5.0 -> '5', TRUE -> 'TRUE', dates ISO."""
    t = type(v)
    if t is str:
        return v
    if v is None:
        return ""
    if t is int or t is float:
        return format_number(v)
    if t is bool:
        return "TRUE" if v else "FALSE"
    if t is ErrorValue:
        return v
    if t is dt.date:
        return v.isoformat()
    if t is dt.datetime:
        local = v.astimezone(current_env().zone) if v.tzinfo else v
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if t is list:
        parts = []
        for item in v:
            s = to_text(item)
            if type(s) is ErrorValue:
                return s
            parts.append(s)
        return ", ".join(parts)
    if t is dict:
        return VALUE
    return str(v)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(s: str) -> str:
    """Case folding used by comparisons: ASCII letters only, the same as SQLite's lower()."""
    return s.lower() if s.isascii() else s.translate(_ASCII_LOWER)


def check_text(s: str) -> str:
    from app.rule_engine.errors import RuleLimitError

    if len(s) > MAX_TEXT_LENGTH:
        raise RuleLimitError("text_too_long", limit=MAX_TEXT_LENGTH)
    return s


# --- booleans -------------------------------------------------------------------------------

def to_bool(v):
    t = type(v)
    if t is bool:
        return v
    if v is None:
        return False
    if t is int or t is float:
        return v != 0
    if t is str:
        if v == "":
            return False
        u = v.strip().upper()
        if u == "TRUE":
            return True
        if u == "FALSE":
            return False
        return VALUE
    if t is ErrorValue:
        return v
    if t is dt.date or t is dt.datetime:
        return True
    if t is list:
        return VALUE
    return VALUE


# --- dates ----------------------------------------------------------------------------------

def parse_date_text(s: str):
    """ISO date 'YYYY-MM-DD' -> date; ISO date-time (with 'T' or space) -> aware UTC datetime."""
    n = len(s)
    if n == 10 and s[4] == "-" and s[7] == "-":
        try:
            return dt.date.fromisoformat(s)
        except ValueError:
            return None
    if n >= 16 and s[4] == "-" and s[7] == "-" and s[10] in "T ":
        try:
            d = dt.datetime.fromisoformat(s)
        except ValueError:
            return None
        if d.tzinfo is None:
            d = d.replace(tzinfo=current_env().zone)
        return d.astimezone(UTC)
    if 8 <= n <= 10 and ("/" in s or "-" in s):
        sep = "/" if "/" in s else "-"
        parts = s.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                return None
    return None


def date_from_serial(n):
    if n < 0 or n > 2958465:
        return NUM
    whole = math.floor(n)
    base = dt.date.fromordinal(EXCEL_EPOCH_ORDINAL + whole)
    frac = n - whole
    if frac == 0:
        return base
    secs = round(frac * 86400)
    local = dt.datetime.combine(base, dt.time(), tzinfo=current_env().zone) + dt.timedelta(seconds=secs)
    return local.astimezone(UTC)


def to_date(v):
    """Date or date-time from a date, ISO text, a serial number or blank (serial 0)."""
    t = type(v)
    if t is dt.date or t is dt.datetime:
        if t is dt.datetime and v.tzinfo is None:
            return v.replace(tzinfo=current_env().zone).astimezone(UTC)
        return v
    if v is None or v == "":
        return EXCEL_EPOCH
    if t is str:
        d = parse_date_text(v.strip())
        return VALUE if d is None else d
    if t is ErrorValue:
        return v
    if t is int or t is float:
        return date_from_serial(v)
    return VALUE


def to_day(v):
    """A calendar date (date-times are read in the workspace time zone)."""
    d = to_date(v)
    if type(d) is dt.datetime:
        return d.astimezone(current_env().zone).date()
    return d


def local_midnight(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(), tzinfo=current_env().zone).astimezone(UTC)


# --- comparison -----------------------------------------------------------------------------

def _rank(v) -> int:
    t = type(v)
    if t is bool:
        return 2
    if t is str:
        return 1
    return 0


def compare(a, b):
    """-1, 0 or 1 with Excel's rules (blank adapts to the other side, numbers < text < TRUE/FALSE,
    text case-insensitive); an ErrorValue if either side is one or a list is compared."""
    ta, tb = type(a), type(b)
    if ta is ErrorValue:
        return a
    if tb is ErrorValue:
        return b
    if ta is list or tb is list or ta is dict or tb is dict:
        return VALUE
    if a is None or a == "":
        if b is None or b == "":
            return 0
        a = _blank_like(b)
        ta = type(a)
    elif b is None or b == "":
        b = _blank_like(a)
        tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return (a > b) - (a < b)
    if ta is str and tb is str:
        fa, fb = fold(a), fold(b)
        return (fa > fb) - (fa < fb)
    if ta in _DATE_TYPES or tb in _DATE_TYPES:
        return _compare_dates(a, b, ta, tb)
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return (ra > rb) - (ra < rb)
    a, b = int(a), int(b)
    return (a > b) - (a < b)


_DATE_TYPES = (dt.date, dt.datetime)


def _blank_like(other):
    t = type(other)
    if t is str:
        return ""
    if t is bool:
        return False
    if t is dt.date or t is dt.datetime:
        return EXCEL_EPOCH
    return 0


def _compare_dates(a, b, ta, tb):
    if ta is str:
        parsed = parse_date_text(a.strip())
        if parsed is None:
            return 1  # text sorts after numbers (dates are numbers)
        a, ta = parsed, type(parsed)
    if tb is str:
        parsed = parse_date_text(b.strip())
        if parsed is None:
            return -1
        b, tb = parsed, type(parsed)
    if ta is bool or tb is bool:
        return -1 if tb is bool else 1
    if ta is tb:
        return (a > b) - (a < b)
    if ta is dt.date and tb is dt.datetime:
        a = local_midnight(a)
        return (a > b) - (a < b)
    if ta is dt.datetime and tb is dt.date:
        b = local_midnight(b)
        return (a > b) - (a < b)
    sa = serial_of(a) if ta in _DATE_TYPES else a
    sb = serial_of(b) if tb in _DATE_TYPES else b
    return (sa > sb) - (sa < sb)


def equals(a, b) -> bool:
    c = compare(a, b)
    return c == 0 if type(c) is int else False


# --- output ---------------------------------------------------------------------------------

def to_plain(v):
    """JSON-plain form of a result: dates 'YYYY-MM-DD', date-times ISO UTC 'Z', errors their code."""
    t = type(v)
    if t is float:
        return normalize_number(v)
    if t is dt.date:
        return v.isoformat()
    if t is dt.datetime:
        return v.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if t is ErrorValue:
        return v.code
    if t is list:
        return [to_plain(x) for x in v]
    if t is dict:
        return {k: to_plain(x) for k, x in v.items()}
    return v
