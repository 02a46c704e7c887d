"""Checking a form definition: its JSON Schema (path-addressed errors), then what a schema cannot
say (unique keys, references between fields and forms, expressions, formula cycles)."""
from __future__ import annotations

import functools
from typing import Callable

import jsonschema

from app.errors import ValidationFailed
from app.form_engine import expressions
from app.form_engine import fields as registry
from app.form_engine.rule_schema import rule_schema
from app.form_engine.schemas import ROLE_NAMES, definition_schema
from app.i18n import LazyText, _

# form key -> that form's definition (forms of the same app), or None when there is none.
FormResolver = Callable[[str], "dict | None"]


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(definition_schema())


class DefinitionErrors:
    """Collects errors by JSON pointer."""

    def __init__(self):
        self.by_pointer: dict[str, list] = {}

    def error(self, pointer: str, message) -> None:
        self.by_pointer.setdefault(pointer or "/", []).append(message)

    def raise_if_any(self) -> None:
        if self.by_pointer:
            raise ValidationFailed(_("The form definition is not valid", "表单定义无效"),
                                   {"fields": self.by_pointer})


def _pointer(path) -> str:
    return "".join(f"/{p}" for p in path)


def _schema_message(err: jsonschema.ValidationError, errors: DefinitionErrors) -> None:
    pointer = _pointer(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = set(err.instance) - set(err.schema.get("properties", {}))
        for key in sorted(extra):
            errors.error(f"{pointer}/{key}", _("Unknown key", "未知的键"))
    elif err.validator == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        for key in missing:
            errors.error(f"{pointer}/{key}", _("This key is required", "缺少必需的键"))
    elif err.validator in ("enum", "const"):
        allowed = err.validator_value if err.validator == "enum" else [err.validator_value]
        shown = ", ".join(map(str, allowed[:30]))
        errors.error(pointer, _("Must be one of: {v}", "必须是以下之一：{v}", v=shown))
    elif err.validator == "type":
        errors.error(pointer, _("Wrong type, expected {t}", "类型错误，应为 {t}",
                                t=err.validator_value))
    elif err.validator == "pattern" and err.schema.get("pattern", "").startswith("^[a-z]"):
        errors.error(pointer, _("A key is lowercase letters, digits and _ , starting with a letter",
                                "标识只能包含小写字母、数字和下划线，并以字母开头"))
    else:
        errors.error(pointer, LazyText(err.message, err.message))


def check_structure(definition) -> None:
    errors = DefinitionErrors()
    for err in _validator().iter_errors(definition):
        _schema_message(err, errors)
    errors.raise_if_any()


def validate_definition(definition: dict, resolve_form: FormResolver, *, self_key: str | None = None,
                        role_keys: set[str] | None = None) -> None:
    """Raise ValidationFailed (details.fields keyed by JSON pointer) unless the definition is usable.
    `role_keys`: the app's role keys permissions may name besides workspace roles (None: unchecked)."""
    check_structure(definition)
    errors = DefinitionErrors()
    own_key = self_key or definition["key"]

    def resolve(key):
        return definition if key == own_key else resolve_form(key)

    schema = rule_schema(definition, resolve)
    top = {}
    for i, field in enumerate(definition["fields"]):
        pointer = f"/fields/{i}"
        if field["key"] in top:
            errors.error(f"{pointer}/key", _("This key is used twice", "该标识重复"))
        top[field["key"]] = field
        _check_field(field, pointer, definition, schema, resolve, errors, definition["fields"])
        if field["type"] == "subform":
            seen = set()
            row_schema = {**schema, **schema[field["key"]]["fields"]}
            for j, sub in enumerate(field["fields"]):
                if sub["key"] in seen:
                    errors.error(f"{pointer}/fields/{j}/key", _("This key is used twice", "该标识重复"))
                seen.add(sub["key"])
                _check_field(sub, f"{pointer}/fields/{j}", definition, row_schema, resolve, errors,
                             field["fields"])
    _check_form_level(definition, top, schema, errors)
    _check_permission_roles(definition, role_keys, errors)
    _check_formula_cycles(definition, errors)
    errors.raise_if_any()


def _check_expression(text: str, pointer: str, schema: dict, errors: DefinitionErrors) -> None:
    problem = expressions.check(text, schema)
    if problem is not None:
        errors.error(pointer, problem)


def _check_field(field, pointer, definition, schema, resolve, errors, siblings) -> None:
    """`siblings`: the fields a lookup's `via` is found among (the form's, or a subform row's)."""
    ftype = registry.get(field["type"])
    ftype.definition_checks(field, pointer, errors)
    for key in ("required_when", "visible_when"):
        if key in field:
            _check_expression(field[key], f"{pointer}/{key}", schema, errors)
    if "default" in field:
        _check_default(field, ftype, pointer, schema, errors)
    kind = field["type"]
    if kind == "formula":
        _check_expression(field["expression"], f"{pointer}/expression", schema, errors)
    elif kind == "relation":
        target = resolve(field["target"])
        if target is None:
            errors.error(f"{pointer}/target", _("No form '{k}' in this app", "本应用中没有表单“{k}”",
                                                 k=field["target"]))
        elif "filter" in field:
            _check_expression(field["filter"], f"{pointer}/filter", rule_schema(target, resolve),
                              errors)
    elif kind == "lookup":
        via = next((f for f in siblings if f["key"] == field["via"]), None)
        if via is None or via["type"] != "relation":
            errors.error(f"{pointer}/via", _("'{k}' is not a relation field of this form",
                                              "“{k}”不是本表单的关联字段", k=field["via"]))
        else:
            target = resolve(via["target"])
            if target is not None and not any(f["key"] == field["field"] for f in target["fields"]):
                errors.error(f"{pointer}/field", _("Form '{f}' has no field '{k}'",
                                                   "表单“{f}”没有字段“{k}”", f=via["target"],
                                                   k=field["field"]))
    elif kind == "rollup":
        _check_rollup(field, pointer, definition, resolve, errors)
    elif kind in ("select", "multiselect") and isinstance(field.get("default"), (str, list)):
        values = field["default"] if isinstance(field["default"], list) else [field["default"]]
        if not field.get("allow_other") and any(v not in field["options"] for v in values):
            errors.error(f"{pointer}/default", _("The default is not one of the options",
                                                 "默认值不在可选项中"))


def _check_default(field, ftype, pointer, schema, errors) -> None:
    default = field["default"]
    if isinstance(default, dict) and set(default) == {"expression"}:
        _check_expression(default["expression"], f"{pointer}/default/expression", schema, errors)
    elif default == "current_user":
        if field["type"] not in ("user", "users"):
            errors.error(f"{pointer}/default", _("current_user is a default of user fields only",
                                                 "current_user 只能作为人员字段的默认值"))
    elif not ftype.accepts_default:
        errors.error(f"{pointer}/default", _("This field type takes no default",
                                             "该字段类型不支持默认值"))
    elif default is not None and field["type"] not in ("select", "multiselect"):
        problems: dict = {}
        ftype.checker(field)(default, "default", problems)
        for message in problems.get("default", []):
            errors.error(f"{pointer}/default", message)


def _check_rollup(field, pointer, definition, resolve, errors) -> None:
    source = resolve(field["source"])
    if source is None:
        errors.error(f"{pointer}/source", _("No form '{k}' in this app", "本应用中没有表单“{k}”",
                                             k=field["source"]))
        return
    via = next((f for f in source["fields"] if f["key"] == field["via"]), None)
    if via is None or via["type"] != "relation" or via.get("target") != definition["key"]:
        errors.error(f"{pointer}/via", _("'{k}' is not a relation of form '{f}' pointing here",
                                          "“{k}”不是表单“{f}”指向本表单的关联字段",
                                          k=field["via"], f=field["source"]))
    if field["agg"] != "count":
        if "field" not in field:
            errors.error(f"{pointer}/field", _("This key is required", "缺少必需的键"))
        elif not any(f["key"] == field["field"] for f in source["fields"]):
            errors.error(f"{pointer}/field", _("Form '{f}' has no field '{k}'",
                                               "表单“{f}”没有字段“{k}”", f=field["source"],
                                               k=field["field"]))
    if "filter" in field:
        _check_expression(field["filter"], f"{pointer}/filter", rule_schema(source, resolve), errors)


def _check_form_level(definition, top, schema, errors) -> None:
    stored = {k for k, f in top.items() if registry.get(f["type"]).stores}
    if "title_field" in definition and definition["title_field"] not in stored:
        errors.error("/title_field", _("No field '{k}'", "没有字段“{k}”", k=definition["title_field"]))
    for i, combo in enumerate(definition.get("unique", [])):
        for j, key in enumerate(combo):
            if key not in stored or top[key]["type"] in ("subform", "file", "image", "signature"):
                errors.error(f"/unique/{i}/{j}", _("'{k}' cannot be part of a unique constraint",
                                                    "“{k}”不能用于唯一约束", k=key))
    for i, rule in enumerate(definition.get("validations", [])):
        _check_expression(rule["expression"], f"/validations/{i}/expression", schema, errors)
        if "field" in rule and rule["field"] not in stored:
            errors.error(f"/validations/{i}/field", _("No field '{k}'", "没有字段“{k}”", k=rule["field"]))
    for role, rules in definition.get("permissions", {}).items():
        for kind in ("hidden_fields", "readonly_fields"):
            for j, key in enumerate(rules.get(kind, [])):
                if key not in top:
                    errors.error(f"/permissions/{role}/{kind}/{j}", _("No field '{k}'",
                                                                       "没有字段“{k}”", k=key))
    _check_scope_fields(definition, top, errors)
    for j, key in enumerate(definition.get("settings", {}).get("public", {}).get("fields", [])):
        if key not in top:
            errors.error(f"/settings/public/fields/{j}", _("No field '{k}'", "没有字段“{k}”", k=key))


def _check_scope_fields(definition, top, errors) -> None:
    """A department data scope may read a department field of the form instead of the record's
    creator department."""
    places = [("/settings/scope_field", definition.get("settings", {}).get("scope_field"))] + [
        (f"/permissions/{role}/scope_field", rules.get("scope_field"))
        for role, rules in definition.get("permissions", {}).items()]
    for path, key in places:
        if key is not None and (top.get(key) or {}).get("type") != "department":
            errors.error(path, _("'{k}' is not a department field of this form",
                                 "“{k}”不是此表单的部门字段", k=key))


def _check_permission_roles(definition, role_keys, errors) -> None:
    if role_keys is None:
        return
    for role in definition.get("permissions", {}):
        if role not in ROLE_NAMES and role not in role_keys:
            errors.error(f"/permissions/{role}", _("No workspace role or role of this app is "
                                                   "called '{k}'", "没有名为“{k}”的工作区角色或应用角色",
                                                   k=role))


def formula_order(field_list: list[dict]) -> tuple[list[dict], list[str]]:
    """Formulas sorted so each comes after the formulas it reads; also the keys left in a cycle."""
    formulas = {f["key"]: f for f in field_list if f["type"] == "formula"}
    deps = {k: {r for r in _safe_refs(f["expression"]) if r in formulas and r != k} | (
        {k} if k in _safe_refs(f["expression"]) else set()) for k, f in formulas.items()}
    ordered, done = [], set()
    progress = True
    while progress:
        progress = False
        for key in formulas:
            if key not in done and deps[key] <= done:
                ordered.append(formulas[key])
                done.add(key)
                progress = True
    return ordered, [k for k in formulas if k not in done]


def _safe_refs(expression: str) -> set[str]:
    try:
        return expressions.referenced_fields(expression)
    except Exception:  # an unparsable expression is reported by its own check
        return set()


def _check_formula_cycles(definition, errors) -> None:
    lists = [("", definition["fields"])] + [
        (f"/fields/{i}", f["fields"]) for i, f in enumerate(definition["fields"])
        if f["type"] == "subform"]
    for prefix, field_list in lists:
        _ordered, cyclic = formula_order(field_list)
        for key in cyclic:
            index = next(i for i, f in enumerate(field_list) if f["key"] == key)
            errors.error(f"{prefix}/fields/{index}/expression",
                         _("Formulas refer to each other in a cycle ({k})",
                           "公式之间存在循环引用（{k}）", k=", ".join(cyclic)))
