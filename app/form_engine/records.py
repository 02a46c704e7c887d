"""The one write path for records (API, public forms, imports, flows, templates), in order:
check input -> defaults -> lookups -> formulas -> required/required_when -> validations ->
unique (database rows) -> serials -> save with optimistic version -> revision -> rollups and
lookups of related records -> form.data_version += 1 -> record event after commit."""
from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from app import clock
from app.auth.actor import Actor
from app.errors import Conflict, FormloomError, NotFound, ValidationFailed
from app.events import publish_after_commit
from app.form_engine import derived, links, permissions, pipeline, rollups, serials, uniques
from app.form_engine.bulk import BULK_MAX  # noqa: F401  (part of this API)
from app.form_engine.compile import CompiledForm
from app.form_engine.fields.relation import relation_ids
from app.form_engine.forms import compiled_form, get_form
from app.form_engine.sqljson import row_points_at
from app.form_engine.queries import count, query, serialize  # noqa: F401  (part of this API)
from app.i18n import _
from app.ids import new_id
from app.models import Form, Record, RecordRevision, Workspace
from app.rule_engine import EvalEnv

_INVALID = _("The record is not valid", "记录无效")


@dataclass
class BulkResult:
    ids: list
    errors: dict


def workspace_timezone(session: Session, workspace_id: str) -> str:
    cache = session.info.setdefault("workspace_tz", {})
    if workspace_id not in cache:
        cache[workspace_id] = session.scalar(sa.select(Workspace.timezone).where(
            Workspace.id == workspace_id)) or "UTC"
    return cache[workspace_id]


def eval_env(session: Session, actor: Actor, workspace_id: str, record_id: str | None = None
             ) -> EvalEnv:
    tz = actor.timezone if actor.timezone and actor.workspace_id == workspace_id else \
        workspace_timezone(session, workspace_id)
    return EvalEnv(tz=tz, current_user=actor.user_id,
                   record_id=record_id, now=clock.now())


def _invalid(errors: dict) -> ValidationFailed:
    return ValidationFailed(_INVALID, {"fields": errors})


def logs_data(form: Form) -> bool:
    return (form.definition.get("settings") or {}).get("data_log", True)


def _event(session, name, form, record_id, data, old, changed, source, actor, meta) -> None:
    meta = meta or {}
    publish_after_commit(session, name, {
        "workspace_id": form.workspace_id, "app_id": form.app_id, "form_id": form.id,
        "form_key": form.key, "record_id": record_id, "data": data, "old": old,
        "changed": changed, "source": source, "actor_id": actor.user_id,
        "depth": meta.get("depth", 0), "flow_id": meta.get("flow_id")})


def bump_data_version(session: Session, form: Form, by: int = 1) -> None:
    # Nothing in this transaction reads the counter back, so the loaded Form is left as it is
    # (synchronising would expire it and cost a reload on the next access).
    session.execute(sa.update(Form).where(Form.id == form.id)
                    # a record write is not a change of the form: keep its updated_at
                    .values(data_version=Form.data_version + by, updated_at=Form.updated_at)
                    .execution_options(synchronize_session=False))


def _prepare(session, actor, form, cf, incoming, *, existing: Record | None, env) -> pipeline.Prepared:
    """Steps 1-6 for one record: raises ValidationFailed with every error at its path."""
    errors: dict = {}
    readonly = frozenset() if actor.is_system else (
        permissions.readonly_fields(actor, form) | {k for k, f in cf.fields.items() if f.get("readonly")})
    clean = pipeline.check_input(cf, incoming, errors, readonly)
    if existing is None:
        data = {k: None for k in cf.fields}
        data.update(clean)
        pipeline.apply_defaults(cf, data, set(clean), env)
    else:
        data = {**{k: None for k in cf.fields}, **copy.deepcopy(existing.data), **clean}
        data = {k: v for k, v in data.items() if k in cf.fields}
    targets = links.load_targets(session, form, cf, [data])
    links.check_relations(cf, data, targets, env, errors)
    links.check_people(cf, data, links.known_people(session, form.workspace_id, cf, [data]), errors)
    links.apply_lookups(cf, data, targets, None if existing is None else set(clean))
    pipeline.compute_formulas(cf, data, env)
    pipeline.check_conditions(cf, data, env, errors)
    if not errors:  # form rules over values already known to be wrong would only add noise
        pipeline.check_validations(cf, data, env, errors)
    if errors:
        raise _invalid(errors)
    return pipeline.Prepared(data=data, errors=errors)


def _load_for_write(session: Session, actor: Actor, record_id: str) -> tuple[Record, Form]:
    stmt = sa.select(Record).where(Record.id == str(record_id),
                                   Record.workspace_id == actor.workspace_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # concurrent writers of one record queue here
    record = session.scalar(stmt)
    if record is None:
        raise NotFound(_("record not found", "找不到该记录"))
    form = session.get(Form, record.form_id)
    if not permissions.in_scope(actor, form, record):
        raise NotFound(_("record not found", "找不到该记录"))
    return record, form


def _rollup_values_for_new(cf: CompiledForm) -> dict:
    return {f["key"]: rollups.EMPTY.get(f["agg"]) for f in cf.rollups}


_RECORD_COLUMNS = ("id", "workspace_id", "form_id", "data", "version", "form_version",
                   "created_by", "updated_by", "owner_id", "department_id", "created_at",
                   "updated_at")

# PostgreSQL, one statement for what a create writes (with :check_form, nothing unless the form
# still has the version the record was checked against): the unique values are claimed, the
# record is inserted only when every claim succeeded, its create revision copies the inserted
# data on the server, and the form's data_version is bumped here when no rollup reads the form
# (checked against the digest of the app's form set, so a form set changed meanwhile bumps
# later, after the rollups, as the lone statement does). It answers what it did.
_PG_CREATE = """
WITH current_form AS (
    SELECT FROM forms
    WHERE id = :form_id AND workspace_id = :workspace_id AND version = :form_version),
claimed AS (
    INSERT INTO unique_values (form_id, constraint_key, value_hash, record_id)
    SELECT :form_id, c.key, c.hash, :id
    FROM unnest(CAST(:claim_keys AS text[]), CAST(:claim_hashes AS text[])) AS c(key, hash)
    WHERE EXISTS (SELECT FROM current_form) OR NOT :check_form
    ON CONFLICT DO NOTHING RETURNING constraint_key),
form_set AS (SELECT ({digest}) AS digest),
created AS (
    INSERT INTO records (id, workspace_id, form_id, data, version, form_version, created_by,
                         updated_by, owner_id, department_id, created_at, updated_at)
    SELECT :id, :workspace_id, :form_id, :data, 1, :form_version, :actor_id, :actor_id,
           :actor_id, :department_id, :now, :now
    WHERE (SELECT count(*) FROM claimed) = :claims
      AND (EXISTS (SELECT FROM current_form) OR NOT :check_form)
    RETURNING id, data){revision},
bumped AS (
    UPDATE forms SET data_version = data_version + 1
    WHERE id = :form_id AND EXISTS (SELECT FROM created)
      AND (SELECT digest FROM form_set) = :quiet_form_set
    RETURNING id)
SELECT (SELECT array_agg(constraint_key) FROM claimed) AS claimed,
       EXISTS (SELECT FROM created) AS created, EXISTS (SELECT FROM bumped) AS bumped,
       (SELECT digest FROM form_set) AS form_set,
       EXISTS (SELECT FROM current_form) AS form_current"""
_PG_REVISION = """,
revision AS (
    INSERT INTO record_revisions (id, workspace_id, record_id, form_id, version, action,
                                  actor_id, source, at, changed, before, after)
    SELECT :rev_id, :workspace_id, created.id, :form_id, 1, 'create', :actor_id, :source, :now,
           :changed, :before, created.data FROM created)"""


@functools.cache
def _pg_create(logged: bool) -> sa.TextClause:
    from sqlalchemy.dialects.postgresql import ARRAY, JSONB

    from app.models.base import UTCDateTime

    sql = _PG_CREATE.format(digest=rollups.FORM_SET_DIGEST,
                            revision=_PG_REVISION if logged else "")
    binds = [sa.bindparam("data", type_=JSONB), sa.bindparam("now", type_=UTCDateTime()),
             sa.bindparam("claim_keys", type_=ARRAY(sa.Text)),
             sa.bindparam("claim_hashes", type_=ARRAY(sa.Text))]
    if logged:
        # None is JSON null in `before`, as the JSON column types store it
        binds += [sa.bindparam("changed", type_=JSONB), sa.bindparam("before", type_=JSONB)]
    return sa.text(sql).bindparams(*binds)


@functools.cache
def _created_statements() -> tuple:
    """(INSERT of a new record, INSERT of its create revision) for other databases, built once."""
    records, revisions = Record.__table__, RecordRevision.__table__
    insert_record = records.insert().values(
        {c: sa.bindparam(c, type_=records.c[c].type) for c in _RECORD_COLUMNS})
    insert_revision = revisions.insert().values(
        {c: sa.bindparam(c, type_=revisions.c[c].type) for c in
         ("id", "workspace_id", "record_id", "form_id", "version", "action", "actor_id", "source",
          "at", "changed", "before", "after")})
    return insert_record, insert_revision


def _insert_created(session: Session, form: Form, record_id: str, values: dict, actor: Actor,
                    source: str, claims: dict[str, str], check_form: bool = False
                    ) -> tuple[Record, str | None, bool]:
    """Write a new record and (when the form logs data) its create revision with Core statements
    (a unit-of-work flush of two new objects cost more than the rest of a create); on PostgreSQL
    in one statement with the unique `claims` and, when no rollup reads the form, the data
    version bump; with `check_form`, nothing unless the form still has the version and
    workspace of `form` (else _StaleForm). Returns the Record, in the session as a loaded,
    persistent object as if flushed, the digest of the app's form set (PostgreSQL, else None)
    and whether the data version was bumped. Conflict when another record holds a value."""
    now = clock.now()
    row = {"id": record_id, "workspace_id": form.workspace_id, "form_id": form.id, "data": values,
           "version": 1, "form_version": form.version, "created_by": actor.user_id,
           "updated_by": actor.user_id, "owner_id": actor.user_id,
           "department_id": actor.department_ids[0] if actor.department_ids else None,
           "created_at": now, "updated_at": now}
    logged = logs_data(form)
    form_set, bumped = None, False
    if session.get_bind().dialect.name == "postgresql":
        params = {**row, "actor_id": actor.user_id, "now": now, "app_id": form.app_id,
                  "claim_keys": list(claims), "claim_hashes": list(claims.values()),
                  "claims": len(claims), "quiet_form_set": rollups.quiet_form_set(form),
                  "check_form": check_form}
        if logged:
            params.update(rev_id=new_id(), source=source, changed=list(values), before=None)
        statement = _pg_create(logged)
        done = session.execute(statement, params).one()
        if not done.form_current and check_form:
            raise _StaleForm()
        if not done.created:
            # A value is taken, or its holder let it go meanwhile: settle the rest as a lone
            # claim does (Conflict when another record holds one), then write without claims.
            uniques.claim(session, form.id, record_id,
                          {c: h for c, h in claims.items() if c not in (done.claimed or ())})
            done = session.execute(statement, {**params, "claim_keys": [], "claim_hashes": [],
                                               "claims": 0}).one()
        form_set, bumped = done.form_set, done.bumped
    else:
        uniques.claim(session, form.id, record_id, claims)
        insert_record, insert_revision = _created_statements()
        session.execute(insert_record, row)
        if logged:
            session.execute(insert_revision, {
                "id": new_id(), "workspace_id": form.workspace_id, "record_id": record_id,
                "form_id": form.id, "version": 1, "action": "create", "actor_id": actor.user_id,
                "source": source, "at": now, "changed": list(values), "before": None,
                "after": values})
    record = Record(**row)
    make_transient_to_detached(record)
    session.add(record)
    return record, form_set, bumped


class _StaleForm(Exception):
    """The form changed (new version, deleted) after the record was checked against it."""


_FORM_COPIES_MAX = 1024
# form id -> a detached copy of the form row as a create last read it (PostgreSQL)
_form_copies: dict[str, Form] = {}


def _remember_form(session: Session, form: Form) -> None:
    known = _form_copies.get(form.id)
    if session.get_bind().dialect.name != "postgresql" or (
            known is not None and known.version == form.version
            and known.workspace_id == form.workspace_id):
        return
    if compiled_form(session, form).serials:
        # serial numbers are drawn before the write that checks the form: always read it first
        _form_copies.pop(form.id, None)
        return
    if len(_form_copies) >= _FORM_COPIES_MAX:
        _form_copies.clear()
    copied = Form(**{c.key: getattr(form, c.key) for c in Form.__table__.columns})
    make_transient_to_detached(copied)
    _form_copies[form.id] = copied


def _form_for_create(session: Session, actor: Actor, form_id: str) -> tuple[Form, bool]:
    """The form to create a record in, and whether it is this process's copy of it, taken
    without reading the row: on PostgreSQL the write itself checks that the form still has that
    version in the actor's workspace (a definition changes only with a new version)."""
    form_id = str(form_id)
    copied = _form_copies.get(form_id)
    if (copied is None or copied.workspace_id != actor.workspace_id
            or session.get_bind().dialect.name != "postgresql"
            or session.identity_map.get(identity_key(Form, form_id)) is not None):
        return get_form(session, actor, form_id), False
    form = session.merge(copied, load=False)
    session.info.setdefault("pinned_forms", {})[form.id] = form
    return form, True


def create(session: Session, actor: Actor, form_id: str, data: dict, *, source: str = "api",
           meta: dict | None = None) -> Record:
    form, copied = _form_for_create(session, actor, form_id)
    for _attempt in range(3):
        try:
            record_id, values, claims = _check_new(session, actor, form, data)
        except FormloomError:
            if not copied:
                raise
        else:
            try:
                record, form_set, bumped = _insert_created(
                    session, form, record_id, values, actor, source, claims, check_form=copied)
                break
            except _StaleForm:
                pass
        # Checked against this process's copy of a form that has changed since (or, after an
        # error, may have): nothing was written; read the form and check the record again.
        _form_copies.pop(form.id, None)
        session.expunge(form)
        form, copied = get_form(session, actor, form_id), False
    else:
        raise Conflict(_("The form changed while the record was saved; try again",
                         "保存记录时表单已被修改，请重试"))
    if not copied:
        _remember_form(session, form)
    # a new record changes rollups only (lookups copy fields of records that already exist)
    feeds, forms = rollups.feeds_rollups(session, form, form_set)
    if feeds:
        derived.propagate(session, form, [derived.Change(record_id, None, values)], meta,
                          forms=forms)
    if not bumped:
        bump_data_version(session, form)
    _event(session, "record.created", form, record_id, values, None, list(values), source, actor,
           meta)
    return record


def _check_new(session: Session, actor: Actor, form: Form, data: dict
               ) -> tuple[str, dict, dict[str, str]]:
    """(record id, checked data, unique claims still to make) of a new record. Writes nothing
    for a form without serial numbers (the only forms create takes from its copies)."""
    permissions.require(actor, form, "create")
    cf = compiled_form(session, form)
    record_id = new_id()
    env = eval_env(session, actor, form.workspace_id, record_id)
    values = _prepare(session, actor, form, cf, data, existing=None, env=env).data
    values.update(_rollup_values_for_new(cf))
    claims = uniques.entries(cf, values)
    if cf.serials:
        # values are claimed before a serial number is drawn: a refused record uses none
        uniques.claim(session, form.id, record_id, claims)
        claims = {}
        today = env.today()
        for f in cf.serials:
            period = serials.period_of(f, today)
            values[f["key"]] = serials.render(f, period, serials.allocate(
                session, form.id, f["key"], period))
    return record_id, values, claims


def update(session: Session, actor: Actor, record_id: str, changes: dict, *,
           version: int | None = None, source: str = "api", meta: dict | None = None) -> Record:
    record, form = _load_for_write(session, actor, record_id)
    permissions.require(actor, form, "edit")
    if version is not None and version != record.version:
        raise Conflict(_("The record was changed by someone else; reload and try again",
                         "记录已被他人修改，请刷新后重试"),
                       {"version": record.version})
    cf = compiled_form(session, form)
    env = eval_env(session, actor, form.workspace_id, record.id)
    before = copy.deepcopy(record.data)
    after = _prepare(session, actor, form, cf, changes, existing=record, env=env).data
    for f in cf.serials + cf.rollups:
        after[f["key"]] = before.get(f["key"])
    changed = pipeline.changed_keys(before, after)
    if not changed:
        return record
    uniques.claim(session, form.id, record.id, uniques.entries(cf, after),
                  uniques.entries(cf, before))
    record.data = after
    record.version += 1
    record.form_version = form.version
    record.updated_by = actor.user_id
    record.updated_at = clock.now()
    if logs_data(form):
        session.add(RecordRevision(
            workspace_id=form.workspace_id, record_id=record.id, form_id=form.id,
            version=record.version, action="update", actor_id=actor.user_id, source=source,
            changed=changed, before={k: before.get(k) for k in changed},
            after={k: after.get(k) for k in changed}))
    session.flush()
    derived.propagate(session, form, [derived.Change(record.id, before, after, changed)], meta)
    bump_data_version(session, form)
    _event(session, "record.updated", form, record.id, after, before, changed, source, actor, meta)
    return record


def delete(session: Session, actor: Actor, record_id: str, *, source: str = "api",
           meta: dict | None = None) -> None:
    record, form = _load_for_write(session, actor, record_id)
    permissions.require(actor, form, "delete")
    _release_references(session, actor, form, record, meta)
    before = copy.deepcopy(record.data)
    uniques.release(session, record.id)
    if logs_data(form):
        session.add(RecordRevision(workspace_id=form.workspace_id, record_id=record.id,
                                   form_id=form.id, version=record.version + 1, action="delete",
                                   actor_id=actor.user_id, source=source, changed=list(before),
                                   before=before, after=None))
    session.delete(record)
    session.flush()
    derived.propagate(session, form, [derived.Change(record.id, before, None)], meta)
    bump_data_version(session, form)
    _event(session, "record.deleted", form, record.id, before, before, list(before), source,
           actor, meta)


def _release_references(session, actor, form, record, meta) -> None:
    """Records pointing here: refuse (restrict, the default) or clear their relation. Subform
    rows pointing here always refuse: an order line keeps its product."""
    for other in session.scalars(sa.select(Form).where(Form.app_id == form.app_id)):
        for sub in other.definition["fields"]:
            if sub["type"] != "subform":
                continue
            for f in sub["fields"]:
                if f["type"] == "relation" and f.get("target") == form.key:
                    _refuse_row_references(session, other, sub["key"], f["key"], record.id)
        for f in other.definition["fields"]:
            if f["type"] != "relation" or f.get("target") != form.key:
                continue
            pointing = rollups.pointing_records(session, other, f, record.id)
            pointing = [p for p in pointing if p.id != record.id]
            if not pointing:
                continue
            if f.get("on_delete", "restrict") == "restrict":
                raise Conflict(_("Other records refer to this record", "其他记录引用了此记录"),
                               {"referenced_by": [{"form_id": other.id, "field": f["key"],
                                                   "record_ids": [p.id for p in pointing[:20]],
                                                   "count": len(pointing)}]})
            system = Actor.system(form.workspace_id, via="system")
            for p in pointing:
                ids = [i for i in relation_ids(p.data.get(f["key"])) if i != record.id]
                value = ids if f.get("multiple") else None
                update(session, system, p.id, {f["key"]: value or None}, source="system",
                       meta={**(meta or {}), "depth": (meta or {}).get("depth", 0)})


def _refuse_row_references(session, other: Form, subform: str, key: str, record_id: str) -> None:
    pointing = list(session.scalars(sa.select(Record.id).where(
        Record.form_id == other.id,
        row_points_at(subform, key, record_id, session.get_bind().dialect.name)).limit(20)))
    if pointing:
        raise Conflict(_("Other records refer to this record", "其他记录引用了此记录"),
                       {"referenced_by": [{"form_id": other.id, "field": f"{subform}.{key}",
                                           "record_ids": pointing, "count": len(pointing)}]})


def get(session: Session, actor: Actor, record_id: str) -> Record:
    record = session.scalar(sa.select(Record).where(Record.id == str(record_id),
                                                    Record.workspace_id == actor.workspace_id))
    if record is None:
        raise NotFound(_("record not found", "找不到该记录"))
    form = session.get(Form, record.form_id)
    permissions.require(actor, form, "view")
    if not permissions.in_scope(actor, form, record):
        raise NotFound(_("record not found", "找不到该记录"))
    return record


def history(session: Session, actor: Actor, record_id: str) -> list[RecordRevision]:
    revisions = list(session.scalars(sa.select(RecordRevision).where(
        RecordRevision.record_id == str(record_id),
        RecordRevision.workspace_id == actor.workspace_id).order_by(RecordRevision.version)))
    if not revisions:
        get(session, actor, record_id)
        return []
    form = session.get(Form, revisions[0].form_id)
    if form is None:
        raise NotFound(_("record not found", "找不到该记录"))
    permissions.require(actor, form, "view")
    hidden = set(form.definition and permissions.rules_for(actor, form).hidden)
    for rev in revisions:
        session.expunge(rev)
        rev.changed = [k for k in rev.changed if k not in hidden]
        rev.before = {k: v for k, v in (rev.before or {}).items() if k not in hidden} or rev.before
        rev.after = {k: v for k, v in (rev.after or {}).items() if k not in hidden} or rev.after
    return revisions


# --- bulk -----------------------------------------------------------------------------------

def bulk_create(session: Session, actor: Actor, form_id: str, rows: list[dict], *,
                source: str = "import", mode: str = "all_or_nothing", meta: dict | None = None
                ) -> BulkResult:
    """Create up to BULK_MAX records; all_or_nothing raises ValidationFailed keyed by row index,
    skip_bad saves the good rows and returns the others' errors."""
    from app.form_engine import bulk

    return bulk.create_many(session, actor, form_id, rows, source=source, mode=mode, meta=meta)
