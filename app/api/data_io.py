"""Data in and out: jobs, files, import/export, public forms and links, bundles and templates."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, request, stream_with_context
from marshmallow import Schema, fields, validate

from app.api.errors import language
from app.api.fields import AnyJSON
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.errors import BadRequest
from app.extensions import unit_of_work
from app.files import service as files
from app.form_engine.io import jobs
from app.form_engine.io.cells import neutralise
from app.i18n import _

bp = Blueprint("data_io", __name__, url_prefix="/api/v1")


def _message(message, lang: str) -> str:
    """Stored job messages are {"en", "zh"} so they can be shown in the reader's language."""
    if isinstance(message, dict):
        return message.get("zh" if lang.lower().startswith("zh") else "en") or ""
    return str(message)


# ---- jobs ---------------------------------------------------------------------------------

class JobOut(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String()
    progress = fields.Dict()
    errors = fields.List(fields.Dict())
    error_count = fields.Integer()
    result = AnyJSON(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


JOB_ERRORS_SHOWN = 200


def job_out(job) -> dict:
    lang = language()
    return {"id": job.id, "kind": job.kind, "status": job.status,
            "progress": jobs.live_progress(job),
            "errors": [{**e, "message": _message(e.get("message"), lang)}
                       for e in (job.errors or [])[:JOB_ERRORS_SHOWN]],
            "error_count": job.error_count, "result": job.result, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at}


@endpoint(bp, "GET", "/jobs/<job_id>", summary="A background job: status, progress, errors",
          out=JobOut)
def get_job(job_id):
    with unit_of_work() as s:
        return job_out(jobs.get_job(s, current_actor(), job_id))


@endpoint(bp, "GET", "/jobs/<job_id>/errors.csv", summary="A job's error report (row, column, "
          "message) as CSV", content_type="text/csv")
def get_job_errors(job_id):
    lang = language()
    with unit_of_work() as s:
        job = jobs.get_job(s, current_actor(), job_id)
        errors = list(job.errors or [])
    out = io.StringIO()
    out.write("\ufeff")  # Excel needs the BOM to read UTF-8 (Chinese) correctly
    writer = csv.writer(out)
    writer.writerow(["行" if lang.startswith("zh") else "row",
                     "列" if lang.startswith("zh") else "column",
                     "问题" if lang.startswith("zh") else "message"])
    for e in errors:
        writer.writerow([e.get("row", ""), neutralise(e.get("column") or ""),
                         neutralise(_message(e.get("message"), lang))])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="job-{job_id}-errors.csv"'})


# ---- files --------------------------------------------------------------------------------

class FileOut(Schema):
    id = fields.String()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    has_thumbnail = fields.Boolean()


def file_out(row) -> dict:
    return {"id": row.id, "name": row.name, "size": row.size, "content_type": row.content_type,
            "has_thumbnail": bool(row.thumbnail_key)}


def _uploaded_file():
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(_("Send the file as multipart form data in the field 'file'",
                           "请以 multipart 表单的 file 字段上传文件"))
    return upload


@endpoint(bp, "POST", "/files", summary="Upload a file (multipart: file, optional form_id and "
          "field) -> its reference", out=FileOut, status=201, role=Role.MEMBER)
def upload_file():
    upload = _uploaded_file()
    with unit_of_work() as s:
        row = files.upload(s, current_actor(), upload.stream, upload.filename,
                           form_id=request.form.get("form_id") or None,
                           field_key=request.form.get("field") or None)
        return file_out(row)


def _send(row, thumbnail: bool) -> Response:
    handle = files.open_file(row, thumbnail=thumbnail)
    content_type = row.content_type
    if thumbnail:
        content_type = "image/png" if handle.read(4) == b"\x89PNG" else "image/jpeg"
        handle.seek(0)

    def chunks():
        with handle:
            yield from iter(lambda: handle.read(256 * 1024), b"")

    from urllib.parse import quote

    ascii_name = row.name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response = Response(stream_with_context(chunks()), mimetype=content_type)
    response.headers["Content-Disposition"] = (
        f"{'inline' if thumbnail else 'attachment'}; filename=\"{ascii_name}\"; "
        f"filename*=UTF-8''{quote(row.name)}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if not thumbnail:
        response.headers["Content-Length"] = str(row.size)
    return response


@endpoint(bp, "GET", "/files/<file_id>", summary="Download a file (as an attachment)",
          content_type="application/octet-stream")
def download_file(file_id):
    with unit_of_work() as s:
        row = files.get_readable(s, current_actor(), file_id)
    return _send(row, thumbnail=False)


@endpoint(bp, "GET", "/files/<file_id>/thumbnail", summary="An image file's thumbnail",
          content_type="image/jpeg")
def file_thumbnail(file_id):
    with unit_of_work() as s:
        row = files.get_readable(s, current_actor(), file_id)
    return _send(row, thumbnail=True)


@endpoint(bp, "GET", "/files/<file_id>/meta", summary="A file's reference", out=FileOut)
def file_meta(file_id):
    with unit_of_work() as s:
        return file_out(files.get_readable(s, current_actor(), file_id))


# ---- import and export --------------------------------------------------------------------

class ImportPreviewOut(Schema):
    file_id = fields.String()
    headers = fields.List(fields.String())
    mapping = fields.Dict()
    rows = fields.List(fields.Dict())
    form_fields = fields.List(fields.Dict(), data_key="fields", attribute="fields")


class JobAccepted(Schema):
    job_id = fields.String()


def _form_value(name: str, default=None):
    value = request.form.get(name)
    return default if value in (None, "") else value


@endpoint(bp, "POST", "/forms/<form_id>/import/preview", summary="Upload a CSV/XLSX file "
          "(multipart: file) -> first rows and a suggested column mapping",
          out=ImportPreviewOut, role=Role.MEMBER)
def import_preview(form_id):
    from app.form_engine.io import importer

    upload = _uploaded_file()
    with unit_of_work() as s:
        return importer.preview(s, current_actor(), form_id, upload.stream, upload.filename)


@endpoint(bp, "POST", "/forms/<form_id>/import", summary="Import CSV/XLSX as a job (multipart: "
          "file or file_id; mapping JSON {header: field}; mode create|upsert; key; on_error "
          "skip_bad|all_or_nothing) -> 202 {job_id}", out=JobAccepted, status=202,
          role=Role.MEMBER)
def import_records(form_id):
    import json

    from app.form_engine.io import importer

    mapping = _form_value("mapping")
    if mapping is not None:
        try:
            mapping = json.loads(mapping)
        except ValueError:
            mapping = None
        if not isinstance(mapping, dict):
            raise BadRequest(_("mapping must be a JSON object {column: field key}",
                               "mapping 必须是 JSON 对象 {列名: 字段标识}"))
    with unit_of_work() as s:
        actor = current_actor()
        file_id = _form_value("file_id")
        if file_id is None:
            upload = _uploaded_file()
            file_id = files.upload(s, actor, upload.stream, upload.filename, purpose="import").id
        job = importer.start_import(s, actor, form_id, file_id=file_id, mapping=mapping,
                                    mode=_form_value("mode", "create"), key=_form_value("key"),
                                    on_error=_form_value("on_error", "skip_bad"))
        return {"job_id": job.id}


class ExportQuery(Schema):
    format = fields.String(load_default="csv", validate=validate.OneOf(("csv", "xlsx")))
    filter = fields.String(load_default=None, allow_none=True)
    sort = fields.String(load_default=None, allow_none=True)


@endpoint(bp, "GET", "/forms/<form_id>/export", summary="Export records (streamed CSV or XLSX; "
          "filtered; visible fields and rows only)", query=ExportQuery,
          content_type="application/octet-stream")
def export_records(form_id, query):
    from app.form_engine.io import exporter

    actor, lang = current_actor(), language()
    form, columns, headers = exporter.prepare(actor, form_id, lang)
    data_rows = exporter.rows(actor, form, columns, lang, query["filter"], query["sort"])
    name = f"{form.key}.{query['format']}"
    if query["format"] == "csv":
        body, mimetype = exporter.stream_csv(headers, data_rows), "text/csv; charset=utf-8"
    else:
        body = exporter.stream_xlsx(headers, data_rows, form.key)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    first = next(body)  # runs the query now, so a bad filter answers 422, not a broken file
    chained = _prepend(first, body)
    response = Response(stream_with_context(chained), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _prepend(first, rest):
    yield first
    yield from rest


# ---- public forms and look-up links -------------------------------------------------------

class PublicLinkIn(Schema):
    field_keys = fields.List(fields.String(), load_default=None, allow_none=True,
                             data_key="fields", attribute="fields")
    thank_you = fields.String(load_default=None, allow_none=True)
    redirect = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    opens_at = fields.String(load_default=None, allow_none=True)
    closes_at = fields.String(load_default=None, allow_none=True)
    max_submissions = fields.Integer(load_default=None, allow_none=True,
                                     validate=validate.Range(min=1))
    rotate = fields.Boolean(load_default=False)


class PublicQueryLinkIn(Schema):
    lookup_field = fields.String(required=True)
    field_keys = fields.List(fields.String(), required=True, data_key="fields",
                             attribute="fields")
    password = fields.String(load_default=None, allow_none=True)
    rotate = fields.Boolean(load_default=False)


class PublicLinkOut(Schema):
    url = fields.String(allow_none=True)
    token = fields.String(allow_none=True)
    enabled = fields.Boolean()
    config = fields.Dict()
    submissions = fields.Integer()


def _link_out(link) -> dict:
    from flask import current_app

    if link is None:  # never enabled: a state to show, not an error
        return {"url": None, "token": None, "enabled": False, "config": {}, "submissions": 0}
    path = "f" if link.kind == "form" else "q"
    return {"url": f"{current_app.config['PUBLIC_BASE_URL']}/{path}/{link.token}",
            "token": link.token,
            "enabled": link.enabled, "config": link.config, "submissions": link.submissions}


def _without_blanks(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not None}


@endpoint(bp, "POST", "/forms/<form_id>/public", summary="Enable (or reconfigure) the public "
          "fill-in link", body=PublicLinkIn, out=PublicLinkOut, role=Role.EDITOR)
def enable_public(form_id, body):
    from app.form_engine import public

    rotate = body.pop("rotate")
    with unit_of_work() as s:
        return _link_out(public.enable(s, current_actor(), form_id, kind="form",
                                       config=_without_blanks(body), rotate=rotate))


@endpoint(bp, "GET", "/forms/<form_id>/public", summary="The public fill-in link's settings",
          out=PublicLinkOut, role=Role.EDITOR)
def get_public(form_id):
    from app.form_engine import public

    with unit_of_work() as s:
        return _link_out(public.find_link(s, current_actor(), form_id, "form"))


@endpoint(bp, "DELETE", "/forms/<form_id>/public", summary="Disable the public fill-in link",
          status=204, role=Role.EDITOR)
def disable_public(form_id):
    from app.form_engine import public

    with unit_of_work() as s:
        public.disable(s, current_actor(), form_id, kind="form")


@endpoint(bp, "POST", "/forms/<form_id>/public-query", summary="Enable the public look-up link "
          "(a unique field to look up, the fields shown, optional password)",
          body=PublicQueryLinkIn, out=PublicLinkOut, role=Role.EDITOR)
def enable_public_query(form_id, body):
    from app.form_engine import public

    rotate, password = body.pop("rotate"), body.pop("password")
    with unit_of_work() as s:
        return _link_out(public.enable(s, current_actor(), form_id, kind="query", config=body,
                                       password=password, rotate=rotate))


@endpoint(bp, "GET", "/forms/<form_id>/public-query", summary="The public look-up link's settings",
          out=PublicLinkOut, role=Role.EDITOR)
def get_public_query(form_id):
    from app.form_engine import public

    with unit_of_work() as s:
        return _link_out(public.find_link(s, current_actor(), form_id, "query"))


@endpoint(bp, "DELETE", "/forms/<form_id>/public-query", summary="Disable the public look-up "
          "link", status=204, role=Role.EDITOR)
def disable_public_query(form_id):
    from app.form_engine import public

    with unit_of_work() as s:
        public.disable(s, current_actor(), form_id, kind="query")


def _public_limits(token: str, what: str) -> None:
    from flask import current_app

    from app.limits import client_ip, hit

    config = current_app.config
    hit(config["PUBLIC_SUBMIT_RATE_LIMIT"], f"public-{what}-ip", client_ip())
    hit(config.get("PUBLIC_FORM_RATE_LIMIT", "600 per minute"), f"public-{what}-form", token)


def _public_body() -> dict:
    """The JSON body of an anonymous request, under a small size limit."""
    from flask import current_app

    from app.api.routing import json_body
    from app.errors import TooLarge

    limit = current_app.config.get("PUBLIC_MAX_BODY_BYTES", 64 * 1024)
    if (request.content_length or 0) > limit or len(request.get_data(cache=True)) > limit:
        raise TooLarge(_("The submission is too large", "提交内容过大"))
    body = json_body()
    if not isinstance(body, dict):
        raise BadRequest(_("The body must be a JSON object", "请求体必须是 JSON 对象"))
    return body


def _signing():
    import datetime as dt

    from flask import current_app

    from app.form_engine.public import Signing

    config = current_app.config
    return Signing(secret=config["SECRET_KEY"],
                   prefill_max_age=dt.timedelta(days=config["PUBLIC_LINK_MAX_AGE_DAYS"]))


class PublicFormOut(Schema):
    form = fields.Dict()
    settings = fields.Dict()
    prefill = fields.Dict()


class PublicFormQuery(Schema):
    prefill = fields.String(load_default=None, allow_none=True)


@endpoint(bp, "GET", "/public/<token>", summary="A public form: its public fields and page "
          "settings; with ?prefill= (the p parameter of a PUBLIC_LINK() address) the prefilled "
          "values it shows read-only (no login)", query=PublicFormQuery, out=PublicFormOut,
          auth=False, responses={403: "Prefill altered or expired"})
def public_form(token, query):
    from app.form_engine import public

    with unit_of_work() as s:
        return public.describe(s, token, signing=_signing(), prefill=query["prefill"])


class PublicSubmitOut(Schema):
    id = fields.String()
    thank_you = fields.String(allow_none=True)
    redirect = fields.String(allow_none=True)


@endpoint(bp, "POST", "/public/<token>/submit", summary="Submit a public form {data, prefill?} "
          "(no login; rate-limited per IP and per form; public fields, signed upload references "
          "in file fields, and the signed prefill)", out=PublicSubmitOut, status=201, auth=False,
          responses={403: "Closed, or prefill altered or expired", 413: "Too large",
                     429: "Rate limited"})
def public_submit(token):
    from app.form_engine import public

    _public_limits(token, "submit")
    body = _public_body()
    data, prefill = body.get("data"), body.get("prefill")
    if not isinstance(data, dict) or set(body) - {"data", "prefill"} or \
            not isinstance(prefill, (str, type(None))):
        raise BadRequest(_('Send {"data": {...}, "prefill": "..."}',
                           '请发送 {"data": {...}, "prefill": "..."}'))
    with unit_of_work() as s:
        return public.submit(s, token, data, signing=_signing(), prefill=prefill)


class PublicUploadOut(Schema):
    ref = fields.String()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()


# Room for the multipart envelope around the file itself.
_MULTIPART_OVERHEAD = 16 * 1024


@endpoint(bp, "POST", "/public/<token>/files", summary="Upload a file for a public file field "
          "(multipart: file, field; no login; rate-limited like submit) -> a signed reference "
          "valid 2 hours, accepted only by this link's submit; the file is never served back",
          out=PublicUploadOut, status=201, auth=False,
          responses={413: "Too large", 422: "Type not accepted", 429: "Rate limited"})
def public_upload(token):
    from flask import current_app

    from app.errors import TooLarge
    from app.form_engine import public

    _public_limits(token, "upload")
    limit = current_app.config["PUBLIC_MAX_UPLOAD_BYTES"]
    if (request.content_length or 0) > limit + _MULTIPART_OVERHEAD:
        raise TooLarge(_("The file is too large", "文件过大"), {"max_bytes": limit})
    upload = _uploaded_file()
    field_key = request.form.get("field") or ""
    with unit_of_work() as s:
        return public.upload(s, token, field_key, upload.stream, upload.filename,
                             signing=_signing(), max_bytes=limit)


@endpoint(bp, "GET", "/public/query/<token>", summary="A public look-up link: what it asks and "
          "shows (no login)", out=PublicFormOut, auth=False)
def public_query_page_data(token):
    from app.form_engine import public

    with unit_of_work() as s:
        described = public.describe_query(s, token)
    return {"form": described["form"], "settings": {k: v for k, v in described.items()
                                                    if k != "form"}}


class PublicLookupIn(Schema):
    value = fields.String(required=True)
    password = fields.String(load_default=None, allow_none=True)


class PublicLookupOut(Schema):
    found = fields.Boolean()
    record = fields.Dict(allow_none=True)


@endpoint(bp, "POST", "/public/query/<token>", summary="Look up one's own submission by the "
          "link's unique field (no login; rate-limited)", body=PublicLookupIn,
          out=PublicLookupOut, auth=False, responses={429: "Rate limited"})
def public_query(token, body):
    from app.form_engine import public

    _public_limits(token, "query")
    with unit_of_work() as s:
        return public.query(s, token, body["value"], body["password"])


# ---- app bundles and templates ------------------------------------------------------------

@endpoint(bp, "GET", "/apps/<app_id>/export", summary="Export an app as a bundle "
          "(FORMATS.md section 5)", role=Role.EDITOR)
def export_app(app_id):
    from app.bundles.transfer import export_app as export

    with unit_of_work() as s:
        return export(s, current_actor(), app_id)


class ImportedAppOut(Schema):
    id = fields.String()
    key = fields.String()
    name = AnyJSON()
    template_key = fields.String(allow_none=True)


@endpoint(bp, "POST", "/apps/import", summary="Import a bundle into this workspace (refused "
          "whole with details.problems when any part is invalid)", out=ImportedAppOut,
          status=201, role=Role.EDITOR)
def import_app():
    from app.api.routing import json_body
    from app.bundles.transfer import import_bundle

    bundle = json_body()
    if not isinstance(bundle, dict):
        raise BadRequest(_("The body must be a JSON object", "请求体必须是 JSON 对象"))
    with unit_of_work() as s:
        return import_bundle(s, current_actor(), bundle)


class TemplateOut(Schema):
    key = fields.String()
    name = AnyJSON()
    description = AnyJSON(allow_none=True)
    version = fields.String(allow_none=True)
    demo_data = fields.Boolean()


@endpoint(bp, "GET", "/templates", summary="Templates that can be installed", out=TemplateOut,
          many=True)
def list_templates():
    from app.bundles import templates

    return templates.list_templates()


class InstallIn(Schema):
    demo_data = fields.Boolean(load_default=False)
    size = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1_000_000))


class InstallOut(Schema):
    app = fields.Nested(ImportedAppOut)
    job_id = fields.String(allow_none=True)


@endpoint(bp, "POST", "/templates/<key>/install", summary="Install a template (demo data as "
          "a job)", body=InstallIn, out=InstallOut, status=201, role=Role.EDITOR)
def install_template(key, body):
    from app.bundles import templates

    with unit_of_work() as s:
        app, job = templates.install(s, current_actor(), key, demo_data=body["demo_data"],
                                     size=body["size"])
        return {"app": app, "job_id": job.id if job else None}
