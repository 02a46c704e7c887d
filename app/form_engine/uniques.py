"""Unique constraints enforced by the database: one unique_values row per (form, constraint,
value hash), so two concurrent writes of the same phone cannot both commit."""
from __future__ import annotations

import functools
import hashlib
import json

import sqlalchemy as sa
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


def holders(session: Session, form_id: str, wanted: dict[str, str]) -> dict[str, str]:
    """constraint key -> id of the record holding that value, for the values someone holds."""
    rows = session.execute(sa.select(UniqueValue.constraint_key, UniqueValue.record_id).where(
        UniqueValue.form_id == form_id,
        sa.tuple_(UniqueValue.constraint_key, UniqueValue.value_hash).in_(list(wanted.items()))))
    return {constraint: record_id for constraint, record_id in rows}


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
    # One statement decides: rows that could not be inserted are held by someone already
    # (ON CONFLICT also covers a concurrent writer that committed first).
    for _attempt in range(3):
        got = set(session.scalars(_claim_statement(session.get_bind().dialect.name), [
            {"form_id": form_id, "constraint_key": c, "value_hash": h, "record_id": record_id}
            for c, h in add.items()]))
        add = {c: h for c, h in add.items() if c not in got}
        if not add:
            return
        held_by = holders(session, form_id, add)
        clash = [c for c, rid in held_by.items() if rid != record_id]
        if clash:
            raise conflict(clash)
        # held by this record already, or the holder let go between the two statements
        add = {c: h for c, h in add.items() if c not in held_by}
        if not add:
            return
    raise conflict(add)


@functools.cache
def _claim_statement(dialect: str):
    """INSERT .. ON CONFLICT DO NOTHING RETURNING, built once (a statement built per call is
    compiled per call)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(UniqueValue).on_conflict_do_nothing().returning(
        UniqueValue.constraint_key, sort_by_parameter_order=True)


def release(session: Session, record_id: str) -> None:
    session.execute(sa.delete(UniqueValue).where(UniqueValue.record_id == record_id))
