"""Rule-expression filters as SQL through the rule engine's push-down (`to_sql`); an expression
with no SQL form is refused, since reports never filter in Python."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BooleanClauseList, Grouping, Null

from app.errors import ValidationFailed
from app.i18n import _
from app.report_engine import fields as F
from app.rule_engine import EvalEnv, check, to_sql
from app.rule_engine import sql as rule_sql


def rule_schema(fieldmap: dict[str, F.FieldInfo]) -> dict:
    """The form's own fields as the rule engine reads them (subform columns come with their
    subform's definition)."""
    return {k: f.definition for k, f in fieldmap.items() if f.parent is None}


def check_filter(expression: str, fieldmap: dict[str, F.FieldInfo], path: str) -> list[str]:
    """Static check of a filter against the form's fields: the fields it reads (raises
    ValidationFailed with the rule engine's positioned errors under `path`)."""
    result = check(expression, rule_schema(fieldmap))
    if not result.ok:
        raise ValidationFailed(_("The filter is not valid", "筛选条件无效"),
                               {"fields": {path: result.errors}})
    return list(result.fields)


def filter_clause(expression: str, fieldmap: dict[str, F.FieldInfo], tz: str,
                  data=None) -> sa.ColumnElement:
    """The SQL condition of a rule expression over records' `data`."""
    clause = to_sql(expression, rule_schema(fieldmap),
                    F.Record.data if data is None else data, env=EvalEnv(tz=tz))
    if clause is None:
        raise _not_pushable(expression)
    return _without_impossible_blanks(_system_columns(clause, fieldmap))


def _system_columns(clause: sa.ColumnElement, fieldmap: dict[str, F.FieldInfo]) -> sa.ColumnElement:
    """The rule engine reads every field as `data`'s JSON text; system fields (created_at, ...)
    live in records columns, so their reads are swapped for the columns' text in the same format."""
    system = {k: f for k, f in fieldmap.items() if f.column}
    if not system:
        return clause

    def swap(element, **_kw):
        if isinstance(element, rule_sql.json_text) and element.key in system:
            return F.column_text(system[element.key])
        return None

    return visitors.replacement_traverse(clause, {}, swap)


def _conjuncts(clause) -> list:
    if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_:
        return [c for part in clause.clauses for c in _conjuncts(part)]
    if isinstance(clause, Grouping):
        return _conjuncts(clause.element)
    return [clause]


def _null_test(clause, op):
    """The operand of `operand IS [NOT] NULL` (op is_ / is_not), else None."""
    if isinstance(clause, BinaryExpression) and clause.operator is op \
            and isinstance(clause.right, Null):
        return clause.left
    return None


def _without_impossible_blanks(clause: sa.ColumnElement) -> sa.ColumnElement:
    """`x IS NOT NULL AND (x < b OR x IS NULL)` (a range `x >= a and x < b`: the rule engine
    counts blanks as smallest) as `x IS NOT NULL AND x < b`: the same rows, but SQLite plans the
    OR as two index searches whose rows it then reads from the table, which loses a covering
    index; without it the range is one index search."""
    parts = _conjuncts(clause)
    not_null = [x for x in (_null_test(c, operators.is_not) for c in parts) if x is not None]
    if not not_null:
        return clause
    changed = False
    out = []
    for part in parts:
        inner = part.element if isinstance(part, Grouping) else part
        if isinstance(inner, BooleanClauseList) and inner.operator is operators.or_:
            kept = [c for c in inner.clauses
                    if not any(_null_test(c, operators.is_) is not None
                               and _null_test(c, operators.is_).compare(x) for x in not_null)]
            if len(kept) < len(inner.clauses) and kept:
                changed = True
                part = sa.or_(*kept)
        out.append(part)
    return sa.and_(*out) if changed else clause


def _not_pushable(expression: str) -> ValidationFailed:
    return ValidationFailed(
        _("This filter cannot be computed in the database: {expr}", "该筛选条件无法在数据库中计算：{expr}",
          expr=expression), {"fields": {"filter": [_("Use comparisons, and/or/not, in, ISBLANK, "
                                                      "CONTAINS and date functions",
                                                      "请使用比较、and/or/not、in、ISBLANK、CONTAINS 和日期函数")]}})
