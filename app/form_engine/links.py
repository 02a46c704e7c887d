"""Checks and values that read other rows, batched for many records: relation targets exist in
the same workspace and target form (and pass the relation's filter), user and department ids
belong to the workspace, and lookup values copied from related records."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine import expressions
from app.form_engine.compile import CompiledForm
from app.form_engine.fields import Errors, add_error
from app.form_engine.fields.relation import relation_ids
from app.form_engine.rollups import among, id_chunks
from app.i18n import _
from app.models import Department, Form, Membership, Record
from app.rule_engine import EvalEnv

CHUNK = 900


def _chunks(values: list[str]):
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def _all_relations(cf: CompiledForm) -> dict[str, dict]:
    """Every relation of the form: top-level by key, inside subform rows as 'lines.product'."""
    out = dict(cf.relations)
    for sub, relations in cf.row_relations.items():
        out.update({f"{sub}.{key}": f for key, f in relations.items()})
    return out


def _rows(data: dict, sub: str) -> list[dict]:
    rows = data.get(sub)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _ids_of(data: dict, path: str) -> list:
    if "." not in path:
        return relation_ids(data.get(path))
    sub, key = path.split(".", 1)
    return [i for row in _rows(data, sub) for i in relation_ids(row.get(key))]


def target_forms(session: Session, form: Form, cf: CompiledForm) -> dict[str, Form | None]:
    keys = {f["target"] for f in _all_relations(cf).values()}
    if not keys:
        return {}
    found = {f.key: f for f in session.scalars(sa.select(Form).where(
        Form.app_id == form.app_id, Form.key.in_(keys)))}
    return {k: found.get(k) for k in keys}


def load_targets(session: Session, form: Form, cf: CompiledForm, datas: list[dict]
                 ) -> dict[str, dict[str, dict]]:
    """relation path -> {target record id: target data} for every id the records point at."""
    forms = target_forms(session, form, cf)
    out: dict[str, dict[str, dict]] = {}
    for path, f in _all_relations(cf).items():
        ids = sorted({i for d in datas for i in _ids_of(d, path) if isinstance(i, str)})
        target = forms.get(f["target"])
        rows: dict[str, dict] = {}
        if ids and target is not None:
            dialect = session.get_bind().dialect.name
            # By primary key only, form and workspace checked here: a batch loading inside a
            # long transaction (statistics that do not know its rows yet) must not get a plan
            # that scans the whole form for every chunk.
            for chunk in id_chunks(ids, dialect):
                rows.update((rid, data) for rid, form_id, workspace_id, data in session.execute(
                    sa.select(Record.id, Record.form_id, Record.workspace_id, Record.data)
                    .where(among(Record.id, chunk, dialect)))
                    if form_id == target.id and workspace_id == form.workspace_id)
        out[path] = rows
    return out


def _check_one(f: dict, ids: list, found: dict, env: EvalEnv, errors: Errors, path: str) -> None:
    if any(i not in found for i in ids):
        add_error(errors, path, _("The related record does not exist", "关联的记录不存在"))
    elif f.get("filter") and not all(expressions.truthy(f["filter"], found[i], env) for i in ids):
        add_error(errors, path, _("The related record is not allowed here", "该关联记录不符合条件"))


def check_relations(cf: CompiledForm, data: dict, targets: dict, env: EvalEnv, errors: Errors
                    ) -> None:
    for key, f in cf.relations.items():
        _check_one(f, relation_ids(data.get(key)), targets.get(key, {}), env, errors, key)
    for sub, relations in cf.row_relations.items():
        for n, row in enumerate(data.get(sub) or []):
            if not isinstance(row, dict):
                continue
            for key, f in relations.items():
                _check_one(f, relation_ids(row.get(key)), targets.get(f"{sub}.{key}", {}), env,
                           errors, f"{sub}[{n}].{key}")


def _picked(lookup: dict, relation: dict | None, value, related: dict):
    picked = [related[i].get(lookup["field"]) for i in relation_ids(value) if i in related]
    if (relation or {}).get("multiple"):
        return picked
    return picked[0] if picked else None


def lookup_values(cf: CompiledForm, data: dict, targets: dict) -> dict:
    return {f["key"]: _picked(f, cf.relations.get(f["via"]), data.get(f["via"]),
                              targets.get(f["via"], {})) for f in cf.lookups}


def apply_lookups(cf: CompiledForm, data: dict, targets: dict, written: set | None = None) -> None:
    """Fill lookups: the form's (kept in sync later) and those of the subforms in `written` (all
    when None): a snapshot of the related record when the rows are written, like a price on an
    order line, which later price changes must not rewrite."""
    data.update(lookup_values(cf, data, targets))
    for sub, lookups in cf.row_lookups.items():
        if not lookups or (written is not None and sub not in written):
            continue
        relations = cf.row_relations.get(sub, {})
        for row in _rows(data, sub):
            for f in lookups:
                row[f["key"]] = _picked(f, relations.get(f["via"]), row.get(f["via"]),
                                        targets.get(f"{sub}.{f['via']}", {}))


def known_people(session: Session, workspace_id: str, cf: CompiledForm, datas: list[dict]
                 ) -> tuple[set[str], set[str]]:
    users, departments = set(), set()
    for d in datas:
        for key, kind in cf.people.items():
            ids = relation_ids(d.get(key))
            (users if kind == "user" else departments).update(i for i in ids if isinstance(i, str))
    known_users, known_departments = set(), set()
    for chunk in _chunks(sorted(users)):
        known_users.update(session.scalars(sa.select(Membership.user_id).where(
            Membership.workspace_id == workspace_id, Membership.user_id.in_(chunk))))
    for chunk in _chunks(sorted(departments)):
        known_departments.update(session.scalars(sa.select(Department.id).where(
            Department.workspace_id == workspace_id, Department.id.in_(chunk))))
    return known_users, known_departments


def check_people(cf: CompiledForm, data: dict, known: tuple[set, set], errors: Errors) -> None:
    users, departments = known
    for key, kind in cf.people.items():
        pool = users if kind == "user" else departments
        if any(i not in pool for i in relation_ids(data.get(key))):
            add_error(errors, key, _("Not a member of this workspace", "不是本工作区的成员")
                      if kind == "user" else _("No such department", "没有该部门"))
