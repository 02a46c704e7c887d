"""Reports and dashboards: ad-hoc report queries, dashboard CRUD, dashboard data, drill-down
to records and widget CSV export."""
from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, jsonify
from marshmallow import Schema, fields

from app.api.errors import language
from app.api.fields import AnyJSON
from app.api.pagination import PageQuery, paginate
from app.api.routing import current_actor, endpoint
from app.auth.roles import Role
from app.errors import BadRequest
from app.extensions import unit_of_work
from app.i18n import _, render
from app.models import Dashboard
from app.report_engine import dashboards
from app.report_engine.run import run_report
from app.services.apps import get_app

bp = Blueprint("reports", __name__, url_prefix="/api/v1")

CACHE_HEADER = "X-Report-Cache"

_SPEC_KEYS = ("kind", "source", "app_id", "filter", "title", "ui", "dimensions", "measures", "sort",
              "limit", "top", "totals", "subtotals", "rows", "columns", "field", "stages",
              "cumulative", "customer", "date", "amount", "as_of", "steps", "population",
              "population_filter", "periods", "period", "per_customer", "metrics")


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


class DashboardIn(Schema):
    """A dashboard document (FORMATS.md section 4); checked in full by its JSON Schema."""

    key = AnyJSON(required=True)
    name = AnyJSON(required=True)
    description = AnyJSON()
    filters = AnyJSON()
    widgets = AnyJSON(required=True)
    ui = AnyJSON()


class DashboardOut(Schema):
    id = fields.String()
    app_id = fields.String()
    key = fields.String()
    version = fields.Integer()
    definition = fields.Dict()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class DataQuery(Schema):
    filters = fields.String(load_default=None, allow_none=True)
    cache = fields.Boolean(load_default=True)


class DrillQuery(PageQuery):
    filters = fields.String(load_default=None, allow_none=True)
    point = fields.String(load_default=None, allow_none=True)


def _json_param(text: str | None, name: str) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadRequest(_("{name} must be a JSON object", "{name} 必须是 JSON 对象", name=name))
    return value


@endpoint(bp, "GET", "/apps/<app_id>/dashboards", summary="List an app's dashboards", query=PageQuery,
          out=DashboardOut, paginated=True)
def list_dashboards(app_id, query):
    with unit_of_work() as s:
        get_app(s, current_actor(), app_id)  # another workspace's app is 404, not []
        return paginate(s, dashboards.list_dashboards(current_actor(), app_id), Dashboard.id, **query)


@endpoint(bp, "POST", "/apps/<app_id>/dashboards", summary="Create a dashboard", body=DashboardIn,
          out=DashboardOut, status=201, role=Role.EDITOR)
def create_dashboard(app_id, body):
    with unit_of_work() as s:
        return dashboards.create_dashboard(s, current_actor(), app_id, body)


@endpoint(bp, "GET", "/dashboards/<dashboard_id>", summary="Get a dashboard", out=DashboardOut)
def get_dashboard(dashboard_id):
    with unit_of_work() as s:
        return dashboards.get_dashboard(s, current_actor(), dashboard_id)


@endpoint(bp, "PUT", "/dashboards/<dashboard_id>", summary="Replace a dashboard", body=DashboardIn,
          out=DashboardOut, role=Role.EDITOR)
def update_dashboard(dashboard_id, body):
    with unit_of_work() as s:
        return dashboards.update_dashboard(s, current_actor(), dashboard_id, body)


@endpoint(bp, "DELETE", "/dashboards/<dashboard_id>", summary="Delete a dashboard", status=204,
          role=Role.EDITOR)
def delete_dashboard(dashboard_id):
    with unit_of_work() as s:
        dashboards.delete_dashboard(s, current_actor(), dashboard_id)


@endpoint(bp, "GET", "/dashboards/<dashboard_id>/data", query=DataQuery,
          summary="Each widget's result (or its error) under dashboard filters and linkage; "
                  "filters = {filter_key: value, \"_linkage\": {widget, field, value, bucket}}")
def dashboard_data(dashboard_id, query):
    filters = _json_param(query["filters"], "filters")
    with unit_of_work() as s:
        result = dashboards.dashboard_data(s, current_actor(), dashboard_id, filters, lang=language(),
                                           use_cache=query["cache"])
    states = {w.get("cache") for w in result["widgets"].values() if "cache" in w}
    response = jsonify(result)
    response.headers[CACHE_HEADER] = "hit" if states == {"hit"} else ("miss" if states else "off")
    return response


@endpoint(bp, "GET", "/dashboards/<dashboard_id>/widgets/<widget_id>/drill", query=DrillQuery,
          summary="Drill down: the records behind one number (point = the clicked row's dimension "
                  "values by name) and the equivalent rule-expression filter")
def drill_down(dashboard_id, widget_id, query):
    from app.form_engine import records

    actor = current_actor()
    with unit_of_work() as s:
        target = dashboards.drill_filter(s, actor, dashboard_id, widget_id,
                                         _json_param(query["point"], "point"),
                                         _json_param(query["filters"], "filters"))
        page = records.query(s, actor, target["form_id"], filter=target["filter"],
                             limit=query["limit"], cursor=query["cursor"])
        return jsonify({**target, "items": page["items"], "next_cursor": page["next_cursor"]})


@endpoint(bp, "GET", "/dashboards/<dashboard_id>/widgets/<widget_id>/export", query=DataQuery,
          summary="A widget's result as CSV", content_type="text/csv")
def export_widget(dashboard_id, widget_id, query):
    filters = _json_param(query["filters"], "filters")
    actor = current_actor()
    with unit_of_work() as s:
        dashboard = dashboards.get_dashboard(s, actor, dashboard_id)
        widget = dashboards._widget(dashboard, widget_id)
        result = dashboards.widget_data(s, actor, dashboard, widget, filters, language(),
                                        use_cache=query["cache"])
    out = io.StringIO()
    writer = csv.writer(out)
    lang = language()
    writer.writerow([_safe_cell(render(c.get("label") if not isinstance(c.get("label"), dict)
                                       else c["label"].get("zh" if lang.startswith("zh") else "en"), lang))
                     for c in result["columns"]])
    for row in result["rows"]:
        writer.writerow([_safe_cell(v) for v in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{dashboard.key}-{widget_id}.csv"'})


def _safe_cell(value):
    """Spreadsheet formula injection: neutralise cells starting with = + - @ tab CR."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
