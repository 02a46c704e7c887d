"""Prefilled public links: PUBLIC_LINK() signs the fields it fills into a form's public link, and
the public page and submit read them back, so a link can fix fields the person cannot change
(a survey's ticket) - including fields that are not public."""
from __future__ import annotations

import datetime as dt
from typing import Callable
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth import signed
from app.errors import Forbidden
from app.form_engine import fields as registry
from app.i18n import _
from app.models import Form, PublicLink

# The query parameter of /f/<token> that carries the signed prefill.
PARAM = "p"


def _salt(form_id: str) -> str:
    # One salt per form: a prefill signed for one form is worthless on another.
    return f"formloom.public-prefill:{form_id}"


def fillable_keys(form: Form) -> set[str]:
    """Top-level fields a prefill may set: stored and not computed by the engine."""
    keys = set()
    for field in form.definition.get("fields", []):
        kind = registry.all_types().get(field.get("type"))
        if kind is not None and kind.stores and not kind.computed:
            keys.add(field["key"])
    return keys


def sign(secret: str, form: Form, values: dict) -> str:
    unknown = sorted(set(values) - fillable_keys(form))
    if unknown:
        raise ValueError(f"form {form.key} has no fillable field {unknown[0]}")
    return signed.sign(secret, _salt(form.id), values)


def read(secret: str, form: Form, text: str, max_age: dt.timedelta) -> dict:
    """The prefilled values of a link, or Forbidden when the link was altered or is too old."""
    try:
        values = signed.unsign(secret, _salt(form.id), text, max_age)
    except signed.InvalidSigned as exc:
        if exc.expired:
            raise Forbidden(_("This link has expired", "此链接已过期"),
                            {"reason": "prefill_expired"}) from None
        raise Forbidden(_("This link is incomplete or was changed: open it again from the "
                          "message you received", "链接不完整或已被修改，请从收到的消息中重新打开"),
                        {"reason": "prefill_invalid"}) from None
    if not isinstance(values, dict):
        raise Forbidden(_("This link is incomplete or was changed: open it again from the "
                          "message you received", "链接不完整或已被修改，请从收到的消息中重新打开"),
                        {"reason": "prefill_invalid"})
    fillable = fillable_keys(form)
    return {k: v for k, v in values.items() if k in fillable}


def link_url(base_url: str, token: str, prefill: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/f/{token}"
    return f"{url}?{PARAM}={quote(prefill, safe='')}" if prefill else url


def resolver(session: Session, workspace_id: str, app_id: str, *, secret: str,
             base_url: str) -> Callable[[str, dict], str | None]:
    """PUBLIC_LINK's view of one app: (form key, prefill) -> the link's URL, None when the form
    does not exist or its public link is off; ValueError (#VALUE!) for a field it cannot fill."""
    def resolve(form_key: str, values: dict) -> str | None:
        row = session.execute(
            sa.select(Form, PublicLink.token)
            .join(PublicLink, sa.and_(PublicLink.form_id == Form.id, PublicLink.kind == "form"))
            .where(Form.workspace_id == workspace_id, Form.app_id == app_id,
                   Form.key == str(form_key), PublicLink.enabled.is_(True))).first()
        if row is None:
            return None
        form, token = row
        return link_url(base_url, token, sign(secret, form, values) if values else None)
    return resolve
