"""The OpenAPI 3 document, generated from the endpoint registry and its marshmallow schemas."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, current_app, jsonify

from app.api.routing import REGISTRY

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"type": "object"}}}},
}


def _path(rule: str) -> tuple[str, list[str]]:
    params = re.findall(r"<(?:[a-z]+:)?([a-zA-Z_]+)>", rule)
    return re.sub(r"<(?:[a-z]+:)?([a-zA-Z_]+)>", r"{\1}", rule), params


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__


def build_spec() -> dict:
    plugin = MarshmallowPlugin(schema_name_resolver=lambda s: _schema_name(s))
    spec = APISpec(title="Formloom API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[plugin],
                   info={"description": "Forms, records, rules, flows, reports and dashboards."})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("cookie", {"type": "apiKey", "in": "cookie",
                                               "name": "formloom_session"})
    paths: dict[str, dict] = {}
    for doc in REGISTRY:
        path, params = _path(doc.rule)
        op: dict = {"summary": doc.summary, "tags": [doc.tag],
                    "operationId": f"{doc.method.lower()}_{doc.tag}_{abs(hash(doc.rule)) % 10**8}"}
        parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                      for p in params]
        if doc.query is not None:
            parameters.append({"in": "query", "schema": doc.query})
        if parameters:
            op["parameters"] = parameters
        if doc.body is not None:
            op["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": doc.body}}}
        responses: dict = {}
        if doc.status == 204:
            responses["204"] = {"description": "No content"}
        elif doc.out is not None:
            schema: dict | object = doc.out
            if doc.paginated:
                schema = {"type": "object", "properties": {
                    "items": {"type": "array", "items": doc.out},
                    "next_cursor": {"type": "string", "nullable": True}}}
            elif doc.many:
                schema = {"type": "array", "items": doc.out}
            responses[str(doc.status)] = {"description": "OK",
                                          "content": {doc.content_type: {"schema": schema}}}
        else:
            responses[str(doc.status)] = {"description": "OK"}
        error = {"description": "Error", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Error"}}}}
        for code in (["400", "422"] if doc.body or doc.query else []) + (
                ["401", "403"] if doc.auth else []) + (["404"] if params else []):
            responses[code] = error
        for code, text in doc.extra_responses.items():
            responses[str(code)] = {**error, "description": text}
        op["responses"] = responses
        if doc.auth:
            op["security"] = [{"bearer": []}, {"cookie": []}]
        paths.setdefault(path, {})[doc.method.lower()] = op
    for path, ops in paths.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json():
    cached = current_app.extensions.get("formloom.openapi")
    if cached is None:
        cached = build_spec()
        current_app.extensions["formloom.openapi"] = cached
    return jsonify(cached)
