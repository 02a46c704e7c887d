"""The one place that maps errors to the HTTP error shape of API.md."""
from __future__ import annotations

import logging

import redis
import sqlalchemy.exc
from flask import Flask, jsonify, request
from marshmallow import ValidationError as SchemaError
from werkzeug.exceptions import HTTPException

from app.errors import FormloomError
from app.i18n import _, negotiate, render

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 429: "rate_limited"}

_HTTP_MESSAGES = {
    400: _("The request is malformed", "请求格式错误"),
    404: _("Not found", "未找到"),
    405: _("Method not allowed", "不允许的请求方法"),
    413: _("The request body is too large", "请求内容过大"),
    415: _("Unsupported content type", "不支持的内容类型"),
    429: _("Too many requests, please retry later", "请求过于频繁，请稍后再试"),
}

# marshmallow speaks English only; these are the messages our API shapes can produce.
_SCHEMA_MESSAGES = {
    "Missing data for required field.": _("This field is required", "此项必填"),
    "Unknown field.": _("Unknown field", "未知字段"),
    "Not a valid string.": _("Must be text", "必须是文本"),
    "Not a valid integer.": _("Must be a whole number", "必须是整数"),
    "Not a valid boolean.": _("Must be true or false", "必须是布尔值"),
    "Not a valid email address.": _("Not a valid email address", "邮箱地址无效"),
    "Field may not be null.": _("May not be empty", "不能为空"),
    "Invalid input type.": _("Wrong type", "类型错误"),
    "Not a valid mapping type.": _("Must be an object", "必须是对象"),
    "Not a valid list.": _("Must be a list", "必须是列表"),
}


def language() -> str:
    try:
        return negotiate(request.headers.get("Accept-Language"))
    except RuntimeError:
        return "zh-CN"


def error_response(code: str, message, status: int, details: dict | None = None, headers=None):
    lang = language()
    body = {"error": {"code": code, "message": render(message, lang),
                      "details": render(details or {}, lang)}}
    response = jsonify(body)
    response.status_code = status
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def flatten_schema_messages(messages, prefix: str = "") -> dict[str, list]:
    """marshmallow's nested message dict -> {"a.b": [..], "items[2].qty": [..]}."""
    out: dict[str, list] = {}
    if isinstance(messages, list):
        out[prefix or "_schema"] = [_SCHEMA_MESSAGES.get(m, m) if isinstance(m, str) else m
                                    for m in messages]
        return out
    for key, value in messages.items():
        if isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        out.update(flatten_schema_messages(value, path))
    return out


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(FormloomError)
    def _formloom(err: FormloomError):
        headers = {}
        if getattr(err, "retry_after", None):
            headers["Retry-After"] = str(err.retry_after)
        return error_response(err.code, err.message, err.status, err.details, headers)

    @app.errorhandler(SchemaError)
    def _schema(err: SchemaError):
        return error_response("validation_failed", _("The input is not valid", "输入内容无效"), 422,
                              {"fields": flatten_schema_messages(err.messages)})

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        headers = {}
        if status == 429:
            retry = getattr(err, "retry_after", None) or 60
            headers["Retry-After"] = str(int(retry))
        if status == 405 and err.valid_methods:
            headers["Allow"] = ", ".join(err.valid_methods)
        message = _HTTP_MESSAGES.get(status, err.description or err.name)
        return error_response(_HTTP_CODES.get(status, "error"), message, status, headers=headers)

    @app.errorhandler(sqlalchemy.exc.IntegrityError)
    def _integrity(err):
        # Services validate references first; a constraint that still fires is a race with
        # a concurrent change, which the client can retry.
        log.warning("integrity error: %s", err.orig)
        return error_response("conflict", _("The change conflicts with other data, please retry",
                                            "修改与其他数据冲突，请重试"), 409)

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    @app.errorhandler(redis.exceptions.ConnectionError)
    @app.errorhandler(redis.exceptions.TimeoutError)
    def _unavailable(err):
        log.warning("service unavailable: %s", err)
        return error_response("unavailable", _("A backing service is unavailable, please retry",
                                               "后台服务暂不可用，请稍后重试"), 503,
                              headers={"Retry-After": "5"})

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error")
        return error_response("internal_error", _("An unexpected error occurred",
                                                  "发生了意外错误"), 500)
