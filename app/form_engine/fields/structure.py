"""Structure: subform (rows of sub-fields, no nesting; relations and their lookups allowed) and
section (layout only)."""
from __future__ import annotations

import json

from app.form_engine import fields as registry
from app.form_engine.fields import FieldType, add_error, field_type
from app.i18n import _

MAX_ROWS = 1000


def _input_fields(field: dict) -> list[dict]:
    return [f for f in field.get("fields", [])
            if registry.get(f["type"]).stores and not registry.get(f["type"]).computed]


@field_type("subform")
class Subform(FieldType):
    options = {"fields": {"type": "array", "minItems": 1, "maxItems": 100,
                          "items": {"$ref": "#/$defs/field"}},
               "min_rows": {"type": "integer", "minimum": 0},
               "max_rows": {"type": "integer", "minimum": 1, "maximum": MAX_ROWS}}
    required_options = ("fields",)
    accepts_default = False
    rule_type = "list"
    sql_kind = "json"

    def value_schema(self, field):
        properties = {f["key"]: registry.get(f["type"]).value_schema(f)
                      for f in field["fields"] if registry.get(f["type"]).stores}
        return {"type": ["array", "null"], "maxItems": field.get("max_rows", MAX_ROWS),
                "minItems": field.get("min_rows", 0),
                "items": {"type": "object", "additionalProperties": False,
                          "properties": properties}}

    def definition_checks(self, field, pointer, context):
        for i, sub in enumerate(field.get("fields", [])):
            if sub.get("type") in ("subform", "rollup", "serial"):
                context.error(f"{pointer}/fields/{i}/type",
                              _("A subform may not contain a {t} field",
                                "子表单中不能包含 {t} 字段", t=sub.get("type")))

    def checker(self, field):
        columns = {f["key"]: (f, registry.get(f["type"]).checker(f)) for f in _input_fields(field)}
        derived = {f["key"] for f in field["fields"]} - set(columns)
        low, high = field.get("min_rows", 0), field.get("max_rows", MAX_ROWS)

        def check(value, path, errors):
            if not isinstance(value, list):
                add_error(errors, path, _("Must be a list of rows", "必须是行的列表"))
                return value
            if len(value) < low:
                add_error(errors, path, _("At least {n} rows", "至少 {n} 行", n=low))
            if len(value) > high:
                add_error(errors, path, _("At most {n} rows", "最多 {n} 行", n=high))
            rows = []
            for i, row in enumerate(value):
                row_path = f"{path}[{i}]"
                if not isinstance(row, dict):
                    add_error(errors, row_path, _("Must be an object", "必须是对象"))
                    rows.append(row)
                    continue
                clean = {}
                for key, cell in row.items():
                    if key in derived:
                        continue  # computed columns are recomputed, whatever the client sent
                    spec = columns.get(key)
                    if spec is None:
                        add_error(errors, f"{row_path}.{key}", _("Unknown field", "未知字段"))
                    elif cell is None or cell == "" or cell == []:
                        clean[key] = None
                    else:
                        clean[key] = spec[1](cell, f"{row_path}.{key}", errors)
                for key, (sub, _check) in columns.items():
                    if sub.get("required") and clean.get(key) in (None, "", []):
                        add_error(errors, f"{row_path}.{key}", _("This field is required", "此项必填"))
                rows.append(clean)
            return rows
        return check

    def to_text(self, value, field):
        return json.dumps(value, ensure_ascii=False) if value else ""

    def from_text(self, text, field):
        text = text.strip()
        return json.loads(text) if text else None


@field_type("section")
class Section(FieldType):
    stores = False
    accepts_default = False

    def value_schema(self, field):
        return {"type": "null"}
