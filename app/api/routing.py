"""Declaring API endpoints: one decorator that routes, authenticates, checks the role, loads the
body and query with marshmallow, dumps the result, and records all of it for OpenAPI."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Blueprint, Response, current_app, g, request
from marshmallow import RAISE, Schema

from app.auth.roles import Role, require_role
from app.errors import BadRequest, TooLarge
from app.i18n import _


@dataclass
class EndpointDoc:
    method: str
    rule: str                      # Flask rule, e.g. /apps/<app_id>
    summary: str
    tag: str
    body: type[Schema] | Schema | None = None
    query: type[Schema] | Schema | None = None
    out: type[Schema] | Schema | None = None
    status: int = 200
    auth: bool = True
    many: bool = False
    paginated: bool = False
    extra_responses: dict[int, str] = field(default_factory=dict)
    content_type: str = "application/json"
    role: Role | None = Role.VIEWER


REGISTRY: list[EndpointDoc] = []


class Dumped(dict):
    """A view's result already in its `out` schema's JSON shape (the schema still documents it):
    dumping a small object through marshmallow cost more than building the dict by hand."""


_instances: dict[tuple, Schema] = {}


def _schema_instance(schema, **kwargs):
    """One instance per schema class and options: building a marshmallow schema deep-copies
    its fields, which cost more than loading a small body. Instances hold no per-call state."""
    if schema is None:
        return None
    if not isinstance(schema, type):
        return schema
    key = (schema, tuple(sorted(kwargs.items())))
    instance = _instances.get(key)
    if instance is None:
        instance = _instances[key] = schema(**kwargs)
    return instance


def json_body() -> Any:
    """The parsed JSON body: 400 when it is not JSON, 413 when over MAX_JSON_BYTES."""
    limit = current_app.config["MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(_("The request body is too large", "请求内容过大"))
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        raise TooLarge(_("The request body is too large", "请求内容过大"))
    if not raw:
        return {}
    data = request.get_json(silent=True, force=True)
    if data is None:
        raise BadRequest(_("The body is not valid JSON", "请求体不是有效的 JSON"))
    return data


def endpoint(bp: Blueprint, method: str, rule: str, *, summary: str,
             body=None, query=None, out=None, status: int = 200, role: Role | None = Role.VIEWER,
             auth: bool = True, many: bool = False, paginated: bool = False,
             responses: dict[int, str] | None = None, content_type: str = "application/json"):
    """Register a JSON endpoint. The view gets `body=` and `query=` when schemas are given."""
    doc = EndpointDoc(method=method.upper(), rule=(bp.url_prefix or "") + rule, summary=summary,
                      tag=bp.name, body=body, query=query, out=out, status=status, auth=auth,
                      many=many, paginated=paginated, extra_responses=responses or {},
                      content_type=content_type, role=role if auth else None)
    REGISTRY.append(doc)

    def decorator(view: Callable):
        @functools.wraps(view)
        def wrapper(**kwargs):
            from app.auth.session import authenticate

            if auth:
                actor = authenticate()
                if role is not None:
                    require_role(actor.role, role)
            if body is not None:
                payload = json_body()
                if not isinstance(payload, dict):
                    raise BadRequest(_("The body must be a JSON object", "请求体必须是 JSON 对象"))
                kwargs["body"] = _schema_instance(body, unknown=RAISE).load(payload)
            if query is not None:
                kwargs["query"] = _schema_instance(query, unknown=RAISE).load(_query_args())
            result = view(**kwargs)
            return _respond(result, doc)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapper, methods=[method.upper()])
        return wrapper

    return decorator


def _query_args() -> dict:
    return {k: v for k, v in request.args.items()}


def _respond(result, doc: EndpointDoc):
    if isinstance(result, Response):
        return result
    status = doc.status
    if isinstance(result, tuple):
        result, status = result
    if doc.out is not None and result is not None and not isinstance(result, Dumped):
        schema = _schema_instance(doc.out)
        if doc.paginated:
            result = {"items": schema.dump(result["items"], many=True),
                      "next_cursor": result.get("next_cursor")}
        else:
            result = schema.dump(result, many=doc.many)
    if result is None:
        return Response(status=204 if status in (200, 204) else status)
    from flask import jsonify

    response = jsonify(result)
    response.status_code = status
    return response


def current_actor():
    return g.actor
