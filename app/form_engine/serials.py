"""Serial numbers: gap-free per form, field and period, never reused. The counter row is
incremented with an upsert that locks it until COMMIT, so a rolled-back write leaves no gap."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import SerialCounter


def period_of(field: dict, today: dt.date) -> str:
    reset = field.get("reset", "never")
    if reset == "yearly":
        return f"{today.year:04d}"
    if reset == "monthly":
        return f"{today.year:04d}{today.month:02d}"
    return "-"


def allocate(session: Session, form_id: str, field_key: str, period: str, count: int = 1) -> int:
    """Reserve `count` numbers; returns the last one (the first is last - count + 1)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(SerialCounter).values(form_id=form_id, field_key=field_key, period=period,
                                        last_value=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["form_id", "field_key", "period"],
        set_={"last_value": SerialCounter.last_value + count}).returning(SerialCounter.last_value)
    return session.execute(stmt).scalar_one()


def render(field: dict, period: str, number: int) -> str:
    prefix = field.get("prefix", "")
    stamp = "" if period == "-" else period
    return f"{prefix}{stamp}{number:0{field.get('digits', 6)}d}"
