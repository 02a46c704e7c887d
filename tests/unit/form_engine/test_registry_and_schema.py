"""The field-type registry and the published definition meta-schema."""
from __future__ import annotations

import jsonschema

from app.form_engine import fields
from app.form_engine.references import rewrite_expression
from app.form_engine.schemas import SCHEMA_PATH, definition_schema, published_schema_text

FORMATS_TYPES = {"text", "textarea", "richtext", "number", "checkbox", "date", "datetime", "select",
                 "multiselect", "phone", "email", "url", "rating", "serial", "user", "users",
                 "department", "file", "image", "signature", "address", "location", "subform",
                 "relation", "lookup", "rollup", "formula", "section"}


def test_every_formats_type_is_registered_with_a_meta_schema_entry():
    assert set(fields.all_types()) == FORMATS_TYPES
    defs = definition_schema()["$defs"]
    assert {f"field_{t}" for t in FORMATS_TYPES} <= set(defs)
    jsonschema.Draft202012Validator.check_schema(definition_schema())


def test_published_schema_file_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == published_schema_text()


def test_checkers_agree_with_value_schemas_on_samples():
    samples = {"number": [1, 2.5, "x", True], "rating": [1, 5, 6, 0], "date": ["2025-01-01", "2025-13-01"],
               "email": ["a@b.co", "x"], "select": ["a", "z"], "multiselect": [["a"], ["z"]]}
    for name, values in samples.items():
        spec = {"key": "f", "type": name, "options": ["a", "b"]} if "select" in name else {"key": "f", "type": name}
        kind = fields.get(name)
        validator = jsonschema.Draft202012Validator(kind.value_schema(spec), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        check = kind.checker(spec)
        for value in values:
            errors: dict = {}
            check(value, "f", errors)
            assert (not errors) == validator.is_valid(value), (name, value)


def test_rewrite_expression_renames_fields_only():
    assert rewrite_expression("qty * 2 + LEN('qty') + qtyx", "qty", "n") == "n * 2 + LEN('qty') + qtyx"
    assert rewrite_expression("customer.name & name", "name", "title", via={"customer"}) == \
        "customer.title & name"


def test_import_export_text_forms_round_trip():
    cases = [("number", {}, 12.5), ("checkbox", {}, True), ("date", {}, "2025-03-01"),
             ("multiselect", {"options": ["a", "b"]}, ["a", "b"]), ("users", {}, ["u1", "u2"]),
             ("datetime", {}, "2025-03-01T09:00:00Z"), ("location", {}, {"lat": 1.5, "lng": 2.5})]
    for name, extra, value in cases:
        kind, spec = fields.get(name), {"key": "f", "type": name, **extra}
        assert kind.from_text(kind.to_text(value, spec), spec) == value, name
