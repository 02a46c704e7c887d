"""Form-level permissions per role (FORMATS.md `permissions`): operations, data scope, hidden and
read-only fields. Every engine read and write path goes through these checks."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.auth.actor import Actor
from app.errors import Forbidden
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


def rules_for(actor: Actor, form: Form) -> RoleRules:
    if actor.role in _UNRESTRICTED:
        return RoleRules(ALL_OPERATIONS, "all", frozenset(), frozenset())
    declared = (form.definition.get("permissions") or {}).get(actor.role)
    if declared is None:
        return RoleRules(_DEFAULT_OPERATIONS.get(actor.role, frozenset()), "all", frozenset(),
                         frozenset())
    return RoleRules(frozenset(declared.get("operations", _DEFAULT_OPERATIONS.get(actor.role, ()))),
                     declared.get("scope", "all"), frozenset(declared.get("hidden_fields", ())),
                     frozenset(declared.get("readonly_fields", ())))


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
