"""Segments: saved rule expressions on a form, with their records and count."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import Schema, fields, validate

from app.api.fields import KEY_PATTERN, Label
from app.api.pagination import PageQuery, paginate
from app.api.records import RecordOut
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.extensions import unit_of_work
from app.form_engine import segments
from app.models import Segment

bp = Blueprint("segments", __name__, url_prefix="/api/v1")


class SegmentIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(KEY_PATTERN))
    name = Label(required=True)
    expression = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class SegmentOut(Schema):
    id = fields.String()
    form_id = fields.String()
    key = fields.String()
    name = Label()
    expression = fields.String()
    broken = fields.String(allow_none=True)
    created_at = fields.DateTime()


class SegmentRecordsQuery(PageQuery):
    sort = fields.String(load_default=None, validate=validate.Length(max=500))


class CountOut(Schema):
    count = fields.Integer()


@endpoint(bp, "GET", "/forms/<form_id>/segments", summary="List the segments of a form",
          query=PageQuery, out=SegmentOut, paginated=True)
def list_segments(form_id, query):
    with unit_of_work() as s:
        return paginate(s, segments.list_segments(s, current_actor(), form_id), Segment.id, **query)


@endpoint(bp, "POST", "/forms/<form_id>/segments", summary="Create a segment", body=SegmentIn,
          out=SegmentOut, status=201, role=Role.EDITOR)
def create_segment(form_id, body):
    with unit_of_work() as s:
        return segments.create_segment(s, current_actor(), form_id, **body)


@endpoint(bp, "GET", "/segments/<segment_id>/records",
          summary="Records in a segment (sort like record lists)", query=SegmentRecordsQuery,
          out=RecordOut, paginated=True)
def segment_records(segment_id, query):
    with unit_of_work() as s:
        return segments.segment_records(s, current_actor(), segment_id, **query)


@endpoint(bp, "GET", "/segments/<segment_id>/count", summary="How many records a segment holds",
          out=CountOut)
def segment_count(segment_id):
    with unit_of_work() as s:
        return {"count": segments.segment_count(s, current_actor(), segment_id)}
