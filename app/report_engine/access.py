"""What a viewer may see of a form in a report: the form engine's view permission, data scope
and visible fields, always within the viewer's workspace."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.actor import Actor
from app.form_engine import permissions
from app.models import Form, Record


def scope_clause(actor: Actor, form: Form) -> sa.ColumnElement:
    """Rows of `form` the actor may read; raises Forbidden when the role may not view the form."""
    permissions.require(actor, form, "view")
    return sa.and_(Record.workspace_id == actor.workspace_id, Record.form_id == form.id,
                   permissions.scope_clause(actor, form))


def visible_fields(actor: Actor, form: Form) -> set[str]:
    return set(permissions.visible_fields(actor, form))
