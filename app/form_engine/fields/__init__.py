"""Field-type registry: one small class per type, each declaring its options, stored-value schema,
input check, SQL cast and import/export text form. Adding a type = one module + its tests."""
from __future__ import annotations

import importlib
from typing import Any, Callable

import sqlalchemy as sa

from app.i18n import LazyText, _

# Options every stored field accepts (FORMATS.md "Common options").
LABEL_SCHEMA = {"oneOf": [{"type": "string", "maxLength": 200},
                          {"type": "object", "additionalProperties": False, "minProperties": 1,
                           "properties": {"zh": {"type": "string", "maxLength": 200},
                                          "en": {"type": "string", "maxLength": 200}}}]}
# Help text under a field or form: a string or {"zh", "en"} like labels, but longer.
DESCRIPTION_SCHEMA = {"oneOf": [{"type": "string", "maxLength": 2000},
                                {"type": "object", "additionalProperties": False,
                                 "minProperties": 1,
                                 "properties": {"zh": {"type": "string", "maxLength": 2000},
                                                "en": {"type": "string", "maxLength": 2000}}}]}
KEY_SCHEMA = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
EXPRESSION_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 4000}
COMMON_OPTIONS: dict[str, dict] = {
    "key": KEY_SCHEMA,
    "label": LABEL_SCHEMA,
    "description": DESCRIPTION_SCHEMA,
    "required": {"type": "boolean"},
    "required_when": EXPRESSION_SCHEMA,
    "visible_when": EXPRESSION_SCHEMA,
    "readonly": {"type": "boolean"},
    "hidden": {"type": "boolean"},
    "indexed": {"type": "boolean"},
    "default": {},
    "ui": {"type": "object"},
}
UNIQUE_OPTION = {"unique": {"type": "boolean"}}

Errors = dict[str, list]
Checker = Callable[[Any, str, Errors], Any]


def add_error(errors: Errors, path: str, message: LazyText) -> None:
    errors.setdefault(path, []).append(message)


class FieldType:
    """A field type. Subclasses set `name` and override what differs."""

    name: str = ""
    options: dict[str, dict] = {}       # JSON Schema of the type's own definition keys
    required_options: tuple[str, ...] = ()
    stores = True                       # False for layout-only types (section)
    computed = False                    # value produced by the engine, never taken from input
    accepts_default = True
    rule_type = "text"                  # the type the rule engine sees
    sql_kind = "text"                   # text | number | boolean | json: how SQL reads it

    def value_schema(self, field: dict) -> dict:
        """JSON Schema (2020-12) of a stored value; null always means blank."""
        return {"type": ["string", "null"]}

    def checker(self, field: dict) -> Checker:
        """A function (value, path, errors) -> normalised value, adding messages at `path`."""
        def check(value, path, errors):
            if not isinstance(value, str):
                add_error(errors, path, _("Must be text", "必须是文本"))
                return value
            return value
        return check

    def sql_value(self, text_expr):
        """Typed SQL of the stored value, given the value read as text."""
        if self.sql_kind == "number":
            return sa.cast(text_expr, sa.Float)
        return text_expr

    def to_text(self, value, field: dict) -> str:
        """The import/export text form of a stored value."""
        if value is None:
            return ""
        return str(value)

    def from_text(self, text: str, field: dict):
        """Parse the import text form (blank -> None); raise ValueError when unreadable."""
        text = text.strip()
        return text or None

    def definition_checks(self, field: dict, pointer: str, context) -> None:
        """Extra checks of the field's own definition beyond its JSON Schema."""


_REGISTRY: dict[str, FieldType] = {}
_FAMILIES = ("text", "number", "choice", "temporal", "people", "files", "places", "structure",
             "relation", "computed")


def field_type(name: str):
    def register(cls):
        cls.name = name
        _REGISTRY[name] = cls()
        return cls
    return register


_loaded = False


def _load() -> None:
    global _loaded
    if not _loaded:
        for family in _FAMILIES:
            importlib.import_module(f"app.form_engine.fields.{family}")
        _loaded = True


def get(name: str) -> FieldType:
    _load()
    return _REGISTRY[name]


def all_types() -> dict[str, FieldType]:
    _load()
    return dict(_REGISTRY)
