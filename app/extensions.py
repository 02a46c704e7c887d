"""Accessors for the current app's database and Redis (for handlers, CLI and jobs)."""
from __future__ import annotations

import contextlib
from typing import Iterator

from flask import current_app
from sqlalchemy.orm import Session

from app.db import Database


def db() -> Database:
    return current_app.extensions["formloom.db"]


def redis():
    from app.redis_conn import get_redis

    return get_redis(current_app.config["REDIS_URL"])


@contextlib.contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction for one use case; events and enqueues run after it commits.
    GET requests read only, so on SQLite they never queue behind a long write."""
    from flask import has_request_context, request

    from app.db import read_only_work

    token = read_only_work.set(has_request_context() and request.method in ("GET", "HEAD"))
    try:
        with db().transaction() as session:
            yield session
    finally:
        read_only_work.reset(token)
