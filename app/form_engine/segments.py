"""Segments: saved filters on a form, counted and listed in SQL (Python fallback streams)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import Conflict
from app.form_engine import queries
from app.form_engine.forms import get_form
from app.i18n import _
from app.models import Segment
from app.models.scope import get_scoped, scoped


def list_segments(session: Session, actor: Actor, form_id: str) -> sa.Select:
    form = get_form(session, actor, form_id)
    return scoped(Segment, actor.workspace_id).where(Segment.form_id == form.id)


def create_segment(session: Session, actor: Actor, form_id: str, *, key: str, name, expression: str
                   ) -> Segment:
    require_role(actor.role, Role.EDITOR)
    form = get_form(session, actor, form_id)
    queries.checked_filter(session, Actor.system(actor.workspace_id), form, expression)
    if session.scalar(sa.select(Segment.id).where(Segment.form_id == form.id, Segment.key == key)):
        raise Conflict(_("A segment with this key exists", "已存在相同标识的分群"),
                       {"fields": {"key": [_("Already used", "已被使用")]}})
    segment = Segment(workspace_id=actor.workspace_id, form_id=form.id, key=key, name=name,
                      expression=expression)
    session.add(segment)
    session.flush()
    return segment


def get_segment(session: Session, actor: Actor, segment_id: str) -> Segment:
    return get_scoped(session, Segment, segment_id, actor.workspace_id, what="segment")


def segment_records(session: Session, actor: Actor, segment_id: str, **page) -> dict:
    segment = get_segment(session, actor, segment_id)
    return queries.query(session, actor, segment.form_id, filter=segment.expression, **page)


def segment_count(session: Session, actor: Actor, segment_id: str) -> int:
    segment = get_segment(session, actor, segment_id)
    return queries.count(session, actor, segment.form_id, segment.expression)
