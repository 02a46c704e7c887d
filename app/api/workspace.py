"""Members (invite, roles) and the department tree of the current workspace."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.models import ROLES, Department, Membership
from app.models.scope import scoped
from app.services import accounts

bp = Blueprint("workspace", __name__, url_prefix="/api/v1")


class MemberIn(Schema):
    email = fields.Email(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    name = fields.String(validate=validate.Length(min=1, max=200))
    department_ids = fields.List(fields.String(), load_default=list)


class MemberPatch(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    manager_id = fields.String(allow_none=True)
    department_ids = fields.List(fields.String())


class MemberOut(Schema):
    id = fields.String()
    user_id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    manager_id = fields.String(allow_none=True)
    department_ids = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.DateTime()


class DepartmentIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    parent_id = fields.String(allow_none=True, load_default=None)
    manager_id = fields.String(allow_none=True, load_default=None)


class DepartmentPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    parent_id = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)


class DepartmentOut(Schema):
    id = fields.String()
    name = fields.String()
    parent_id = fields.String(allow_none=True)
    manager_id = fields.String(allow_none=True)


@endpoint(bp, "GET", "/members", summary="List members", query=PageQuery, out=MemberOut,
          paginated=True)
def list_members(query):
    with unit_of_work() as s:
        page = paginate(s, accounts.list_members(current_actor()), Membership.id, **query)
        page["items"] = [accounts.member_view(s, m) for m in page["items"]]
        return page


@endpoint(bp, "POST", "/members", summary="Invite a member with a role", body=MemberIn,
          out=MemberOut, status=201, role=Role.ADMIN)
def invite_member(body):
    with unit_of_work() as s:
        m = accounts.invite_member(s, current_actor(), **body)
        return accounts.member_view(s, m)


@endpoint(bp, "PATCH", "/members/<member_id>", summary="Change a member's role, manager, departments",
          body=MemberPatch, out=MemberOut, role=Role.ADMIN)
def update_member(member_id, body):
    with unit_of_work() as s:
        m = accounts.update_member(s, current_actor(), member_id, body)
        return accounts.member_view(s, m)


@endpoint(bp, "DELETE", "/members/<member_id>", summary="Remove a member", status=204,
          role=Role.ADMIN)
def remove_member(member_id):
    with unit_of_work() as s:
        accounts.remove_member(s, current_actor(), member_id)


@endpoint(bp, "GET", "/departments", summary="List departments (a tree by parent_id)",
          query=PageQuery, out=DepartmentOut, paginated=True)
def list_departments(query):
    with unit_of_work() as s:
        return paginate(s, scoped(Department, current_actor().workspace_id), Department.id, **query)


@endpoint(bp, "POST", "/departments", summary="Create a department", body=DepartmentIn,
          out=DepartmentOut, status=201, role=Role.ADMIN)
def create_department(body):
    with unit_of_work() as s:
        return accounts.create_department(s, current_actor(), **body)


@endpoint(bp, "PATCH", "/departments/<department_id>", summary="Rename or move a department",
          body=DepartmentPatch, out=DepartmentOut, role=Role.ADMIN)
def update_department(department_id, body):
    with unit_of_work() as s:
        return accounts.update_department(s, current_actor(), department_id, body)


@endpoint(bp, "DELETE", "/departments/<department_id>", summary="Delete a department",
          status=204, role=Role.ADMIN)
def delete_department(department_id):
    with unit_of_work() as s:
        accounts.delete_department(s, current_actor(), department_id)
