"""Report spec check: the JSON Schema, then every field, aggregation and filter against the
source form as the viewer sees it; errors are JSON pointers into the spec."""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.errors import NotFound, ValidationFailed
from app.i18n import _
from app.models import Form, Workspace
from app.models.scope import scoped
from app.report_engine import access, filters
from app.report_engine.fields import FieldInfo, field_map, system_fields

SCHEMA_DIR = Path(__file__).parent / "schemas"
NUMERIC_AGGS = {"sum", "avg", "median"}
ORDERED_TYPES = {"number", "date", "datetime", "text"}


@functools.lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def schema_errors(name: str, document, prefix: str = "") -> dict[str, list]:
    """JSON pointer -> messages for every JSON Schema violation (most specific first)."""
    out: dict[str, list] = {}
    for error in sorted(validator(name).iter_errors(document), key=lambda e: list(e.absolute_path)):
        best = jsonschema.exceptions.best_match([error])
        pointer = prefix + "".join(f"/{p}" for p in best.absolute_path)
        out.setdefault(pointer or "/", []).append(best.message)
    return out


@dataclass
class Source:
    """The form a report reads, as one viewer sees it."""

    form: Form
    fields: dict[str, FieldInfo]          # only fields the viewer may read
    tz: str

    def field(self, key: str) -> FieldInfo:
        return self.fields[key]


class SpecErrors:
    """Collects path-addressed errors and raises them together."""

    def __init__(self, prefix: str = ""):
        self.prefix, self.errors = prefix, {}

    def add(self, path: str, message) -> None:
        self.errors.setdefault(self.prefix + path, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(_("The report is not valid", "报表配置无效"), {"fields": self.errors})


def resolve_form(session: Session, workspace_id: str, source: str, app_id: str | None) -> Form:
    """A form by id, or by key within an app (`app_id`)."""
    stmt = scoped(Form, workspace_id)
    if app_id:
        stmt = stmt.where(Form.app_id == app_id, sa.or_(Form.key == source, Form.id == source))
    else:
        stmt = stmt.where(Form.id == source)
    form = session.scalar(stmt)
    if form is None:
        raise NotFound(_("Form {source} not found", "找不到表单 {source}", source=source),
                       {"fields": {"/source": [_("Unknown form", "未知表单")]}})
    return form


def load_source(session: Session, actor: Actor, form: Form) -> Source:
    ws = session.get(Workspace, actor.workspace_id)
    visible = access.visible_fields(actor, form)
    own = field_map(form.definition)
    fields = {k: f for k, f in own.items() if k.split(".")[0] in visible}
    fields.update(system_fields(own))
    return Source(form=form, fields=fields, tz=(ws.timezone if ws else None) or "UTC")


def check_spec(session: Session, actor: Actor, spec: dict, *, app_id: str | None = None,
               prefix: str = "") -> Source:
    """Validate a spec and return its source; raises ValidationFailed/NotFound."""
    errors = schema_errors("report_spec", spec, prefix)
    if errors:
        raise ValidationFailed(_("The report is not valid", "报表配置无效"), {"fields": errors})
    form = resolve_form(session, actor.workspace_id, spec["source"], spec.get("app_id") or app_id)
    source = load_source(session, actor, form)
    errs = SpecErrors(prefix)
    _check_fields(spec, source, errs)
    errs.raise_if_any()
    if spec.get("filter"):
        _check_filter(spec["filter"], source, prefix + "/filter")
    return source


def _check_filter(expression: str, source: Source, path: str) -> None:
    read = filters.check_filter(expression, source.fields, path)
    # Fields the viewer may not read are unknown to the check already; this catches dotted
    # references into related forms, which a report filter may not follow.
    unknown = [k for k in read if k.split(".")[0] not in source.fields]
    if unknown:
        raise ValidationFailed(_("The filter is not valid", "筛选条件无效"),
                               {"fields": {path: [_("Unknown field '{name}'", "未知字段“{name}”",
                                                    name=unknown[0])]}})


def _need_field(source: Source, key: str | None, path: str, errs: SpecErrors, *types: str,
                nested: bool = False):
    """The field's info, or None with an error; subform columns (`items.category`) only where
    `nested` (dimensions, which unnest the subform's rows)."""
    if key is None:
        errs.add(path, _("A field is required", "需要指定字段"))
        return None
    info = source.fields.get(key)
    if info is not None and info.parent and not nested:
        errs.add(path, _("A subform column can only be a dimension", "子表单的列只能作为维度"))
        return None
    if info is None:
        errs.add(path, _("Unknown field '{name}'", "未知字段“{name}”", name=key))
        return None
    if types and info.value_type not in types:
        errs.add(path, _("Field '{name}' has the wrong type ({type})", "字段“{name}”类型不适用（{type}）",
                         name=key, type=info.type))
        return None
    return info


def _check_dimensions(dims, source, errs, path, names):
    for i, dim in enumerate(dims):
        info = _need_field(source, dim["field"], f"{path}/{i}/field", errs,
                           "number", "text", "date", "datetime", "boolean", "array", "relation", nested=True)
        if info and info.parent and (info.value_type in ("array", "relation") or dim.get("bucket")):
            errs.add(f"{path}/{i}/field", _("Inside a subform, group by text, number, date or "
                                            "yes/no columns without buckets",
                                            "子表单内只能按文本、数字、日期或是否列分组（不分时间段）"))
        elif info and dim.get("bucket") and info.value_type not in ("date", "datetime"):
            errs.add(f"{path}/{i}/bucket", _("Only date fields have buckets", "只有日期字段可以分组到时间段"))
        names.append((dim.get("as") or dim["field"], f"{path}/{i}/as"))


def _check_measures(measures, source, errs, path, names):
    for i, m in enumerate(measures):
        agg, key = m["agg"], m.get("field")
        where = f"{path}/{i}/field"
        if agg == "count" and key is None:
            pass
        elif agg in NUMERIC_AGGS:
            _need_field(source, key, where, errs, "number")
        elif agg in ("min", "max"):
            _need_field(source, key, where, errs, *ORDERED_TYPES)
        else:
            _need_field(source, key, where, errs, "number", "text", "date", "datetime", "boolean",
                        "relation")
        names.append((m.get("as") or (f"{agg}_{key}" if key else agg), f"{path}/{i}/as"))


def _check_fields(spec: dict, source: Source, errs: SpecErrors) -> None:
    kind = spec.get("kind", "table")
    names: list[tuple[str, str]] = []
    if kind in ("table", "pivot"):
        dims = spec.get("dimensions", []) if kind == "table" else spec.get("rows", []) + spec.get("columns", [])
        _check_dimensions(spec.get("dimensions", []) if kind == "table" else spec.get("rows", []), source,
                          errs, "/dimensions" if kind == "table" else "/rows", names)
        if kind == "pivot":
            _check_dimensions(spec.get("columns", []), source, errs, "/columns", names)
        _check_measures(spec.get("measures", []), source, errs, "/measures", names)
        if kind == "table" and not dims and not spec.get("measures"):
            errs.add("/measures", _("Add a dimension or a measure", "请至少添加一个维度或指标"))
    else:
        _check_purchase_keys(spec, source, errs, names)
    seen: set[str] = set()
    for name, path in names:
        if name in seen:
            errs.add(path, _("Duplicate column name '{name}'", "列名“{name}”重复", name=name))
        seen.add(name)
    for i, s in enumerate(spec.get("sort", [])):
        if s["by"] not in seen:
            errs.add(f"/sort/{i}/by", _("Sort by a dimension or measure name", "请按维度或指标名称排序"))
    top = spec.get("top")
    if top and not spec.get("dimensions"):
        errs.add("/top", _("Top-N needs a dimension", "Top-N 需要至少一个维度"))


def _check_purchase_keys(spec: dict, source: Source, errs: SpecErrors, names) -> None:
    kind = spec["kind"]
    if kind == "funnel" and "field" in spec:
        _need_field(source, spec["field"], "/field", errs, "text")
        return
    _need_field(source, spec.get("customer"), "/customer", errs, "text", "relation", "number")
    _need_field(source, spec.get("date"), "/date", errs, "date", "datetime")
    if kind == "rfm" or spec.get("amount"):
        _need_field(source, spec.get("amount"), "/amount", errs, "number")
    if spec.get("dimensions"):
        _check_dimensions(spec["dimensions"], source, errs, "/dimensions", names)
