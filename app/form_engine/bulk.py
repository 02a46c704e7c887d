"""Bulk create: the write path's steps for up to 1,000 records at once, with every database step
done once per batch (one unique claim statement, one COPY per table, one outbox batch, each
rollup target refreshed once) and each record's JSON encoded once."""
from __future__ import annotations

import json

from sqlalchemy.orm import Session

from app import clock, events
from app.auth.actor import Actor
from app.errors import BadRequest, ValidationFailed
from app.form_engine import (bulk_sql, derived, links, permissions, pipeline, rollups, serials,
                             uniques)
from app.form_engine.bulk_sql import JsonText
from app.form_engine.forms import compiled_form, get_form
from app.i18n import _
from app.ids import new_id
from app.models import Record, RecordRevision

BULK_MAX = 1000
_RECORD_COLUMNS = ["id", "workspace_id", "form_id", "data", "version", "form_version",
                   "created_by", "updated_by", "owner_id", "department_id", "created_at",
                   "updated_at"]
_REVISION_COLUMNS = ["id", "workspace_id", "record_id", "form_id", "version", "action",
                     "actor_id", "source", "at", "changed", "before", "after"]


def create_many(session: Session, actor: Actor, form_id: str, rows: list[dict], *,
                source: str = "import", mode: str = "all_or_nothing", meta: dict | None = None):
    from app.form_engine.records import BulkResult, eval_env

    if len(rows) > BULK_MAX:
        raise BadRequest(_("At most {n} records per request", "每次最多 {n} 条记录", n=BULK_MAX))
    form = get_form(session, actor, form_id)
    permissions.require(actor, form, "import" if source == "import" else "create")
    bulk_sql.plan_per_statement(session)
    cf = compiled_form(session, form)
    env = eval_env(session, actor, form.workspace_id)
    errors: dict[int, dict] = {}
    datas = _prepare_all(session, actor, form, cf, rows, env, errors)
    ids: list = [None if i in errors else new_id() for i in range(len(datas))]
    claimed = _claim_unique(session, form, cf, datas, ids, errors)
    if errors and mode == "all_or_nothing":
        bulk_sql.release_records(session, [i for i in ids if i is not None])
        raise ValidationFailed(_("Some records are not valid; nothing was saved",
                                 "部分记录无效，未保存任何记录"),
                               {"records": {str(i): e for i, e in sorted(errors.items())}})
    rejected = [ids[i] for i in errors if ids[i] is not None] if claimed else []
    if rejected:
        bulk_sql.release_records(session, rejected)
    ids = [None if i in errors else record_id for i, record_id in enumerate(ids)]
    good = [i for i, record_id in enumerate(ids) if record_id is not None]
    _serials(session, form, cf, [datas[i] for i in good], env)
    if good:
        _save(session, actor, form, cf, [(ids[i], datas[i]) for i in good], source, meta)
    return BulkResult(ids=ids, errors=errors)


def _prepare_all(session, actor, form, cf, rows, env, errors) -> list[dict]:
    """Input checks, defaults, relations, lookups, formulas, conditions and validations."""
    readonly = frozenset() if actor.is_system else (
        permissions.readonly_fields(actor, form)
        | {k for k, f in cf.fields.items() if f.get("readonly")})
    blank = dict.fromkeys(cf.fields)
    datas: list[dict] = []
    for i, row in enumerate(rows):
        row_errors: dict = {}
        clean = pipeline.check_input(cf, row, row_errors, readonly)
        data = {**blank, **clean}
        if cf.defaults:
            pipeline.apply_defaults(cf, data, set(clean), env)
        datas.append(data)
        if row_errors:
            errors[i] = row_errors
    targets = links.load_targets(session, form, cf, datas) if cf.has_links else None
    people = links.known_people(session, form.workspace_id, cf, datas) if cf.people else None
    rollup_defaults = {f["key"]: rollups.EMPTY.get(f["agg"]) for f in cf.rollups}
    for i, data in enumerate(datas):
        row_errors = errors.get(i, {})
        if targets is not None:
            links.check_relations(cf, data, targets, env, row_errors)
            links.apply_lookups(cf, data, targets)
        if people is not None:
            links.check_people(cf, data, people, row_errors)
        pipeline.compute_formulas(cf, data, env)
        if cf.conditions:
            pipeline.check_conditions(cf, data, env, row_errors)
        if cf.validations and not row_errors:
            pipeline.check_validations(cf, data, env, row_errors)
        if rollup_defaults:
            data.update(rollup_defaults)
        if row_errors:
            errors[i] = row_errors
    return datas


def _claim_unique(session, form, cf, datas, ids, errors) -> bool:
    """Unique values: duplicates inside the batch, then one claiming statement for the rest."""
    if not cf.unique:
        return False
    wanted: list[tuple[str, str, str]] = []
    owner: dict[tuple[str, str], int] = {}
    for i, data in enumerate(datas):
        if ids[i] is None:
            continue
        for pair in uniques.entries(cf, data).items():
            if pair in owner:
                _taken(errors, i, pair[0])
            else:
                owner[pair] = i
                wanted.append((pair[0], pair[1], ids[i]))
    for constraint, value_hash in bulk_sql.claim_unique(session, form.id, wanted):
        _taken(errors, owner[(constraint, value_hash)], constraint)
    return True


def _taken(errors: dict, index: int, constraint: str) -> None:
    errors.setdefault(index, {}).update({k: [uniques.TAKEN] for k in constraint.split(",")})


def _serials(session, form, cf, datas, env) -> None:
    if not datas or not cf.serials:
        return
    today = env.today()
    for f in cf.serials:
        period = serials.period_of(f, today)
        last = serials.allocate(session, form.id, f["key"], period, len(datas))
        for n, data in enumerate(datas, start=last - len(datas) + 1):
            data[f["key"]] = serials.render(f, period, n)


def _save(session, actor, form, cf, created, source, meta) -> None:
    from app.form_engine.records import bump_data_version, logs_data

    now = clock.now()
    dept = actor.department_ids[0] if actor.department_ids else None
    encoded = [(record_id, JsonText(json.dumps(data))) for record_id, data in created]
    bulk_sql.insert_rows(session, Record.__table__, _RECORD_COLUMNS, [
        (record_id, form.workspace_id, form.id, text, 1, form.version, actor.user_id,
         actor.user_id, actor.user_id, dept, now, now) for record_id, text in encoded])
    if logs_data(form):
        revisions = [(new_id(), record_id) for record_id, _text in encoded]
        if not bulk_sql.revisions_of_created(
                session, revisions, workspace_id=form.workspace_id, form_id=form.id,
                actor_id=actor.user_id, source=source, at=now, changed=list(cf.fields)):
            changed = JsonText(json.dumps(list(cf.fields)))
            bulk_sql.insert_rows(session, RecordRevision.__table__, _REVISION_COLUMNS, [
                (rev_id, form.workspace_id, record_id, form.id, 1, "create", actor.user_id,
                 source, now, changed, None, text)
                for (rev_id, record_id), (_id, text) in zip(revisions, encoded)])
    meta = meta or {}
    events.publish_form_batch_after_commit(session, "record.created", {
        "workspace_id": form.workspace_id, "app_id": form.app_id, "form_id": form.id,
        "form_key": form.key, "old": None, "source": source, "actor_id": actor.user_id,
        "depth": meta.get("depth", 0), "flow_id": meta.get("flow_id")}, lambda: [
        {"record_id": record_id, "data": data, "changed": list(data)}
        for record_id, data in created])
    derived.propagate(session, form, [derived.Change(record_id, None, data)
                                      for record_id, data in created], meta)
    bump_data_version(session, form, len(created))
