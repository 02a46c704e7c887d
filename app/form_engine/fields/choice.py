"""Choice fields: checkbox, select (one option, optionally other text) and multiselect."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.form_engine.fields import FieldType, add_error, field_type
from app.i18n import _

OPTIONS_SCHEMA = {"type": "array", "minItems": 1, "maxItems": 1000, "uniqueItems": True,
                  "items": {"type": "string", "minLength": 1, "maxLength": 200}}
LIST_SPLIT = re.compile(r"\s*[;,，；|]\s*")
TRUE_TEXTS = {"true", "yes", "y", "1", "是", "√", "✓", "x"}
FALSE_TEXTS = {"false", "no", "n", "0", "否", ""}


@field_type("checkbox")
class Checkbox(FieldType):
    rule_type = "boolean"
    sql_kind = "boolean"

    def value_schema(self, field):
        return {"type": ["boolean", "null"]}

    def checker(self, field):
        def check(value, path, errors):
            if not isinstance(value, bool):
                add_error(errors, path, _("Must be true or false", "必须是布尔值"))
            return value
        return check

    def sql_value(self, text_expr):
        return text_expr.in_(["true", "1"])

    def to_text(self, value, field):
        return "" if value is None else ("true" if value else "false")

    def from_text(self, text, field):
        low = text.strip().lower()
        if low in TRUE_TEXTS:
            return True
        if low in FALSE_TEXTS:
            return False if low else None
        raise ValueError(text)


@field_type("select")
class Select(FieldType):
    options = {"options": OPTIONS_SCHEMA, "allow_other": {"type": "boolean"}}
    required_options = ("options",)

    def value_schema(self, field):
        if field.get("allow_other"):
            return {"type": ["string", "null"], "maxLength": 200}
        return {"enum": [*field["options"], None]}

    def checker(self, field):
        allowed = set(field["options"])
        other = field.get("allow_other", False)

        def check(value, path, errors):
            if not isinstance(value, str):
                add_error(errors, path, _("Must be text", "必须是文本"))
            elif value not in allowed and not other:
                add_error(errors, path, _("Not one of the options", "不是可选项之一"))
            elif len(value) > 200:
                add_error(errors, path, _("At most {n} characters", "最多 {n} 个字符", n=200))
            return value
        return check


@field_type("multiselect")
class MultiSelect(FieldType):
    options = {"options": OPTIONS_SCHEMA, "min_items": {"type": "integer", "minimum": 0},
               "max_items": {"type": "integer", "minimum": 1}}
    required_options = ("options",)
    rule_type = "list"
    sql_kind = "json"

    def value_schema(self, field):
        schema = {"type": ["array", "null"], "uniqueItems": True,
                  "items": {"enum": list(field["options"])}}
        if "min_items" in field:
            schema["minItems"] = field["min_items"]
        if "max_items" in field:
            schema["maxItems"] = field["max_items"]
        return schema

    def checker(self, field):
        allowed = set(field["options"])
        low, high = field.get("min_items", 0), field.get("max_items")

        def check(value, path, errors):
            if not isinstance(value, list):
                add_error(errors, path, _("Must be a list of options", "必须是选项列表"))
                return value
            if any(not isinstance(v, str) or v not in allowed for v in value):
                add_error(errors, path, _("Not one of the options", "不是可选项之一"))
            if len(set(map(str, value))) != len(value):
                add_error(errors, path, _("Options must not repeat", "选项不能重复"))
            if len(value) < low:
                add_error(errors, path, _("Choose at least {n}", "至少选择 {n} 项", n=low))
            if high is not None and len(value) > high:
                add_error(errors, path, _("Choose at most {n}", "最多选择 {n} 项", n=high))
            return value
        return check

    def sql_value(self, text_expr):
        return text_expr

    def to_text(self, value, field):
        return ", ".join(value or [])

    def from_text(self, text, field):
        text = text.strip()
        return [p for p in LIST_SPLIT.split(text) if p] if text else None
