"""Health check: the database and Redis answer."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from app.extensions import db, redis

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    status = {"status": "ok", "database": "ok", "redis": "ok"}
    try:
        with db().engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception:
        status["database"] = "unavailable"
    try:
        redis().ping()
    except Exception:
        status["redis"] = "unavailable"
    ok = status["database"] == "ok" and status["redis"] == "ok"
    if not ok:
        status["status"] = "unavailable"
    return jsonify(status), 200 if ok else 503
