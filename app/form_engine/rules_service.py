"""Checking and evaluating one expression for the rules API, against a form's schema if given."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app import clock, rule_engine
from app.auth.actor import Actor
from app.form_engine import expressions
from app.form_engine.forms import form_rule_schema, get_form
from app.rule_engine import EvalEnv, ErrorValue, RuleError


def _schema(session: Session, actor: Actor, form_id: str | None) -> tuple[dict | None, str]:
    from app.form_engine.records import workspace_timezone

    tz = workspace_timezone(session, actor.workspace_id)
    if not form_id:
        return None, tz
    return form_rule_schema(session, get_form(session, actor, form_id)), tz


def check(session: Session, actor: Actor, expression: str, form_id: str | None) -> dict:
    schema, _tz = _schema(session, actor, form_id)
    engine_check = getattr(rule_engine, "check", None)
    if engine_check is not None:
        try:
            outcome = engine_check(expression, schema or {}, lang=actor.lang)
        except RuleError as err:
            return {"ok": False, "errors": [err.to_dict(actor.lang)], "fields": [],
                    "result_type": None}
        if isinstance(outcome, dict):
            return {"ok": not outcome.get("errors"), "errors": outcome.get("errors", []),
                    "fields": list(outcome.get("fields", [])),
                    "result_type": outcome.get("result_type")}
        return {"ok": not outcome.errors, "errors": list(outcome.errors),
                "fields": list(outcome.fields), "result_type": outcome.result_type}
    problem = expressions.check(expression, schema) if schema is not None else None
    if problem is None and schema is None:
        try:
            rule_engine.parse(expression)
        except RuleError as err:
            problem = err.to_dict(actor.lang)
    fields = [] if problem else sorted(expressions.referenced_fields(expression))
    return {"ok": problem is None, "errors": [problem] if problem else [], "fields": fields,
            "result_type": None}


def evaluate(session: Session, actor: Actor, expression: str, form_id: str | None, data: dict
             ) -> dict:
    schema, tz = _schema(session, actor, form_id)
    env = EvalEnv(tz=tz, current_user=actor.user_id, now=clock.now())
    try:
        value = rule_engine.evaluate(expression, data, env=env, schema=schema)
    except RuleError as err:
        return {"error": err.to_dict(actor.lang)}
    if isinstance(value, ErrorValue):
        return {"error": {"message": value.code, "code": value.code}}
    return {"value": rule_engine.to_plain(value)}
