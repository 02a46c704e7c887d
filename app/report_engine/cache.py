"""Report results in Redis, keyed by spec + filters + the viewer's data scope + the data and
definition versions of the app's forms (every record write bumps Form.data_version, so a new
record shows at once); specs that read the clock (TODAY, NOW, default as_of) expire quickly."""
from __future__ import annotations

import hashlib
import json
import logging
import re

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from app.auth.actor import Actor
from app.models import Form

log = logging.getLogger(__name__)

PREFIX = "report:"
TTL_SECONDS = 24 * 3600
VOLATILE_TTL_SECONDS = 60
_CLOCK = re.compile(r"\b(TODAY|NOW)\s*\(", re.IGNORECASE)


def _redis():
    from app.extensions import redis

    return redis()


def is_volatile(spec: dict, extra_filters) -> bool:
    if spec.get("kind") in ("rfm", "cohort", "repurchase", "funnel") and not spec.get("as_of"):
        return True
    texts = [spec.get("filter") or "", *extra_filters]
    return any(_CLOCK.search(t) for t in texts)


def cache_key(actor: Actor, form: Form, spec: dict, extra_filters: list, lang: str) -> str:
    session = object_session(form)
    versions = session.execute(
        sa.select(Form.id, Form.version, Form.data_version).where(Form.app_id == form.app_id)
        .order_by(Form.id)).all() if session is not None else [(form.id, form.version, form.data_version)]
    material = {
        "ws": actor.workspace_id, "form": form.id, "versions": [list(v) for v in versions],
        "spec": spec, "filters": extra_filters, "lang": lang,
        # The data scope: who the viewer is decides which rows and fields they see.
        "scope": [actor.role, actor.user_id, sorted(actor.department_ids)],
    }
    digest = hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False,
                                       default=str).encode()).hexdigest()
    return f"{PREFIX}{actor.workspace_id}:{digest}"


def get(key: str) -> dict | None:
    try:
        raw = _redis().get(key)
    except Exception as exc:  # a cache outage makes reports slower, never broken
        log.warning("report cache read failed: %s", exc)
        return None
    return json.loads(raw) if raw else None


def put(key: str, result: dict, *, volatile: bool) -> None:
    body = {k: v for k, v in result.items() if k not in ("elapsed_ms", "cache")}
    try:
        _redis().set(key, json.dumps(body, ensure_ascii=False, default=str),
                     ex=VOLATILE_TTL_SECONDS if volatile else TTL_SECONDS)
    except Exception as exc:
        log.warning("report cache write failed: %s", exc)
