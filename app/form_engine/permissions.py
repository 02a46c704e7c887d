"""Form-level permissions per role (FORMATS.md `permissions`): operations, data scope, hidden and
read-only fields. Every engine read and write path goes through these checks."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from app.auth.actor import Actor
from app.errors import Forbidden
from app.form_engine.app_roles import held_roles
from app.i18n import _
from app.models import Form, Record
from app.rule_engine.sql import field_text

ALL_OPERATIONS = frozenset({"view", "create", "edit", "delete", "import", "export"})
_DEFAULT_OPERATIONS = {
    "owner": ALL_OPERATIONS, "admin": ALL_OPERATIONS, "editor": ALL_OPERATIONS,
    "member": ALL_OPERATIONS, "viewer": frozenset({"view", "export"}),
}
# Owners and admins manage the workspace: a form's rules cannot lock them out of its data.
_UNRESTRICTED = {"owner", "admin", "system"}


@dataclass(frozen=True)
class RoleRules:
    operations: frozenset
    scope: str
    hidden: frozenset
    readonly: frozenset
    # For scope "department": where a record's department is read, each a department field key
    # of the form or None (the department of the record's creator); any one matching suffices.
    department_sources: frozenset = frozenset({None})


_FULL = RoleRules(ALL_OPERATIONS, "all", frozenset(), frozenset())
_SCOPE_WIDTH = {"own": 0, "department": 1, "all": 2}


def _entry_rules(entry: dict, operations_by_default, form_scope_field: str | None) -> RoleRules:
    return RoleRules(frozenset(entry.get("operations", operations_by_default)),
                     entry.get("scope", "all"), frozenset(entry.get("hidden_fields", ())),
                     frozenset(entry.get("readonly_fields", ())),
                     frozenset({entry.get("scope_field", form_scope_field)}))


def _workspace_role_rules(definition: dict, role: str) -> RoleRules:
    if role in _UNRESTRICTED:
        return _FULL
    declared = definition.get("permissions") or {}
    defaults = _DEFAULT_OPERATIONS.get(role, frozenset())
    if role not in declared:
        return RoleRules(defaults, "all", frozenset(), frozenset())
    return _entry_rules(declared[role], defaults, _form_scope_field(definition))


def _app_role_rules(definition: dict, key: str, base_role: str) -> RoleRules:
    """An app role's own entry, else its base role's rules on this form."""
    declared = definition.get("permissions") or {}
    if key in declared:
        return _entry_rules(declared[key], _DEFAULT_OPERATIONS.get(base_role, frozenset()),
                            _form_scope_field(definition))
    return _workspace_role_rules(definition, base_role)


def _form_scope_field(definition: dict) -> str | None:
    return (definition.get("settings") or {}).get("scope_field")


def _union(rules: list[RoleRules]) -> RoleRules:
    """What any of the roles may do: a field stays hidden or read-only only if it is so for all;
    a department scope reaches the records any of the department-scoped roles reach."""
    scope = max((r.scope for r in rules), key=_SCOPE_WIDTH.__getitem__)
    return RoleRules(frozenset().union(*(r.operations for r in rules)), scope,
                     frozenset.intersection(*(r.hidden for r in rules)),
                     frozenset.intersection(*(r.readonly for r in rules)),
                     frozenset().union(*(r.department_sources for r in rules
                                         if r.scope == scope)))


def _held_app_roles(actor: Actor, form: Form) -> dict[str, str]:
    session = object_session(form)
    if session is None or not actor.user_id:
        return {}
    return held_roles(session, actor.workspace_id, form.app_id, actor.user_id)


def rules_for(actor: Actor, form: Form) -> RoleRules:
    """Owners and admins: everything. A member holding app roles of the form's app: the union of
    those roles' rules, within what the workspace role allows at all (viewers stay read-only).
    Otherwise the workspace role's entry, or its defaults."""
    if actor.role in _UNRESTRICTED:
        return _FULL
    held = _held_app_roles(actor, form)
    if not held:
        return _workspace_role_rules(form.definition, actor.role)
    merged = _union([_app_role_rules(form.definition, key, base)
                     for key, base in sorted(held.items())])
    ceiling = _DEFAULT_OPERATIONS.get(actor.role, frozenset())
    return RoleRules(merged.operations & ceiling, merged.scope, merged.hidden, merged.readonly,
                     merged.department_sources)


_OPERATION_NAMES = {"view": ("view", "查看"), "create": ("create", "新增"), "edit": ("edit", "编辑"),
                    "delete": ("delete", "删除"), "import": ("import", "导入"),
                    "export": ("export", "导出")}


def require(actor: Actor, form: Form, operation: str) -> RoleRules:
    rules = rules_for(actor, form)
    if operation not in rules.operations:
        en, zh = _OPERATION_NAMES[operation]
        raise Forbidden(_("Your role may not {op_en} records of this form",
                          "您的角色无权{op_zh}此表单的记录", op_en=en, op_zh=zh),
                        {"operation": operation})
    return rules


def scope_clause(actor: Actor, form: Form, records=Record):
    """A clause limiting rows of `records` (the Record entity, or an alias of it in a subquery)
    to the actor's data scope on this form."""
    rules = rules_for(actor, form)
    if rules.scope == "own":
        return records.owner_id == actor.user_id
    if rules.scope == "department":
        if not actor.department_ids:
            return records.owner_id == actor.user_id
        departments = list(actor.department_ids)
        return sa.or_(records.owner_id == actor.user_id, *(
            records.department_id.in_(departments) if source is None
            else field_text(records.data, source).in_(departments)
            for source in sorted(rules.department_sources, key=str)))
    return sa.true()


def in_scope(actor: Actor, form: Form, record: Record) -> bool:
    rules = rules_for(actor, form)
    if rules.scope == "own":
        return record.owner_id == actor.user_id
    if rules.scope == "department":
        return record.owner_id == actor.user_id or any(
            (record.department_id if source is None else (record.data or {}).get(source))
            in actor.department_ids for source in rules.department_sources)
    return True


def visible_fields(actor: Actor, form: Form) -> set[str]:
    hidden = rules_for(actor, form).hidden
    return {f["key"] for f in form.definition["fields"] if f["key"] not in hidden}


def readonly_fields(actor: Actor, form: Form) -> frozenset:
    rules = rules_for(actor, form)
    return rules.readonly | rules.hidden
