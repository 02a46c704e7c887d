"""The JSON Schema of a bundle's envelope; each part is then checked by its own engine."""
from __future__ import annotations

import jsonschema

FORMAT = "formloom.app/1"
_LABEL = {"oneOf": [{"type": "string", "minLength": 1},
                    {"type": "object", "additionalProperties": False, "minProperties": 1,
                     "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}]}
_KEY = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_PART = {"type": "object", "required": ["key"], "properties": {"key": _KEY}}

BUNDLE_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "key", "name", "forms"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "key": _KEY,
        "name": _LABEL,
        "description": {"oneOf": [_LABEL, {"type": "null"}]},
        "version": {"type": "string", "maxLength": 32},
        "forms": {"type": "array", "items": _PART, "maxItems": 200},
        "segments": {"type": "array", "maxItems": 1000, "items": {
            "type": "object", "required": ["key", "form", "name", "expression"],
            "additionalProperties": False,
            "properties": {"key": _KEY, "form": _KEY, "name": _LABEL,
                           "expression": {"type": "string", "minLength": 1}}}},
        "flows": {"type": "array", "items": _PART, "maxItems": 500},
        "dashboards": {"type": "array", "items": _PART, "maxItems": 200},
        "roles": {"type": "array", "maxItems": 50, "items": {
            "type": "object", "required": ["key", "name"],
            "properties": {"key": _KEY, "name": _LABEL, "description": _LABEL,
                           "base_role": {"enum": ["owner", "admin", "editor", "member",
                                                  "viewer"]}}}},
    },
}

_validator = jsonschema.Draft202012Validator(BUNDLE_SCHEMA)


def envelope_problems(bundle) -> list[dict]:
    return [{"part": "/" + "/".join(str(p) for p in err.absolute_path), "message": err.message}
            for err in sorted(_validator.iter_errors(bundle), key=lambda e: list(e.absolute_path))]
