"""Apps CRUD."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.fields import KEY_PATTERN, Label
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.models import App
from app.services import apps

bp = Blueprint("apps", __name__, url_prefix="/api/v1")


class AppIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(KEY_PATTERN))
    name = Label(required=True)
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    icon = fields.String(allow_none=True, validate=validate.Length(max=64))


class AppPatch(Schema):
    key = fields.String(validate=validate.Regexp(KEY_PATTERN))
    name = Label()
    description = fields.String(allow_none=True, validate=validate.Length(max=2000))
    icon = fields.String(allow_none=True, validate=validate.Length(max=64))


class AppOut(Schema):
    id = fields.String()
    key = fields.String()
    name = Label()
    description = fields.String(allow_none=True)
    icon = fields.String(allow_none=True)
    template_key = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


@endpoint(bp, "GET", "/apps", summary="List apps", query=PageQuery, out=AppOut, paginated=True)
def list_apps(query):
    with unit_of_work() as s:
        return paginate(s, apps.list_apps(current_actor()), App.id, **query)


@endpoint(bp, "POST", "/apps", summary="Create an app", body=AppIn, out=AppOut, status=201,
          role=Role.EDITOR)
def create_app(body):
    with unit_of_work() as s:
        return apps.create_app(s, current_actor(), **body)


@endpoint(bp, "GET", "/apps/<app_id>", summary="Get an app", out=AppOut)
def get_app(app_id):
    with unit_of_work() as s:
        return apps.get_app(s, current_actor(), app_id)


@endpoint(bp, "PATCH", "/apps/<app_id>", summary="Rename or describe an app", body=AppPatch,
          out=AppOut, role=Role.EDITOR)
def update_app(app_id, body):
    with unit_of_work() as s:
        return apps.update_app(s, current_actor(), app_id, body)


@endpoint(bp, "DELETE", "/apps/<app_id>", summary="Delete an app and everything in it",
          status=204, role=Role.EDITOR)
def delete_app(app_id):
    with unit_of_work() as s:
        apps.delete_app(s, current_actor(), app_id)
