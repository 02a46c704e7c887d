"""Rules: static check and one-off evaluation of an expression, optionally against a form."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.fields import AnyJSON
from app.api.routing import current_actor, endpoint
from app.extensions import unit_of_work
from app.form_engine import rules_service

bp = Blueprint("rules", __name__, url_prefix="/api/v1")


class CheckIn(Schema):
    expression = fields.String(required=True, validate=validate.Length(max=4000))
    form_id = fields.String(load_default=None, allow_none=True)


class EvaluateIn(CheckIn):
    data = fields.Dict(load_default=dict)


class CheckOut(Schema):
    ok = fields.Boolean()
    errors = fields.List(AnyJSON())
    result_type = fields.String(allow_none=True)
    fields = fields.List(fields.String())


@endpoint(bp, "POST", "/rules/check", summary="Check an expression", body=CheckIn, out=CheckOut)
def check_rule(body):
    with unit_of_work() as s:
        return rules_service.check(s, current_actor(), body["expression"], body["form_id"])


@endpoint(bp, "POST", "/rules/evaluate", summary="Evaluate an expression", body=EvaluateIn)
def evaluate_rule(body):
    with unit_of_work() as s:
        return rules_service.evaluate(s, current_actor(), body["expression"], body["form_id"],
                                      body["data"])
