"""Rule-expression filters as SQL: the rule engine's push-down (`to_sql`) when it is available,
else a small compiler for the subset reports need (comparisons, and/or/not, in, ISBLANK,
CONTAINS, DATE, TODAY over the form's own fields). Reports never filter in Python."""
from __future__ import annotations

import ast
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import clock
from app.errors import ValidationFailed
from app.i18n import _
from app.report_engine import fields as F

try:  # the rule engine's push-down, once it lands
    from app.rule_engine import to_sql as _rule_to_sql  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the parallel rule engine work
    _rule_to_sql = None


class NotPushable(Exception):
    """The expression uses something that has no SQL form."""


def check_filter(expression: str, fieldmap: dict[str, F.FieldInfo], path: str) -> list[str]:
    """Static check of a filter against the form's fields: the fields it reads (raises
    ValidationFailed with the rule engine's positioned errors under `path`)."""
    from app.rule_engine import check

    result = check(expression, {k: f.definition for k, f in fieldmap.items()})
    if not result.ok:
        raise ValidationFailed(_("The filter is not valid", "筛选条件无效"),
                               {"fields": {path: result.errors}})
    return list(result.fields)


def filter_clause(dialect: str, expression: str, fieldmap: dict[str, F.FieldInfo], tz: str,
                  data=None) -> sa.ColumnElement:
    """The SQL condition of a rule expression over records' `data`."""
    if _rule_to_sql is not None:
        from app.rule_engine import EvalEnv

        clause = _rule_to_sql(expression, {k: f.definition for k, f in fieldmap.items()},
                              F.Record.data if data is None else data, env=EvalEnv(tz=tz))
        if clause is not None:
            return clause
        raise _not_pushable(expression)
    from app.rule_engine import parse

    try:
        return _Compiler(dialect, fieldmap, tz, data).boolean(parse(expression).tree)
    except NotPushable:
        raise _not_pushable(expression) from None


def _not_pushable(expression: str) -> ValidationFailed:
    return ValidationFailed(
        _("This filter cannot be computed in the database: {expr}", "该筛选条件无法在数据库中计算：{expr}",
          expr=expression), {"fields": {"filter": [_("Use comparisons, and/or/not, in, ISBLANK, "
                                                      "CONTAINS and date functions",
                                                      "请使用比较、and/or/not、in、ISBLANK、CONTAINS 和日期函数")]}})


class _Literal:
    """A constant operand, with its rule type (number, text, date, boolean, blank)."""

    def __init__(self, value, kind: str):
        self.value, self.kind = value, kind


class _Compiler:
    def __init__(self, dialect, fieldmap, tz, data):
        self.dialect, self.fieldmap, self.tz, self.data = dialect, fieldmap, tz, data

    def boolean(self, node) -> sa.ColumnElement:
        if isinstance(node, ast.BoolOp):
            parts = [self.boolean(v) for v in node.values]
            return sa.and_(*parts) if isinstance(node.op, ast.And) else sa.or_(*parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sa.not_(self.boolean(node.operand))
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.predicate(node)
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sa.true() if node.value else sa.false()
        if isinstance(node, ast.Name) and node.id in self.fieldmap:
            return self.field(node.id)[0] == 1
        raise NotPushable()

    def field(self, key: str):
        info = self.fieldmap.get(key)
        if info is None or info.value_type in ("object", "array"):
            raise NotPushable()
        return F.typed(self.dialect, info, self.data), info.value_type

    def operand(self, node):
        if isinstance(node, ast.Name) and not hasattr(node, "rule_fn"):
            return self.field(node.id)
        if isinstance(node, ast.Constant):
            v = node.value
            kind = ("blank" if v is None else "boolean" if isinstance(v, bool)
                    else "number" if isinstance(v, (int, float)) else "text")
            return _Literal(v, kind), kind
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float)):
            return _Literal(-node.operand.value, "number"), "number"
        if isinstance(node, ast.Call):
            name = node.func.id
            if name == "TODAY" and not node.args:
                today = clock.now().astimezone(ZoneInfo(self.tz)).date()
                return _Literal(today, "date"), "date"
            if name == "DATE" and len(node.args) == 3 and all(
                    isinstance(a, ast.Constant) and isinstance(a.value, int) for a in node.args):
                try:
                    return _Literal(dt.date(*(a.value for a in node.args)), "date"), "date"
                except ValueError:
                    raise NotPushable() from None
        raise NotPushable()

    def _sql_literal(self, lit: _Literal, against: str):
        v = lit.value
        if isinstance(v, dt.date):
            if against == "datetime":
                # A calendar date against an instant means the local midnight starting it.
                start = dt.datetime.combine(v, dt.time(), ZoneInfo(self.tz)).astimezone(dt.timezone.utc)
                return start.strftime("%Y-%m-%dT%H:%M:%SZ")
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v

    def compare(self, node: ast.Compare) -> sa.ColumnElement:
        op = node.ops[0]
        left, lkind = self.operand(node.left)
        if isinstance(op, (ast.In, ast.NotIn)):
            right = node.comparators[0]
            if isinstance(left, _Literal) or not isinstance(right, (ast.List, ast.Tuple)):
                raise NotPushable()
            values = [self._sql_literal(self.operand(e)[0], lkind) for e in right.elts]
            clause = left.in_(values)
            return sa.not_(clause) if isinstance(op, ast.NotIn) else clause
        right, rkind = self.operand(node.comparators[0])
        if isinstance(left, _Literal) and isinstance(right, _Literal):
            raise NotPushable()
        if isinstance(left, _Literal):  # literal on the left: mirror the comparison
            left, right, lkind, rkind = right, left, rkind, lkind
            op = {ast.Lt: ast.Gt(), ast.Gt: ast.Lt(), ast.LtE: ast.GtE(), ast.GtE: ast.LtE()}.get(type(op), op)
        if isinstance(right, _Literal):
            if right.kind == "blank" or (right.kind == "text" and right.value == ""):
                blank = sa.or_(left.is_(None), left == "") if lkind == "text" else left.is_(None)
                if isinstance(op, ast.Eq):
                    return blank
                if isinstance(op, ast.NotEq):
                    return sa.not_(blank)
                raise NotPushable()
            right = self._sql_literal(right, lkind)
        ops = {ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Lt: "__lt__", ast.LtE: "__le__",
               ast.Gt: "__gt__", ast.GtE: "__ge__"}
        method = ops.get(type(op))
        if method is None:
            raise NotPushable()
        clause = getattr(left, method)(right)
        if isinstance(op, ast.NotEq):  # Excel: a blank differs from any value
            clause = sa.or_(clause, left.is_(None))
        return clause

    def predicate(self, node: ast.Call) -> sa.ColumnElement:
        name = node.func.id
        if name == "ISBLANK" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            expr, kind = self.field(node.args[0].id)
            return sa.or_(expr.is_(None), expr == "") if kind == "text" else expr.is_(None)
        if name == "CONTAINS" and len(node.args) == 2 and isinstance(node.args[0], ast.Name):
            expr, _kind = self.field(node.args[0].id)
            needle, nkind = self.operand(node.args[1])
            if not isinstance(needle, _Literal) or nkind != "text":
                raise NotPushable()
            return expr.contains(needle.value, autoescape=True)
        if name in ("AND", "OR") and node.args:
            parts = [self.boolean(a) for a in node.args]
            return sa.and_(*parts) if name == "AND" else sa.or_(*parts)
        if name == "NOT" and len(node.args) == 1:
            return sa.not_(self.boolean(node.args[0]))
        raise NotPushable()
