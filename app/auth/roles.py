"""Workspace roles and what each may do; every route declares the least role it needs."""
from __future__ import annotations

import enum

from app.errors import Forbidden
from app.i18n import _


class Role(enum.IntEnum):
    VIEWER = 1   # reads data and dashboards
    MEMBER = 2   # works with data: create, edit, import, tasks
    EDITOR = 3   # designs apps: forms, flows, dashboards, segments
    ADMIN = 4    # manages members, departments, webhooks
    OWNER = 5

    @classmethod
    def parse(cls, name: str) -> "Role":
        if name == "system":  # workers, flows and templates act with the platform's authority
            return cls.OWNER
        return cls[name.upper()]


def require_role(actual: str, needed: Role) -> None:
    if Role.parse(actual) < needed:
        raise Forbidden(_("Your role ({role}) may not do this", "您的角色（{role}）无权执行此操作",
                          role=actual))
