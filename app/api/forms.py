"""Forms: definitions (JSON Schema checked by the form engine), versions, deletion."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields

from app.api.fields import AnyJSON
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint, json_body
from app.auth.roles import Role
from app.errors import BadRequest
from app.extensions import unit_of_work
from app.services.apps import get_app
from app.form_engine import forms
from app.i18n import _
from app.models import Form

bp = Blueprint("forms", __name__, url_prefix="/api/v1")


class FormOut(Schema):
    id = fields.String()
    app_id = fields.String()
    key = fields.String()
    version = fields.Integer()
    definition = AnyJSON()
    data_version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FormVersionOut(Schema):
    version = fields.Integer()
    definition = AnyJSON()
    created_at = fields.DateTime()
    created_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class ForceQuery(Schema):
    force = fields.Boolean(load_default=False)


def _definition() -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a form definition object", "请求体必须是表单定义对象"))
    return body


@endpoint(bp, "GET", "/apps/<app_id>/forms", summary="List the forms of an app", query=PageQuery,
          out=FormOut, paginated=True)
def list_forms(app_id, query):
    with unit_of_work() as s:
        get_app(s, current_actor(), app_id)  # another workspace's app is 404, not []
        return paginate(s, forms.list_forms(current_actor(), app_id), Form.id, **query)


@endpoint(bp, "POST", "/apps/<app_id>/forms", summary="Create a form (body = form definition)",
          out=FormOut, status=201, role=Role.EDITOR,
          responses={422: "definition errors keyed by JSON pointer"})
def create_form(app_id):
    definition = _definition()
    with unit_of_work() as s:
        return forms.create_form(s, current_actor(), app_id, definition)


@endpoint(bp, "GET", "/forms/<form_id>", summary="Get a form", out=FormOut)
def get_form(form_id):
    with unit_of_work() as s:
        return forms.get_form(s, current_actor(), form_id)


@endpoint(bp, "PUT", "/forms/<form_id>", summary="Save a new version of a form definition",
          query=ForceQuery, out=FormOut, role=Role.EDITOR,
          responses={409: "fields in use", 422: "invalid definition or migration report"})
def update_form(form_id, query):
    definition = _definition()
    with unit_of_work() as s:
        return forms.update_form(s, current_actor(), form_id, definition, force=query["force"])


@endpoint(bp, "DELETE", "/forms/<form_id>", summary="Delete a form and its records",
          query=ForceQuery, status=204, role=Role.EDITOR, responses={409: "form in use"})
def delete_form(form_id, query):
    with unit_of_work() as s:
        forms.delete_form(s, current_actor(), form_id, force=query["force"])


@endpoint(bp, "GET", "/forms/<form_id>/versions", summary="The versions of a form",
          out=FormVersionOut, many=True)
def list_versions(form_id):
    with unit_of_work() as s:
        return forms.list_versions(s, current_actor(), form_id)


class RenameIn(Schema):
    new_key = fields.String(required=True)


@endpoint(bp, "POST", "/forms/<form_id>/fields/<key>/rename",
          summary="Rename a field key and rewrite every reference to it in the app",
          body=RenameIn, out=FormOut, role=Role.EDITOR)
def rename_field(form_id, key, body):
    from app.form_engine import references

    with unit_of_work() as s:
        return references.rename_field(s, current_actor(), form_id, key, body["new_key"])
