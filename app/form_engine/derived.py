"""Rollups and lookups of related records kept in step with a batch of written records (one
record for single writes): the affected rollups and lookups are resolved once per batch, each
rollup is one grouped aggregate over all its affected targets, each touched form's records are
written in one statement, then their own dependants, then one event batch."""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app import clock, events
from app.auth.actor import Actor
from app.form_engine import pipeline, rollups
from app.form_engine.expressions import referenced_fields
from app.form_engine.fields.relation import relation_ids
from app.form_engine.forms import compiled_form
from app.form_engine.sqljson import points_at_any
from app.models import Form, Record

IN_CHUNK = rollups.IN_CHUNK


@dataclass
class Change:
    """One written record: before is None for a create, after is None for a delete; changed is
    None when every field counts as changed."""
    record_id: str
    before: dict | None
    after: dict | None
    changed: list[str] | None = None


@dataclass
class _Batch:
    """What one propagation step has gathered: the app's forms (read once), loaded records and
    the derived values to store, by form id then record id."""
    forms: list[Form]
    records: dict[str, _Loaded] = dataclasses.field(default_factory=dict)
    updates: dict[str, dict[str, dict]] = dataclasses.field(default_factory=dict)

    def put(self, form_id: str, record_id: str, values: dict) -> None:
        self.updates.setdefault(form_id, {}).setdefault(record_id, {}).update(values)


def propagate(session: Session, form: Form, changes: list[Change], meta: dict | None,
              depth: int = 0, forms: list[Form] | None = None) -> None:
    """Refresh the rollups fed by these records and the lookups copying their fields."""
    if depth >= rollups.MAX_DEPTH or not changes:
        return
    batch = _Batch(forms if forms is not None else rollups.app_forms(session, form.app_id))
    _gather_rollups(session, batch, form, changes)
    _gather_lookups(session, batch, form, changes)
    by_id = {f.id: f for f in batch.forms}
    for form_id in sorted(batch.updates):
        _store(session, by_id[form_id], batch, meta, depth + 1)


@dataclass
class _Loaded:
    """A record read for a refresh: what the refresh reads, without an ORM object per row."""
    id: str
    form_id: str
    data: dict


def _load(session: Session, batch: _Batch, form: Form, clause, *, by_id: bool = False
          ) -> list[_Loaded]:
    """Records of `form` matching `clause`, locked in id order on PostgreSQL so aggregates read
    after the lock see every committed source row and concurrent batches queue, not deadlock.
    `by_id`: the clause picks primary keys, and the form is checked here, so the plan is a
    primary-key probe even while the statistics predate a long load's rows."""
    stmt = sa.select(Record.id, Record.form_id, Record.data).where(clause).order_by(Record.id)
    if not by_id:
        stmt = stmt.where(Record.form_id == form.id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    found = [_Loaded(*row) for row in session.execute(stmt)]
    found = [r for r in found if r.form_id == form.id]
    batch.records.update((r.id, r) for r in found)
    return found


def _load_ids(session: Session, batch: _Batch, form: Form, ids: list[str]) -> set[str]:
    dialect = session.get_bind().dialect.name
    missing = [i for i in ids if i not in batch.records]
    for chunk in rollups.id_chunks(missing, dialect):
        _load(session, batch, form, rollups.among(Record.id, chunk, dialect), by_id=True)
    return {i for i in ids if i in batch.records and batch.records[i].form_id == form.id}


def _gather_rollups(session: Session, batch: _Batch, source: Form, changes: list[Change]) -> None:
    """Rollups reading the same source records (one relation, one filter) share one grouped
    aggregate; each stores values only for the targets its own fields' changes affect."""
    from app.form_engine.queries import filter_clause, python_rollup

    groups: dict[tuple[str, str, str], list[tuple[Form, dict, list[str]]]] = {}
    for target_form, rollup in rollups.rollups_fed_by(batch.forms, source):
        relevant = {rollup["via"], rollup.get("field")}
        if rollup.get("filter"):
            relevant |= referenced_fields(rollup["filter"])
        wanted: set[str] = set()
        for change in changes:
            if change.changed is None or relevant & set(change.changed):
                wanted |= rollups.affected_targets(rollup["via"], change.before, change.after)
        targets = sorted(_load_ids(session, batch, target_form, sorted(wanted)))
        if targets:
            key = (target_form.id, rollup["via"], rollup.get("filter") or "")
            groups.setdefault(key, []).append((target_form, rollup, targets))
    for (_form_id, _via, filter_text), members in groups.items():
        target_form = members[0][0]
        clause = filter_clause(session, source, filter_text) if filter_text else None
        if filter_text and clause is None:
            for _form, rollup, targets in members:
                for t in targets:
                    batch.put(target_form.id, t, {rollup["key"]: python_rollup(
                        session, rollup, source, t)})
            continue
        every = sorted({t for _form, _rollup, targets in members for t in targets})
        values = rollups.aggregate_group(session, [m[1] for m in members], source, every, clause)
        for _form, rollup, targets in members:
            mine = values[rollup["key"]]
            for target_id in targets:
                batch.put(target_form.id, target_id, {rollup["key"]: mine[target_id]})


def _gather_lookups(session: Session, batch: _Batch, target: Form, changes: list[Change]) -> None:
    updated = [c for c in changes if c.before is not None and c.after is not None and c.changed]
    if not updated:
        return
    dialect = session.get_bind().dialect.name
    for other, relation, lookup in rollups.lookups_reading(batch.forms, target):
        sources = {c.record_id: c.after for c in updated if lookup["field"] in c.changed}
        if not sources:
            continue
        ids = sorted(sources)
        multiple = relation.get("multiple", False)
        for start in range(0, len(ids), IN_CHUNK):
            clause = points_at_any(relation["key"], ids[start:start + IN_CHUNK], multiple, dialect)
            for rec in _load(session, batch, other, clause):
                pending = batch.updates.get(other.id, {}).get(rec.id, {})
                current = pending.get(lookup["key"], rec.data.get(lookup["key"]))
                batch.put(other.id, rec.id, {lookup["key"]: _looked_up(
                    relation_ids(rec.data.get(relation["key"])), multiple, current, sources,
                    lookup["field"])})


def _looked_up(ids: list[str], multiple: bool, current, sources: dict[str, dict], field: str):
    """The lookup value after some of the related records changed; the others keep theirs."""
    if not multiple:
        return sources[ids[0]].get(field) if ids and ids[0] in sources else current
    current = current if isinstance(current, list) else []
    return [sources[i].get(field) if i in sources else (current[n] if n < len(current) else None)
            for n, i in enumerate(ids)]


def _store(session: Session, form: Form, batch: _Batch, meta: dict | None, depth: int) -> None:
    """Store engine-derived values and the formulas over them in one UPDATE for the form; no
    revision, but a record.updated event (source "system") so flows see e.g. a total change."""
    from app.form_engine.records import bump_data_version, eval_env

    system = Actor.system(form.workspace_id)
    cf = compiled_form(session, form)
    env = eval_env(session, system, form.workspace_id)
    now = clock.now()
    changes: list[Change] = []
    refresh: dict[frozenset, set[str]] = {}
    for record_id, values in sorted(batch.updates[form.id].items()):
        record = batch.records[record_id]
        before = record.data
        if all(before.get(k) == v for k, v in values.items()):
            continue
        after = pipeline.copy_for_formulas(cf, {**before, **values})
        keys = frozenset(values)
        if keys not in refresh:
            refresh[keys] = pipeline.formulas_to_refresh(cf, set(keys))
        env.record_id = record_id  # this loop's own env, one record at a time
        pipeline.compute_formulas(cf, after, env, only=refresh[keys])
        changes.append(Change(record_id, before, after, pipeline.changed_keys(before, after)))
    if not changes:
        return
    _write(session, changes, now)
    for change in changes:
        batch.records[change.record_id].data = change.after
        loaded = session.identity_map.get(identity_key(Record, change.record_id))
        if loaded is not None:  # the caller's copy of this record shows what was stored
            set_committed_value(loaded, "data", change.after)
            set_committed_value(loaded, "updated_at", now)
    propagate(session, form, changes, meta, depth, batch.forms)
    bump_data_version(session, form)
    meta = meta or {}
    events.publish_form_batch_after_commit(session, "record.updated", {
        "workspace_id": form.workspace_id, "app_id": form.app_id, "form_id": form.id,
        "form_key": form.key, "source": "system", "actor_id": system.user_id,
        "depth": meta.get("depth", 0), "flow_id": meta.get("flow_id")}, lambda: [
        {"record_id": c.record_id, "data": c.after, "old": c.before, "changed": c.changed}
        for c in changes])


def _write(session: Session, changes: list[Change], now) -> None:
    """The new data of every changed record in one statement: on PostgreSQL an UPDATE from one
    JSON document {record id: data} (a text array of JSON would cost more to escape than to
    write), executemany elsewhere."""
    table = Record.__table__
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(
            "UPDATE records SET data = v.value, updated_at = :now "
            "FROM jsonb_each(CAST(:changed AS jsonb)) AS v(key, value) WHERE records.id = v.key"),
            {"now": now, "changed": json.dumps({c.record_id: c.after for c in changes})})
        return
    session.execute(table.update().where(table.c.id == sa.bindparam("record_id"))
                    .values(data=sa.bindparam("new_data", type_=table.c.data.type),
                            updated_at=now),
                    [{"record_id": c.record_id, "new_data": c.after} for c in changes])
