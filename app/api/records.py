"""Records of a form: list (filter, sort, projection, cursor), create, bulk create, read,
update with optimistic version, delete, history. All writes go through form_engine.records."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from app.api.fields import AnyJSON
from app.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.api.routing import Dumped, current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.form_engine import records
from app.form_engine.forms import get_form

bp = Blueprint("records", __name__, url_prefix="/api/v1")


class RecordOut(Schema):
    id = fields.String()
    form_id = fields.String()
    data = AnyJSON()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    created_by = fields.String(allow_none=True)


def _record_out(record: dict) -> Dumped:
    """records.serialize's answer in RecordOut's shape, without a marshmallow dump."""
    return Dumped(record, created_at=_iso(record["created_at"]),
                  updated_at=_iso(record["updated_at"]))


def _iso(value):
    return value.isoformat() if value is not None else None


class RecordQuery(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, allow_none=True)
    filter = fields.String(load_default=None, validate=validate.Length(max=4000))
    sort = fields.String(load_default=None, validate=validate.Length(max=500))
    fields = fields.String(load_default=None, validate=validate.Length(max=2000))


class RecordIn(Schema):
    data = fields.Dict(required=True)


class RecordPatch(Schema):
    data = fields.Dict(required=True)
    version = fields.Integer(load_default=None, allow_none=True)


class RecordRows(fields.Field):
    """[{"data": {...}}, ...] checked in one pass (a Nested schema per row costs more than the
    rest of a 1,000-row request)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not 1 <= len(value) <= records.BULK_MAX:
            raise ValidationError(f"A list of 1 to {records.BULK_MAX} records.")
        bad = {str(i): {"data": ["An object {\"data\": {...}} is required."]}
               for i, row in enumerate(value)
               if not isinstance(row, dict) or row.keys() != {"data"}
               or not isinstance(row["data"], dict)}
        if bad:
            raise ValidationError(bad)
        return [row["data"] for row in value]

    def _jsonschema_type_mapping(self):  # for apispec
        return {"type": "array", "maxItems": records.BULK_MAX,
                "items": {"type": "object", "required": ["data"],
                          "properties": {"data": {"type": "object"}}}}


class BulkIn(Schema):
    records = RecordRows(required=True)


class BulkOut(Schema):
    ids = fields.List(fields.String())
    count = fields.Integer()


class RevisionOut(Schema):
    id = fields.String()
    version = fields.Integer()
    action = fields.String()
    actor_id = fields.String(allow_none=True)
    source = fields.String()
    at = fields.DateTime()
    changed = fields.List(fields.String())
    before = AnyJSON(allow_none=True)
    after = AnyJSON(allow_none=True)


@endpoint(bp, "GET", "/forms/<form_id>/records", summary="List records (filter, sort, fields)",
          query=RecordQuery, out=RecordOut, paginated=True)
def list_records(form_id, query):
    with unit_of_work() as s:
        return records.query(s, current_actor(), form_id, **query)


@endpoint(bp, "POST", "/forms/<form_id>/records", summary="Create a record", body=RecordIn,
          out=RecordOut, status=201, role=Role.MEMBER,
          responses={409: "unique value taken", 422: "errors keyed by field path"})
def create_record(form_id, body):
    with unit_of_work() as s:
        record = records.create(s, current_actor(), form_id, body["data"], source="api")
        return _record_out(records.serialize(s, current_actor(),
                                             get_form(s, current_actor(), form_id), record))


@endpoint(bp, "POST", "/forms/<form_id>/records/bulk",
          summary="Create up to 1000 records, all or nothing (errors keyed by index)",
          body=BulkIn, out=BulkOut, status=201, role=Role.MEMBER)
def bulk_create(form_id, body):
    with unit_of_work() as s:
        result = records.bulk_create(s, current_actor(), form_id,
                                     body["records"], source="api")
        return {"ids": result.ids, "count": len(result.ids)}


@endpoint(bp, "GET", "/records/<record_id>", summary="Get a record", out=RecordOut)
def get_record(record_id):
    with unit_of_work() as s:
        record = records.get(s, current_actor(), record_id)
        return _record_out(records.serialize(
            s, current_actor(), get_form(s, current_actor(), record.form_id), record))


@endpoint(bp, "PATCH", "/records/<record_id>", summary="Change fields of a record",
          body=RecordPatch, out=RecordOut, role=Role.MEMBER,
          responses={409: "stale version or unique value taken"})
def update_record(record_id, body):
    with unit_of_work() as s:
        record = records.update(s, current_actor(), record_id, body["data"],
                                version=body["version"], source="api")
        return _record_out(records.serialize(
            s, current_actor(), get_form(s, current_actor(), record.form_id), record))


@endpoint(bp, "DELETE", "/records/<record_id>", summary="Delete a record", status=204,
          role=Role.MEMBER, responses={409: "other records refer to it"})
def delete_record(record_id):
    with unit_of_work() as s:
        records.delete(s, current_actor(), record_id, source="api")


@endpoint(bp, "GET", "/records/<record_id>/history", summary="Revisions of a record",
          out=RevisionOut, many=True)
def record_history(record_id):
    with unit_of_work() as s:
        return records.history(s, current_actor(), record_id)
