"""Spreadsheet import: preview with a suggested mapping, then a background job that parses rows
and writes them in batches through the one record write path (create-only or upsert by a unique
field; skip bad rows or all or nothing), with progress and a row/column/message error report."""
from __future__ import annotations

import logging
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.roles import Role, require_role
from app.errors import FormloomError, NotFound, ValidationFailed
from app.extensions import unit_of_work
from app.files import service as files
from app.form_engine import permissions
from app.form_engine.io import jobs
from app.form_engine.io.lookups import load_context, unique_keys
from app.form_engine.io.mapping import check_mapping, importable_fields, suggest_mapping
from app.form_engine.io.parsers import CellError, cell_text, parser_for
from app.form_engine.io.readers import Sheet, count_data_rows
from app.i18n import LazyText, _
from app.jobs import enqueue_after_commit
from app.models import File, Form, Membership, Record, UserDepartment
from app.models.scope import get_scoped

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
PREVIEW_ROWS = 10
MODES = ("create", "upsert")
ON_ERROR = ("skip_bad", "all_or_nothing")


def _text(message) -> dict:
    if isinstance(message, LazyText):
        return {"en": message.render("en"), "zh": message.render("zh-CN")}
    return {"en": str(message), "zh": str(message)}


def _form(session: Session, actor: Actor, form_id: str) -> Form:
    return get_scoped(session, Form, form_id, actor.workspace_id, what="form")


def preview(session: Session, actor: Actor, form_id: str, stream: BinaryIO,
            filename: str | None) -> dict:
    """Store the upload and show its first rows with the suggested column mapping."""
    require_role(actor.role, Role.MEMBER)
    form = _form(session, actor, form_id)
    permissions.require(actor, form, "import")
    upload = files.upload(session, actor, stream, filename, purpose="import")
    with files.open_file(upload) as handle:
        sheet = Sheet(handle, upload.name)
        rows = []
        for number, row in sheet.rows():
            rows.append({"row": number, "cells": [cell_text(v) for v in row]})
            if len(rows) >= PREVIEW_ROWS:
                break
    return {"file_id": upload.id, "headers": sheet.headers,
            "mapping": suggest_mapping(sheet.headers, form.definition), "rows": rows,
            "fields": [{"key": f["key"], "label": f.get("label", f["key"]), "type": f["type"],
                        "unique": f["key"] in unique_keys(form.definition)}
                       for f in importable_fields(form.definition)]}


def start_import(session: Session, actor: Actor, form_id: str, *, file_id: str,
                 mapping: dict | None, mode: str = "create", key: str | None = None,
                 on_error: str = "skip_bad") -> "jobs.Job":
    """Check the request fully, then queue the job (after this transaction commits)."""
    require_role(actor.role, Role.MEMBER)
    form = _form(session, actor, form_id)
    permissions.require(actor, form, "import")
    upload = get_scoped(session, File, file_id, actor.workspace_id, what="file")
    if upload.purpose != "import" or (upload.created_by != actor.user_id and not actor.is_system):
        raise NotFound(_("file not found", "找不到该文件"))
    problems: dict[str, list] = {}
    if mode not in MODES:
        problems["mode"] = [_("Use create or upsert", "请使用 create 或 upsert")]
    if on_error not in ON_ERROR:
        problems["on_error"] = [_("Use skip_bad or all_or_nothing",
                                  "请使用 skip_bad 或 all_or_nothing")]
    if mode == "upsert" and key not in unique_keys(form.definition):
        problems["key"] = [_("Upsert needs a unique field of the form",
                             "更新导入需要选择表单的唯一字段")]
    if problems:
        raise ValidationFailed(_("The import settings are not valid", "导入设置无效"),
                               {"fields": problems})
    with files.open_file(upload) as handle:
        headers = Sheet(handle, upload.name).headers
    if mapping is None:
        mapping = suggest_mapping(headers, form.definition)
    columns = check_mapping(mapping, headers, form.definition)
    if mode == "upsert" and key not in {f["key"] for f in columns.values()}:
        raise ValidationFailed(_("Map a column to the unique field {key}",
                                 "请将一列映射到唯一字段 {key}", key=key),
                               {"fields": {"key": [_("Not mapped", "未映射")]}})
    job = jobs.create_job(session, actor, "import", {
        "form_id": form.id, "file_id": upload.id, "mode": mode, "key": key,
        "on_error": on_error, "mapping": {h: f["key"] for h, f in columns.items()}})
    enqueue_after_commit(session, run_import, job.id, queue_name="low", job_id=f"import-{job.id}",
                         timeout=6 * 3600)
    return job


def actor_for_job(session: Session, job) -> Actor:
    """The user who started the job, with their current role (a demoted user loses power)."""
    if job.created_by is None:
        return Actor.system(job.workspace_id, via="import")
    role = session.scalar(sa.select(Membership.role).where(
        Membership.workspace_id == job.workspace_id, Membership.user_id == job.created_by))
    if role is None:
        raise NotFound(_("The user who started this job left the workspace",
                         "发起此任务的用户已离开工作区"))
    departments = tuple(session.scalars(sa.select(UserDepartment.department_id).where(
        UserDepartment.workspace_id == job.workspace_id,
        UserDepartment.user_id == job.created_by)))
    return Actor(job.workspace_id, job.created_by, role, via="import", department_ids=departments)


class _Run:
    """One import run: counters, the error list and the mapped columns."""

    def __init__(self, job, form: Form, headers: list[str]):
        self.job_id = job.id
        self.params = job.params
        self.form = form
        by_key = {f["key"]: f for f in importable_fields(form.definition)}
        self.columns = [(headers.index(h), h, by_key[k]) for h, k in job.params["mapping"].items()
                        if h in headers and k in by_key]
        self.header_of = {f["key"]: h for _i, h, f in self.columns}
        self.errors: list[dict] = []
        self.error_count = 0
        self.created = self.updated = self.done = 0
        self.bad_rows: set[int] = set()

    def error(self, row: int, column: str | None, message) -> None:
        self.error_count += 1
        self.bad_rows.add(row)
        if len(self.errors) < jobs.MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": _text(message)})

    def field_errors(self, row: int, errors: dict) -> None:
        for path, messages in (errors or {}).items():
            key = str(path).split(".")[0].split("[")[0]
            column = self.header_of.get(key, path)
            for message in messages if isinstance(messages, list) else [messages]:
                self.error(row, column, message)

    def parse_batch(self, ctx, batch: list[tuple[int, list[Any]]]):
        for _index, _header, field in self.columns:
            if field["type"] == "relation":
                resolver = ctx.relation(field)
                texts = set()
                for _n, row in batch:
                    text = cell_text(row[_index])
                    texts.update([text] if not field.get("multiple") else
                                 [t.strip() for t in text.replace("，", ",").split(",")])
                resolver.prefetch(texts)
        parsed = []
        columns = [(index, header, field, parser_for(field)) for index, header, field in self.columns]
        for number, row in batch:
            data, ok = {}, True
            for index, header, field, parse in columns:
                try:
                    value = parse(row[index], field, ctx)
                except CellError as exc:
                    self.error(number, header, exc.message)
                    ok = False
                    continue
                if value is not None:
                    data[field["key"]] = value
            if ok:
                parsed.append((number, data))
        return parsed


def _existing_by_key(session: Session, form: Form, key: str, values: list) -> dict:
    column = Record.data[key].as_string()
    rows = session.execute(sa.select(column, Record.id).where(
        Record.form_id == form.id, column.in_([str(v) for v in values])))
    return {value: record_id for value, record_id in rows}


def _write_batch(session: Session, actor: Actor, run: _Run, parsed: list[tuple[int, dict]]):
    from app.form_engine import records

    mode, on_error, key = run.params["mode"], run.params["on_error"], run.params.get("key")
    creates: list[tuple[int, dict]] = []
    updates: list[tuple[int, str | None, str, dict]] = []   # row, record id, key value, data
    if mode == "upsert":
        existing = _existing_by_key(session, run.form, key,
                                    [d[key] for _n, d in parsed if d.get(key) is not None])
        pending: set[str] = set()
        for number, data in parsed:
            value = data.get(key)
            if value is None:
                run.error(number, run.header_of.get(key), _("The unique field is blank",
                                                            "唯一字段为空"))
            elif str(value) in existing:
                updates.append((number, existing[str(value)], str(value), data))
            elif str(value) in pending:
                # The same key twice in the file: the later row updates the record the
                # earlier one creates.
                updates.append((number, None, str(value), data))
            else:
                pending.add(str(value))
                creates.append((number, data))
    else:
        creates = parsed
    created_ids: dict[str, str] = {}
    if creates:
        try:
            result = records.bulk_create(session, actor, run.form.id, [d for _n, d in creates],
                                         source="import", mode=on_error)
        except ValidationFailed as exc:
            # all_or_nothing: the batch wrote nothing; its errors come keyed by row index.
            by_index = exc.details.get("records") or {}
            for index, errors in by_index.items():
                run.field_errors(creates[int(index)][0], errors)
            if not by_index:
                run.error(creates[0][0], None, exc.message)
            result = records.BulkResult(ids=[None] * len(creates), errors={})
        for index, errors in (result.errors or {}).items():
            run.field_errors(creates[index][0], errors)
        for (number, data), record_id in zip(creates, result.ids):
            if record_id is not None:
                run.created += 1
                if mode == "upsert":
                    created_ids[str(data[key])] = record_id
    for number, record_id, value, data in updates:
        record_id = record_id or created_ids.get(value)
        if record_id is None:
            run.error(number, run.header_of.get(key),
                      _("An earlier row with the same {column} failed",
                        "前面相同{column}的行导入失败", column=run.header_of.get(key)))
            continue
        try:
            with session.begin_nested():
                records.update(session, actor, record_id, data, source="import")
            run.updated += 1
        except FormloomError as exc:
            fields = exc.details.get("fields") if isinstance(exc.details, dict) else None
            if fields:
                run.field_errors(number, fields)
            else:
                run.error(number, None, exc.message)


def run_import(job_id: str) -> None:
    """The RQ job; an unexpected error marks the job failed instead of leaving it running."""
    try:
        _run_import(job_id)
    except jobs.JobStopped:
        log.warning("import job %s was failed by the stalled-jobs sweeper; stopping", job_id)
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        with unit_of_work() as session:
            job = session.get(jobs.Job, job_id)
            if job is not None and job.status not in ("succeeded", "failed"):
                message = exc.message if isinstance(exc, FormloomError) else _(
                    "The import stopped on an unexpected error", "导入因意外错误而中止")
                jobs.finish(session, job, status="failed", done=0, total=job.progress_total,
                            errors=[{"row": None, "column": None, "message": _text(message)}],
                            error_count=1)


def _run_import(job_id: str) -> None:
    """Import rows. Idempotent: a finished job is left alone; a skip_bad run resumes after the
    last committed batch if its worker died."""
    with unit_of_work() as session:
        job = session.get(jobs.Job, job_id)
        if job is None or job.status in ("succeeded", "failed"):
            return
        resume_after = (job.result or {}).get("last_row", 0)
        form = session.get(Form, job.params["form_id"])
        upload = session.get(File, job.params["file_id"])
        try:
            actor = actor_for_job(session, job)
        except FormloomError as exc:
            jobs.finish(session, job, status="failed", done=0, total=0,
                        errors=[{"row": None, "column": None, "message": _text(exc.message)}],
                        error_count=1)
            return
        with files.open_file(upload) as handle:
            total = count_data_rows(handle)
        jobs.mark_running(session, job, total)
        workspace_id = job.workspace_id
        previous = dict(job.result or {})
    jobs.report_progress(job_id, 0, total)
    all_or_nothing = job.params["on_error"] == "all_or_nothing"
    with files.open_file(upload) as handle:
        sheet = Sheet(handle, upload.name)
        run = _Run(job, form, sheet.headers)
        run.created, run.updated = previous.get("created", 0), previous.get("updated", 0)
        run.errors = list(job.errors or [])
        run.error_count = job.error_count or 0
        if all_or_nothing:
            _run_in_one_transaction(run, sheet, actor, workspace_id, total)
        else:
            _run_in_batches(run, sheet, actor, workspace_id, total, resume_after)


def _batches(sheet: Sheet, after_row: int = 0):
    batch = []
    for number, row in sheet.rows():
        if number <= after_row:
            continue
        batch.append((number, row))
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _summary(run: _Run, **extra) -> dict:
    return {"created": run.created, "updated": run.updated, "bad_rows": len(run.bad_rows),
            **extra}


def _run_in_batches(run, sheet, actor, workspace_id, total, resume_after) -> None:
    done = 0
    last_row = resume_after
    for batch in _batches(sheet, resume_after):
        with unit_of_work() as session:
            job = jobs.lock_running(session, run.job_id)
            form = session.get(Form, run.form.id)
            run.form = form
            ctx = load_context(session, workspace_id, form)
            _write_batch(session, actor, run, run.parse_batch(ctx, batch))
            done += len(batch)
            last_row = batch[-1][0]
            job.progress_done = done
            job.errors = run.errors
            job.error_count = run.error_count
            job.result = _summary(run, last_row=last_row)
        jobs.report_progress(run.job_id, done, total)
    with unit_of_work() as session:
        job = jobs.lock_running(session, run.job_id)
        jobs.finish(session, job, status="succeeded", done=total, total=total, errors=run.errors,
                    error_count=run.error_count, result=_summary(run, last_row=last_row))


class _Abort(Exception):
    """Rolls the all-or-nothing transaction back once every row has been checked."""


def _run_in_one_transaction(run, sheet, actor, workspace_id, total) -> None:
    done = 0
    try:
        with unit_of_work() as session:
            ctx = load_context(session, workspace_id, session.get(Form, run.form.id))
            for batch in _batches(sheet):
                _write_batch(session, actor, run, run.parse_batch(ctx, batch))
                done += len(batch)
                session.flush()
                session.expunge_all()
                run.form = session.get(Form, run.form.id)
                jobs.report_progress(run.job_id, done, total)
            if run.error_count:
                raise _Abort()
            # Swept meanwhile (no heartbeat for too long): the user was told nothing was saved.
            job = jobs.lock_running(session, run.job_id)
            jobs.finish(session, job, status="succeeded", done=total, total=total,
                        result=_summary(run))
    except _Abort:
        with unit_of_work() as session:
            job = jobs.lock_running(session, run.job_id)
            jobs.finish(session, job, status="failed", done=total, total=total,
                        errors=run.errors, error_count=run.error_count,
                        result={"created": 0, "updated": 0, "bad_rows": len(run.bad_rows)})
