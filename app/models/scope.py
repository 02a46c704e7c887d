"""The one helper that scopes every query to a workspace (never filter by hand in handlers)."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.i18n import _

T = TypeVar("T")


def scoped(model: type[T], workspace_id: str) -> sa.Select:
    """SELECT of `model` limited to one workspace."""
    return sa.select(model).where(model.workspace_id == workspace_id)


def get_scoped(session: Session, model: type[T], object_id: str, workspace_id: str,
               *, what: str | None = None) -> T:
    """Load one row of this workspace or raise NotFound (another workspace's id is 'not found')."""
    # By primary key: an object this unit of work already loaded costs no second query.
    obj = session.get(model, str(object_id))
    if obj is None or obj.workspace_id != workspace_id:
        name = what or model.__tablename__.rstrip("s")
        raise NotFound(_("{what} not found", "找不到该{what}", what=name))
    return obj
