"""The pure part of a record write, in order: input checks -> defaults -> lookups -> formulas ->
required/required_when -> form validations. Database checks are batched by the caller."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from app.form_engine import expressions
from app.form_engine.compile import CompiledForm
from app.form_engine.fields import Errors, add_error
from app.i18n import LazyText, _
from app.rule_engine import EvalEnv, RuleError
from app.rule_engine.values import set_current_env

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


# The plan's callables expect the record's env to be the current one: each function below makes
# it current once around all of them, not once per expression.
def _value_fn(expression: str, schema: dict):
    return expressions.compiled(expression, schema, env_is_current=True)


def _test_fn(expression: str, schema: dict):
    return expressions.compiled_test(expression, schema, env_is_current=True)


class _Plan:
    """The expressions of one compiled form version as callables, compiled once: defaults,
    subform row formulas, formulas in order, conditions and validations."""

    def __init__(self, cf: CompiledForm):
        schema = cf.rule_schema
        self.cf = cf
        self.defaults = {key: _value_fn(default["expression"], schema)
                         for key, default in cf.defaults
                         if isinstance(default, dict) and "expression" in default}
        self.rows = []
        for sub_key, formulas in cf.row_formulas.items():
            if formulas:
                row_schema = {**schema, **(schema.get(sub_key) or {}).get("fields", {})}
                self.rows.append((sub_key, [
                    (f["key"], f, _value_fn(f["expression"], row_schema))
                    for f in formulas]))
        self.formulas = [(f["key"], f, _value_fn(f["expression"], schema))
                         for f in cf.formulas]
        self.conditions = [
            (f, f.get("visible_when") and _test_fn(f["visible_when"], schema),
             f.get("required_when") and _test_fn(f["required_when"], schema))
            for f in cf.conditions]
        self.validations = [(rule, _test_fn(rule["expression"], schema))
                            for rule in cf.validations]
        self.always: set[str] = set()
        self.readers: dict[str, set[str]] = {}
        for f in cf.formulas:
            try:
                refs = expressions.referenced_fields(f["expression"])
                if f["key"] in cf.volatile or expressions.is_contextual(f["expression"]):
                    self.always.add(f["key"])
            except RuleError:
                continue  # it evaluates to blank whatever changes
            for ref in refs:
                self.readers.setdefault(ref, set()).add(f["key"])


_PLANS_MAX = 512
_plans: dict[tuple[str, int], _Plan] = {}


def _plan(cf: CompiledForm) -> _Plan:
    plan = _plans.get((cf.form_id, cf.version))
    if plan is None or plan.cf is not cf:
        if len(_plans) >= _PLANS_MAX:
            _plans.clear()
        plan = _plans[(cf.form_id, cf.version)] = _Plan(cf)
    return plan


def apply_defaults(cf: CompiledForm, data: dict, provided: set, env: EvalEnv) -> None:
    plan = None
    for key, default in cf.defaults:
        if key in provided:
            continue
        if isinstance(default, dict) and "expression" in default:
            plan = plan or _plan(cf)
            previous = set_current_env(env)
            try:
                data[key] = plan.defaults[key](data, env)
            finally:
                set_current_env(previous)
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
    plan = _plan(cf)
    previous = set_current_env(env)
    try:
        for sub_key, formulas in plan.rows:
            rows = data.get(sub_key)
            if not isinstance(rows, list):
                continue
            for row in rows:
                if isinstance(row, dict):
                    scope = {**data, **row}
                    for key, f, evaluate in formulas:
                        row[key] = scope[key] = _fitted(f, evaluate(scope, env))
        for key, f, evaluate in plan.formulas:
            if only is None or key in only:
                data[key] = _fitted(f, evaluate(data, env))
    finally:
        set_current_env(previous)


def copy_for_formulas(cf: CompiledForm, data: dict) -> dict:
    """A copy of `data` that compute_formulas may change without touching `data`: the rows of
    subforms with row formulas are copied, other values are shared (never changed in place)."""
    copied = dict(data)
    for sub_key, _formulas in _plan(cf).rows:
        rows = copied.get(sub_key)
        if isinstance(rows, list):
            copied[sub_key] = [dict(row) if isinstance(row, dict) else row for row in rows]
    return copied


def formulas_to_refresh(cf: CompiledForm, changed: set[str]) -> set[str]:
    """The formulas whose value may differ once the fields `changed` have changed: those reading
    them (directly or through other formulas) and those reading the clock or the context."""
    plan = _plan(cf)
    found = set(plan.always)
    todo = list(changed) + [sub_key for sub_key, _formulas in plan.rows]  # rows always run
    while todo:
        for key in plan.readers.get(todo.pop(), ()):
            if key not in found:
                found.add(key)
                todo.append(key)
    return found


def check_conditions(cf: CompiledForm, data: dict, env: EvalEnv, errors: Errors) -> None:
    previous = set_current_env(env)
    try:
        for f, visible, required_when in _plan(cf).conditions:
            key = f["key"]
            if visible and not visible(data, env):
                continue  # a hidden field is never required
            needed = f.get("required") or (required_when and required_when(data, env))
            if needed and key in cf.inputs and is_blank(data.get(key)) and key not in errors:
                add_error(errors, key, REQUIRED)
    finally:
        set_current_env(previous)


def check_validations(cf: CompiledForm, data: dict, env: EvalEnv, errors: Errors) -> None:
    previous = set_current_env(env)
    try:
        failed = [rule for rule, holds in _plan(cf).validations if not holds(data, env)]
    finally:
        set_current_env(previous)
    for rule in failed:
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
