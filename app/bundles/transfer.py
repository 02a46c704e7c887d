"""Exporting an app to a bundle and importing a bundle into a workspace. Import checks every
part and writes inside one transaction: any problem refuses the bundle whole, with the list."""
from __future__ import annotations

import copy

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.bundles.schema import FORMAT, envelope_problems
from app.errors import FormloomError, ValidationFailed
from app.i18n import _
from app.models import App, AppRole, Dashboard, Flow, Form, FormVersion, Segment
from app.models.scope import get_scoped, scoped
from app.services import apps as app_service


def export_app(session: Session, actor: Actor, app_id: str) -> dict:
    require_role(actor.role, Role.EDITOR)
    app = get_scoped(session, App, app_id, actor.workspace_id, what="app")
    forms = list(session.scalars(sa.select(Form).where(Form.app_id == app.id).order_by(Form.id)))
    key_of = {f.id: f.key for f in forms}
    segments = session.scalars(sa.select(Segment).where(Segment.form_id.in_(list(key_of)))
                               .order_by(Segment.id)) if forms else []
    flows = session.scalars(sa.select(Flow).where(Flow.app_id == app.id).order_by(Flow.id))
    dashboards = session.scalars(sa.select(Dashboard).where(Dashboard.app_id == app.id)
                                 .order_by(Dashboard.id))
    bundle = {"format": FORMAT, "key": app.key, "name": app.name,
              "version": app.template_version or "1.0.0",
              "forms": [copy.deepcopy(f.definition) for f in forms],
              "segments": [{"key": s.key, "form": key_of[s.form_id], "name": s.name,
                            "expression": s.expression} for s in segments],
              "flows": [copy.deepcopy(f.definition) for f in flows],
              "dashboards": [copy.deepcopy(d.definition) for d in dashboards],
              "roles": [_role_part(r) for r in session.scalars(
                  sa.select(AppRole).where(AppRole.app_id == app.id)
                  .order_by(AppRole.created_at, AppRole.id))]}
    if app.description:
        bundle["description"] = app.description
    return bundle


def _role_part(role: AppRole) -> dict:
    part = {"key": role.key, "name": role.name, "base_role": role.base_role}
    if role.description:
        part["description"] = role.description
    return part


class _Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, part: str, message) -> None:
        self.items.append({"part": part, "message": message})

    def add_error(self, prefix: str, exc: FormloomError) -> None:
        fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
        if not fields:
            self.add(prefix, exc.message)
            return
        for path, messages in fields.items():
            path = str(path)
            sub = path if path.startswith("/") else "/" + path if path else ""
            for message in messages if isinstance(messages, list) else [messages]:
                self.add(prefix + sub, message)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(_("The bundle has {n} problem(s); nothing was imported",
                                     "应用包有 {n} 处问题，未导入任何内容", n=len(self.items)),
                                   {"problems": self.items})


def _description(bundle: dict) -> str | None:
    text = bundle.get("description")
    if isinstance(text, dict):
        return text.get("zh") or text.get("en")
    return text


def import_bundle(session: Session, actor: Actor, bundle, *, template_key: str | None = None,
                  app_key: str | None = None) -> App:
    """Create the app and everything in it, or raise ValidationFailed with every problem.
    The caller's transaction must roll back on that error (unit_of_work does)."""
    from app.flow_engine import service as flows
    from app.form_engine import app_roles, indexes, public
    from app.form_engine.definition import validate_definition
    from app.form_engine.forms import form_rule_schema
    from app.report_engine import dashboards
    from app.rule_engine import check

    require_role(actor.role, Role.EDITOR)
    problems = _Problems()
    for item in envelope_problems(bundle):
        problems.add(item["part"], item["message"])
    problems.raise_if_any()

    role_keys = set()
    for i, role in enumerate(bundle.get("roles", [])):
        if role["key"] in role_keys:
            problems.add(f"/roles/{i}/key", _("This role key is used twice", "角色标识重复"))
        role_keys.add(role["key"])
    definitions = {}
    for i, definition in enumerate(bundle["forms"]):
        if definition["key"] in definitions:
            problems.add(f"/forms/{i}/key", _("This form key is used twice", "表单标识重复"))
        definitions[definition["key"]] = definition
    for i, definition in enumerate(bundle["forms"]):
        try:
            validate_definition(copy.deepcopy(definition), definitions.get, role_keys=role_keys)
        except FormloomError as exc:
            problems.add_error(f"/forms/{i}", exc)
    for i, segment in enumerate(bundle.get("segments", [])):
        if segment["form"] not in definitions:
            problems.add(f"/segments/{i}/form", _("No form {key} in the bundle",
                                                  "应用包中没有表单 {key}", key=segment["form"]))
    key = app_key or bundle["key"]
    if session.scalar(scoped(App, actor.workspace_id).where(App.key == key)) is not None:
        problems.add("/key", _("This workspace already has an app with key {key}",
                               "该工作区已有标识为 {key} 的应用", key=key))
    problems.raise_if_any()

    app = app_service.create_app(session, actor, key=key, name=bundle["name"],
                                 description=_description(bundle))
    app.template_key = template_key
    app.template_version = bundle.get("version")
    for role in bundle.get("roles", []):
        app_roles.create_role(session, actor, app.id, key=role["key"], name=role["name"],
                              base_role=role.get("base_role", "member"),
                              description=role.get("description"))
    forms: dict[str, Form] = {}
    for definition in bundle["forms"]:
        definition = copy.deepcopy(definition)
        form = Form(workspace_id=actor.workspace_id, app_id=app.id, key=definition["key"],
                    version=1, definition=definition, data_version=0, created_by=actor.user_id)
        session.add(form)
        session.flush()
        session.add(FormVersion(workspace_id=actor.workspace_id, form_id=form.id, version=1,
                                definition=definition, created_by=actor.user_id))
        indexes.sync_indexes(session, form.id, definition)
        forms[form.key] = form
    session.flush()
    for form in forms.values():
        # A bundle's form may ship with its public link on (a survey sent by PUBLIC_LINK()).
        if ((form.definition.get("settings") or {}).get("public") or {}).get("enabled"):
            public.enable(session, actor, form.id, kind="form")
    for i, segment in enumerate(bundle.get("segments", [])):
        form = forms[segment["form"]]
        result = check(segment["expression"], form_rule_schema(session, form))
        if not result.ok:
            for error in result.errors:
                problems.add(f"/segments/{i}/expression", error.get("message"))
            continue
        session.add(Segment(workspace_id=actor.workspace_id, form_id=form.id, key=segment["key"],
                            name=segment["name"], expression=segment["expression"]))
    for i, definition in enumerate(bundle.get("flows", [])):
        try:
            with session.begin_nested():
                flows.create_flow(session, actor, app.id, copy.deepcopy(definition))
        except FormloomError as exc:
            problems.add_error(f"/flows/{i}", exc)
    for i, definition in enumerate(bundle.get("dashboards", [])):
        try:
            with session.begin_nested():
                dashboards.create_dashboard(session, actor, app.id, copy.deepcopy(definition))
        except FormloomError as exc:
            problems.add_error(f"/dashboards/{i}", exc)
    problems.raise_if_any()
    session.flush()
    return app

