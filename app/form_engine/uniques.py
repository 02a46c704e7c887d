"""Unique constraints enforced by the database: one unique_values row per (form, constraint,
value hash), so two concurrent writes of the same phone cannot both commit."""
from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.form_engine.compile import CompiledForm
from app.form_engine.pipeline import is_blank
from app.i18n import _
from app.models import UniqueValue

TAKEN = _("This value is already used by another record", "该值已被其他记录使用")


def _normal(value):
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return sorted(map(str, value))
    return value


def entries(cf: CompiledForm, data: dict) -> dict[str, str]:
    """constraint key -> value hash, for the constraints whose values are all filled in."""
    out = {}
    for combo in cf.unique:
        values = [data.get(k) for k in combo]
        if any(is_blank(v) for v in values):
            continue
        text = json.dumps([_normal(v) for v in values], ensure_ascii=False, sort_keys=True)
        out[",".join(combo)] = hashlib.sha256(text.encode()).hexdigest()
    return out


def conflict(constraints) -> Conflict:
    fields = {k: [TAKEN] for c in constraints for k in c.split(",")}
    return Conflict(_("A record with the same value exists", "已存在相同值的记录"), {"fields": fields})


def taken(session: Session, form_id: str, wanted: dict[str, str], record_id: str | None = None
          ) -> list[str]:
    """Constraints already held by another record (a friendly early answer; the insert decides)."""
    if not wanted:
        return []
    rows = session.execute(sa.select(UniqueValue.constraint_key, UniqueValue.record_id).where(
        UniqueValue.form_id == form_id,
        sa.tuple_(UniqueValue.constraint_key, UniqueValue.value_hash).in_(list(wanted.items()))))
    return [c for c, rid in rows if rid != record_id]


def claim(session: Session, form_id: str, record_id: str, wanted: dict[str, str],
          held: dict[str, str] | None = None) -> None:
    """Replace this record's unique rows by `wanted`; Conflict when another record holds one."""
    held = held or {}
    drop = [c for c, h in held.items() if wanted.get(c) != h]
    add = {c: h for c, h in wanted.items() if held.get(c) != h}
    if drop:
        session.execute(sa.delete(UniqueValue).where(
            UniqueValue.form_id == form_id, UniqueValue.record_id == record_id,
            UniqueValue.constraint_key.in_(drop)))
    if not add:
        return
    clash = taken(session, form_id, add, record_id)
    if clash:
        raise conflict(clash)
    try:
        with session.begin_nested():
            session.execute(sa.insert(UniqueValue), [
                {"form_id": form_id, "constraint_key": c, "value_hash": h, "record_id": record_id}
                for c, h in add.items()])
    except IntegrityError:
        raise conflict(add) from None


def release(session: Session, record_id: str) -> None:
    session.execute(sa.delete(UniqueValue).where(UniqueValue.record_id == record_id))
