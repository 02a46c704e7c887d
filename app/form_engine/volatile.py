"""The daily refresh of stored volatile formulas (TODAY/NOW): reads show fresh values anyway,
but filters, sorts, indexes and reports read the stored ones. Each form is refreshed once per
local day of its workspace, in batches; only changed values are written, in one statement per
batch that patches just the volatile keys (a concurrent edit of other fields is never lost)."""
from __future__ import annotations

import copy
import json
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.extensions import redis, unit_of_work
from app.form_engine import pipeline
from app.form_engine.compile import CompiledForm
from app.form_engine.sqljson import checked
from app.jobs import periodic
from app.models import Form, Record
from app.rule_engine import EvalEnv

log = logging.getLogger(__name__)

BATCH = 1000
SWEEP_EVERY_SECONDS = 15 * 60  # often enough to follow each workspace's midnight
_SWEPT = "formloom:forms:volatile_swept"   # hash: form id -> local day last refreshed


def _candidate_form_ids(session: Session) -> list[str]:
    """Forms whose definition text mentions TODAY or NOW: a cheap SQL pre-filter; the compiled
    form decides."""
    text = sa.func.upper(sa.cast(Form.definition, sa.Text))
    return list(session.scalars(sa.select(Form.id).where(
        sa.or_(text.like("%TODAY%"), text.like("%NOW%"))).order_by(Form.id)))


def _patch_statement(dialect: str, keys: list[str]) -> sa.TextClause:
    """UPDATE of just the volatile keys of one record (executemany: b_id, then b_patch on
    PostgreSQL or b_0.. per key on SQLite, each JSON text)."""
    if dialect == "postgresql":
        return sa.text("UPDATE records SET data = data || CAST(:b_patch AS jsonb) WHERE id = :b_id")
    # json_set keeps JSON nulls, where json_patch would delete the key.
    sets = ", ".join(f"'$.{checked(key)}', json(:b_{i})" for i, key in enumerate(keys))
    return sa.text(f"UPDATE records SET data = json_set(data, {sets}) WHERE id = :b_id")


def _params(dialect: str, keys: list[str], record_id: str, data: dict) -> dict:
    if dialect == "postgresql":
        return {"b_id": record_id, "b_patch": json.dumps({k: data.get(k) for k in keys})}
    return {"b_id": record_id, **{f"b_{i}": json.dumps(data.get(k)) for i, k in enumerate(keys)}}


def refresh_form(session: Session, form: Form, cf: CompiledForm, env: EvalEnv, *,
                 after: str = "", batch: int = BATCH) -> tuple[int, str | None]:
    """Refresh one batch of records after id `after`: (changed, last id or None when done)."""
    keys = sorted(cf.volatile)
    rows = session.execute(sa.select(Record.id, Record.data).where(
        Record.form_id == form.id, Record.id > after).order_by(Record.id).limit(batch)).all()
    if not rows:
        return 0, None
    dialect = session.get_bind().dialect.name
    changed = []
    for record_id, data in rows:
        fresh = copy.deepcopy(data)
        pipeline.compute_formulas(cf, fresh, env, only=cf.volatile)
        if any(fresh.get(k) != data.get(k) for k in keys):
            changed.append(_params(dialect, keys, record_id, fresh))
    if changed:
        session.execute(_patch_statement(dialect, keys), changed)
    return len(changed), rows[-1][0] if len(rows) == batch else None


def _local_day(session: Session, workspace_id: str) -> tuple[str, str]:
    from app.form_engine.records import workspace_timezone

    tz = workspace_timezone(session, workspace_id)
    return tz, EvalEnv(tz=tz, now=clock.now()).today().isoformat()


def sweep(batch: int = BATCH) -> dict[str, int]:
    """Refresh every form with volatile formulas not yet refreshed on its workspace's current
    local day; one transaction per batch. Returns {form id: records changed}."""
    from app.form_engine.forms import compiled_form
    from app.form_engine.records import bump_data_version

    with unit_of_work() as session:
        form_ids = _candidate_form_ids(session)
    done: dict[str, int] = {}
    for form_id in form_ids:
        with unit_of_work() as session:
            form = session.get(Form, form_id)
            if form is None or not compiled_form(session, form).volatile:
                continue
            tz, day = _local_day(session, form.workspace_id)
        if redis().hget(_SWEPT, form_id) == day.encode():
            continue
        total, after = 0, ""
        while after is not None:
            with unit_of_work() as session:
                form = session.get(Form, form_id)
                if form is None:
                    break
                env = EvalEnv(tz=tz, now=clock.now())
                changed, after = refresh_form(session, form, compiled_form(session, form), env,
                                              after=after, batch=batch)
                if changed:
                    bump_data_version(session, form)  # report caches key on it
                total += changed
        redis().hset(_SWEPT, form_id, day)
        done[form_id] = total
    if any(done.values()):
        log.info("volatile formulas refreshed: %s", done)
    return done


@periodic("forms.volatile_formulas", every_seconds=SWEEP_EVERY_SECONDS)
def _daily_volatile_sweep() -> None:
    sweep()
