"""Record nodes: create, update (the trigger record or records matching a filter, optional
upsert), delete, query_records and query_report. Writes go through the form engine's write
path as the system actor "flow", with the re-trigger depth and the flow id in the event."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.actor import Actor
from app.errors import NotFound, ValidationFailed
from app.flow_engine import expressions
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type
from app.i18n import _
from app.models import Form, Record
from app.rule_engine.values import ErrorValue

_SET = {"type": "object", "minProperties": 1, "additionalProperties": {
    "type": "string", "minLength": 1, "maxLength": 4000}}
_FORM = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_EXPR = {"type": "string", "minLength": 1, "maxLength": 4000}
MAX_MATCHED = 1000
MAX_ROWS = 10_000          # rows a query_report keeps, and items one for_each walks
_FOR_EACH = {"type": "string", "pattern": r"^steps\.[A-Za-z0-9_-]+\.(rows|items)$"}


def _records():
    from app.form_engine import records

    return records


def _actor(ctx: NodeContext) -> Actor:
    return Actor.system(ctx.workspace_id, via="flow")


def _meta(ctx: NodeContext) -> dict:
    return {"depth": ctx.run.depth + 1, "flow_id": ctx.run.flow_id}


def _form(ctx: NodeContext, key: str) -> Form:
    form = ctx.session.scalar(sa.select(Form).where(Form.app_id == ctx.flow.app_id, Form.key == key))
    if form is None:
        raise NotFound(_("form {key} not found", "找不到表单 {key}", key=key))
    return form


def _values(ctx: NodeContext, assignments: dict) -> dict:
    values = {}
    for key, expression in assignments.items():
        value = ctx.evaluate(expression)
        if isinstance(value, ErrorValue):
            raise ValidationFailed(_("{field}: the expression gave {error}", "{field}：表达式结果为 {error}",
                                     field=key, error=str(value)))
        values[key] = value
    return values


def _check_set(node, checker, form_key, path="set"):
    schema = checker.form_schema(form_key)
    if schema is None:
        checker.error(node["id"], "form", f"unknown form '{form_key}'")
        return
    for key in node.get(path, {}):
        if key not in schema:
            checker.error(node["id"], f"{path}/{key}", f"unknown field '{key}' of form '{form_key}'")


def _matching(ctx: NodeContext, form: Form, expression: str, limit: int) -> list[Record]:
    """Records of `form` matching a filter that may read the trigger record as `record`: the
    filter is evaluated with the candidate's fields bare; SQL when the rule engine compiles it."""
    from app import rule_engine

    schema = expressions.form_schema(form.definition)
    base = sa.select(Record).where(Record.form_id == form.id, Record.workspace_id == ctx.workspace_id)
    to_sql = getattr(rule_engine, "to_sql", None)
    uses_context = any(p[0] in expressions.ROOTS for p in expressions.references(expression))
    clause = None if uses_context or to_sql is None else to_sql(expression, schema, Record.data,
                                                               env=ctx.env)
    if clause is not None:
        return list(ctx.session.scalars(base.where(clause).order_by(Record.id).limit(limit)))
    parsed = rule_engine.parse(expression)
    found = []
    scope_extra = {k: ctx.data.get(k) for k in expressions.ROOTS}
    for record in ctx.session.scalars(base.order_by(Record.id).execution_options(yield_per=500)):
        value = rule_engine.evaluate_parsed(parsed, {**record.data, **scope_extra}, ctx.env,
                                            {**schema, **ctx.schema})
        if value is True:
            found.append(record)
            if len(found) >= limit:
                break
    return found


@node_type
class CreateRecord(NodeType):
    type = "create_record"
    config_schema = {"form": _FORM, "set": _SET}
    required = ("form", "set")

    def expressions(self, node):
        return [(f"set/{k}", v) for k, v in node.get("set", {}).items()]

    def check(self, node, checker):
        _check_set(node, checker, node.get("form"))

    def execute(self, ctx: NodeContext) -> Outcome:
        form = _form(ctx, ctx.node["form"])
        record = _records().create(ctx.session, _actor(ctx), form.id, _values(ctx, ctx.node["set"]),
                                   source="flow", meta=_meta(ctx))
        return Outcome(output={"record_id": record.id, "data": record.data})

    def describe(self, ctx: NodeContext) -> Outcome:
        return Outcome(output={"would": f"create a {ctx.node['form']} record",
                               "data": _values(ctx, ctx.node["set"])})


def rows_of(output: dict | None, key: str) -> list[dict]:
    """A previous step's rows as objects: query_report rows (lists) keyed by column key."""
    output = output or {}
    rows = output.get(key) or []
    keys = [c.get("key") if isinstance(c, dict) else c for c in output.get("columns") or []]
    return [dict(zip(keys, row)) if isinstance(row, (list, tuple)) else row
            for row in rows if isinstance(row, (list, tuple, dict))]


@node_type
class UpdateRecord(NodeType):
    """`target`: "record" (the trigger record) or {"form", "filter"}; `upsert` creates one record
    of that form from `set` when nothing matches. `for_each`: "steps.<id>.rows" (or `.items`)
    updates one record per row of an earlier query: `record_id` (default "item.id") names it
    and `set` reads the row as `item.<column>`; rows whose record is gone are skipped."""
    type = "update_record"
    config_schema = {"target": {"oneOf": [
        {"const": "record"},
        {"type": "object", "additionalProperties": False, "required": ["form", "filter"],
         "properties": {"form": _FORM, "filter": _EXPR}}]},
        "set": _SET, "upsert": {"type": "boolean"}, "for_each": _FOR_EACH, "record_id": _EXPR}
    required = ("set",)

    def expressions(self, node):
        if node.get("for_each"):
            return []   # they read `item`: checked in check()
        return [(f"set/{k}", v) for k, v in node.get("set", {}).items()]

    def check(self, node, checker):
        if node.get("for_each"):
            self._check_for_each(node, checker)
            return
        target = node.get("target", "record")
        form_key = checker.definition["trigger"].get("form") if target == "record" else target["form"]
        if form_key is None:
            checker.error(node["id"], "target", "this trigger has no record: name a form and filter")
            return
        if isinstance(target, dict):
            problem = expressions.check(target["filter"], None)
            if problem:
                checker.error(node["id"], "target/filter", problem)
        _check_set(node, checker, form_key)

    def _check_for_each(self, node, checker):
        source = node["for_each"].split(".")[1]
        if source not in checker.index:
            checker.error(node["id"], "for_each", f"unknown step '{source}'")
        if "target" in node or node.get("upsert"):
            checker.error(node["id"], "for_each", "for_each names the records: drop target/upsert")
        node_ids = set(checker.index)
        schema = checker.form_schema(checker.definition["trigger"].get("form"))
        pairs = [(f"set/{k}", v) for k, v in node.get("set", {}).items()]
        pairs.append(("record_id", node.get("record_id", "item.id")))
        for path, expression in pairs:
            problem = expressions.check(expression, schema, node_ids=node_ids, extra_roots=("item",))
            if problem:
                checker.error(node["id"], path, problem)

    def _each(self, ctx: NodeContext) -> list[tuple[str | None, dict]]:
        """(record id, values) for each row of the for_each source."""
        _steps, source, key = ctx.node["for_each"].split(".")
        found = []
        for item in rows_of((ctx.data.get("steps") or {}).get(source), key)[:MAX_ROWS]:
            scope = {**ctx.data, "item": item}
            record_id = expressions.evaluate(ctx.node.get("record_id", "item.id"), scope, ctx.env)
            values = {}
            for field, expression in ctx.node["set"].items():
                value = expressions.evaluate(expression, scope, ctx.env)
                if isinstance(value, ErrorValue):
                    raise ValidationFailed(_("{field}: the expression gave {error}",
                                             "{field}：表达式结果为 {error}",
                                             field=field, error=str(value)))
                values[field] = value
            found.append((None if isinstance(record_id, ErrorValue) or not record_id
                          else str(record_id), values))
        return found

    def _execute_each(self, ctx: NodeContext) -> Outcome:
        records = _records()
        pairs = self._each(ctx)
        ids = [rid for rid, _values in pairs if rid]
        existing = set()
        for i in range(0, len(ids), 500):
            existing |= set(ctx.session.scalars(sa.select(Record.id).where(
                Record.id.in_(ids[i:i + 500]), Record.workspace_id == ctx.workspace_id)))
        updated = []
        for record_id, values in pairs:
            if record_id in existing:
                records.update(ctx.session, _actor(ctx), record_id, values, source="flow",
                               meta=_meta(ctx))
                updated.append(record_id)
        return Outcome(output={"updated": len(updated), "skipped": len(pairs) - len(updated),
                               "record_ids": updated[:100]})

    def _targets(self, ctx: NodeContext) -> list[Record]:
        target = ctx.node.get("target", "record")
        if target == "record":
            record = ctx.session.scalar(sa.select(Record).where(Record.id == (ctx.run.record_id or ""),
                                                                Record.workspace_id == ctx.workspace_id))
            return [record] if record is not None else []
        return _matching(ctx, _form(ctx, target["form"]), target["filter"], MAX_MATCHED)

    def execute(self, ctx: NodeContext) -> Outcome:
        if ctx.node.get("for_each"):
            return self._execute_each(ctx)
        records = _records()
        targets = self._targets(ctx)
        values = _values(ctx, ctx.node["set"])
        if not targets and ctx.node.get("upsert") and isinstance(ctx.node.get("target"), dict):
            form = _form(ctx, ctx.node["target"]["form"])
            created = records.create(ctx.session, _actor(ctx), form.id, values, source="flow",
                                     meta=_meta(ctx))
            return Outcome(output={"updated": 0, "created": created.id})
        for record in targets:
            records.update(ctx.session, _actor(ctx), record.id, values, source="flow", meta=_meta(ctx))
        return Outcome(output={"updated": len(targets), "record_ids": [r.id for r in targets][:100]})

    def describe(self, ctx: NodeContext) -> Outcome:
        if ctx.node.get("for_each"):
            pairs = self._each(ctx)
            return Outcome(output={"would": f"update {len(pairs)} record(s), one per row",
                                   "first": pairs[0][1] if pairs else None})
        targets = self._targets(ctx)
        return Outcome(output={"would": f"update {len(targets)} record(s)",
                               "set": _values(ctx, ctx.node["set"])})


@node_type
class DeleteRecord(NodeType):
    type = "delete_record"
    config_schema = {"target": UpdateRecord.config_schema["target"]}

    def execute(self, ctx: NodeContext) -> Outcome:
        targets = UpdateRecord._targets(self, ctx)
        for record in targets:
            _records().delete(ctx.session, _actor(ctx), record.id, source="flow", meta=_meta(ctx))
        return Outcome(output={"deleted": len(targets)})

    def describe(self, ctx: NodeContext) -> Outcome:
        return Outcome(output={"would": f"delete {len(UpdateRecord._targets(self, ctx))} record(s)"})


@node_type
class QueryRecords(NodeType):
    """Results are `steps.<id>.count`, `.items` (up to `limit`) and `.first`."""
    type = "query_records"
    config_schema = {"form": _FORM, "filter": _EXPR,
                     "limit": {"type": "integer", "minimum": 1, "maximum": 1000}}
    required = ("form",)

    def check(self, node, checker):
        if not checker.form_exists(node.get("form")):
            checker.error(node["id"], "form", f"unknown form '{node.get('form')}'")

    def execute(self, ctx: NodeContext) -> Outcome:
        form = _form(ctx, ctx.node["form"])
        limit = ctx.node.get("limit", 100)
        if ctx.node.get("filter"):
            rows = _matching(ctx, form, ctx.node["filter"], MAX_MATCHED)
            count, items = len(rows), rows[:limit]
        else:
            base = sa.select(Record).where(Record.form_id == form.id)
            count = ctx.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
            items = list(ctx.session.scalars(base.order_by(Record.id).limit(limit)))
        data = [{"id": r.id, **r.data} for r in items]
        return Outcome(output={"count": count, "items": data, "first": data[0] if data else None})


@node_type
class QueryReport(NodeType):
    """Runs a report spec (FORMATS.md section 4) as the system actor; `steps.<id>.rows` (up to
    MAX_ROWS), `.columns`, `.count`, `.value` (the first cell), so a scheduled flow can alert on
    a threshold or write per-row results back with update_record's for_each."""
    type = "query_report"
    config_schema = {"spec": {"type": "object"}}
    required = ("spec",)

    def execute(self, ctx: NodeContext) -> Outcome:
        from app.report_engine.run import run_report

        result = run_report(ctx.session, _actor(ctx), ctx.node["spec"], app_id=ctx.flow.app_id,
                            use_cache=False)
        rows = result.get("rows", [])
        return Outcome(output={"columns": result.get("columns", []), "rows": rows[:MAX_ROWS],
                               "count": len(rows),
                               "value": rows[0][0] if rows and rows[0] else None})
