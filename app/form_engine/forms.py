"""Forms: create, read, version and delete definitions; resolve forms of an app by key; the
compiled form and the rule schema of a form."""
from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import Conflict, ValidationFailed
from app.form_engine import app_roles, indexes, permissions, recompute, usage, versions
from app.form_engine.compile import CompiledForm, compiled
from app.form_engine.definition import validate_definition
from app.form_engine.rule_schema import rule_schema as _rule_schema
from app.i18n import _
from app.models import App, Form, FormVersion
from app.models.scope import get_scoped, scoped


def rule_schema(definition: dict) -> dict:
    """The rule engine schema of a form (relations without their target's fields)."""
    return _rule_schema(definition)


def app_resolver(session: Session, workspace_id: str, app_id: str):
    """form key -> definition, for forms of one app (memoised for one call)."""
    memo: dict[str, dict | None] = {}

    def resolve(key: str):
        if key not in memo:
            form = get_form_by_key(session, workspace_id, app_id, key)
            memo[key] = form.definition if form is not None else None
        return memo[key]
    return resolve


def form_rule_schema(session: Session, form: Form) -> dict:
    """The rule schema with related forms' fields (customer.name) resolved."""
    return _rule_schema(form.definition, app_resolver(session, form.workspace_id, form.app_id))


def compiled_form(session: Session, form: Form) -> CompiledForm:
    return compiled(form.id, form.version, form.definition,
                    lambda d: _rule_schema(d, app_resolver(session, form.workspace_id, form.app_id)))


def get_form(session: Session, actor: Actor, form_id: str) -> Form:
    form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
    # The identity map holds objects weakly; pinning the form for the unit of work lets the
    # next get_form of this request (write path, then serialisation) skip the SELECT.
    session.info.setdefault("pinned_forms", {})[form.id] = form
    return form


def get_form_by_key(session: Session, workspace_id: str, app_id: str, key: str) -> Form | None:
    return session.scalar(scoped(Form, workspace_id).where(Form.app_id == app_id, Form.key == key))


def list_forms(actor: Actor, app_id: str) -> sa.Select:
    return scoped(Form, actor.workspace_id).where(Form.app_id == app_id)


def _validate(session: Session, workspace_id: str, app_id: str, definition: dict,
              self_key: str | None = None) -> None:
    resolve = app_resolver(session, workspace_id, app_id)
    validate_definition(definition, resolve, self_key=self_key,
                        role_keys=app_roles.role_keys(session, workspace_id, app_id))


def create_form(session: Session, actor: Actor, app_id: str, definition: dict) -> Form:
    require_role(actor.role, Role.EDITOR)
    get_scoped(session, App, app_id, actor.workspace_id, what="app")
    definition = copy.deepcopy(definition)
    _validate(session, actor.workspace_id, app_id, definition)
    if get_form_by_key(session, actor.workspace_id, app_id, definition["key"]) is not None:
        raise Conflict(_("A form with this key exists in the app", "应用中已存在相同标识的表单"),
                       {"fields": {"/key": [_("Already used", "已被使用")]}})
    form = Form(workspace_id=actor.workspace_id, app_id=app_id, key=definition["key"], version=1,
                definition=definition, data_version=0, created_by=actor.user_id)
    session.add(form)
    session.flush()
    session.add(FormVersion(workspace_id=actor.workspace_id, form_id=form.id, version=1,
                            definition=definition, created_by=actor.user_id))
    indexes.sync_indexes(session, form.id, definition)
    return form


def update_form(session: Session, actor: Actor, form_id: str, definition: dict, *,
                force: bool = False, note: str | None = None) -> Form:
    """Save a new version. Breaking changes for existing records answer a migration report
    (422) unless forced; removing a field something uses is refused with its users."""
    require_role(actor.role, Role.EDITOR)
    form = get_form(session, actor, form_id)
    definition = copy.deepcopy(definition)
    if definition.get("key") != form.key:
        raise ValidationFailed(_("The form key cannot change here; rename the form instead",
                                 "此处不能修改表单标识"),
                               {"fields": {"/key": [_("Must stay '{k}'", "必须保持为“{k}”",
                                                      k=form.key)]}})
    _validate(session, actor.workspace_id, form.app_id, definition, self_key=form.key)
    if not force:
        removed = ({f["key"] for f in form.definition["fields"]}
                   - {f["key"] for f in definition["fields"]})
        users = [u for key in sorted(removed)
                 for u in usage.field_users(session, form, key, ignore_form_fields=definition)]
        if users:
            raise Conflict(_("Fields in use cannot be removed", "被使用的字段不能删除"),
                           {"users": users})
        report = versions.migration_report(session, form, definition)
        if report["changes"]:
            raise ValidationFailed(_("Existing records would break; see the migration report",
                                     "现有记录将受到影响，请查看迁移报告"),
                                   {"migration": report})
    derived_changed = recompute.derived_signature(form.definition) != recompute.derived_signature(
        definition)
    form.version += 1
    form.definition = definition
    session.add(FormVersion(workspace_id=actor.workspace_id, form_id=form.id, version=form.version,
                            definition=definition, created_by=actor.user_id, note=note))
    indexes.sync_indexes(session, form.id, definition)
    if derived_changed:
        session.flush()
        recompute.recompute_form(session, form)
    return form


def delete_form(session: Session, actor: Actor, form_id: str, *, force: bool = False) -> None:
    require_role(actor.role, Role.EDITOR)
    form = get_form(session, actor, form_id)
    users = usage.form_users(session, form)
    if users and not force:
        raise Conflict(_("This form is in use", "该表单正在被使用"), {"users": users})
    if users:
        usage.mark_broken(session, form, None, users)
    indexes.sync_indexes(session, form.id, None)
    session.delete(form)


def list_versions(session: Session, actor: Actor, form_id: str) -> list[FormVersion]:
    form = get_form(session, actor, form_id)
    permissions.require(actor, form, "view")
    return list(session.scalars(sa.select(FormVersion).where(FormVersion.form_id == form.id)
                                .order_by(FormVersion.version.desc())))
