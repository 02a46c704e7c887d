"""App roles: list, define, change, delete, and set who holds each."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.fields import KEY_PATTERN, Label
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.form_engine import app_roles
from app.models.workspace import ROLES

bp = Blueprint("app_roles", __name__, url_prefix="/api/v1")


class RoleIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(KEY_PATTERN))
    name = Label(required=True)
    base_role = fields.String(required=True, validate=validate.OneOf(ROLES))
    description = Label(allow_none=True)


class RolePatch(Schema):
    name = Label()
    base_role = fields.String(validate=validate.OneOf(ROLES))
    description = Label(allow_none=True)


class MembersIn(Schema):
    user_ids = fields.List(fields.String(validate=validate.Length(max=26)), required=True,
                           validate=validate.Length(max=1000))


class RoleOut(Schema):
    key = fields.String()
    name = Label()
    base_role = fields.String()
    description = Label(allow_none=True)
    user_ids = fields.List(fields.String())
    created_at = fields.DateTime()


@endpoint(bp, "GET", "/apps/<app_id>/roles", summary="The roles of an app with their members",
          out=RoleOut, many=True)
def list_roles(app_id):
    with unit_of_work() as s:
        return app_roles.list_roles(s, current_actor(), app_id)


@endpoint(bp, "POST", "/apps/<app_id>/roles", summary="Define an app role", body=RoleIn,
          out=RoleOut, status=201, role=Role.EDITOR, responses={409: "key taken"})
def create_role(app_id, body):
    with unit_of_work() as s:
        role = app_roles.create_role(s, current_actor(), app_id, **body)
        return app_roles.describe(s, role)


@endpoint(bp, "PATCH", "/apps/<app_id>/roles/<key>", summary="Rename or re-base an app role",
          body=RolePatch, out=RoleOut, role=Role.EDITOR)
def update_role(app_id, key, body):
    with unit_of_work() as s:
        return app_roles.describe(s, app_roles.update_role(s, current_actor(), app_id, key, body))


@endpoint(bp, "DELETE", "/apps/<app_id>/roles/<key>", summary="Delete an unused app role",
          status=204, role=Role.EDITOR, responses={409: "used by forms or flows"})
def delete_role(app_id, key):
    with unit_of_work() as s:
        app_roles.delete_role(s, current_actor(), app_id, key)


@endpoint(bp, "PUT", "/apps/<app_id>/roles/<key>/members",
          summary="Set who holds an app role (replaces the list)", body=MembersIn, out=RoleOut,
          role=Role.ADMIN, responses={422: "users not in the workspace"})
def set_members(app_id, key, body):
    with unit_of_work() as s:
        role = app_roles.set_members(s, current_actor(), app_id, key, body["user_ids"])
        return app_roles.describe(s, role)
