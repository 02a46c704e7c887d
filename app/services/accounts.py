"""Accounts: signup, login, API tokens, members and departments of a workspace."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.passwords import hash_password, verify_password
from app.auth.roles import Role, require_role
from app.auth.tokens import new_token, token_hash
from app.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from app.i18n import _
from app.models import (ApiToken, Department, Membership, User, UserDepartment, Workspace)
from app.models.scope import get_scoped, scoped
from app.services.audit import audit


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _email_taken() -> Conflict:
    return Conflict(_("This email is already registered", "该邮箱已注册"),
                    {"fields": {"email": [_("Already registered", "已被注册")]}})


def signup(s: Session, *, email: str, password: str, name: str, workspace: str,
           timezone: str = "Asia/Shanghai", language: str = "zh-CN") -> tuple[User, Workspace]:
    """Create a user and a new workspace whose owner they are."""
    email = _normalise_email(email)
    if s.scalar(sa.select(User.id).where(User.email == email)):
        raise _email_taken()
    ws = Workspace(name=workspace.strip(), timezone=timezone, language=language)
    user = User(email=email, name=name.strip(), password_hash=hash_password(password))
    s.add_all([ws, user])
    s.flush()
    s.add(Membership(workspace_id=ws.id, user_id=user.id, role="owner"))
    s.flush()
    audit(s, Actor(ws.id, user.id, "owner"), "signup", "user", user.id)
    return user, ws


def login(s: Session, *, email: str, password: str) -> tuple[User, Membership]:
    user = s.scalar(sa.select(User).where(User.email == _normalise_email(email)))
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        raise Unauthenticated(_("Wrong email or password", "邮箱或密码错误"))
    membership = s.scalar(sa.select(Membership).where(Membership.user_id == user.id)
                          .order_by(Membership.created_at))
    if membership is None:
        raise Forbidden(_("You are not a member of any workspace", "您不属于任何工作区"))
    return user, membership


def switch_workspace(s: Session, user_id: str, workspace_id: str) -> Membership:
    membership = s.scalar(sa.select(Membership).where(Membership.user_id == user_id,
                                                      Membership.workspace_id == workspace_id))
    if membership is None:
        raise NotFound(_("Workspace not found", "找不到该工作区"))
    return membership


def me(s: Session, actor: Actor) -> dict:
    user = s.get(User, actor.user_id)
    ws = s.get(Workspace, actor.workspace_id)
    workspaces = s.execute(
        sa.select(Workspace.id, Workspace.name, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == actor.user_id).order_by(Workspace.created_at)).all()
    return {"user": user, "workspace": ws, "role": actor.role,
            "department_ids": list(actor.department_ids),
            "workspaces": [{"id": w.id, "name": w.name, "role": w.role} for w in workspaces]}


# --- API tokens ---------------------------------------------------------------------------

def create_token(s: Session, actor: Actor, name: str) -> dict:
    raw = new_token()
    token = ApiToken(workspace_id=actor.workspace_id, user_id=actor.user_id, name=name,
                     token_hash=token_hash(raw), prefix=raw[:8])
    s.add(token)
    s.flush()
    audit(s, actor, "token.create", "api_token", token.id)
    return {"id": token.id, "name": token.name, "token": raw, "prefix": token.prefix,
            "created_at": token.created_at}


def list_tokens(actor: Actor) -> sa.Select:
    return scoped(ApiToken, actor.workspace_id).where(ApiToken.user_id == actor.user_id)


def revoke_token(s: Session, actor: Actor, token_id: str) -> None:
    token = get_scoped(s, ApiToken, token_id, actor.workspace_id, what="token")
    if token.user_id != actor.user_id and Role.parse(actor.role) < Role.ADMIN:
        raise NotFound(_("token not found", "找不到该令牌"))
    s.delete(token)
    audit(s, actor, "token.revoke", "api_token", token_id)


# --- members ------------------------------------------------------------------------------

def list_members(actor: Actor) -> sa.Select:
    return scoped(Membership, actor.workspace_id)


def _check_assignable(actor: Actor, role: str) -> None:
    # Only an owner makes owners; an admin hands out roles up to admin.
    if Role.parse(role) > Role.parse(actor.role):
        raise Forbidden(_("You cannot grant a role above your own", "不能授予高于自己的角色"))


def invite_member(s: Session, actor: Actor, *, email: str, role: str, name: str | None = None,
                  department_ids: list[str] | None = None) -> Membership:
    require_role(actor.role, Role.ADMIN)
    _check_assignable(actor, role)
    email = _normalise_email(email)
    user = s.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name or email.split("@")[0], password_hash=None)
        s.add(user)
        s.flush()
    elif s.scalar(scoped(Membership, actor.workspace_id).where(Membership.user_id == user.id)):
        raise Conflict(_("This user is already a member", "该用户已是成员"),
                       {"fields": {"email": [_("Already a member", "已是成员")]}})
    membership = Membership(workspace_id=actor.workspace_id, user_id=user.id, role=role)
    s.add(membership)
    s.flush()
    _set_departments(s, actor, user.id, department_ids or [])
    audit(s, actor, "member.invite", "membership", membership.id, role=role)
    return membership


def _set_departments(s: Session, actor: Actor, user_id: str, department_ids: list[str]) -> None:
    for dep_id in department_ids:
        get_scoped(s, Department, dep_id, actor.workspace_id, what="department")
    s.execute(sa.delete(UserDepartment).where(UserDepartment.user_id == user_id,
                                              UserDepartment.workspace_id == actor.workspace_id))
    for dep_id in dict.fromkeys(department_ids):
        s.add(UserDepartment(workspace_id=actor.workspace_id, user_id=user_id,
                             department_id=dep_id))


def _owner_count(s: Session, workspace_id: str) -> int:
    return s.scalar(sa.select(sa.func.count()).select_from(Membership).where(
        Membership.workspace_id == workspace_id, Membership.role == "owner"))


def update_member(s: Session, actor: Actor, member_id: str, changes: dict) -> Membership:
    require_role(actor.role, Role.ADMIN)
    membership = get_scoped(s, Membership, member_id, actor.workspace_id, what="member")
    if Role.parse(membership.role) > Role.parse(actor.role):
        raise Forbidden(_("You cannot change a member above your role", "不能修改高于自己角色的成员"))
    if "role" in changes:
        _check_assignable(actor, changes["role"])
        if membership.role == "owner" and changes["role"] != "owner" \
                and _owner_count(s, actor.workspace_id) <= 1:
            raise ValidationFailed(_("A workspace needs at least one owner", "工作区至少需要一位所有者"),
                                   {"fields": {"role": [_("Last owner", "最后一位所有者")]}})
        membership.role = changes["role"]
    if "manager_id" in changes:
        _check_manager(s, actor, changes["manager_id"])
        membership.manager_id = changes["manager_id"]
    if "department_ids" in changes:
        _set_departments(s, actor, membership.user_id, changes["department_ids"])
    audit(s, actor, "member.update", "membership", membership.id, **{
        k: v for k, v in changes.items() if k in ("role", "manager_id")})
    return membership


def remove_member(s: Session, actor: Actor, member_id: str) -> None:
    require_role(actor.role, Role.ADMIN)
    membership = get_scoped(s, Membership, member_id, actor.workspace_id, what="member")
    if Role.parse(membership.role) > Role.parse(actor.role):
        raise Forbidden(_("You cannot remove a member above your role", "不能移除高于自己角色的成员"))
    if membership.role == "owner" and _owner_count(s, actor.workspace_id) <= 1:
        raise ValidationFailed(_("A workspace needs at least one owner", "工作区至少需要一位所有者"))
    s.execute(sa.delete(UserDepartment).where(UserDepartment.user_id == membership.user_id,
                                              UserDepartment.workspace_id == actor.workspace_id))
    s.delete(membership)
    audit(s, actor, "member.remove", "membership", member_id)


def member_view(s: Session, membership: Membership) -> dict:
    user = s.get(User, membership.user_id)
    deps = list(s.scalars(sa.select(UserDepartment.department_id).where(
        UserDepartment.user_id == membership.user_id,
        UserDepartment.workspace_id == membership.workspace_id)))
    return {"id": membership.id, "user_id": user.id, "email": user.email, "name": user.name,
            "role": membership.role, "manager_id": membership.manager_id,
            "department_ids": deps, "active": user.password_hash is not None,
            "created_at": membership.created_at}


# --- departments --------------------------------------------------------------------------

def _check_manager(s: Session, actor: Actor, manager_id: str | None) -> None:
    if manager_id and not s.scalar(scoped(Membership, actor.workspace_id).where(
            Membership.user_id == manager_id)):
        raise ValidationFailed(_("The manager is not a member", "负责人不是本工作区成员"),
                               {"fields": {"manager_id": [_("Not a member", "不是成员")]}})


def create_department(s: Session, actor: Actor, *, name: str, parent_id: str | None = None,
                      manager_id: str | None = None) -> Department:
    require_role(actor.role, Role.ADMIN)
    _check_manager(s, actor, manager_id)
    if parent_id:
        get_scoped(s, Department, parent_id, actor.workspace_id, what="department")
    dep = Department(workspace_id=actor.workspace_id, name=name.strip(), parent_id=parent_id,
                     manager_id=manager_id)
    s.add(dep)
    s.flush()
    audit(s, actor, "department.create", "department", dep.id)
    return dep


def update_department(s: Session, actor: Actor, dep_id: str, changes: dict) -> Department:
    require_role(actor.role, Role.ADMIN)
    dep = get_scoped(s, Department, dep_id, actor.workspace_id, what="department")
    _check_manager(s, actor, changes.get("manager_id"))
    if "parent_id" in changes and changes["parent_id"]:
        parent = get_scoped(s, Department, changes["parent_id"], actor.workspace_id,
                            what="department")
        # Walking up from the new parent must never reach this department (no cycles).
        while parent is not None:
            if parent.id == dep.id:
                raise ValidationFailed(_("A department cannot be inside itself", "部门不能成为自己的下级"),
                                       {"fields": {"parent_id": [_("Would make a cycle", "会形成循环")]}})
            parent = s.get(Department, parent.parent_id) if parent.parent_id else None
    for key in ("name", "parent_id", "manager_id"):
        if key in changes:
            setattr(dep, key, changes[key])
    return dep


def delete_department(s: Session, actor: Actor, dep_id: str) -> None:
    require_role(actor.role, Role.ADMIN)
    dep = get_scoped(s, Department, dep_id, actor.workspace_id, what="department")
    s.delete(dep)
    audit(s, actor, "department.delete", "department", dep_id)


def create_admin(s: Session, *, email: str, password: str, workspace: str) -> tuple[User, Workspace]:
    """Headless setup: an owner for a workspace of this name (created when missing)."""
    email = _normalise_email(email)
    user = s.scalar(sa.select(User).where(User.email == email))
    ws = s.scalar(sa.select(Workspace).where(Workspace.name == workspace))
    if user is None and ws is None:
        return signup(s, email=email, password=password, name=email.split("@")[0],
                      workspace=workspace)
    if ws is None:
        ws = Workspace(name=workspace)
        s.add(ws)
        s.flush()
    if user is None:
        user = User(email=email, name=email.split("@")[0])
        s.add(user)
        s.flush()
    user.password_hash = hash_password(password)
    membership = s.scalar(sa.select(Membership).where(Membership.user_id == user.id,
                                                      Membership.workspace_id == ws.id))
    if membership is None:
        s.add(Membership(workspace_id=ws.id, user_id=user.id, role="owner"))
    else:
        membership.role = "owner"
    return user, ws
