"""Reports and dashboards: ad-hoc report queries, dashboard CRUD, dashboard data, drill-down
to records and widget CSV export."""
from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from app.api.errors import language
from app.api.fields import AnyJSON
from app.api.routing import current_actor, endpoint
from app.extensions import unit_of_work
from app.report_engine.run import run_report

bp = Blueprint("reports", __name__, url_prefix="/api/v1")

CACHE_HEADER = "X-Report-Cache"

_SPEC_KEYS = ("kind", "source", "app_id", "filter", "title", "ui", "dimensions", "measures", "sort",
              "limit", "top", "totals", "subtotals", "rows", "columns", "field", "stages",
              "cumulative", "customer", "date", "amount", "as_of", "steps", "population",
              "population_filter", "periods", "period")


# A report spec (FORMATS.md section 4, docs/reports.md): every key passes through here and is
# checked in full by the spec's JSON Schema. `source` is a form id, or a form key with `app_id`.
ReportSpecIn = Schema.from_dict({k: AnyJSON() for k in _SPEC_KEYS}, name="ReportSpecIn")


class ReportResultOut(Schema):
    columns = fields.List(fields.Dict())
    rows = fields.List(fields.List(AnyJSON()))
    elapsed_ms = fields.Float()
    cache = fields.String()


def result_response(result: dict, status: int = 200):
    response = jsonify(result)
    response.status_code = status
    response.headers[CACHE_HEADER] = result.get("cache", "off")
    return response


@endpoint(bp, "POST", "/reports/query", summary="Run a report spec", body=ReportSpecIn,
          out=ReportResultOut)
def query_report(body):
    with unit_of_work() as s:
        result = run_report(s, current_actor(), body, lang=language())
    return result_response(result)
