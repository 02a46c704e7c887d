"""Renaming a field key: the records' data, the app's forms' expressions and fields, segments, and
whatever the flow and report engines registered, all in the caller's one transaction."""
from __future__ import annotations

import copy
import re
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import Conflict, ValidationFailed
from app.form_engine import indexes
from app.i18n import _
from app.models import Form, FormVersion, Record, Segment
from app.rule_engine.syntax import tokenize

# fn(session, app_id, form_key, old_key, new_key) -> None
ReferenceRewriter = Callable[[Session, str, str, str, str], None]
_rewriters: list[ReferenceRewriter] = []
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def register_reference_rewriter(fn: ReferenceRewriter) -> None:
    if fn not in _rewriters:
        _rewriters.append(fn)


def rewrite_expression(text: str, old: str, new: str, *, via: set[str] | None = None) -> str:
    """Rename field `old` in an expression: bare references (via None) or `<relation>.old`
    through one of `via`. Function names, text literals and other fields are left alone."""
    tokens = [t for t in tokenize(text) if t.kind != "end"]
    edits = []
    for i, tok in enumerate(tokens):
        if tok.kind != "name" or tok.value != old:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if after is not None and after.kind == "op" and after.value == "(":
            continue
        before = tokens[i - 1] if i > 0 else None
        dotted = before is not None and before.kind == "op" and before.value == "."
        if via is None and not dotted:
            edits.append(tok)
        elif via is not None and dotted and i > 1 and tokens[i - 2].value in via:
            edits.append(tok)
    for tok in reversed(edits):
        text = text[:tok.start] + new + text[tok.end:]
    return text


def _rewrite_field(field: dict, old: str, new: str, via: set[str] | None) -> None:
    for key in ("expression", "required_when", "visible_when"):
        if key in field:
            field[key] = rewrite_expression(field[key], old, new, via=via)
    if isinstance(field.get("default"), dict) and "expression" in field["default"]:
        field["default"]["expression"] = rewrite_expression(field["default"]["expression"], old,
                                                            new, via=via)
    for sub in field.get("fields", []):
        _rewrite_field(sub, old, new, via)


def _rename_in_own_definition(definition: dict, old: str, new: str) -> dict:
    definition = copy.deepcopy(definition)
    for field in definition["fields"]:
        if field["key"] == old:
            field["key"] = new
        _rewrite_field(field, old, new, None)
        if field["type"] == "lookup" and field.get("via") == old:
            field["via"] = new
    if definition.get("title_field") == old:
        definition["title_field"] = new
    definition["unique"] = [[new if k == old else k for k in c] for c in definition.get("unique", [])]
    if not definition["unique"]:
        definition.pop("unique")
    for rule in definition.get("validations", []):
        rule["expression"] = rewrite_expression(rule["expression"], old, new)
        if rule.get("field") == old:
            rule["field"] = new
    for rules in definition.get("permissions", {}).values():
        for kind in ("hidden_fields", "readonly_fields"):
            if kind in rules:
                rules[kind] = [new if k == old else k for k in rules[kind]]
    return definition


def _rename_in_other_definition(definition: dict, form_key: str, old: str, new: str) -> dict:
    definition = copy.deepcopy(definition)
    rels = {f["key"] for f in definition["fields"]
            if f["type"] == "relation" and f.get("target") == form_key}
    for field in definition["fields"]:
        _rewrite_field(field, old, new, rels)
        if field["type"] == "lookup" and field.get("via") in rels and field.get("field") == old:
            field["field"] = new
        if field["type"] == "rollup" and field.get("source") == form_key:
            for key in ("field", "via"):
                if field.get(key) == old:
                    field[key] = new
            if "filter" in field:
                field["filter"] = rewrite_expression(field["filter"], old, new)
        if field["type"] == "relation" and field.get("target") == form_key and "filter" in field:
            field["filter"] = rewrite_expression(field["filter"], old, new)
    return definition


def _rename_record_keys(session: Session, form: Form, old: str, new: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(
            "UPDATE records SET data = (data - CAST(:old AS text)) || jsonb_build_object(CAST(:new AS text), data -> CAST(:old AS text)) "
            "WHERE form_id = :form AND data ? CAST(:old AS text)"), {"old": old, "new": new, "form": form.id})
    else:
        session.execute(sa.text(
            f"UPDATE records SET data = json_set(json_remove(data, '$.{old}'), '$.{new}', "
            f"data -> '$.{old}') WHERE form_id = :form AND json_type(data, '$.{old}') IS NOT NULL"),
            {"form": form.id})


def _save_definition(session: Session, form: Form, definition: dict, actor_id, note: str) -> None:
    if definition == form.definition:
        return
    form.version += 1
    form.definition = definition
    session.add(FormVersion(workspace_id=form.workspace_id, form_id=form.id, version=form.version,
                            definition=definition, created_by=actor_id, note=note))


def rename_field_references(session: Session, app_id: str, form_key: str, old_key: str,
                            new_key: str, actor_id: str | None = None) -> None:
    """Rewrite every reference to form_key.old_key in the app (forms, segments, registered
    rewriters of flows and dashboards). The caller's transaction makes it all-or-nothing."""
    note = f"rename {form_key}.{old_key} -> {new_key}"
    for form in session.scalars(sa.select(Form).where(Form.app_id == app_id)):
        if form.key == form_key:
            for seg in session.scalars(sa.select(Segment).where(Segment.form_id == form.id)):
                seg.expression = rewrite_expression(seg.expression, old_key, new_key)
        else:
            _save_definition(session, form, _rename_in_other_definition(
                form.definition, form_key, old_key, new_key), actor_id, note)
    for rewriter in _rewriters:
        rewriter(session, app_id, form_key, old_key, new_key)


def rename_field(session: Session, actor: Actor, form_id: str, old_key: str, new_key: str) -> Form:
    from app.form_engine.forms import get_form

    require_role(actor.role, Role.EDITOR)
    form = get_form(session, actor, form_id)
    keys = {f["key"] for f in form.definition["fields"]}
    if old_key not in keys:
        raise ValidationFailed(_("No field '{k}'", "没有字段“{k}”", k=old_key), {})
    if not _KEY.match(new_key):
        raise ValidationFailed(_("Not a valid key", "标识无效"), {"fields": {"new_key": [
            _("A key is lowercase letters, digits and _ , starting with a letter",
              "标识只能包含小写字母、数字和下划线，并以字母开头")]}})
    if new_key in keys:
        raise Conflict(_("A field with this key exists", "已存在相同标识的字段"), {})
    _save_definition(session, form, _rename_in_own_definition(form.definition, old_key, new_key),
                     actor.user_id, f"rename {old_key} -> {new_key}")
    _rename_record_keys(session, form, old_key, new_key)
    session.execute(sa.text("UPDATE unique_values SET constraint_key = :new WHERE form_id = :f "
                            "AND constraint_key = :old"), {"new": new_key, "old": old_key,
                                                           "f": form.id})
    rename_field_references(session, form.app_id, form.key, old_key, new_key, actor.user_id)
    indexes.sync_indexes(session, form.id, form.definition)
    return form
