"""The pure part of a record write, in order: input checks -> defaults -> lookups -> formulas ->
required/required_when -> form validations. Database checks are batched by the caller."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from app.form_engine import expressions
from app.form_engine.compile import CompiledForm
from app.form_engine.fields import Errors, add_error
from app.i18n import LazyText, _
from app.rule_engine import EvalEnv

BLANKS = (None, "", [])
REQUIRED = _("This field is required", "此项必填")


def is_blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


@dataclass
class Prepared:
    data: dict
    errors: Errors = dc_field(default_factory=dict)
    changed: list[str] = dc_field(default_factory=list)


def check_input(cf: CompiledForm, incoming: dict, errors: Errors, readonly: frozenset) -> dict:
    """Checked and normalised input values; computed fields sent by a client are ignored."""
    clean = {}
    if not isinstance(incoming, dict):
        add_error(errors, "_record", _("The data must be an object", "数据必须是对象"))
        return clean
    for key, value in incoming.items():
        checker = cf.inputs.get(key)
        if checker is None:
            if key not in cf.computed:
                add_error(errors, key, _("Unknown field", "未知字段"))
            continue
        if key in readonly:
            add_error(errors, key, _("This field is read-only", "此项为只读"))
            continue
        clean[key] = None if is_blank(value) else checker(value, key, errors)
    return clean


def apply_defaults(cf: CompiledForm, data: dict, provided: set, env: EvalEnv) -> None:
    for key, default in cf.defaults:
        if key in provided:
            continue
        if isinstance(default, dict) and "expression" in default:
            data[key] = expressions.evaluate(default["expression"], data, env, cf.rule_schema)
        elif default == "current_user":
            user = env.current_user
            data[key] = ([user] if user else None) if cf.fields[key]["type"] == "users" else user
        else:
            data[key] = default


def _fitted(formula: dict, value):
    """A number formula stores numbers only (anything else is blank), so SQL casts of the stored
    value for filters, sorts and reports never fail."""
    if formula.get("result") == "number" and (isinstance(value, bool)
                                               or not isinstance(value, (int, float))):
        return None
    return value


def compute_formulas(cf: CompiledForm, data: dict, env: EvalEnv, only: set[str] | None = None) -> None:
    """Subform row formulas first (parents may sum them), then the form's, in dependency order."""
    for sub_key, formulas in cf.row_formulas.items():
        rows = data.get(sub_key)
        if not formulas or not isinstance(rows, list):
            continue
        row_schema = {**cf.rule_schema, **cf.rule_schema[sub_key].get("fields", {})}
        for row in rows:
            if isinstance(row, dict):
                scope = {**data, **row}
                for f in formulas:
                    row[f["key"]] = scope[f["key"]] = _fitted(f, expressions.evaluate(
                        f["expression"], scope, env, row_schema))
    for f in cf.formulas:
        if only is None or f["key"] in only:
            data[f["key"]] = _fitted(f, expressions.evaluate(f["expression"], data, env,
                                                             cf.rule_schema))


def check_conditions(cf: CompiledForm, data: dict, env: EvalEnv, errors: Errors) -> None:
    for f in cf.conditions:
        key = f["key"]
        if f.get("visible_when") and not expressions.truthy(f["visible_when"], data, env,
                                                             cf.rule_schema):
            continue  # a hidden field is never required
        needed = f.get("required") or (f.get("required_when") and expressions.truthy(
            f["required_when"], data, env, cf.rule_schema))
        if needed and key in cf.inputs and is_blank(data.get(key)) and key not in errors:
            add_error(errors, key, REQUIRED)


def check_validations(cf: CompiledForm, data: dict, env: EvalEnv, errors: Errors) -> None:
    for rule in cf.validations:
        if not expressions.truthy(rule["expression"], data, env, cf.rule_schema):
            message = rule.get("message")
            if isinstance(message, dict):
                text = LazyText(message.get("en") or message.get("zh", ""),
                                message.get("zh") or message.get("en", ""))
            elif isinstance(message, str):
                text = LazyText(message, message)
            else:
                text = _("The record does not satisfy: {e}", "记录不满足条件：{e}",
                         e=rule["expression"])
            add_error(errors, rule.get("field", "_record"), text)


def changed_keys(before: dict | None, after: dict) -> list[str]:
    before = before or {}
    return [k for k in after if before.get(k) != after.get(k)] + [
        k for k in before if k not in after]
