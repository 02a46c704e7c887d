"""Compilation of a parsed expression into nested Python closures, built once and called per
record: the same Excel semantics, limits and time budget as walking the tree with the evaluator,
without its per-node dispatch. With a fixed schema the field types are resolved when compiling."""
from __future__ import annotations

import ast
import functools
import time

from app.rule_engine.errors import RuleLimitError, RuleSyntaxError
from app.rule_engine.syntax import ParsedExpression
from app.rule_engine.values import (
    DEFAULT_ENV, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, NA, NUM, VALUE, EvalEnv, ErrorValue, equals,
    current_env, normalize_number, parse_date_text, set_current_env, to_bool,
)

TIME_BUDGET_SECONDS = 0.5
_DATE_RESULTS = {"date", "datetime"}
_clock = time.perf_counter
# The schema is read from each call (evaluate_parsed's schema argument or the env's).
DYNAMIC = object()


def field_type(spec) -> str | None:
    if not spec:
        return None
    if type(spec) is str:
        return spec
    t = spec.get("type")
    if t in ("lookup", "rollup", "formula"):
        return spec.get("result")
    return t


@functools.lru_cache(maxsize=4096)
def _date_of(text: str, zone) -> object:
    # Formulas of one record read the same stored dates again and again; the result is
    # immutable and depends only on the text and the zone naive date-times are read in.
    return parse_date_text(text)


def typed(value, spec):
    """Stored ISO text of date and date-time fields becomes a date; the rest is read as stored."""
    if type(value) is str and value and field_type(spec) in _DATE_RESULTS:
        parsed = _date_of(value, current_env().zone)
        return value if parsed is None else parsed
    if type(value) is list and field_type(spec) in _DATE_RESULTS:
        return [typed(v, spec) for v in value]
    return value


def step(value, part: str):
    t = type(value)
    if t is dict:
        return value.get(part)
    if t is list:
        return [item.get(part) if type(item) is dict else None for item in value]
    return None


def _walk_spec(spec, parts):
    for part in parts:
        fields = spec.get("fields") if type(spec) is dict else None
        spec = fields.get(part) if fields else None
    return spec


class Scope:
    """What one evaluation reads: the record, the schema, the env, the clock memo and the budget.
    Lazy functions (IF, IFS, ...) evaluate their argument nodes through `_eval`; contextual ones
    read `env`, `today()` and `now()`."""

    __slots__ = ("data", "schema", "env", "expr", "deadline", "budget", "nodes", "_today", "_now")

    def __init__(self, data, schema, env, expr, budget, nodes):
        self.data, self.schema, self.env, self.expr = data, schema, env, expr
        self.budget, self.nodes = budget, nodes
        self.deadline = _clock() + budget
        self._today = self._now = None

    def _eval(self, node):
        return self.nodes[id(node)](self)

    # One value of the clock within one evaluation, so TODAY() agrees with itself.
    def today(self):
        if self._today is None:
            self._today = self.env.today()
        return self._today

    def now(self):
        if self._now is None:
            self._now = self.env.current_time()
        return self._now


class CompiledExpression:
    """An expression ready to run: `run(data, env)` gives what evaluate_parsed gives."""

    __slots__ = ("parsed", "schema", "root", "nodes")

    def __init__(self, parsed: ParsedExpression, schema=DYNAMIC):
        self.parsed, self.schema = parsed, schema
        self.nodes: dict[int, object] = {}
        self.root = _Compiler(self, schema).compile(parsed.tree)

    def run(self, data: dict | None, env: EvalEnv | None = None, schema: dict | None = None,
            time_budget: float | None = None):
        env = env or DEFAULT_ENV
        previous = set_current_env(env)
        try:
            return self.run_in_env(data, env, schema, time_budget)
        finally:
            set_current_env(previous)

    def run_in_env(self, data: dict | None, env: EvalEnv, schema: dict | None = None,
                   time_budget: float | None = None):
        """`run` for a caller that made `env` the current one (values.set_current_env) around
        many runs, e.g. every formula of a record."""
        if self.schema is DYNAMIC:
            schema = schema if schema is not None else env.schema
        scope = Scope(data if data is not None else {}, schema, env, self.parsed.text,
                      TIME_BUDGET_SECONDS if time_budget is None else time_budget, self.nodes)
        try:
            result = self.root(scope)
        except RecursionError:
            raise RuleLimitError("too_deep", 0, self.parsed.text, limit=0) from None
        except MemoryError:
            raise RuleLimitError("text_too_long", 0, self.parsed.text,
                                 limit=MAX_TEXT_LENGTH) from None
        if type(result) is float:
            return normalize_number(result)
        return result


class _Compiler:
    def __init__(self, target: CompiledExpression, schema):
        self.target, self.schema = target, schema

    def compile(self, node):
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            return _unknown(node)
        fn = handler(node)
        self.target.nodes[id(node)] = fn
        return fn

    @staticmethod
    def _Constant(node):
        value = node.value
        return lambda scope: value

    def _Name(self, node):
        key = node.id
        if self.schema is DYNAMIC:
            def field(scope):
                value = scope.data.get(key)
                if scope.schema is not None and type(value) is str:
                    return typed(value, scope.schema.get(key))
                return value
            return field
        spec = self.schema.get(key) if self.schema is not None else None
        if field_type(spec) in _DATE_RESULTS:
            def date_field(scope):
                value = scope.data.get(key)
                return typed(value, spec) if type(value) is str else value
            return date_field
        return lambda scope: scope.data.get(key)

    def _Attribute(self, node):
        first, rest = node.parts[0], node.parts[1:]
        if self.schema is DYNAMIC:
            def reference(scope):
                value = scope.data.get(first)
                spec = scope.schema.get(first) if scope.schema is not None else None
                for part in rest:
                    value = step(value, part)
                    fields = spec.get("fields") if type(spec) is dict else None
                    spec = fields.get(part) if fields else None
                return typed(value, spec) if spec else value
            return reference
        spec = _walk_spec(self.schema.get(first) if self.schema is not None else None, rest)
        dated = field_type(spec) in _DATE_RESULTS

        def static_reference(scope):
            value = scope.data.get(first)
            for part in rest:
                value = step(value, part)
            return typed(value, spec) if dated else value
        return static_reference

    def _BinOp(self, node):
        fn, left, right = node.fn, self.compile(node.left), self.compile(node.right)
        return lambda scope: fn(left(scope), right(scope))

    def _UnaryOp(self, node):
        fn, operand = node.fn, self.compile(node.operand)
        return lambda scope: fn(operand(scope))

    def _Compare(self, node):
        fn, left, right = node.fn, self.compile(node.left), self.compile(node.comparators[0])
        return lambda scope: fn(left(scope), right(scope))

    def _BoolOp(self, node):
        stop_at = isinstance(node.op, ast.Or)
        values = [self.compile(v) for v in node.values]

        def boolean(scope):
            for value_fn in values:
                value = to_bool(value_fn(scope))
                if type(value) is ErrorValue:
                    return value
                if value is stop_at:
                    return stop_at
            return not stop_at
        return boolean

    def _List(self, node):
        items = [self.compile(e) for e in node.elts]
        return lambda scope: [item(scope) for item in items]

    _Tuple = _List

    def _Call(self, node):
        fn = node.rule_fn
        offset = node.col_offset
        args = [self.compile(a) for a in node.args]
        if fn.lazy:
            impl, arg_nodes = fn.impl, node.args
            inline = _INLINE_LAZY.get(fn.name)
            if inline is not None and fn.impl is _lazy_impls()[fn.name]:
                return inline(args, offset)

            def lazy_call(scope):
                if _clock() > scope.deadline:
                    raise RuleLimitError("timeout", offset, scope.expr,
                                         limit=int(scope.budget * 1000))
                return impl(scope, arg_nodes)
            return lazy_call
        n_fixed = len(fn.coercers)
        coercers = [fn.coercers[i] if i < n_fixed else fn.var_coercer for i in range(len(args))]
        plan = list(enumerate(coercers))
        impl, contextual, accepts_errors = fn.impl, fn.contextual, fn.accepts_errors

        def call(scope):
            if _clock() > scope.deadline:
                raise RuleLimitError("timeout", offset, scope.expr, limit=int(scope.budget * 1000))
            values = [arg(scope) for arg in args]
            for i, coerce in plan:
                value = values[i]
                if coerce is not None:
                    value = coerce(value)
                    values[i] = value
                if type(value) is ErrorValue and not accepts_errors:
                    return value
            try:
                result = impl(scope, *values) if contextual else impl(*values)
            except (ValueError, TypeError, AttributeError, KeyError, IndexError):
                return VALUE
            except (ArithmeticError, OverflowError):
                return NUM
            t = type(result)
            if t is str and len(result) > MAX_TEXT_LENGTH:
                raise RuleLimitError("text_too_long", offset, scope.expr, limit=MAX_TEXT_LENGTH)
            if t is list and len(result) > MAX_LIST_LENGTH:
                raise RuleLimitError("list_too_long", offset, scope.expr, limit=MAX_LIST_LENGTH)
            return result
        return call


def _timeout(scope, offset):
    return RuleLimitError("timeout", offset, scope.expr, limit=int(scope.budget * 1000))


# IF, IFS, SWITCH and IFERROR as closures over their compiled arguments: what the functions in
# functions/logic.py do, without going through node lookups for every branch.
def _if(args, offset):
    cond_fn, then_fn = args[0], args[1]
    else_fn = args[2] if len(args) > 2 else None

    def if_(scope):
        if _clock() > scope.deadline:
            raise _timeout(scope, offset)
        cond = to_bool(cond_fn(scope))
        if type(cond) is ErrorValue:
            return cond
        if cond:
            return then_fn(scope)
        return else_fn(scope) if else_fn is not None else False
    return if_


def _ifs(args, offset):
    pairs = list(zip(args[0::2], args[1::2]))
    odd = len(args) % 2

    def ifs(scope):
        if _clock() > scope.deadline:
            raise _timeout(scope, offset)
        if odd:
            return VALUE
        for cond_fn, value_fn in pairs:
            cond = to_bool(cond_fn(scope))
            if type(cond) is ErrorValue:
                return cond
            if cond:
                return value_fn(scope)
        return NA
    return ifs


def _switch(args, offset):
    value_fn, rest = args[0], args[1:]
    pairs = [(rest[i], rest[i + 1]) for i in range(0, len(rest) - 1, 2)]
    default = rest[-1] if len(rest) % 2 else None

    def switch(scope):
        if _clock() > scope.deadline:
            raise _timeout(scope, offset)
        value = value_fn(scope)
        if type(value) is ErrorValue:
            return value
        for case_fn, result_fn in pairs:
            case = case_fn(scope)
            if type(case) is ErrorValue:
                return case
            if equals(value, case):
                return result_fn(scope)
        if default is not None:
            return default(scope)
        return NA
    return switch


def _iferror(args, offset):
    value_fn, fallback_fn = args

    def iferror(scope):
        if _clock() > scope.deadline:
            raise _timeout(scope, offset)
        value = value_fn(scope)
        if type(value) is ErrorValue:
            return fallback_fn(scope)
        return value
    return iferror


_INLINE_LAZY = {"IF": _if, "IFS": _ifs, "SWITCH": _switch, "IFERROR": _iferror}


def _lazy_impls() -> dict:
    from app.rule_engine.functions import logic

    return {"IF": logic.IF, "IFS": logic.IFS, "SWITCH": logic.SWITCH, "IFERROR": logic.IFERROR}


def _unknown(node):
    def refuse(scope):
        raise RuleSyntaxError("syntax", getattr(node, "col_offset", 0), scope.expr,
                              detail=type(node).__name__)
    return refuse


def compile_parsed(parsed: ParsedExpression, schema=DYNAMIC) -> CompiledExpression:
    """Closures for `parsed`; with a schema (a dict that is not changed afterwards, or None for
    no typing) date fields are known now, else each run reads the schema it is given."""
    return CompiledExpression(parsed, schema)
