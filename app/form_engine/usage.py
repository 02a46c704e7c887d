"""Who uses a form or a field: other forms of the app (relations, lookups, rollups, expressions),
segments, and whatever the flow and report engines register. Deleting something in use is
refused with this list unless forced; forced deletes mark the users broken."""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine import expressions
from app.models import Form, Segment

# fn(session, app_id, form_key, field_key | None) -> [{"kind", "id", "name", "detail"}]
UsageFinder = Callable[[Session, str, str, "str | None"], list]
_finders: list[UsageFinder] = []


def register_usage_finder(fn: UsageFinder) -> None:
    if fn not in _finders:
        _finders.append(fn)


def _reads(expression: str | None, key: str, via: set[str] | None = None) -> bool:
    """The expression reads `key` itself, or `<relation>.key` through one of `via`."""
    if not expression:
        return False
    try:
        paths = expressions.referenced_paths(expression)
    except Exception:  # an unparsable expression reads nothing we could rewrite
        return False
    if via is None:
        return any(p[0] == key for p in paths)
    return any(len(p) > 1 and p[0] in via and p[1] == key for p in paths)


def _field_expressions(field: dict) -> list[str]:
    found = [field.get(k) for k in ("expression", "required_when", "visible_when", "filter")]
    default = field.get("default")
    if isinstance(default, dict):
        found.append(default.get("expression"))
    return [e for e in found if e]


def _app_forms(session: Session, form: Form) -> list[Form]:
    return list(session.scalars(sa.select(Form).where(Form.app_id == form.app_id,
                                                      Form.id != form.id)))


def field_users(session: Session, form: Form, key: str, *, ignore_form_fields=None) -> list[dict]:
    users = []
    for other in _app_forms(session, form):
        rels = {f["key"] for f in other.definition["fields"]
                if f["type"] == "relation" and f.get("target") == form.key}
        for f in other.definition["fields"]:
            uses = ((f["type"] == "lookup" and f.get("via") in rels and f.get("field") == key)
                    or (f["type"] == "rollup" and f.get("source") == form.key
                        and (f.get("field") == key or f.get("via") == key
                             or _reads(f.get("filter"), key)))
                    or any(_reads(e, key, rels) for e in _field_expressions(f)))
            if uses:
                users.append({"kind": "form_field", "id": other.id, "name": f"{other.key}.{f['key']}"})
    for seg in session.scalars(sa.select(Segment).where(Segment.form_id == form.id)):
        if _reads(seg.expression, key):
            users.append({"kind": "segment", "id": seg.id, "name": seg.key})
    for finder in _finders:
        users.extend(finder(session, form.app_id, form.key, key))
    return users


def form_users(session: Session, form: Form) -> list[dict]:
    users = []
    for other in _app_forms(session, form):
        for f in other.definition["fields"]:
            if (f["type"] == "relation" and f.get("target") == form.key) or (
                    f["type"] == "rollup" and f.get("source") == form.key):
                users.append({"kind": "form_field", "id": other.id, "name": f"{other.key}.{f['key']}"})
    for finder in _finders:
        users.extend(finder(session, form.app_id, form.key, None))
    return users


def mark_broken(session: Session, form: Form, key: str | None, users: list[dict]) -> None:
    """Segments among the users are flagged so the user sees why they no longer work."""
    what = f"{form.key}.{key}" if key else form.key
    ids = [u["id"] for u in users if u["kind"] == "segment"]
    if ids:
        session.execute(sa.update(Segment).where(Segment.id.in_(ids))
                        .values(broken=f"{what} was deleted"))
