"""Resolving assignee and recipient objects ({"user"}, {"users"}, {"role"}, {"department"},
{"field"}, {"manager_of"}, {"round_robin": {"role"}}) to user ids of the workspace."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine import app_roles
from app.models import Membership, Task, UserDepartment

_ID = {"type": "string", "minLength": 1, "maxLength": 64}
SCHEMA = {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": False,
          "properties": {"user": _ID, "users": {"type": "array", "items": _ID, "maxItems": 100},
                         "role": _ID, "department": _ID, "field": _ID, "manager_of": _ID,
                         "round_robin": {"type": "object", "required": ["role"],
                                         "additionalProperties": False,
                                         "properties": {"role": _ID}}}}
SCHEMA_LIST = {"oneOf": [SCHEMA, {"type": "array", "items": SCHEMA, "minItems": 1,
                                  "maxItems": 20}]}


def _members(session: Session, workspace_id: str, ids) -> list[str]:
    ids = [i for i in ids if isinstance(i, str)]
    if not ids:
        return []
    found = set(session.scalars(sa.select(Membership.user_id).where(
        Membership.workspace_id == workspace_id, Membership.user_id.in_(ids))))
    return [i for i in ids if i in found]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def resolve(session: Session, workspace_id: str, spec, record: dict | None, *,
            flow_node: str | None = None, app_id: str | None = None) -> list[str]:
    """User ids for an assignee object or a list of them, de-duplicated in order.
    {"role": key} names an app role of the flow's app or a workspace role."""
    result: list[str] = []
    for item in _as_list(spec):
        for user_id in _resolve_one(session, workspace_id, item, record or {}, flow_node, app_id):
            if user_id not in result:
                result.append(user_id)
    return result


def _resolve_one(session, workspace_id, spec: dict, record: dict, flow_node, app_id=None
                 ) -> list[str]:
    if "user" in spec:
        return _members(session, workspace_id, [spec["user"]])
    if "users" in spec:
        return _members(session, workspace_id, spec["users"])
    if "role" in spec:
        return app_roles.assignees_for_role(session, workspace_id, app_id, spec["role"])
    if "department" in spec:
        return list(session.scalars(sa.select(UserDepartment.user_id).where(
            UserDepartment.workspace_id == workspace_id,
            UserDepartment.department_id == spec["department"]).order_by(UserDepartment.user_id)))
    if "field" in spec:
        return _members(session, workspace_id, _as_list(record.get(spec["field"])))
    if "manager_of" in spec:
        users = _members(session, workspace_id, _as_list(record.get(spec["manager_of"])))
        managers = session.scalars(sa.select(Membership.manager_id).where(
            Membership.workspace_id == workspace_id, Membership.user_id.in_(users),
            Membership.manager_id.is_not(None)))
        return _members(session, workspace_id, list(managers))
    if "round_robin" in spec:
        pool = _resolve_one(session, workspace_id, {"role": spec["round_robin"]["role"]}, record,
                            flow_node, app_id)
        if not pool:
            return []
        # The next member after the one who got this node's previous task.
        last = session.scalar(sa.select(Task.assignee_id).where(
            Task.workspace_id == workspace_id, Task.node_id == flow_node,
            Task.assignee_id.in_(pool)).order_by(Task.id.desc()).limit(1))
        index = (pool.index(last) + 1) % len(pool) if last in pool else 0
        return [pool[index]]
    return []
