"""Cursor pagination over time-ordered string ids: `?limit=&cursor=` -> {items, next_cursor}."""
from __future__ import annotations

import base64

import sqlalchemy as sa
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import Session

from app.errors import BadRequest
from app.i18n import _

DEFAULT_LIMIT, MAX_LIMIT = 50, 1000


class PageQuery(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, allow_none=True)


def encode_cursor(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = base64.b64decode(padded.encode(), altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        value = ""
    if not value or not value.isprintable() or len(value) > 200:
        raise BadRequest(_("Invalid cursor", "无效的分页游标"))
    return value


def paginate(session: Session, stmt: sa.Select, id_column, limit: int, cursor: str | None) -> dict:
    """Page by ascending id; fetch one extra row to know whether there is a next page."""
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    rows = list(session.scalars(stmt.order_by(id_column).limit(limit + 1)))
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return {"items": rows[:limit], "next_cursor": next_cursor}
