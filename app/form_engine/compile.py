"""A form version compiled once into what the write path needs: per-field checks (bilingual,
fast enough for bulk), the stored-record JSON Schema validator, defaults, formulas in dependency
order, conditions, unique constraints, serials, relations, lookups and rollups."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field as dc_field
from typing import Callable

import jsonschema

from app.form_engine import expressions
from app.form_engine import fields as registry
from app.form_engine.definition import formula_order

_CACHE_SIZE = 512
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


@dataclass
class CompiledForm:
    form_id: str
    version: int
    definition: dict
    rule_schema: dict
    fields: dict[str, dict]                         # every stored top-level field
    inputs: dict[str, Callable]                     # key -> checker, fields taken from input
    computed: set[str]
    defaults: list[tuple[str, object]]
    row_formulas: dict[str, list[dict]]             # subform key -> its formulas in order
    formulas: list[dict]                            # top-level formulas in dependency order
    conditions: list[dict]                          # fields with required/required_when
    validations: list[dict]
    unique: list[tuple[str, ...]]
    serials: list[dict]
    relations: dict[str, dict]
    lookups: list[dict]
    rollups: list[dict]
    people: dict[str, str]                          # key -> "user" | "department"
    volatile: set[str]
    record_schema: dict
    has_links: bool = False                         # relations to check and lookups to fill
    row_relations: dict[str, dict[str, dict]] = dc_field(default_factory=dict)  # subform -> key -> field
    row_lookups: dict[str, list[dict]] = dc_field(default_factory=dict)          # subform -> lookups
    _validator: jsonschema.Draft202012Validator | None = dc_field(default=None, repr=False)

    @property
    def validator(self) -> jsonschema.Draft202012Validator:
        """The stored-record validator, built on first use and reused for this version."""
        if self._validator is None:
            self._validator = jsonschema.Draft202012Validator(
                self.record_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        return self._validator

    def field_type(self, key: str):
        return registry.get(self.fields[key]["type"])


def _record_schema(stored: dict[str, dict]) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "additionalProperties": False,
            "properties": {k: registry.get(f["type"]).value_schema(f) for k, f in stored.items()}}


def _volatile_keys(formulas: list[dict], seed: set[str] | None = None) -> set[str]:
    """Formulas using TODAY()/NOW(), directly or through another volatile value in `seed`."""
    volatile: set[str] = set(seed or ())
    for f in formulas:  # dependency order, so a formula reading a volatile one is volatile too
        expr = f["expression"]
        if expressions.is_volatile(expr) or expressions.referenced_fields(expr) & volatile:
            volatile.add(f["key"])
    return volatile


def build(form_id: str, version: int, definition: dict, rule_schema: dict) -> CompiledForm:
    top = definition["fields"]
    stored = {f["key"]: f for f in top if registry.get(f["type"]).stores}
    inputs = {k: registry.get(f["type"]).checker(f) for k, f in stored.items()
              if not registry.get(f["type"]).computed}
    formulas, _cyclic = formula_order(top)
    row_formulas = {k: formula_order(f["fields"])[0] for k, f in stored.items()
                    if f["type"] == "subform"}
    # A subform whose row formulas are volatile is itself a volatile value of the record.
    volatile_rows = {k for k, fs in row_formulas.items() if _volatile_keys(fs)}
    unique = [(k,) for k, f in stored.items() if f.get("unique")]
    unique += [tuple(c) for c in definition.get("unique", []) if tuple(c) not in unique]
    return CompiledForm(
        form_id=form_id, version=version, definition=definition, rule_schema=rule_schema,
        fields=stored, inputs=inputs,
        computed={k for k, f in stored.items() if registry.get(f["type"]).computed},
        defaults=[(k, f["default"]) for k, f in stored.items()
                  if "default" in f and f["default"] is not None and k in inputs],
        row_formulas=row_formulas,
        formulas=formulas,
        conditions=[f for f in stored.values() if f.get("required") or f.get("required_when")
                    or f.get("visible_when")],
        validations=list(definition.get("validations", [])),
        unique=unique,
        serials=[f for f in stored.values() if f["type"] == "serial"],
        relations={k: f for k, f in stored.items() if f["type"] == "relation"},
        lookups=[f for f in stored.values() if f["type"] == "lookup"],
        rollups=[f for f in stored.values() if f["type"] == "rollup"],
        people={k: registry.get(f["type"]).references for k, f in stored.items()
                if getattr(registry.get(f["type"]), "references", None) in ("user", "department")},
        volatile=_volatile_keys(formulas, volatile_rows),
        record_schema=_record_schema(stored),
        has_links=any(f["type"] == "relation" for f in stored.values()) or any(
            sub["type"] == "relation" for f in stored.values() if f["type"] == "subform"
            for sub in f["fields"]),
        row_relations={k: {s["key"]: s for s in f["fields"] if s["type"] == "relation"}
                       for k, f in stored.items() if f["type"] == "subform"},
        row_lookups={k: [s for s in f["fields"] if s["type"] == "lookup"]
                     for k, f in stored.items() if f["type"] == "subform"},
    )


def compiled(form_id: str, version: int, definition: dict,
             rule_schema_of: Callable[[dict], dict]) -> CompiledForm:
    """The compiled form of one version, built once and reused."""
    key = (form_id, version)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    result = build(form_id, version, definition, rule_schema_of(definition))
    with _lock:
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result
