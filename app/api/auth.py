"""Signup, login, logout, the current user, and personal API tokens."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, session
from marshmallow import Schema, fields, validate

from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.auth.session import start_session
from app.errors import Forbidden
from app.extensions import unit_of_work
from app.i18n import _
from app.models import ApiToken
from app.services import accounts
from app.limits import limit_login

bp = Blueprint("auth", __name__, url_prefix="/api/v1")


class SignupIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, validate=validate.Length(min=8, max=256))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    workspace = fields.String(required=True, validate=validate.Length(min=1, max=200))
    timezone = fields.String(load_default="Asia/Shanghai", validate=validate.Length(max=64))
    language = fields.String(load_default="zh-CN", validate=validate.OneOf(["zh-CN", "en"]))


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(max=320))
    password = fields.String(required=True, validate=validate.Length(max=256))


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()


class WorkspaceOut(Schema):
    id = fields.String()
    name = fields.String()
    timezone = fields.String()
    language = fields.String()


class SessionOut(Schema):
    user = fields.Nested(UserOut)
    workspace = fields.Nested(WorkspaceOut)
    csrf_token = fields.String()


class WorkspaceBrief(Schema):
    id = fields.String()
    name = fields.String()
    role = fields.String()


class MeOut(Schema):
    user = fields.Nested(UserOut)
    workspace = fields.Nested(WorkspaceOut)
    role = fields.String()
    department_ids = fields.List(fields.String())
    workspaces = fields.List(fields.Nested(WorkspaceBrief))


class SwitchIn(Schema):
    workspace_id = fields.String(required=True)


class TokenIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenOut(Schema):
    id = fields.String()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenOut(TokenOut):
    token = fields.String()


@endpoint(bp, "POST", "/auth/signup", summary="Sign up: a user and a new workspace they own",
          body=SignupIn, out=SessionOut, status=201, auth=False)
def signup(body):
    if not current_app.config["SIGNUP_OPEN"]:
        raise Forbidden(_("Sign-up is closed on this server", "本服务器已关闭注册"))
    with unit_of_work() as s:
        user, ws = accounts.signup(s, **body)
    csrf = start_session(user.id, ws.id)
    return {"user": user, "workspace": ws, "csrf_token": csrf}


@endpoint(bp, "POST", "/auth/login", summary="Log in (sets the session cookie)",
          body=LoginIn, out=SessionOut, auth=False, responses={429: "Too many attempts"})
def login(body):
    limit_login(body["email"])
    with unit_of_work() as s:
        user, membership = accounts.login(s, **body)
        from app.models import Workspace

        ws = s.get(Workspace, membership.workspace_id)
    csrf = start_session(user.id, ws.id)
    return {"user": user, "workspace": ws, "csrf_token": csrf}


@endpoint(bp, "POST", "/auth/logout", summary="Log out", auth=False, status=204)
def logout():
    session.clear()
    return None


@endpoint(bp, "POST", "/auth/switch", summary="Switch the session to another workspace",
          body=SwitchIn, out=MeOut)
def switch(body):
    actor = current_actor()
    with unit_of_work() as s:
        accounts.switch_workspace(s, actor.user_id, body["workspace_id"])
    csrf = session.get("csrf")
    start_session(actor.user_id, body["workspace_id"])
    if csrf:
        session["csrf"] = csrf
    from flask import g

    g.actor = None
    from app.auth.session import authenticate

    with unit_of_work() as s:
        return accounts.me(s, authenticate())


@endpoint(bp, "GET", "/me", summary="The current user, workspace and role", out=MeOut)
def me():
    with unit_of_work() as s:
        return accounts.me(s, current_actor())


@endpoint(bp, "POST", "/tokens", summary="Create a personal API token (shown once)",
          body=TokenIn, out=NewTokenOut, status=201, role=Role.VIEWER)
def create_token(body):
    with unit_of_work() as s:
        return accounts.create_token(s, current_actor(), body["name"])


@endpoint(bp, "GET", "/tokens", summary="List my API tokens", query=PageQuery, out=TokenOut,
          paginated=True)
def list_tokens(query):
    with unit_of_work() as s:
        return paginate(s, accounts.list_tokens(current_actor()), ApiToken.id, **query)


@endpoint(bp, "DELETE", "/tokens/<token_id>", summary="Revoke an API token", status=204)
def revoke_token(token_id):
    with unit_of_work() as s:
        accounts.revoke_token(s, current_actor(), token_id)
    return None
