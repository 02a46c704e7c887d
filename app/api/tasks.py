"""Tasks (to-dos and approvals), the message log and in-app notifications."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint
from marshmallow import Schema, fields, validate

from app import clock
from app.api.fields import AnyJSON
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.flow_engine import tasks
from app.models import Message, Notification, Task
from app.models.scope import get_scoped, scoped

bp = Blueprint("tasks", __name__, url_prefix="/api/v1")


class TaskOut(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    status = fields.String()
    outcome = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    assignee_id = fields.String(allow_none=True)
    run_id = fields.String(allow_none=True)
    flow_id = fields.String(allow_none=True)
    node_id = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    details = AnyJSON()
    created_at = fields.DateTime()


class TaskQuery(PageQuery):
    assignee = fields.String(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "done", "cancelled"]))


class CompleteIn(Schema):
    outcome = fields.String(load_default="done", validate=validate.OneOf(tasks.OUTCOMES))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=5000))
    signature = fields.Dict(load_default=None, allow_none=True)
    to_node = fields.String(load_default=None, allow_none=True)


class UserIn(Schema):
    user_id = fields.String(required=True)


class MessageOut(Schema):
    id = fields.String()
    channel = fields.String()
    to = fields.String()
    subject = fields.String(allow_none=True)
    body = fields.String()
    status = fields.String()
    reason = fields.String(allow_none=True)
    marketing = fields.Boolean()
    run_id = fields.String(allow_none=True)
    flow_id = fields.String(allow_none=True)
    node_id = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class MessageQuery(PageQuery):
    channel = fields.String(load_default=None)
    to = fields.String(load_default=None)
    record_id = fields.String(load_default=None)
    run_id = fields.String(load_default=None)
    status = fields.String(load_default=None)


class NotificationOut(Schema):
    id = fields.String()
    title = fields.String()
    body = fields.String(allow_none=True)
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationQuery(PageQuery):
    unread = fields.Boolean(load_default=False)


@endpoint(bp, "GET", "/tasks", summary="Tasks (assignee=me, status=open)", query=TaskQuery,
          out=TaskOut, paginated=True)
def list_tasks(query):
    actor = current_actor()
    stmt = tasks.list_tasks(actor, assignee=query.pop("assignee"), status=query.pop("status"))
    with unit_of_work() as s:
        return paginate(s, stmt, Task.id, **query)


@endpoint(bp, "GET", "/tasks/<task_id>", summary="A task", out=TaskOut)
def get_task(task_id):
    with unit_of_work() as s:
        return get_scoped(s, Task, task_id, current_actor().workspace_id, what="task")


@endpoint(bp, "POST", "/tasks/<task_id>/complete", summary="Complete a task or decide an approval",
          body=CompleteIn, out=TaskOut, role=Role.VIEWER)
def complete_task(task_id, body):
    with unit_of_work() as s:
        return tasks.complete(s, current_actor(), task_id, **body)


@endpoint(bp, "POST", "/tasks/<task_id>/transfer", summary="Hand a task to someone else",
          body=UserIn, out=TaskOut, role=Role.VIEWER)
def transfer_task(task_id, body):
    with unit_of_work() as s:
        return tasks.transfer(s, current_actor(), task_id, body["user_id"])


@endpoint(bp, "POST", "/tasks/<task_id>/add-approver", summary="Add an approver to an approval",
          body=UserIn, out=TaskOut, status=201, role=Role.VIEWER)
def add_approver(task_id, body):
    with unit_of_work() as s:
        return tasks.add_approver(s, current_actor(), task_id, body["user_id"])


@endpoint(bp, "POST", "/runs/<run_id>/withdraw", summary="The initiator withdraws a request",
          role=Role.VIEWER, status=204)
def withdraw_run(run_id):
    with unit_of_work() as s:
        tasks.withdraw(s, current_actor(), run_id)


@endpoint(bp, "GET", "/messages", summary="The message log", query=MessageQuery, out=MessageOut,
          paginated=True, role=Role.MEMBER)
def list_messages(query):
    stmt = scoped(Message, current_actor().workspace_id)
    for key in ("channel", "to", "record_id", "run_id", "status"):
        value = query.pop(key)
        if value:
            stmt = stmt.where(getattr(Message, key) == value)
    with unit_of_work() as s:
        return paginate(s, stmt, Message.id, **query)


@endpoint(bp, "GET", "/notifications", summary="My in-app notifications", query=NotificationQuery,
          out=NotificationOut, paginated=True)
def list_notifications(query):
    actor = current_actor()
    stmt = scoped(Notification, actor.workspace_id).where(Notification.user_id == actor.user_id)
    if query.pop("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    with unit_of_work() as s:
        return paginate(s, stmt, Notification.id, **query)


@endpoint(bp, "POST", "/notifications/<notification_id>/read", summary="Mark a notification read",
          out=NotificationOut)
def read_notification(notification_id):
    actor = current_actor()
    with unit_of_work() as s:
        note = s.scalar(scoped(Notification, actor.workspace_id).where(
            Notification.id == notification_id, Notification.user_id == actor.user_id))
        if note is None:
            from app.errors import NotFound
            from app.i18n import _

            raise NotFound(_("notification not found", "找不到该通知"))
        note.read_at = note.read_at or clock.now()
        return note


@endpoint(bp, "POST", "/notifications/read-all", summary="Mark all my notifications read")
def read_all_notifications():
    actor = current_actor()
    with unit_of_work() as s:
        s.execute(sa.update(Notification).where(
            Notification.workspace_id == actor.workspace_id, Notification.user_id == actor.user_id,
            Notification.read_at.is_(None)).values(read_at=clock.now()))
    return {"status": "ok"}
