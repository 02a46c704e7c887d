"""Numeric fields: number (min, max, decimals, format) and rating (1..max)."""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.form_engine.fields import UNIQUE_OPTION, FieldType, add_error, field_type
from app.i18n import _


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# Thousands separators, spaces and currency signs a spreadsheet cell may carry around a number.
_NUMBER_NOISE = re.compile(r"[\s,，¥￥$€£]")


def number_text(value) -> str:
    """The shortest text that reads back as the same number: 12, 0.5, 1234.5."""
    return str(plain_number(value))


def plain_number(value):
    """1.0 -> 1 so integers stay integers in JSON and exports."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


@field_type("number")
class Number(FieldType):
    options = {"min": {"type": "number"}, "max": {"type": "number"},
               "decimals": {"type": "integer", "minimum": 0, "maximum": 10},
               "format": {"enum": ["plain", "percent", "currency"]},
               "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, **UNIQUE_OPTION}
    rule_type = "number"
    sql_kind = "number"

    def value_schema(self, field):
        schema = {"type": ["number", "null"]}
        if "min" in field:
            schema["minimum"] = field["min"]
        if "max" in field:
            schema["maximum"] = field["max"]
        return schema

    def checker(self, field):
        low, high, decimals = field.get("min"), field.get("max"), field.get("decimals")

        def check(value, path, errors):
            if not is_number(value):
                add_error(errors, path, _("Must be a number", "必须是数字"))
                return value
            if low is not None and value < low:
                add_error(errors, path, _("Must be at least {n}", "不能小于 {n}", n=low))
            if high is not None and value > high:
                add_error(errors, path, _("Must be at most {n}", "不能大于 {n}", n=high))
            if decimals is not None and round(value, decimals) != value:
                add_error(errors, path, _("At most {n} decimal places", "最多 {n} 位小数", n=decimals))
            return plain_number(value)
        return check

    def to_text(self, value, field):
        if not is_number(value):
            return "" if value is None else str(value)
        if field.get("format") == "percent":
            # 15 digits drop the noise of scaling a binary fraction (0.07 * 100 = 7.000000000000001).
            return f"{number_text(float(f'{value * 100:.15g}'))}%"
        return number_text(value)

    def from_text(self, text, field):
        text = _NUMBER_NOISE.sub("", text)
        if not text:
            return None
        try:  # decimal arithmetic: 33.3% is 0.333, not 0.33299999999999996
            value = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
        if not value.is_finite():
            raise ValueError(text)
        return plain_number(float(value))


@field_type("rating")
class Rating(FieldType):
    options = {"max": {"type": "integer", "minimum": 1, "maximum": 10}}
    rule_type = "number"
    sql_kind = "number"

    def value_schema(self, field):
        return {"type": ["integer", "null"], "minimum": 1, "maximum": field.get("max", 5)}

    def checker(self, field):
        high = field.get("max", 5)

        def check(value, path, errors):
            if not is_number(value) or value != int(value) or not 1 <= value <= high:
                add_error(errors, path, _("Must be a whole number from 1 to {n}",
                                          "必须是 1 到 {n} 的整数", n=high))
                return value
            return int(value)
        return check

    def sql_value(self, text_expr):
        return sa.cast(text_expr, sa.Integer)

    def from_text(self, text, field):
        text = text.strip()
        if not text:
            return None
        if set(text) <= {"★", "☆"}:  # ★★★☆☆ from survey tools
            return text.count("★") or None
        # 4.5 stays 4.5, so the check reports it instead of an import silently rounding.
        return plain_number(float(text))
