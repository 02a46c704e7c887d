"""Apps: create, rename, delete; the container every form, flow and dashboard belongs to."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import Conflict
from app.i18n import _
from app.models import App
from app.models.scope import get_scoped, scoped
from app.services.audit import audit


def list_apps(actor: Actor) -> sa.Select:
    return scoped(App, actor.workspace_id)


def get_app(s: Session, actor: Actor, app_id: str) -> App:
    return get_scoped(s, App, app_id, actor.workspace_id, what="app")


def _key_taken(s: Session, workspace_id: str, key: str) -> bool:
    return s.scalar(scoped(App, workspace_id).where(App.key == key)) is not None


def create_app(s: Session, actor: Actor, *, key: str, name, description: str | None = None,
               icon: str | None = None) -> App:
    require_role(actor.role, Role.EDITOR)
    if _key_taken(s, actor.workspace_id, key):
        raise Conflict(_("An app with this key exists", "已存在相同标识的应用"),
                       {"fields": {"key": [_("Already used", "已被使用")]}})
    app = App(workspace_id=actor.workspace_id, key=key, name=name, description=description,
              icon=icon, created_by=actor.user_id)
    s.add(app)
    s.flush()
    audit(s, actor, "app.create", "app", app.id, key=key)
    return app


def update_app(s: Session, actor: Actor, app_id: str, changes: dict) -> App:
    require_role(actor.role, Role.EDITOR)
    app = get_app(s, actor, app_id)
    if "key" in changes and changes["key"] != app.key and _key_taken(s, actor.workspace_id,
                                                                    changes["key"]):
        raise Conflict(_("An app with this key exists", "已存在相同标识的应用"),
                       {"fields": {"key": [_("Already used", "已被使用")]}})
    for k in ("key", "name", "description", "icon"):
        if k in changes:
            setattr(app, k, changes[k])
    audit(s, actor, "app.update", "app", app.id)
    return app


def delete_app(s: Session, actor: Actor, app_id: str) -> None:
    require_role(actor.role, Role.EDITOR)
    app = get_app(s, actor, app_id)
    s.delete(app)
    audit(s, actor, "app.delete", "app", app_id)
