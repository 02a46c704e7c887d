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


_FULL = RoleRules(ALL_OPERATIONS, "all", frozenset(), frozenset())
_SCOPE_WIDTH = {"own": 0, "department": 1, "all": 2}


def _entry_rules(entry: dict, operations_by_default) -> RoleRules:
    return RoleRules(frozenset(entry.get("operations", operations_by_default)),
                     entry.get("scope", "all"), frozenset(entry.get("hidden_fields", ())),
                     frozenset(entry.get("readonly_fields", ())))


def _workspace_role_rules(declared: dict, role: str) -> RoleRules:
    if role in _UNRESTRICTED:
        return _FULL
    defaults = _DEFAULT_OPERATIONS.get(role, frozenset())
    if role not in declared:
        return RoleRules(defaults, "all", frozenset(), frozenset())
    return _entry_rules(declared[role], defaults)


def _app_role_rules(declared: dict, key: str, base_role: str) -> RoleRules:
    """An app role's own entry, else its base role's rules on this form."""
    if key in declared:
        return _entry_rules(declared[key], _DEFAULT_OPERATIONS.get(base_role, frozenset()))
    return _workspace_role_rules(declared, base_role)


def _union(rules: list[RoleRules]) -> RoleRules:
    """What any of the roles may do: a field stays hidden or read-only only if it is so for all."""
    return RoleRules(frozenset().union(*(r.operations for r in rules)),
                     max((r.scope for r in rules), key=_SCOPE_WIDTH.__getitem__),
                     frozenset.intersection(*(r.hidden for r in rules)),
                     frozenset.intersection(*(r.readonly for r in rules)))


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
    declared = form.definition.get("permissions") or {}
    held = _held_app_roles(actor, form)
    if not held:
        return _workspace_role_rules(declared, actor.role)
    merged = _union([_app_role_rules(declared, key, base) for key, base in sorted(held.items())])
    ceiling = _DEFAULT_OPERATIONS.get(actor.role, frozenset())
    return RoleRules(merged.operations & ceiling, merged.scope, merged.hidden, merged.readonly)


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


def scope_clause(actor: Actor, form: Form):
    """A clause limiting Record rows to the actor's data scope on this form."""
    scope = rules_for(actor, form).scope
    if scope == "own":
        return Record.owner_id == actor.user_id
    if scope == "department":
        if not actor.department_ids:
            return Record.owner_id == actor.user_id
        return sa.or_(Record.department_id.in_(actor.department_ids), Record.owner_id == actor.user_id)
    return sa.true()


def in_scope(actor: Actor, form: Form, record: Record) -> bool:
    scope = rules_for(actor, form).scope
    if scope == "own":
        return record.owner_id == actor.user_id
    if scope == "department":
        return record.owner_id == actor.user_id or record.department_id in actor.department_ids
    return True


def visible_fields(actor: Actor, form: Form) -> set[str]:
    hidden = rules_for(actor, form).hidden
    return {f["key"] for f in form.definition["fields"] if f["key"] not in hidden}


def readonly_fields(actor: Actor, form: Form) -> frozenset:
    rules = rules_for(actor, form)
    return rules.readonly | rules.hidden
