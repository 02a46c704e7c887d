"""Numeric fields: number (min, max, decimals, format) and rating (1..max)."""
from __future__ import annotations

import math

import sqlalchemy as sa

from app.form_engine.fields import UNIQUE_OPTION, FieldType, add_error, field_type
from app.i18n import _


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


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

    def from_text(self, text, field):
        text = text.strip().replace(",", "")
        if not text:
            return None
        scale = 1
        if text.endswith("%"):
            text, scale = text[:-1], 100
        return plain_number(float(text) / scale)


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
        return int(float(text)) if text else None
