"""Who is acting: a user in a workspace with a role, or an anonymous/system actor."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    workspace_id: str
    user_id: str | None
    role: str                      # owner, admin, editor, member, viewer; "system" for workers
    via: str = "session"           # session, token, public, system, flow
    department_ids: tuple[str, ...] = field(default_factory=tuple)
    lang: str = "zh-CN"
    timezone: str | None = None    # the workspace's, when authentication read it already

    @property
    def is_system(self) -> bool:
        return self.role == "system"

    @classmethod
    def system(cls, workspace_id: str, via: str = "system") -> "Actor":
        return cls(workspace_id=workspace_id, user_id=None, role="system", via=via)
