"""marshmallow fields shared by API schemas."""
from __future__ import annotations

from marshmallow import ValidationError, fields

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"


class Label(fields.Field):
    """A label: a string, or {"zh": "...", "en": "..."}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, dict) and value and set(value) <= {"zh", "en"} \
                and all(isinstance(v, str) for v in value.values()):
            return value
        raise ValidationError("A label is a non-empty string or {\"zh\", \"en\"}.")

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _jsonschema_type_mapping(self):  # for apispec
        return {"oneOf": [{"type": "string"},
                          {"type": "object", "properties": {"zh": {"type": "string"},
                                                            "en": {"type": "string"}}}]}


class AnyJSON(fields.Raw):
    """Any JSON value (documented as such in OpenAPI)."""
