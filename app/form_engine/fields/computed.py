"""Values the engine produces: formula, lookup, rollup and serial (never taken from input)."""
from __future__ import annotations

from app.form_engine.fields import EXPRESSION_SCHEMA, KEY_SCHEMA, FieldType, field_type
from app.form_engine.fields.number import Number, is_number, number_text

RESULT_TYPES = ["number", "text", "date", "datetime", "boolean"]
ROLLUP_AGGS = ["count", "sum", "avg", "min", "max", "count_distinct"]


class _Computed(FieldType):
    computed = True
    accepts_default = False

    def value_schema(self, field):
        return {}

    def checker(self, field):
        return lambda value, path, errors: value

    def _result_type(self, field) -> str:
        return field.get("result", "text")

    def sql_value(self, text_expr):
        return Number.sql_value(Number(), text_expr) if self.sql_kind == "number" else text_expr

    def to_text(self, value, field):
        """Whatever the engine computed, as a cell: lists (lookups through a multiple relation)
        joined, booleans and numbers as import reads them back."""
        if isinstance(value, list):
            return ", ".join(self.to_text(v, field) for v in value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if is_number(value):
            return number_text(value)
        return super().to_text(value, field)


@field_type("formula")
class Formula(_Computed):
    options = {"expression": EXPRESSION_SCHEMA, "result": {"enum": RESULT_TYPES}}
    required_options = ("expression",)

    def value_schema(self, field):
        return {"type": {"number": ["number", "null"], "boolean": ["boolean", "null"]}.get(
            field.get("result"), ["string", "number", "boolean", "null"])}


@field_type("lookup")
class Lookup(_Computed):
    options = {"via": KEY_SCHEMA, "field": KEY_SCHEMA, "result": {"enum": RESULT_TYPES}}
    required_options = ("via", "field")


@field_type("rollup")
class Rollup(_Computed):
    options = {"source": KEY_SCHEMA, "via": KEY_SCHEMA, "agg": {"enum": ROLLUP_AGGS},
               "field": KEY_SCHEMA, "filter": EXPRESSION_SCHEMA, "result": {"enum": RESULT_TYPES}}
    required_options = ("source", "via", "agg")
    rule_type = "number"
    sql_kind = "number"

    def value_schema(self, field):
        return {"type": ["number", "string", "null"]}


@field_type("serial")
class Serial(_Computed):
    options = {"prefix": {"type": "string", "maxLength": 20},
               "digits": {"type": "integer", "minimum": 1, "maximum": 12},
               "reset": {"enum": ["never", "yearly", "monthly"]}}

    def value_schema(self, field):
        return {"type": ["string", "null"], "maxLength": 64}
