"""App roles: roles an app defines (店员, 销售, 客服 ...) on top of workspace roles, who holds them,
and the look-ups form permissions and flow assignees use."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import _
from app.models import App, AppRole, AppRoleMember, Flow, Form, Membership
from app.models.scope import get_scoped, scoped
from app.models.workspace import ROLES

MAX_ROLES = 50
_CACHE = "form_engine.app_roles"


def _cache(session: Session) -> dict:
    return session.info.setdefault(_CACHE, {})


def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def _check_base_role(base_role: str) -> None:
    if base_role not in ROLES:
        raise ValidationFailed(_("Not a workspace role", "不是工作区角色"), {"fields": {
            "base_role": [_("Must be one of: {v}", "必须是以下之一：{v}", v=", ".join(ROLES))]}})


def _get(session: Session, workspace_id: str, app_id: str, key: str) -> AppRole:
    role = session.scalar(scoped(AppRole, workspace_id).where(AppRole.app_id == app_id,
                                                              AppRole.key == key))
    if role is None:
        raise NotFound(_("No role '{k}' in this app", "本应用中没有角色“{k}”", k=key))
    return role


def describe(session: Session, role: AppRole) -> dict:
    return {"key": role.key, "name": role.name, "base_role": role.base_role,
            "description": role.description, "created_at": role.created_at,
            "user_ids": members_with_role(session, role.workspace_id, role.app_id, role.key)}


def list_roles(session: Session, actor: Actor, app_id: str) -> list[dict]:
    get_scoped(session, App, app_id, actor.workspace_id, what="app")
    roles = session.scalars(scoped(AppRole, actor.workspace_id).where(AppRole.app_id == app_id)
                            .order_by(AppRole.created_at, AppRole.id))
    return [describe(session, r) for r in roles]


def create_role(session: Session, actor: Actor, app_id: str, *, key: str, name, base_role: str,
                description=None) -> AppRole:
    require_role(actor.role, Role.EDITOR)
    get_scoped(session, App, app_id, actor.workspace_id, what="app")
    _check_base_role(base_role)
    existing = session.scalar(sa.select(sa.func.count()).select_from(AppRole).where(
        AppRole.app_id == app_id))
    if existing >= MAX_ROLES:
        raise ValidationFailed(_("An app has at most {n} roles", "一个应用最多 {n} 个角色",
                                 n=MAX_ROLES))
    if session.scalar(sa.select(AppRole.id).where(AppRole.app_id == app_id, AppRole.key == key)):
        raise Conflict(_("A role with this key exists in the app", "应用中已存在相同标识的角色"),
                       {"fields": {"key": [_("Already used", "已被使用")]}})
    role = AppRole(workspace_id=actor.workspace_id, app_id=app_id, key=key, name=name,
                   base_role=base_role, description=description)
    session.add(role)
    session.flush()
    _forget(session)
    return role


def update_role(session: Session, actor: Actor, app_id: str, key: str, changes: dict) -> AppRole:
    """Name, description and base role change; the key is fixed (permissions and flows use it)."""
    require_role(actor.role, Role.EDITOR)
    role = _get(session, actor.workspace_id, app_id, key)
    if "base_role" in changes:
        _check_base_role(changes["base_role"])
    for attr in ("name", "base_role", "description"):
        if attr in changes:
            setattr(role, attr, changes[attr])
    session.flush()
    _forget(session)
    return role


def role_users(session: Session, workspace_id: str, app_id: str, key: str) -> list[dict]:
    """Forms whose permissions and flows whose assignees name the role."""
    users = [{"kind": "form", "id": f.id, "name": f.definition.get("name"),
              "detail": f"permissions.{key}"}
             for f in session.scalars(scoped(Form, workspace_id).where(Form.app_id == app_id)
                                      .order_by(Form.id))
             if key in (f.definition.get("permissions") or {})]
    for flow in session.scalars(scoped(Flow, workspace_id).where(Flow.app_id == app_id)
                                .order_by(Flow.id)):
        if _names_role(flow.definition, key):
            users.append({"kind": "flow", "id": flow.id, "name": flow.name,
                          "detail": "assignees"})
    return users


def _names_role(value, key: str) -> bool:
    if isinstance(value, dict):
        return value.get("role") == key or any(_names_role(v, key) for v in value.values())
    if isinstance(value, list):
        return any(_names_role(v, key) for v in value)
    return False


def delete_role(session: Session, actor: Actor, app_id: str, key: str) -> None:
    require_role(actor.role, Role.EDITOR)
    role = _get(session, actor.workspace_id, app_id, key)
    users = role_users(session, actor.workspace_id, app_id, key)
    if users:
        raise Conflict(_("This role is in use", "该角色正在被使用"), {"users": users})
    session.delete(role)
    session.flush()
    _forget(session)


def set_members(session: Session, actor: Actor, app_id: str, key: str,
                user_ids: list[str]) -> AppRole:
    """Replace who holds the role; every id must be a member of the workspace."""
    require_role(actor.role, Role.ADMIN)
    role = _get(session, actor.workspace_id, app_id, key)
    wanted = list(dict.fromkeys(str(u) for u in user_ids))
    known = set(session.scalars(sa.select(Membership.user_id).where(
        Membership.workspace_id == actor.workspace_id, Membership.user_id.in_(wanted))))
    unknown = [u for u in wanted if u not in known]
    if unknown:
        raise ValidationFailed(_("Not members of this workspace", "不是本工作区的成员"),
                               {"fields": {"user_ids": [_("Unknown users: {ids}", "未知用户：{ids}",
                                                          ids=", ".join(unknown[:20]))]}})
    session.execute(sa.delete(AppRoleMember).where(AppRoleMember.role_id == role.id))
    if wanted:
        session.execute(sa.insert(AppRoleMember), [
            {"role_id": role.id, "user_id": u, "app_id": app_id,
             "workspace_id": actor.workspace_id} for u in wanted])
    session.flush()
    _forget(session)
    return role


# --- look-ups for permissions and flows --------------------------------------------------------

def members_with_role(session: Session, workspace_id: str, app_id: str, role_key: str
                      ) -> list[str]:
    """User ids holding the app role (current workspace members only), ordered by id."""
    return list(session.scalars(
        sa.select(AppRoleMember.user_id)
        .join(AppRole, AppRole.id == AppRoleMember.role_id)
        .join(Membership, sa.and_(Membership.workspace_id == AppRoleMember.workspace_id,
                                  Membership.user_id == AppRoleMember.user_id))
        .where(AppRole.workspace_id == workspace_id, AppRole.app_id == app_id,
               AppRole.key == role_key)
        .order_by(AppRoleMember.user_id)))


def roles_of(session: Session, workspace_id: str, app_id: str, user_id: str | None) -> list[str]:
    """Keys of the app roles a user holds in the app, sorted."""
    return sorted(held_roles(session, workspace_id, app_id, user_id))


def held_roles(session: Session, workspace_id: str, app_id: str, user_id: str | None
               ) -> dict[str, str]:
    """{app role key: base role} a user holds in the app; memoised for the session."""
    if not user_id:
        return {}
    cache = _cache(session)
    found = cache.get((workspace_id, app_id, user_id))
    if found is None:
        found = dict(session.execute(
            sa.select(AppRole.key, AppRole.base_role)
            .join(AppRoleMember, AppRoleMember.role_id == AppRole.id)
            .where(AppRoleMember.workspace_id == workspace_id, AppRoleMember.app_id == app_id,
                   AppRoleMember.user_id == user_id)).all())
        cache[(workspace_id, app_id, user_id)] = found
    return found


def role_keys(session: Session, workspace_id: str, app_id: str) -> set[str]:
    return set(session.scalars(sa.select(AppRole.key).where(AppRole.workspace_id == workspace_id,
                                                            AppRole.app_id == app_id)))


def assignees_for_role(session: Session, workspace_id: str, app_id: str | None, role_key: str
                       ) -> list[str]:
    """What {"role": key} means for an app's flows: holders of the app role `key`, plus the
    members with workspace role `key` when the key names one; ordered by user id."""
    found = set(members_with_role(session, workspace_id, app_id, role_key)) if app_id else set()
    if role_key in ROLES:
        found |= set(session.scalars(sa.select(Membership.user_id).where(
            Membership.workspace_id == workspace_id, Membership.role == role_key)))
    return sorted(found)
