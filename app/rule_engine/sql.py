"""SQL push-down: a rule over a form's own fields -> a SQLAlchemy condition (SQLite and PostgreSQL) that
selects exactly the records Python evaluation matches; None when it cannot (callers fall back to Python)."""
from __future__ import annotations

import ast
import datetime as dt
import re
from typing import Callable, NamedTuple

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from app.rule_engine.check import rule_type_of
from app.rule_engine.errors import RuleError
from app.rule_engine.evaluate import RuleEvaluator
from app.rule_engine.syntax import parse
from app.rule_engine.values import (
    DEFAULT_ENV, UTC, EvalEnv, ErrorValue, fold, local_midnight, parse_date_text, set_current_env, to_bool,
)

BLANK_DATE = "1899-12-30"
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_PLAIN_ASCII = re.compile(r"[A-Za-z0-9 _.@-]+")  # Excel's serial 0: what a blank date counts as


class RelatedRows(NamedTuple):
    """Where the records a single relation points at live: their id and data columns and the
    condition selecting the target form's rows (given by the caller, which knows the forms)."""

    id: object
    data: object
    where: object


class NotCompilable(Exception):
    """This (sub)expression has no SQL form with the same answer as Python."""


class Typed(NamedTuple):
    expr: object           # SQLAlchemy expression (None for a list field)
    type: str              # number, text, date, datetime, boolean, list, blank
    const: object = None   # the Python value when this is a compile-time constant
    is_const: bool = False
    key: str | None = None  # field key for list fields
    raw: object = None     # the field's JSON text, NULL when blank (what null guards test)


# --- dialect-specific constructs --------------------------------------------------------------

def _checked_key(key: str) -> str:
    # Keys are written into the SQL text (a bound key never matches an expression index), so
    # only validated field keys may get there.
    if type(key) is not str or not FIELD_KEY.match(key):
        raise ValueError(f"not a field key: {key!r}")
    return key


class json_text(FunctionElement):
    """The text of key `key` of a JSON data column, the key inlined: `data ->> 'key'` on
    PostgreSQL, `json_extract(data, '$.key')` on SQLite. NULL when absent or JSON null."""

    type = sa.String()
    inherit_cache = True
    name = "json_text"
    _traverse_internals = FunctionElement._traverse_internals + [("key", InternalTraversal.dp_string)]

    def __init__(self, data, key: str):
        self.key = _checked_key(key)
        super().__init__(data)


@compiles(json_text)
def _json_text_sqlite(element, compiler, **kw):
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$.{element.key}')"


@compiles(json_text, "postgresql")
def _json_text_pg(element, compiler, **kw):
    return f"({compiler.process(element.clauses, **kw)} ->> '{element.key}')"


class json_number_text(json_text):
    """The text of key `key` when it holds a JSON number, else NULL, on PostgreSQL (a number field
    is read as CAST of this): the planner's statistics on that expression are computed over every
    form's rows, where the same key may hold text, and a cast of text there would make ANALYZE
    (and the filter itself) fail. On SQLite the field's text (its casts never fail)."""

    inherit_cache = True
    name = "json_number_text"


@compiles(json_number_text)
def _json_number_text_sqlite(element, compiler, **kw):
    return _json_text_sqlite(element, compiler, **kw)


@compiles(json_number_text, "postgresql")
def _json_number_text_pg(element, compiler, **kw):
    data = compiler.process(element.clauses, **kw)
    return (f"CASE WHEN jsonb_typeof({data} -> '{element.key}') = 'number' "
            f"THEN {data} ->> '{element.key}' END")


class ascii_lower(FunctionElement):
    """lower() of ASCII letters only, ordered by code point (Python's fold() and str ordering)."""

    type = sa.String()
    inherit_cache = True
    name = "ascii_lower"


@compiles(ascii_lower)
def _ascii_lower_default(element, compiler, **kw):
    return "lower(%s)" % compiler.process(element.clauses, **kw)


@compiles(ascii_lower, "postgresql")
def _ascii_lower_pg(element, compiler, **kw):
    return 'lower((%s) COLLATE "C")' % compiler.process(element.clauses, **kw)


class c_order(FunctionElement):
    """A text operand compared in code-point order (PostgreSQL's default collation is not)."""

    type = sa.String()
    inherit_cache = True
    name = "c_order"


@compiles(c_order)
def _c_order_default(element, compiler, **kw):
    return "(%s)" % compiler.process(element.clauses, **kw)


@compiles(c_order, "postgresql")
def _c_order_pg(element, compiler, **kw):
    return '((%s) COLLATE "C")' % compiler.process(element.clauses, **kw)


class json_list_has_text(FunctionElement):
    """EXISTS an item of the JSON array data[key] whose text equals value (ASCII case-insensitive)."""

    type = sa.Boolean()
    inherit_cache = True
    name = "json_list_has_text"
    _traverse_internals = FunctionElement._traverse_internals + [("key", InternalTraversal.dp_string)]

    def __init__(self, data, key: str, value):
        self.key = _checked_key(key)
        super().__init__(data, value)


@compiles(json_list_has_text)
def _list_has_sqlite(element, compiler, **kw):
    column, value = [compiler.process(c, **kw) for c in element.clauses]
    return (f"EXISTS (SELECT 1 FROM json_each({column}, '$.{element.key}') AS je "
            f"WHERE je.type = 'text' AND lower(je.value) = {value})")


@compiles(json_list_has_text, "postgresql")
def _list_has_pg(element, compiler, **kw):
    column, value = [compiler.process(c, **kw) for c in element.clauses]
    item = f"(({column}) -> '{element.key}')"
    return (f"EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof({item}) = 'array' "
            f"THEN {item} ELSE '[]'::jsonb END) AS je(v) WHERE jsonb_typeof(je.v) = 'string' "
            f"AND lower((je.v #>> '{{}}') COLLATE \"C\") = {value})")


class text_position(FunctionElement):
    """1-based position of needle in haystack, 0 when absent."""

    type = sa.Integer()
    inherit_cache = True
    name = "text_position"


@compiles(text_position)
def _position_sqlite(element, compiler, **kw):
    hay, needle = [compiler.process(c, **kw) for c in element.clauses]
    return f"instr({hay}, {needle})"


@compiles(text_position, "postgresql")
def _position_pg(element, compiler, **kw):
    hay, needle = [compiler.process(c, **kw) for c in element.clauses]
    return f"strpos({hay}, {needle})"


class days_between(FunctionElement):
    """end - start in days, both ISO date text."""

    type = sa.Float()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
def _days_sqlite(element, compiler, **kw):
    end, start = [compiler.process(c, **kw) for c in element.clauses]
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    end, start = [compiler.process(c, **kw) for c in element.clauses]
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


class add_days(FunctionElement):
    """ISO date text plus a whole number of days, as ISO date text."""

    type = sa.String()
    inherit_cache = True
    name = "add_days"


@compiles(add_days)
def _add_days_sqlite(element, compiler, **kw):
    base, days = [compiler.process(c, **kw) for c in element.clauses]
    return f"date({base}, ({days}) || ' days')"


@compiles(add_days, "postgresql")
def _add_days_pg(element, compiler, **kw):
    base, days = [compiler.process(c, **kw) for c in element.clauses]
    return f"to_char(CAST({base} AS DATE) + CAST({days} AS INTEGER), 'YYYY-MM-DD')"


class add_months(FunctionElement):
    """ISO date text plus whole months, clamped to the month's last day (Excel's EDATE)."""

    type = sa.String()
    inherit_cache = True
    name = "add_months"


@compiles(add_months)
def _add_months_sqlite(element, compiler, **kw):
    base, months = [compiler.process(c, **kw) for c in element.clauses]
    same_day = (f"date({base}, 'start of month', ({months}) || ' months', "
                f"'+' || (CAST(strftime('%d', {base}) AS INTEGER) - 1) || ' days')")
    month_end = f"date({base}, 'start of month', (({months}) + 1) || ' months', '-1 day')"
    return f"min({same_day}, {month_end})"


@compiles(add_months, "postgresql")
def _add_months_pg(element, compiler, **kw):
    base, months = [compiler.process(c, **kw) for c in element.clauses]
    return (f"to_char(CAST({base} AS DATE) + make_interval(months => CAST({months} AS INTEGER)), "
            f"'YYYY-MM-DD')")


# --- the SQL every reader of a field shares ----------------------------------------------------

UNQUALIFIED_DATA = sa.column("data")  # the data column as index DDL names it


def field_text(data_column, key: str):
    """A field as text, NULL when blank. Filters, sorts, group-bys, expression indexes and planner
    statistics all read fields through this, so PostgreSQL and SQLite match them to each other."""
    return json_text(data_column, key)


def field_number(data_column, key: str):
    """A number field as a float, NULL when blank (and, on PostgreSQL, when the JSON value is not
    a number)."""
    return sa.cast(json_number_text(data_column, key), sa.Float)


def filter_operand(data_column, key: str, spec, *, case_folded: bool = True):
    """What a pushed-down comparison of field `key` with a constant reads: the expression an index
    serving filters on the field must be built on; None for types filters do not compare.
    Text compared with a constant holding ASCII letters is folded; text compared with one without
    (phone numbers, codes) is read as is: `case_folded` picks which of the two."""
    rtype = rule_type_of(spec)
    if rtype == "number":
        return field_number(data_column, key)
    if rtype in ("date", "datetime"):
        return c_order(field_text(data_column, key))
    if rtype == "text":
        text = field_text(data_column, key)
        return ascii_lower(text) if case_folded else text
    return None


def ddl_sql(expression, dialect) -> str:
    """An expression as SQL text with its constants inlined, for CREATE INDEX / CREATE STATISTICS
    (build it over UNQUALIFIED_DATA: SQLite refuses qualified names in index expressions)."""
    return str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


# --- the compiler -----------------------------------------------------------------------------

_SQL_FIELD_TYPES = {"number", "text", "date", "datetime", "boolean", "list"}
_NULL_GUARDED_TYPES = {"number", "text", "date", "datetime"}  # blank <=> the JSON text is NULL
_CONDITION_CALLS = {"ISBLANK", "CONTAINS", "AND", "OR", "NOT"}
_NON_CONSTANT_FUNCTIONS = {"RECORD_ID", "HAS_TAG"}
_CMP = {ast.Eq: "=", ast.NotEq: "<>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _flip(op: str) -> str:
    return {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)


def _iso_datetime(d: dt.datetime) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SqlCompiler:
    """Compiles over the fields of `schema` stored in `data_column`. With `scope` set it compiles
    a related record's fields (`customer.name` read as `name` of the customer's data). `columns`
    maps keys read from elsewhere than the data column (a record's created_at) to their SQL
    text in the stored format, NULL when blank."""

    def __init__(self, schema: dict, data_column, env: EvalEnv,
                 related: Callable[[str], RelatedRows | None] | None = None, scope: str | None = None,
                 columns: dict | None = None):
        self.schema = schema or {}
        self.column = data_column
        self.columns = columns or {}
        self.env = env
        self.related = related
        self.scope = scope
        self.bare = False  # fields read without their blank default (inside a NULL guard)
        self.evaluator = RuleEvaluator()
        self.evaluator.env = env
        self.evaluator.deadline = float("inf")

    # -- helpers
    def text_of(self, key: str):
        """A field's text as every read of it in this compiler sees it."""
        column = self.columns.get(key)
        return column if column is not None else field_text(self.column, key)

    def _has_refs(self, node) -> bool:
        for sub in ast.walk(node):
            if hasattr(sub, "parts"):
                return True
            if type(sub) is ast.Call and sub.rule_fn.name in _NON_CONSTANT_FUNCTIONS:
                return True
        return False

    def constant(self, value) -> Typed:
        t = type(value)
        if t is ErrorValue:
            raise NotCompilable("error value")
        if t is bool:
            return Typed(sa.true() if value else sa.false(), "boolean", value, True)
        if t is int or t is float:
            return Typed(sa.literal(float(value), sa.Float()), "number", value, True)
        if t is str:
            return Typed(sa.literal(value, sa.String()), "text", value, True)
        if t is dt.date:
            return Typed(sa.literal(value.isoformat(), sa.String()), "date", value, True)
        if t is dt.datetime:
            return Typed(sa.literal(_iso_datetime(value), sa.String()), "datetime", value, True)
        if value is None:
            return Typed(None, "blank", None, True)
        if t is list:
            return Typed(None, "list", value, True)
        raise NotCompilable(f"constant {t.__name__}")

    def field_key(self, node) -> str | None:
        """The key a reference node reads in this compiler's data, None if it reads elsewhere."""
        parts = getattr(node, "parts", None)
        if parts is None:
            return None
        if self.scope is None:
            return parts[0] if len(parts) == 1 else None
        return parts[1] if len(parts) == 2 and parts[0] == self.scope else None

    def field(self, node) -> Typed:
        key = self.field_key(node)
        if key is None:
            raise NotCompilable("only the form's own fields")
        spec = self.schema.get(key)
        if spec is None:
            raise NotCompilable(f"unknown field {key}")
        rtype = rule_type_of(spec)
        if rtype not in _SQL_FIELD_TYPES:
            raise NotCompilable(f"field type {rtype}")
        if key in self.columns and rtype not in ("text", "date", "datetime"):
            raise NotCompilable(f"{rtype} read from a column")
        raw = self.text_of(key)
        if rtype == "number":
            number = field_number(self.column, key)
            return Typed(number if self.bare else sa.func.coalesce(number, 0.0), "number", raw=raw)
        if rtype == "boolean":
            return Typed(sa.func.coalesce(sa.cast(raw, sa.Boolean), sa.false()), "boolean")
        if rtype == "list":
            return Typed(None, "list", key=key)
        return Typed(raw if self.bare else sa.func.coalesce(raw, ""), rtype, key=key, raw=raw)

    def blank_truth(self, node) -> bool:
        """Whether the condition holds for a record whose fields are all blank."""
        self.evaluator.data = {}
        value = to_bool(self.evaluator._eval(node))
        if type(value) is ErrorValue:
            raise NotCompilable("error value for a blank record")
        return value is True

    def references(self, node) -> list | None:
        """The reference nodes under node; None when it calls record-specific functions."""
        found = []
        for sub in ast.walk(node):
            if hasattr(sub, "parts"):
                found.append(sub)
            elif type(sub) is ast.Call and sub.rule_fn.name in _NON_CONSTANT_FUNCTIONS:
                return None
        return found

    # -- entry
    def compile(self, node) -> Typed:
        if not self._has_refs(node):
            self.evaluator.data = {}
            return self.constant(self.evaluator._eval(node))
        related = self.related_condition(node)
        if related is not None:
            return Typed(related, "boolean")
        t = type(node)
        if t is ast.Name or t is ast.Attribute:
            return self.field(node)
        if t is ast.BoolOp:
            parts = [self.condition(v) for v in node.values]
            joined = sa.and_(*parts) if isinstance(node.op, ast.And) else sa.or_(*parts)
            return Typed(joined, "boolean")
        if t is ast.UnaryOp:
            return self.unary(node)
        if t is ast.BinOp:
            return self.binop(node)
        if t is ast.Compare:
            return self.compare(node)
        if t is ast.Call:
            return self.call(node)
        raise NotCompilable(t.__name__)

    def condition(self, node) -> object:
        """A SQL boolean with Python's truthiness of the value (TRUE, or a non-zero number)."""
        typed = self.compile(node)
        if typed.type == "boolean":
            return typed.expr
        if typed.type == "number":
            return typed.expr != 0
        if typed.type == "blank":
            return sa.false()
        raise NotCompilable(f"{typed.type} used as a condition")

    def unary(self, node) -> Typed:
        op = node.op
        if isinstance(op, ast.Not):
            return Typed(sa.not_(self.condition(node.operand)), "boolean")
        operand = self.compile(node.operand)
        if operand.type != "number":
            raise NotCompilable("unary operator on non-number")
        if isinstance(op, ast.USub):
            return Typed(-operand.expr, "number")
        if node.fn.__name__ == "percent":
            return Typed(operand.expr / 100.0, "number")
        return operand

    def binop(self, node) -> Typed:
        left, right = self.compile(node.left), self.compile(node.right)
        op = type(node.op)
        if op is ast.BitAnd:
            if left.type in ("text",) and right.type in ("text",):
                return Typed(left.expr.concat(right.expr), "text")
            raise NotCompilable("& of non-text")
        if left.type != "number" or right.type != "number":
            raise NotCompilable("arithmetic on non-numbers")
        if op is ast.Add:
            return Typed(left.expr + right.expr, "number")
        if op is ast.Sub:
            return Typed(left.expr - right.expr, "number")
        if op is ast.Mult:
            return Typed(left.expr * right.expr, "number")
        if op is ast.Div and right.is_const and right.const != 0:
            return Typed(left.expr / float(right.const), "number")
        raise NotCompilable("operator")

    # -- related records
    def related_condition(self, node):
        """A condition reading only one single relation's record (customer.name = 'x') as a
        subquery over the target form's records, or None when node is not one."""
        if self.related is None or self.scope is not None:
            return None
        t = type(node)
        if not (t is ast.Compare or t is ast.BoolOp or (t is ast.UnaryOp and isinstance(node.op, ast.Not))
                or (t is ast.Call and node.rule_fn.name in _CONDITION_CALLS)):
            return None
        refs = self.references(node)
        if not refs or any(len(r.parts) != 2 for r in refs) or len({r.parts[0] for r in refs}) != 1:
            return None
        key = refs[0].parts[0]
        spec = self.schema.get(key)
        if type(spec) is not dict or spec.get("type") != "relation" or spec.get("multiple") \
                or not spec.get("fields"):
            return None
        rows = self.related(key)
        if rows is None:
            return None
        inner = SqlCompiler(spec["fields"], rows.data, self.env, scope=key).condition(node)
        relation = field_text(self.column, key)
        # A missing or dangling relation reads as a blank record: it matches when blank does.
        if self.blank_truth(node):
            failing = sa.select(rows.id).where(rows.where, sa.not_(inner))
            return sa.or_(relation.is_(None), relation.not_in(failing))
        passing = sa.select(rows.id).where(rows.where, inner)
        return sa.and_(relation.is_not(None), relation.in_(passing))

    # -- comparisons
    def compare(self, node) -> Typed:
        """A comparison reading one scalar field is compiled over the bare field (NULL when
        blank) under a NULL guard holding what a blank field gives: the comparison itself is then
        on the field's own expression, which expression indexes and statistics serve."""
        refs = self.references(node)
        keys = {self.field_key(r) for r in refs} if refs else set()
        if len(keys) == 1 and None not in keys \
                and rule_type_of(self.schema.get(next(iter(keys)))) in _NULL_GUARDED_TYPES:
            blank = self.blank_truth(node)
            self.bare = True
            try:
                cond = self.compare_plain(node)
            finally:
                self.bare = False
            raw = self.text_of(next(iter(keys)))
            # The comparison first: both dialects stop there for most rows, so the guard's second
            # read of the field (a second JSON parse on SQLite) runs only for the rest.
            guarded = sa.or_(cond, raw.is_(None)) if blank else sa.and_(cond, raw.is_not(None))
            return Typed(guarded, "boolean")
        return Typed(self.compare_plain(node), "boolean")

    def compare_plain(self, node):
        op_node = node.ops[0]
        if isinstance(op_node, (ast.In, ast.NotIn)):
            cond = self.membership(node.left, node.comparators[0])
            return sa.not_(cond) if isinstance(op_node, ast.NotIn) else cond
        op = _CMP[type(op_node)]
        shortcut = self.days_shortcut(op, node.left, node.comparators[0])
        if shortcut is not None:
            return shortcut
        left, right = self.compile(node.left), self.compile(node.comparators[0])
        return self.compare_typed(op, left, right)

    def compare_typed(self, op: str, left: Typed, right: Typed):
        if left.type == "blank" and right.type == "blank":
            return sa.true() if op in ("=", "<=", ">=") else sa.false()
        if left.type == "blank":
            left = self.blank_like(right)
        if right.type == "blank":
            right = self.blank_like(left)
        if left.is_const and not right.is_const:
            return self.compare_typed(_flip(op), right, left)
        lt, rt = left.type, right.type
        if rt == "text" and right.is_const and lt in ("date", "datetime"):
            parsed = parse_date_text(right.const.strip())
            if parsed is None:
                raise NotCompilable("text compared with a date")
            right = self.constant(parsed)
            rt = right.type
        if lt == rt == "number":
            return _cmp_sql(op, left.expr, right.expr)
        if lt == rt == "text":
            if right.is_const and op in ("=", "<>") and not _has_ascii_letter(right.const):
                # lower() cannot make text equal to a constant without ASCII letters: skip it
                return _cmp_sql(op, left.expr, sa.literal(right.const))
            lhs = ascii_lower(left.expr)
            rhs = sa.literal(fold(right.const)) if right.is_const else ascii_lower(right.expr)
            return _cmp_sql(op, lhs, c_order(rhs) if op not in ("=", "<>") else rhs)
        if lt == rt == "boolean":
            as_int = lambda e: sa.case((e, 1), else_=0)  # noqa: E731
            return _cmp_sql(op, as_int(left.expr), as_int(right.expr))
        if lt == "datetime" and rt == "datetime" and right.is_const:
            return self.datetime_vs_moment(op, left, right.const)
        if lt == rt == "date" or lt == rt == "datetime":
            return _cmp_sql(op, c_order(left.expr), right.expr)
        if lt == "datetime" and rt == "date" and right.is_const:
            moment = self.with_env(local_midnight, right.const)
            return self.compare_typed(op, left, self.constant(moment))
        if lt == "date" and rt == "datetime" and right.is_const:
            return self.date_vs_moment(op, left, right.const)
        raise NotCompilable(f"{lt} compared with {rt}")

    def days_shortcut(self, op: str, left_node, right_node):
        """DAYS(constant, d) op k as a comparison of d with a date constant: no per-row date math,
        and an index on the field can serve it. Blank d (serial 0) stays lowest as ''."""
        if self._is_days_call(right_node) and not self._has_refs(left_node):
            left_node, right_node, op = right_node, left_node, _flip(op)
        if not self._is_days_call(left_node) or self._has_refs(right_node):
            return None
        k = self.compile(right_node)
        if k.type != "number" or not float(k.const).is_integer():
            return None
        end, start = left_node.args
        if self._has_refs(end) == self._has_refs(start):
            return None
        field_node, const_node = (start, end) if self._has_refs(start) else (end, start)
        field = self.compile(field_node)
        if field.type != "date" or field.is_const:
            return None
        anchor = self.with_env(_to_day_const, self.compile(const_node).const)
        try:
            if field_node is start:   # anchor - d op k  <=>  d flip(op) anchor - k
                target, op = anchor - dt.timedelta(days=int(k.const)), _flip(op)
            else:                     # d - anchor op k  <=>  d op anchor + k
                target = anchor + dt.timedelta(days=int(k.const))
        except OverflowError:
            return None
        return _cmp_sql(op, c_order(field.expr), sa.literal(target.isoformat()))

    @staticmethod
    def _is_days_call(node) -> bool:
        return type(node) is ast.Call and node.rule_fn.name == "DAYS"

    def date_vs_moment(self, op, left: Typed, moment: dt.datetime):
        local = moment.astimezone(self.env.zone)
        day = local.date()
        exact = local.time() == dt.time(0)
        later = day if exact else day + dt.timedelta(days=1)
        lit = lambda d: sa.literal(d.isoformat())  # noqa: E731
        col = c_order(left.expr)
        if op == ">":
            return col > lit(day)
        if op == ">=":
            return col >= lit(later)
        if op == "<":
            return col < lit(later)
        if op == "<=":
            return col <= lit(day)
        equal = (col == lit(day)) if exact else sa.false()
        return equal if op == "=" else sa.not_(equal)

    def datetime_vs_moment(self, op, left: Typed, moment: dt.datetime):
        if moment.microsecond == 0:
            return _cmp_sql(op, c_order(left.expr), sa.literal(_iso_datetime(moment)))
        # Stored date-times have whole seconds: compare with the second before the moment.
        floor = sa.literal(_iso_datetime(moment.replace(microsecond=0)))
        col = c_order(left.expr)
        if op in (">", ">="):
            return col > floor
        if op in ("<", "<="):
            return col <= floor
        return sa.false() if op == "=" else sa.true()

    def blank_like(self, other: Typed) -> Typed:
        if other.type == "number":
            return self.constant(0)
        if other.type == "text":
            return self.constant("")
        if other.type == "boolean":
            return self.constant(False)
        if other.type in ("date", "datetime"):
            return Typed(sa.literal(""), other.type, None, True)
        raise NotCompilable("blank compared with a list")

    def with_env(self, fn, *args):
        previous = set_current_env(self.env)
        try:
            return fn(*args)
        finally:
            set_current_env(previous)

    def membership(self, needle_node, hay_node):
        needle, hay = self.compile(needle_node), self.compile(hay_node)
        if hay.type == "list" and hay.is_const:
            items = [self.constant(v) for v in hay.const]
            if not items:
                return sa.false()
            if not needle.is_const and needle.type in ("text", "number") \
                    and all(item.type == needle.type for item in items):
                # one IN list: the field is extracted from the JSON once, not once per item
                if needle.type == "number":
                    return needle.expr.in_([float(item.const) for item in items])
                return ascii_lower(needle.expr).in_(sorted({fold(item.const) for item in items}))
            return sa.or_(*[self.compare_typed("=", needle, item) for item in items])
        if hay.is_const and hay.type == "text" and needle.type == "text" and not needle.is_const:
            return text_position(sa.literal(fold(hay.const)), ascii_lower(needle.expr)) > 0
        if not needle.is_const or needle.type != "text" or needle.const == "":
            raise NotCompilable("membership needs a non-empty constant text")
        if hay.type == "list":
            return self.list_has(hay, needle.const)
        if hay.type == "text" and not hay.is_const:
            return text_position(ascii_lower(hay.expr), sa.literal(fold(needle.const))) > 0
        raise NotCompilable("membership")

    def list_has(self, hay: Typed, text: str):
        exact = json_list_has_text(self.column, hay.key, sa.literal(fold(text)))
        if _PLAIN_ASCII.fullmatch(text):
            # ASCII text appears verbatim in the stored JSON: a cheap substring test first
            raw = field_text(self.column, hay.key)
            quoted = sa.literal('"' + fold(text) + '"')
            return sa.and_(text_position(ascii_lower(raw), quoted) > 0, exact)
        return exact

    # -- functions
    def call(self, node) -> Typed:
        name = node.rule_fn.name
        args = node.args
        if name == "ISBLANK":
            key = self.field_key(args[0])
            if key is None or key not in self.schema:
                raise NotCompilable("ISBLANK of an expression")
            raw = self.text_of(key)
            return Typed(sa.or_(raw.is_(None), raw == "", raw == "[]"), "boolean")
        if name == "CONTAINS":
            hay, needle = self.compile(args[0]), self.compile(args[1])
            if not needle.is_const or needle.type != "text" or needle.const == "":
                raise NotCompilable("CONTAINS needs a non-empty constant text")
            if hay.type == "list" and not hay.is_const:
                return Typed(self.list_has(hay, needle.const), "boolean")
            if hay.type == "text":
                return Typed(text_position(ascii_lower(hay.expr), sa.literal(fold(needle.const))) > 0,
                             "boolean")
            raise NotCompilable("CONTAINS")
        if name in ("AND", "OR"):
            parts = [self.condition(a) for a in args]
            return Typed(sa.and_(*parts) if name == "AND" else sa.or_(*parts), "boolean")
        if name == "NOT":
            return Typed(sa.not_(self.condition(args[0])), "boolean")
        if name == "DAYS":
            end, start = self.date_text(args[0]), self.date_text(args[1])
            return Typed(days_between(end, start), "number")
        if name in ("YEAR", "MONTH", "DAY"):
            arg = self.compile(args[0])
            if arg.type != "date" or arg.is_const:
                raise NotCompilable(f"{name} of a non-date field")
            start, length, blank = {"YEAR": (1, 4, 1900), "MONTH": (6, 2, 1), "DAY": (9, 2, 0)}[name]
            part = sa.cast(sa.func.substr(arg.expr, start, length), sa.Integer)
            return Typed(sa.case((arg.expr == "", blank), else_=part), "number")
        if name == "DATEADD":
            return self.dateadd(args)
        raise NotCompilable(name)

    def date_text(self, node):
        """ISO date text of a date field or constant (blank counts as 1899-12-30)."""
        typed = self.compile(node)
        if typed.is_const:
            value = self.with_env(_to_day_const, typed.const)
            return sa.literal(value.isoformat())
        if typed.type != "date":
            raise NotCompilable("date function on a non-date")
        return sa.func.coalesce(sa.func.nullif(typed.expr, ""), BLANK_DATE)

    def dateadd(self, args) -> Typed:
        if len(args) > 2:
            unit_node = args[2]
            if self._has_refs(unit_node):
                raise NotCompilable("DATEADD unit")
            unit = self.compile(unit_node).const
        else:
            unit = "day"
        amount = self.compile(args[1])
        if not amount.is_const or type(amount.const) not in (int, float) or amount.const < 0 \
                or not float(amount.const).is_integer():
            raise NotCompilable("DATEADD amount")
        from app.rule_engine.functions.date import _UNITS

        kind = _UNITS.get(str(unit).strip().lower())
        base = self.date_text(args[0])
        n = int(amount.const)
        if kind in ("day", "week"):
            days = n * (7 if kind == "week" else 1)
            return Typed(add_days(base, sa.literal(days, sa.Integer)), "date")
        if kind in ("month", "year"):
            months = n * (12 if kind == "year" else 1)
            return Typed(add_months(base, sa.literal(months, sa.Integer)), "date")
        raise NotCompilable("DATEADD unit")


def _to_day_const(value):
    from app.rule_engine.values import to_day

    day = to_day(value)
    if type(day) is not dt.date:
        raise NotCompilable("not a date")
    return day


def _has_ascii_letter(text: str) -> bool:
    return any("a" <= c <= "z" or "A" <= c <= "Z" for c in text)


def _cmp_sql(op: str, a, b):
    return {"=": a == b, "<>": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def to_sql(expression: str, schema: dict, data_column, *, env: EvalEnv | None = None,
           related: Callable[[str], RelatedRows | None] | None = None, columns: dict | None = None):
    """A WHERE condition equivalent to Python evaluation of `expression`, or None. `related` maps
    a single relation's key to its target records (RelatedRows): conditions on the related
    record's fields (customer.name = 'x') then compile to a subquery over them. `columns` maps
    keys of `schema` read from other columns than `data_column` to their SQL text."""
    env = env or DEFAULT_ENV
    try:
        parsed = parse(expression)
    except RuleError:
        return None
    compiler = SqlCompiler(schema, data_column, env, related, columns=columns)
    previous = set_current_env(env)
    try:
        return compiler.condition(parsed.tree)
    except (NotCompilable, RuleError):
        return None
    finally:
        set_current_env(previous)
