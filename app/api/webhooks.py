"""Outbound webhook subscriptions and their delivery log."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.fields import AnyJSON
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.errors import ValidationFailed
from app.extensions import unit_of_work
from app.flow_engine import listeners
from app.i18n import _
from app.models import Form, Webhook, WebhookDelivery
from app.models.scope import get_scoped, scoped

bp = Blueprint("webhooks", __name__, url_prefix="/api/v1")
EVENTS = ("record.created", "record.updated", "record.deleted")


class WebhookIn(Schema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False,
                     validate=validate.Length(max=2000))
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True,
                         validate=validate.Length(1, 10))
    form_id = fields.String(load_default=None, allow_none=True)
    secret = fields.String(required=True, validate=validate.Length(16, 200))
    enabled = fields.Boolean(load_default=True)


class WebhookPatch(Schema):
    url = fields.Url(schemes={"http", "https"}, require_tld=False)
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), validate=validate.Length(1, 10))
    secret = fields.String(validate=validate.Length(16, 200))
    enabled = fields.Boolean()


class WebhookOut(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    form_id = fields.String(allow_none=True)
    enabled = fields.Boolean()
    created_at = fields.DateTime()


class DeliveryOut(Schema):
    id = fields.String()
    event = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    response_status = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    payload = AnyJSON()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime()


@endpoint(bp, "GET", "/webhooks", summary="Webhook subscriptions", query=PageQuery,
          out=WebhookOut, paginated=True, role=Role.ADMIN)
def list_webhooks(query):
    with unit_of_work() as s:
        return paginate(s, scoped(Webhook, current_actor().workspace_id), Webhook.id, **query)


@endpoint(bp, "POST", "/webhooks", summary="Subscribe a URL to record events (signed with "
          "HMAC-SHA256)", body=WebhookIn, out=WebhookOut, status=201, role=Role.ADMIN)
def create_webhook(body):
    actor = current_actor()
    with unit_of_work() as s:
        if body["form_id"]:
            get_scoped(s, Form, body["form_id"], actor.workspace_id, what="form")
        hook = Webhook(workspace_id=actor.workspace_id, created_by=actor.user_id, **body)
        s.add(hook)
        s.flush()
        listeners.changed(s, actor.workspace_id)
        return hook


@endpoint(bp, "PATCH", "/webhooks/<webhook_id>", summary="Change a subscription", body=WebhookPatch,
          out=WebhookOut, role=Role.ADMIN)
def update_webhook(webhook_id, body):
    with unit_of_work() as s:
        hook = get_scoped(s, Webhook, webhook_id, current_actor().workspace_id, what="webhook")
        if not body:
            raise ValidationFailed(_("Nothing to change", "没有要修改的内容"))
        for key, value in body.items():
            setattr(hook, key, value)
        listeners.changed(s, hook.workspace_id)
        return hook


@endpoint(bp, "DELETE", "/webhooks/<webhook_id>", summary="Delete a subscription", status=204,
          role=Role.ADMIN)
def delete_webhook(webhook_id):
    with unit_of_work() as s:
        s.delete(get_scoped(s, Webhook, webhook_id, current_actor().workspace_id, what="webhook"))
        listeners.changed(s, current_actor().workspace_id)


@endpoint(bp, "GET", "/webhooks/<webhook_id>/deliveries", summary="A subscription's delivery log",
          query=PageQuery, out=DeliveryOut, paginated=True, role=Role.ADMIN)
def list_deliveries(webhook_id, query):
    actor = current_actor()
    with unit_of_work() as s:
        get_scoped(s, Webhook, webhook_id, actor.workspace_id, what="webhook")
        stmt = scoped(WebhookDelivery, actor.workspace_id).where(
            WebhookDelivery.webhook_id == webhook_id)
        return paginate(s, stmt, WebhookDelivery.id, **query)
