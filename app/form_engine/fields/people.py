"""People fields: user, users (member ids of the workspace) and department. Membership is checked
by the write path in one query per batch (`references` names what to check)."""
from __future__ import annotations

from app.form_engine.fields import FieldType, add_error, field_type
from app.form_engine.fields.choice import LIST_SPLIT
from app.i18n import _

ID_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 26}


def _is_id(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 26


@field_type("user")
class UserField(FieldType):
    references = "user"

    def value_schema(self, field):
        return {"type": ["string", "null"], "minLength": 1, "maxLength": 26}

    def checker(self, field):
        def check(value, path, errors):
            if not _is_id(value):
                add_error(errors, path, _("Must be a user id", "必须是用户 ID"))
            return value
        return check


@field_type("users")
class UsersField(FieldType):
    references = "user"
    rule_type = "list"
    sql_kind = "json"

    def value_schema(self, field):
        return {"type": ["array", "null"], "items": ID_SCHEMA, "uniqueItems": True, "maxItems": 1000}

    def checker(self, field):
        def check(value, path, errors):
            if not isinstance(value, list) or not all(_is_id(v) for v in value) \
                    or len(set(value)) != len(value) or len(value) > 1000:
                add_error(errors, path, _("Must be a list of different user ids",
                                          "必须是不重复的用户 ID 列表"))
            return value
        return check

    def to_text(self, value, field):
        return ", ".join(value or [])

    def from_text(self, text, field):
        text = text.strip()
        return [p for p in LIST_SPLIT.split(text) if p] if text else None


@field_type("department")
class DepartmentField(UserField):
    references = "department"

    def checker(self, field):
        def check(value, path, errors):
            if not _is_id(value):
                add_error(errors, path, _("Must be a department id", "必须是部门 ID"))
            return value
        return check
