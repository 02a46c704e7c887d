"""Relation: ids of records of another form of the same app (existence checked by the write path)."""
from __future__ import annotations

from app.form_engine.fields import EXPRESSION_SCHEMA, KEY_SCHEMA, FieldType, add_error, field_type
from app.form_engine.fields.choice import LIST_SPLIT
from app.i18n import _


def relation_ids(value) -> list[str]:
    """The ids a stored relation value points at (one or many)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


@field_type("relation")
class Relation(FieldType):
    options = {"target": KEY_SCHEMA, "multiple": {"type": "boolean"}, "filter": EXPRESSION_SCHEMA,
               "on_delete": {"enum": ["restrict", "clear"]}}
    required_options = ("target",)
    accepts_default = False
    references = "record"

    @property
    def rule_type(self):
        return "object"

    def value_schema(self, field):
        item = {"type": "string", "minLength": 1, "maxLength": 26}
        if field.get("multiple"):
            return {"type": ["array", "null"], "items": item, "uniqueItems": True, "maxItems": 1000}
        return {"type": ["string", "null"], "minLength": 1, "maxLength": 26}

    def checker(self, field):
        multiple = field.get("multiple", False)

        def is_id(v):
            return isinstance(v, str) and 0 < len(v) <= 26

        def check(value, path, errors):
            if multiple:
                if not isinstance(value, list) or not all(is_id(v) for v in value) \
                        or len(set(value)) != len(value):
                    add_error(errors, path, _("Must be a list of different record ids",
                                              "必须是不重复的记录 ID 列表"))
            elif not is_id(value):
                add_error(errors, path, _("Must be a record id", "必须是记录 ID"))
            return value
        return check

    def sql_kind_for(self, field):
        return "json" if field.get("multiple") else "text"

    def to_text(self, value, field):
        return ", ".join(relation_ids(value))

    def from_text(self, text, field):
        text = text.strip()
        if not text:
            return None
        ids = [p for p in LIST_SPLIT.split(text) if p]
        if field.get("multiple"):
            return ids
        if len(ids) != 1:
            raise ValueError(text)  # several ids for one reference: refuse, never pick one
        return ids[0]
