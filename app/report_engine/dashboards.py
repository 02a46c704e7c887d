"""Dashboards: CRUD with a checked definition, dashboard filters and chart linkage mapped to each
widget's fields as rule expressions, per-widget data with per-widget errors, drill-down to the
records behind a number (as an equivalent filter), and the fields saved dashboards group and
filter by (index hints for the form engine)."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.errors import Conflict, FormloomError, NotFound, ValidationFailed
from app.i18n import _, render
from app.models import App, Dashboard, Form
from app.models.scope import get_scoped, scoped
from app.report_engine import access, hot_fields, parallel
from app.report_engine.fields import SYSTEM_FIELDS
from app.report_engine.filters import check_filter
from app.report_engine.run import run_report
from app.report_engine.spec import check_spec, schema_errors


def _check(session: Session, actor: Actor, app_id: str, definition: dict) -> dict:
    """Validate; returns {form_key: [field keys grouped or filtered by]}."""
    errors = schema_errors("dashboard", definition)
    if errors:
        raise ValidationFailed(_("The dashboard is not valid", "仪表盘配置无效"), {"fields": errors})
    used: dict[str, set] = {}
    seen: set[str] = set()
    system = Actor.system(actor.workspace_id)
    for i, widget in enumerate(definition["widgets"]):
        if widget["id"] in seen:
            raise ValidationFailed(_("Duplicate widget id", "组件 id 重复"),
                                   {"fields": {f"/widgets/{i}/id": [_("Duplicate widget id", "组件 id 重复")]}})
        seen.add(widget["id"])
        query = widget["query"]
        # Checked as the designer sees the app (every field), so one viewer's hidden fields do
        # not make the definition invalid; each viewer's run is checked again as them.
        source = check_spec(session, system, query, app_id=app_id, prefix=f"/widgets/{i}/query")
        keys = used.setdefault(source.form.key, set())
        for d in query.get("dimensions", []) + query.get("rows", []) + query.get("columns", []):
            if _in_data(source.fields, d["field"]):
                keys.add(d["field"])
        for k in ("customer", "date", "field"):
            if isinstance(query.get(k), str) and _in_data(source.fields, query[k]):
                keys.add(query[k])
        if query.get("filter"):
            read = check_filter(query["filter"], source.fields, "/filter")
            keys.update(f for f in read if _in_data(source.fields, f))
    for f in definition.get("filters", []):
        for form_key, keys in used.items():
            field_key = (f.get("fields") or {}).get(form_key, f["field"])
            form = session.scalar(sa.select(Form).where(Form.app_id == app_id, Form.key == form_key))
            if form and any(x.get("key") == field_key for x in form.definition.get("fields", [])):
                keys.add(field_key)
    return {k: sorted(v) for k, v in used.items()}


def _in_data(fields: dict, key: str) -> bool:
    """Whether `key` is a top-level `data` key: subform columns are read from their rows and
    system fields from records columns, so neither is worth planner help."""
    return "." not in key and key in fields and not fields[key].column


def list_dashboards(actor: Actor, app_id: str) -> sa.Select:
    return scoped(Dashboard, actor.workspace_id).where(Dashboard.app_id == app_id)


def create_dashboard(session: Session, actor: Actor, app_id: str, definition: dict) -> Dashboard:
    get_scoped(session, App, app_id, actor.workspace_id, what="app")
    fields_used = _check(session, actor, app_id, definition)
    if session.scalar(list_dashboards(actor, app_id).where(Dashboard.key == definition["key"])):
        raise Conflict(_("A dashboard with this key exists", "已存在相同标识的仪表盘"), {"fields": {"key": []}})
    dashboard = Dashboard(workspace_id=actor.workspace_id, app_id=app_id, key=definition["key"],
                          definition=definition, fields_used=fields_used, created_by=actor.user_id)
    session.add(dashboard)
    session.flush()
    hot_fields.sync(session)
    return dashboard


def get_dashboard(session: Session, actor: Actor, dashboard_id: str) -> Dashboard:
    return get_scoped(session, Dashboard, dashboard_id, actor.workspace_id, what="dashboard")


def update_dashboard(session: Session, actor: Actor, dashboard_id: str, definition: dict) -> Dashboard:
    dashboard = get_dashboard(session, actor, dashboard_id)
    fields_used = _check(session, actor, dashboard.app_id, definition)
    clash = session.scalar(list_dashboards(actor, dashboard.app_id).where(
        Dashboard.key == definition["key"], Dashboard.id != dashboard.id))
    if clash:
        raise Conflict(_("A dashboard with this key exists", "已存在相同标识的仪表盘"), {"fields": {"key": []}})
    dashboard.key, dashboard.definition, dashboard.fields_used = definition["key"], definition, fields_used
    dashboard.version += 1
    session.flush()
    hot_fields.sync(session)
    return dashboard


def delete_dashboard(session: Session, actor: Actor, dashboard_id: str) -> None:
    session.delete(get_dashboard(session, actor, dashboard_id))
    session.flush()
    hot_fields.sync(session)


def index_hints(session: Session, form_id: str) -> list[str]:
    """Field keys of `form_id` that saved dashboards group or filter by (worth an index)."""
    form = session.get(Form, form_id)
    if form is None:
        return []
    keys: set[str] = set()
    for used in session.scalars(sa.select(Dashboard.fields_used).where(Dashboard.app_id == form.app_id)):
        keys.update((used or {}).get(form.key, []))
    return sorted(keys)


# --- filters, linkage and drill-down as rule expressions ------------------------------------

def quote(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        raise ValidationFailed(_("Not a date: {v}", "不是日期：{v}", v=text), {}) from None


def _date_call(d: dt.date) -> str:
    return f"DATE({d.year}, {d.month}, {d.day})"


def range_expression(field: str, start: dt.date | None, end_exclusive: dt.date | None) -> str:
    parts = []
    if start:
        parts.append(f"{field} >= {_date_call(start)}")
    if end_exclusive:
        parts.append(f"{field} < {_date_call(end_exclusive)}")
    return " and ".join(parts)


def bucket_range(label: str, bucket: str) -> tuple[dt.date, dt.date]:
    """[start, end) of a bucket label as produced by the compiler."""
    if bucket == "day":
        d = _date(label)
        return d, d + dt.timedelta(days=1)
    if bucket == "week":
        d = _date(label)
        return d, d + dt.timedelta(days=7)
    if bucket == "year":
        y = int(label)
        return dt.date(y, 1, 1), dt.date(y + 1, 1, 1)
    if bucket == "quarter":
        y, q = int(label[:4]), int(label[-1])
        start = dt.date(y, 3 * q - 2, 1)
        return start, dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    y, m = int(label[:4]), int(label[5:7])
    return dt.date(y, m, 1), dt.date(y + (m == 12), 1 if m == 12 else m + 1, 1)


def value_expression(field: str, value, bucket: str | None = None, multi: bool = False) -> str:
    """The rule expression selecting the records whose `field` gives `value`."""
    if value is None:
        return f"ISBLANK({field})"
    if bucket:
        return range_expression(field, *bucket_range(str(value), bucket))
    if multi:
        return f"CONTAINS({field}, {quote(value)})"
    return f"{field} = {quote(value)}"


def _widget_fields(session, actor, app_id, widget) -> tuple[str, set[str]]:
    form = session.scalar(scoped(Form, actor.workspace_id).where(
        Form.app_id == app_id, sa.or_(Form.key == widget["query"]["source"], Form.id == widget["query"]["source"])))
    if form is None:
        return "", set()
    return form.key, {f["key"] for f in form.definition.get("fields", []) if "key" in f} | set(SYSTEM_FIELDS)


def widget_filters(session, actor, dashboard: Dashboard, widget: dict, filters: dict) -> list[str]:
    """Dashboard filter values and a linkage click as expressions over this widget's form,
    applied only where the widget's form has the field."""
    form_key, keys = _widget_fields(session, actor, dashboard.app_id, widget)
    out = []
    for f in dashboard.definition.get("filters", []):
        value = filters.get(f["key"], f.get("default"))
        field = (f.get("fields") or {}).get(form_key, f["field"])
        if value in (None, "", [], {}) or field not in keys:
            continue
        if f["type"] == "date_range":
            start = _date(value["from"]) if value.get("from") else None
            end = _date(value["to"]) + dt.timedelta(days=1) if value.get("to") else None
            if start or end:
                out.append(range_expression(field, start, end))
        else:
            values = value if isinstance(value, list) else [value]
            out.append(f"{field} in ({', '.join(quote(v) for v in values)})" if len(values) > 1
                       else f"{field} = {quote(values[0])}")
    link = filters.get("_linkage")
    if link and link.get("widget") != widget["id"] and link.get("field") in keys:
        out.append(value_expression(link["field"], link.get("value"), link.get("bucket")))
    return out


def _widget(dashboard: Dashboard, widget_id: str) -> dict:
    for w in dashboard.definition["widgets"]:
        if w["id"] == widget_id:
            return w
    raise NotFound(_("widget not found", "找不到该组件"))


def widget_data(session, actor, dashboard: Dashboard, widget: dict, filters: dict, lang: str,
                use_cache: bool = True) -> dict:
    extra = widget_filters(session, actor, dashboard, widget, filters)
    return run_report(session, actor, widget["query"], app_id=dashboard.app_id, extra_filters=extra,
                      use_cache=use_cache, lang=lang)


def dashboard_data(session: Session, actor: Actor, dashboard_id: str, filters: dict, *,
                   lang: str = "en", use_cache: bool = True) -> dict:
    """Each widget's result, or its error; one failing widget never fails the dashboard. Widgets
    asking the same question (same query under the same filters: the CRM overview draws one
    repurchase analysis as two charts) share one computation; on PostgreSQL the questions are
    computed concurrently (app.report_engine.parallel)."""
    dashboard = get_dashboard(session, actor, dashboard_id)
    app_id = dashboard.app_id
    results: dict[str, dict] = {}
    questions: dict[str, tuple[dict, list[str]]] = {}
    asks: dict[str, str] = {}
    for widget in dashboard.definition["widgets"]:
        try:
            extra = widget_filters(session, actor, dashboard, widget, filters)
        except FormloomError as exc:
            results[widget["id"]] = _widget_error(exc, lang)
            continue
        key = json.dumps([widget["query"], extra], sort_keys=True, ensure_ascii=False)
        questions.setdefault(key, (widget["query"], extra))
        asks[widget["id"]] = key

    def ask(own: Session, question: tuple[dict, list[str]]) -> dict:
        query, extra = question
        return run_report(own, actor, query, app_id=app_id, extra_filters=extra,
                          use_cache=use_cache, lang=lang)

    def answer(own: Session, question: tuple[dict, list[str]]) -> dict:
        try:
            return ask(own, question)
        except FormloomError as exc:
            return _widget_error(exc, lang)

    if session.get_bind().dialect.name == "postgresql" and len(questions) > 1:
        answers = parallel.run_all(session, questions, answer)
    else:
        answers = {}
        for key, question in questions.items():
            try:
                with session.begin_nested():
                    answers[key] = ask(session, question)
            except FormloomError as exc:
                answers[key] = _widget_error(exc, lang)
    results.update((widget_id, answers[key]) for widget_id, key in asks.items())
    return {"id": dashboard.id,
            "widgets": {w["id"]: results[w["id"]] for w in dashboard.definition["widgets"]}}


def _widget_error(exc: FormloomError, lang: str) -> dict:
    return {"error": {"code": exc.code, "message": render(exc.message, lang),
                      "details": render(exc.details, lang)}}


def _relation_expression(session, actor, form, info, title) -> str:
    """A relation dimension shows the related record's title: the records whose related record
    has that title (`customer.name = '...'`). When the viewer may not see the title the chart
    shows ids, which the rule language cannot name, so that drill-down is refused."""
    target = session.scalar(scoped(Form, actor.workspace_id).where(
        Form.app_id == form.app_id, Form.key == info.definition.get("target")))
    title_key = (target.definition or {}).get("title_field") if target else None
    if target is None or not title_key or title_key not in access.visible_fields(actor, target):
        raise ValidationFailed(_("This chart shows record ids here; drill down from a chart of the "
                                 "related form instead", "该图表此处显示记录 id，请从关联表单的图表下钻"),
                               {"fields": {info.key: []}})
    return f"{info.key}.{title_key} = {quote(title)}"


def drill_filter(session: Session, actor: Actor, dashboard_id: str, widget_id: str, point: dict,
                 filters: dict) -> dict:
    """{"form_id", "filter"}: the records behind one number of a widget, as one rule expression
    (the widget's filter, the dashboard filters, and the clicked row's dimension values)."""
    dashboard = get_dashboard(session, actor, dashboard_id)
    widget = _widget(dashboard, widget_id)
    query = widget["query"]
    source = check_spec(session, actor, query, app_id=dashboard.app_id)
    parts = [f"({query['filter']})"] if query.get("filter") else []
    parts += [f"({e})" for e in widget_filters(session, actor, dashboard, widget, filters)]
    dims = query.get("dimensions", []) + query.get("rows", []) + query.get("columns", [])
    for d in dims:
        name = d.get("as") or d["field"]
        if name not in point:
            continue
        info = source.fields[d["field"]]
        if info.value_type == "relation" and point[name] is not None:
            parts.append(f"({_relation_expression(session, actor, source.form, info, point[name])})")
            continue
        multi = info.value_type == "array" or info.parent is not None
        parts.append(f"({value_expression(d['field'], point[name], d.get('bucket'), multi)})")
    return {"form_id": source.form.id, "filter": " and ".join(parts) or None}
