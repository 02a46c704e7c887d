"""Typed errors the engines and services raise; app/api/errors.py maps them to HTTP once."""
from __future__ import annotations

from typing import Any


class FormloomError(Exception):
    """Base: a code for the API error shape, a message, and optional details."""

    code = "error"
    status = 500

    def __init__(self, message: str = "", details: dict[str, Any] | None = None):
        super().__init__(message or self.code)
        self.message = message or self.code
        self.details = details or {}


class BadRequest(FormloomError):
    code, status = "bad_request", 400


class Unauthenticated(FormloomError):
    code, status = "unauthenticated", 401


class Forbidden(FormloomError):
    code, status = "forbidden", 403


class NotFound(FormloomError):
    code, status = "not_found", 404


class Conflict(FormloomError):
    code, status = "conflict", 409


class TooLarge(FormloomError):
    code, status = "too_large", 413


class ValidationFailed(FormloomError):
    code, status = "validation_failed", 422


class LimitExceeded(FormloomError):
    code, status = "rate_limited", 429

    def __init__(self, message: str = "", details: dict[str, Any] | None = None,
                 retry_after: int = 60):
        super().__init__(message, details)
        self.retry_after = retry_after


class Unavailable(FormloomError):
    code, status = "unavailable", 503


class StorageFull(FormloomError):
    code, status = "storage_full", 507
