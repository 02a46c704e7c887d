"""Public links of a form: a fill-in link anyone can submit through (only the public fields,
with a honeypot, a submission window and a total cap, signed prefills and uploads) and a look-up
link (optional password) that lets a customer find their own submission by a unique field."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.auth.actor import Actor
from app.auth.passwords import hash_password, verify_password
from app.auth.roles import Role, require_role
from app.errors import Forbidden, NotFound, ValidationFailed
from app.form_engine import fields as registry, public_prefill, public_uploads
from app.i18n import _
from app.models import Form, PublicLink, Record
from app.models.scope import get_scoped

HONEYPOT = "_hp"
# Types a stranger may fill: no references into the workspace (users, records, departments),
# nothing the engine computes; files only through the public upload (signed references).
PUBLIC_TYPES = {"text", "textarea", "number", "checkbox", "date", "datetime", "select",
                "multiselect", "phone", "email", "url", "rating", "address", "location",
                "subform", "file", "image"}
CONFIG_KEYS = {"fields", "thank_you", "redirect", "opens_at", "closes_at", "max_submissions"}
QUERY_CONFIG_KEYS = {"lookup_field", "fields"}


@dataclass(frozen=True)
class Signing:
    """What public prefills and upload references are signed with (from the app settings)."""
    secret: str
    prefill_max_age: dt.timedelta = dt.timedelta(days=30)


def _not_found():
    return NotFound(_("This link does not exist or was turned off", "该链接不存在或已关闭"))


def _field_map(form: Form) -> dict[str, dict]:
    return {f["key"]: f for f in form.definition.get("fields", [])}


def public_fields(form: Form, link: PublicLink) -> list[dict]:
    """The fields a public submitter sees, in form order. Which ones: the link's `fields`,
    else the definition's `settings.public.fields`, else fields marked `"public": true`."""
    chosen = link.config.get("fields") or \
        ((form.definition.get("settings") or {}).get("public") or {}).get("fields")
    out = []
    for field in form.definition.get("fields", []):
        if field.get("type") not in PUBLIC_TYPES or field.get("hidden"):
            continue
        if (chosen is not None and field["key"] in chosen) or \
                (chosen is None and field.get("public") is True):
            out.append(field)
    return out


def _check_config(form: Form, config: dict, kind: str) -> dict:
    allowed = CONFIG_KEYS if kind == "form" else QUERY_CONFIG_KEYS
    problems: dict[str, list] = {}
    for key in set(config) - allowed:
        problems[key] = [_("Unknown setting", "未知设置")]
    by_key = _field_map(form)
    for key in config.get("fields") or []:
        if key not in by_key:
            problems.setdefault("fields", []).append(_("No field {key}", "没有字段 {key}",
                                                        key=key))
    if kind == "query":
        lookup = config.get("lookup_field")
        from app.form_engine.io.lookups import unique_keys

        if lookup not in unique_keys(form.definition):
            problems["lookup_field"] = [_("Choose a unique field to look up by",
                                          "请选择用于查询的唯一字段")]
        if not config.get("fields"):
            problems["fields"] = [_("Choose the fields to show", "请选择要显示的字段")]
    for key in ("opens_at", "closes_at"):
        if config.get(key) is not None and _moment(config[key]) is None:
            problems[key] = [_("Use an ISO 8601 time with offset", "请使用带时区的 ISO 8601 时间")]
    if problems:
        raise ValidationFailed(_("The public link settings are not valid", "公开链接设置无效"),
                               {"fields": problems})
    return config


def _moment(text) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def enable(session: Session, actor: Actor, form_id: str, *, kind: str = "form",
           config: dict | None = None, password: str | None = None,
           rotate: bool = False) -> PublicLink:
    """Turn a link on (keeping its token unless `rotate`) with new settings."""
    require_role(actor.role, Role.EDITOR)
    form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
    config = _check_config(form, dict(config or {}), kind)
    link = session.scalar(sa.select(PublicLink).where(PublicLink.form_id == form.id,
                                                      PublicLink.kind == kind))
    if link is None:
        link = PublicLink(workspace_id=actor.workspace_id, form_id=form.id, kind=kind,
                          token=secrets.token_urlsafe(24), created_by=actor.user_id,
                          submissions=0)
        session.add(link)
    elif rotate:
        link.token = secrets.token_urlsafe(24)
    link.enabled = True
    link.config = config
    if kind == "query":
        link.password_hash = hash_password(password) if password else None
    if kind == "form":
        form.public_token = link.token
    session.flush()
    return link


def disable(session: Session, actor: Actor, form_id: str, *, kind: str = "form") -> None:
    require_role(actor.role, Role.EDITOR)
    form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
    link = session.scalar(sa.select(PublicLink).where(PublicLink.form_id == form.id,
                                                      PublicLink.kind == kind))
    if link is not None:
        link.enabled = False
    if kind == "form":
        form.public_token = None


def find_link(session: Session, actor: Actor, form_id: str, kind: str = "form"
              ) -> PublicLink | None:
    """The form's public link of this kind, or None when it never had one."""
    form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
    return session.scalar(sa.select(PublicLink).where(PublicLink.form_id == form.id,
                                                      PublicLink.kind == kind))


def _open_link(session: Session, token: str, kind: str) -> tuple[PublicLink, Form]:
    link = session.scalar(sa.select(PublicLink).where(PublicLink.token == token,
                                                      PublicLink.kind == kind))
    if link is None or not link.enabled:
        raise _not_found()
    form = session.get(Form, link.form_id)
    if form is None:
        raise _not_found()
    return link, form


def _accepting(link: PublicLink) -> tuple[bool, object]:
    now = clock.now()
    opens, closes = _moment(link.config.get("opens_at")), _moment(link.config.get("closes_at"))
    if opens and now < opens:
        return False, _("This form opens at {at}", "此表单将于 {at} 开放", at=link.config["opens_at"])
    if closes and now >= closes:
        return False, _("This form is closed", "此表单已截止")
    cap = link.config.get("max_submissions")
    if cap is not None and link.submissions >= cap:
        return False, _("This form has reached its limit of submissions", "此表单已达到提交上限")
    return True, None


def _prefilled(form: Form, prefill: str | None, signing: Signing) -> dict:
    if not prefill:
        return {}
    return public_prefill.read(signing.secret, form, prefill, signing.prefill_max_age)


def describe(session: Session, token: str, *, signing: Signing,
             prefill: str | None = None) -> dict:
    """What the public page needs: the form's public fields and the page settings; with a
    signed prefill, its values for the public fields (shown read-only; the others, such as a
    relation to a ticket, stay in the signed text and are never shown)."""
    link, form = _open_link(session, token, "form")
    values = _prefilled(form, prefill, signing)
    accepting, reason = _accepting(link)
    definition = form.definition
    shown = [{**f, "readonly": True} if f["key"] in values else f for f in public_fields(form, link)]
    return {
        "form": {"key": form.key, "name": definition.get("name", form.key),
                 "description": definition.get("description"),
                 "fields": shown},
        "settings": {"thank_you": link.config.get("thank_you"),
                     "redirect": link.config.get("redirect"),
                     "honeypot": HONEYPOT, "accepting": accepting, "reason": reason,
                     "opens_at": link.config.get("opens_at"),
                     "closes_at": link.config.get("closes_at")},
        "prefill": {f["key"]: values[f["key"]] for f in shown if f["key"] in values},
    }


def upload(session: Session, token: str, field_key: str, stream: BinaryIO,
           filename: str | None, *, signing: Signing, max_bytes: int) -> dict:
    """Store a file for one public file field of an open link -> its signed reference."""
    link, form = _open_link(session, token, "form")
    accepting, reason = _accepting(link)
    if not accepting:
        raise Forbidden(reason, {"reason": "closed"})
    if field_key not in _public_file_keys(public_fields(form, link)):
        raise ValidationFailed(_("This question does not take files", "此问题不接受文件"),
                               {"fields": {"field": [_("Choose a file question of this form",
                                                       "请选择此表单的文件问题")]}})
    return public_uploads.store(session, link, form, field_key, stream, filename,
                                secret=signing.secret, max_bytes=max_bytes)


def _public_file_keys(fields: list[dict]) -> set[str]:
    keys = set()
    for field in fields:
        if field.get("type") in public_uploads.FILE_TYPES:
            keys.add(field["key"])
        for column in field.get("fields", []) if field.get("type") == "subform" else []:
            if column.get("type") in public_uploads.FILE_TYPES:
                keys.add(f"{field['key']}.{column['key']}")
    return keys


def submit(session: Session, token: str, data: dict, *, signing: Signing,
           prefill: str | None = None) -> dict:
    """Create a record from a public submission through the write path: the public fields, the
    files uploaded for this link, and the signed prefill (which the submitter cannot change)."""
    from app.form_engine import records

    link, form = _open_link(session, token, "form")
    if data.get(HONEYPOT):
        raise ValidationFailed(_("The submission was rejected", "提交被拒绝"),
                               {"reason": "honeypot"})
    accepting, reason = _accepting(link)
    if not accepting:
        raise Forbidden(reason, {"reason": "closed"})
    values = _prefilled(form, prefill, signing)
    fields = public_fields(form, link)
    allowed = {f["key"] for f in fields} - set(values)
    clean = public_uploads.claim_files(session, signing.secret, link, fields,
                                       {k: v for k, v in data.items() if k in allowed})
    clean.update(values)
    cap = link.config.get("max_submissions")
    # Counted with one conditional UPDATE, so concurrent submitters cannot pass the cap.
    claim = sa.update(PublicLink).where(PublicLink.id == link.id) \
        .values(submissions=PublicLink.submissions + 1)
    if cap is not None:
        claim = claim.where(PublicLink.submissions < cap)
    claimed = session.execute(claim).rowcount
    if not claimed:
        raise Forbidden(_("This form has reached its limit of submissions",
                          "此表单已达到提交上限"), {"reason": "closed"})
    actor = Actor(workspace_id=form.workspace_id, user_id=None, role="system", via="public")
    record = records.create(session, actor, form.id, clean, source="public")
    return {"id": record.id, "thank_you": link.config.get("thank_you"),
            "redirect": link.config.get("redirect")}


def describe_query(session: Session, token: str) -> dict:
    link, form = _open_link(session, token, "query")
    by_key = _field_map(form)
    lookup = by_key.get(link.config["lookup_field"], {})
    return {"form": {"key": form.key, "name": form.definition.get("name", form.key)},
            "lookup_field": {"key": lookup.get("key"), "label": lookup.get("label"),
                             "type": lookup.get("type")},
            "fields": [{"key": k, "label": by_key[k].get("label"), "type": by_key[k]["type"]}
                       for k in link.config["fields"] if k in by_key],
            "needs_password": link.password_hash is not None}


def query(session: Session, token: str, value: str, password: str | None) -> dict:
    """Look one record up by its unique field; only the chosen fields are shown."""
    link, form = _open_link(session, token, "query")
    if link.password_hash and not verify_password(link.password_hash, password or ""):
        raise Forbidden(_("Wrong password", "密码错误"), {"reason": "password"})
    key = link.config["lookup_field"]
    field = _field_map(form).get(key, {"type": "text"})
    try:
        normalised = registry.get(field["type"]).from_text(str(value), field)
    except (ValueError, TypeError):
        normalised = str(value).strip()
    row = session.scalar(sa.select(Record).where(
        Record.form_id == form.id, Record.data[key].as_string() == str(normalised)).limit(1))
    if row is None:
        return {"found": False, "record": None}
    return {"found": True, "record": {k: row.data.get(k) for k in link.config["fields"]}}

