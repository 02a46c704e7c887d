"""The JSON Schema (2020-12) of form definitions, built from the field-type registry (one $defs
entry per type) and published as schemas/form_definition.schema.json."""
from __future__ import annotations

import functools
import json
from pathlib import Path

from app.form_engine import fields as registry
from app.form_engine.fields import (COMMON_OPTIONS, DESCRIPTION_SCHEMA, EXPRESSION_SCHEMA,
                                     KEY_SCHEMA, LABEL_SCHEMA)

SCHEMA_PATH = Path(__file__).with_name("form_definition.schema.json")
SCHEMA_ID = "https://formloom.dev/schemas/form_definition.schema.json"
OPERATIONS = ["view", "create", "edit", "delete", "import", "export"]
ROLE_NAMES = ["owner", "admin", "editor", "member", "viewer"]
_COMPUTED_COMMON = ("key", "label", "description", "hidden", "visible_when", "ui", "indexed")
_LAYOUT_COMMON = ("key", "label", "description", "visible_when", "ui")


def _common_for(ftype) -> dict:
    if not ftype.stores:
        keys = _LAYOUT_COMMON
    elif ftype.computed:
        keys = _COMPUTED_COMMON
    else:
        keys = tuple(COMMON_OPTIONS)
    return {k: COMMON_OPTIONS[k] for k in keys}


def _field_def(name: str, ftype) -> dict:
    return {"type": "object", "additionalProperties": False,
            "required": ["key", "type", *ftype.required_options],
            "properties": {**_common_for(ftype), **ftype.options, "type": {"const": name}}}


def _permission_schema() -> dict:
    key_list = {"type": "array", "items": KEY_SCHEMA, "uniqueItems": True}
    return {"type": "object", "additionalProperties": False,
            "properties": {"operations": {"type": "array", "uniqueItems": True,
                                          "items": {"enum": OPERATIONS}},
                           "scope": {"enum": ["own", "department", "all"]},
                           "scope_field": KEY_SCHEMA,
                           "hidden_fields": key_list, "readonly_fields": key_list}}


@functools.cache
def definition_schema() -> dict:
    types = registry.all_types()
    defs = {f"field_{name}": _field_def(name, t) for name, t in sorted(types.items())}
    defs["field"] = {
        "type": "object", "required": ["key", "type"],
        "properties": {"type": {"enum": sorted(types)}},
        "allOf": [{"if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                   "then": {"$ref": f"#/$defs/field_{name}"}} for name in sorted(types)],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Formloom form definition",
        "type": "object", "additionalProperties": False, "required": ["key", "name", "fields"],
        "properties": {
            "key": KEY_SCHEMA,
            "name": LABEL_SCHEMA,
            "description": DESCRIPTION_SCHEMA,
            "icon": {"type": "string", "maxLength": 64},
            "title_field": KEY_SCHEMA,
            "fields": {"type": "array", "minItems": 1, "maxItems": 500,
                       "items": {"$ref": "#/$defs/field"}},
            "unique": {"type": "array", "maxItems": 20,
                       "items": {"type": "array", "minItems": 1, "maxItems": 5, "uniqueItems": True,
                                 "items": KEY_SCHEMA}},
            "validations": {"type": "array", "maxItems": 100, "items": {
                "type": "object", "additionalProperties": False, "required": ["expression"],
                "properties": {"expression": EXPRESSION_SCHEMA, "message": LABEL_SCHEMA,
                               "field": KEY_SCHEMA}}},
            # Keyed by workspace roles and the app's role keys (checked against the app).
            "permissions": {"type": "object", "propertyNames": KEY_SCHEMA,
                            "additionalProperties": _permission_schema()},
            "settings": {"type": "object", "additionalProperties": False, "properties": {
                "public": {"type": "object", "additionalProperties": False, "properties": {
                    "enabled": {"type": "boolean"},
                    "fields": {"type": "array", "items": KEY_SCHEMA, "uniqueItems": True},
                    "title": LABEL_SCHEMA, "success_message": LABEL_SCHEMA}},
                "edit_after_submit": {"type": "boolean"},
                "data_log": {"type": "boolean"},
                "scope_field": KEY_SCHEMA}},
            "ui": {"type": "object"},
        },
        "$defs": defs,
    }


def published_schema_text() -> str:
    return json.dumps(definition_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_published_schema() -> None:
    SCHEMA_PATH.write_text(published_schema_text(), encoding="utf-8")
