"""Text fields: text, textarea, richtext (sanitised HTML), email, url, phone."""
from __future__ import annotations

import re

import nh3

from app.form_engine.fields import UNIQUE_OPTION, FieldType, add_error, field_type
from app.i18n import _

_LENGTH_OPTIONS = {"min_length": {"type": "integer", "minimum": 0},
                   "max_length": {"type": "integer", "minimum": 1, "maximum": 100000}}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PHONE_RE = re.compile(r"^(\+[1-9]\d{6,14}|1[3-9]\d{9})$")
PHONE_STRIP = re.compile(r"[\s\-()]")
DEFAULT_MAX_TEXT = 10000


@field_type("text")
class Text(FieldType):
    options = {**_LENGTH_OPTIONS, "pattern": {"type": "string", "maxLength": 500}, **UNIQUE_OPTION}

    def value_schema(self, field):
        schema = {"type": ["string", "null"], "maxLength": field.get("max_length", DEFAULT_MAX_TEXT)}
        if "min_length" in field:
            schema["minLength"] = field["min_length"]
        if "pattern" in field:
            schema["pattern"] = field["pattern"]
        return schema

    def definition_checks(self, field, pointer, context):
        if "pattern" in field:
            try:
                re.compile(field["pattern"])
            except re.error:
                context.error(f"{pointer}/pattern", _("Not a valid regular expression",
                                                      "不是有效的正则表达式"))

    def checker(self, field):
        low = field.get("min_length", 0)
        high = field.get("max_length", DEFAULT_MAX_TEXT)
        pattern = re.compile(field["pattern"]) if "pattern" in field else None

        def check(value, path, errors):
            if not isinstance(value, str):
                add_error(errors, path, _("Must be text", "必须是文本"))
                return value
            if len(value) < low:
                add_error(errors, path, _("At least {n} characters", "至少 {n} 个字符", n=low))
            if len(value) > high:
                add_error(errors, path, _("At most {n} characters", "最多 {n} 个字符", n=high))
            if pattern is not None and not pattern.search(value):
                add_error(errors, path, _("Does not match the required format", "格式不符合要求"))
            return value
        return check


@field_type("textarea")
class Textarea(Text):
    pass


@field_type("richtext")
class RichText(FieldType):
    options = {"max_length": _LENGTH_OPTIONS["max_length"]}

    def value_schema(self, field):
        return {"type": ["string", "null"], "maxLength": field.get("max_length", DEFAULT_MAX_TEXT)}

    def checker(self, field):
        high = field.get("max_length", DEFAULT_MAX_TEXT)

        def check(value, path, errors):
            if not isinstance(value, str):
                add_error(errors, path, _("Must be text", "必须是文本"))
                return value
            # Sanitised on the way in, so every reader (page, export, message) gets safe HTML.
            clean = nh3.clean(value)
            if len(clean) > high:
                add_error(errors, path, _("At most {n} characters", "最多 {n} 个字符", n=high))
            return clean
        return check


class _PatternText(FieldType):
    options = dict(UNIQUE_OPTION)
    regex: re.Pattern
    json_pattern = ""

    def value_schema(self, field):
        return {"type": ["string", "null"], "maxLength": 320, "pattern": self.json_pattern}

    def normalise(self, value: str) -> str:
        return value.strip()

    def message(self):
        raise NotImplementedError

    def checker(self, field):
        def check(value, path, errors):
            if not isinstance(value, str):
                add_error(errors, path, _("Must be text", "必须是文本"))
                return value
            value = self.normalise(value)
            if len(value) > 320 or not self.regex.match(value):
                add_error(errors, path, self.message())
            return value
        return check

    def from_text(self, text, field):
        text = text.strip()
        return self.normalise(text) if text else None


@field_type("email")
class Email(_PatternText):
    regex = EMAIL_RE
    json_pattern = EMAIL_RE.pattern

    def normalise(self, value):
        return value.strip().lower()

    def message(self):
        return _("Not a valid email address", "邮箱地址无效")


@field_type("url")
class Url(_PatternText):
    regex = URL_RE
    json_pattern = r"^[hH][tT][tT][pP][sS]?://[^\s/$.?#][^\s]*$"

    def message(self):
        return _("Not a valid web address (http:// or https://)", "网址无效（需以 http:// 或 https:// 开头）")


@field_type("phone")
class Phone(_PatternText):
    regex = PHONE_RE
    json_pattern = PHONE_RE.pattern

    def normalise(self, value):
        return PHONE_STRIP.sub("", value.strip())

    def message(self):
        return _("Not a valid phone number (E.164 or mainland mobile)",
                 "电话号码无效（国际格式或大陆手机号）")
