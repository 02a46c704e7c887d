"""Writing audit entries inside the caller's transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.models import AuditLog


def audit(session: Session, actor: Actor, action: str, object_type: str,
          object_id: str | None = None, **details) -> None:
    session.add(AuditLog(workspace_id=actor.workspace_id, actor_id=actor.user_id, action=action,
                         object_type=object_type, object_id=object_id, details=details))
