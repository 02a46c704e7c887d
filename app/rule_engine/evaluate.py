"""Evaluation: a tightened simpleeval walking our parsed AST with Excel semantics, limits and a time budget."""
from __future__ import annotations

import ast
import threading
import time

from simpleeval import SimpleEval

from app.rule_engine.errors import RuleLimitError, RuleSyntaxError
from app.rule_engine.syntax import ParsedExpression, parse
from app.rule_engine.values import (
    DEFAULT_ENV, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, NUM, VALUE, EvalEnv, ErrorValue, normalize_number,
    parse_date_text, set_current_env, to_bool,
)

TIME_BUDGET_SECONDS = 0.5
_DATE_RESULTS = {"date", "datetime"}
_clock = time.perf_counter


def _field_type(spec) -> str | None:
    if not spec:
        return None
    if type(spec) is str:
        return spec
    t = spec.get("type")
    if t in ("lookup", "rollup", "formula"):
        return spec.get("result")
    return t


def _typed(value, spec):
    """Stored ISO text of date and date-time fields becomes a date; the rest is read as stored."""
    if type(value) is str and value and _field_type(spec) in _DATE_RESULTS:
        parsed = parse_date_text(value)
        return value if parsed is None else parsed
    if type(value) is list and _field_type(spec) in _DATE_RESULTS:
        return [_typed(v, spec) for v in value]
    return value


def _step(value, part: str):
    t = type(value)
    if t is dict:
        return value.get(part)
    if t is list:
        return [item.get(part) if type(item) is dict else None for item in value]
    return None


class RuleEvaluator(SimpleEval):
    """simpleeval with only the node types our parser produces, Excel operators and vetted functions."""

    def __init__(self):
        super().__init__(operators={}, functions={}, names={})
        self.nodes = {
            ast.Constant: self._eval_constant, ast.Name: self._eval_field,
            ast.Attribute: self._eval_reference, ast.BinOp: self._eval_binop,
            ast.UnaryOp: self._eval_unaryop, ast.BoolOp: self._eval_boolop,
            ast.Compare: self._eval_compare, ast.Call: self._eval_call,
            ast.List: self._eval_list, ast.Tuple: self._eval_list,
        }
        self.data: dict = {}
        self.schema: dict | None = None
        self.env: EvalEnv = DEFAULT_ENV
        self.deadline = 0.0
        self.budget = TIME_BUDGET_SECONDS
        self.busy = False
        self._today = None
        self._now = None

    # Values handed out are plain data produced by our own functions, so simpleeval's per-node
    # scan for modules and forbidden callables has nothing to find; skipping it keeps us fast.
    def _eval(self, node):
        try:
            handler = self.nodes[type(node)]
        except KeyError:
            raise RuleSyntaxError("syntax", getattr(node, "col_offset", 0), self.expr,
                                  detail=type(node).__name__) from None
        return handler(node)

    @staticmethod
    def _eval_constant(node):
        return node.value

    def _eval_field(self, node):
        value = self.data.get(node.id)
        if self.schema is not None and type(value) is str:
            return _typed(value, self.schema.get(node.id))
        return value

    def _eval_reference(self, node):
        parts = node.parts
        value = self.data.get(parts[0])
        spec = self.schema.get(parts[0]) if self.schema is not None else None
        for part in parts[1:]:
            value = _step(value, part)
            fields = spec.get("fields") if type(spec) is dict else None
            spec = fields.get(part) if fields else None
        return _typed(value, spec) if spec else value

    def _eval_binop(self, node):
        return node.fn(self._eval(node.left), self._eval(node.right))

    def _eval_unaryop(self, node):
        return node.fn(self._eval(node.operand))

    def _eval_compare(self, node):
        return node.fn(self._eval(node.left), self._eval(node.comparators[0]))

    def _eval_boolop(self, node):
        stop_at = isinstance(node.op, ast.Or)
        for value_node in node.values:
            value = to_bool(self._eval(value_node))
            if type(value) is ErrorValue:
                return value
            if value is stop_at:
                return stop_at
        return not stop_at

    def _eval_list(self, node):
        return [self._eval(e) for e in node.elts]

    def _eval_call(self, node):
        fn = node.rule_fn
        if _clock() > self.deadline:
            raise RuleLimitError("timeout", node.col_offset, self.expr, limit=int(self.budget * 1000))
        if fn.lazy:
            return fn.impl(self, node.args)
        args = [self._eval(a) for a in node.args]
        coercers = fn.coercers
        n_fixed = len(coercers)
        for i, value in enumerate(args):
            coerce = coercers[i] if i < n_fixed else fn.var_coercer
            if coerce is not None:
                value = coerce(value)
                args[i] = value
            if type(value) is ErrorValue and not fn.accepts_errors:
                return value
        try:
            result = fn.impl(self, *args) if fn.contextual else fn.impl(*args)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            return VALUE
        except (ArithmeticError, OverflowError):
            return NUM
        t = type(result)
        if t is str and len(result) > MAX_TEXT_LENGTH:
            raise RuleLimitError("text_too_long", node.col_offset, self.expr, limit=MAX_TEXT_LENGTH)
        if t is list and len(result) > MAX_LIST_LENGTH:
            raise RuleLimitError("list_too_long", node.col_offset, self.expr, limit=MAX_LIST_LENGTH)
        return result

    # Per-evaluation memo of the clock, so TODAY() is one value within one evaluation.
    def today(self):
        if self._today is None:
            self._today = self.env.today()
        return self._today

    def now(self):
        if self._now is None:
            self._now = self.env.current_time()
        return self._now


_local = threading.local()


def _evaluator() -> RuleEvaluator:
    ev = getattr(_local, "evaluator", None)
    if ev is None or ev.busy:
        ev = RuleEvaluator()
        if getattr(_local, "evaluator", None) is None:
            _local.evaluator = ev
    return ev


def evaluate_parsed(parsed: ParsedExpression, data: dict | None, env: EvalEnv | None = None,
                    schema: dict | None = None, time_budget: float | None = None):
    """Evaluate an already parsed expression against one record's values."""
    ev = _evaluator()
    env = env or DEFAULT_ENV
    previous = set_current_env(env)
    ev.busy = True
    ev.data = data if data is not None else {}
    ev.schema = schema if schema is not None else env.schema
    ev.env = env
    ev._today = ev._now = None
    ev.budget = TIME_BUDGET_SECONDS if time_budget is None else time_budget
    ev.deadline = _clock() + ev.budget
    try:
        result = ev.eval(parsed.text, previously_parsed=parsed.tree)
    except RecursionError:
        raise RuleLimitError("too_deep", 0, parsed.text, limit=0) from None
    except MemoryError:
        raise RuleLimitError("text_too_long", 0, parsed.text, limit=MAX_TEXT_LENGTH) from None
    finally:
        ev.busy = False
        ev.data = {}
        set_current_env(previous)
    if type(result) is float:
        return normalize_number(result)
    return result


def evaluate(expression: str, data: dict | None = None, *, env: EvalEnv | None = None,
             schema: dict | None = None, time_budget: float | None = None):
    """Value of `expression` for the record `data`; Excel errors come back as ErrorValue.

    Raises RuleSyntaxError / RuleNameError for an expression that does not parse and
    RuleLimitError when a limit (size, depth, text or list length, time) is exceeded."""
    return evaluate_parsed(parse(expression), data, env, schema, time_budget)


def matches(expression: str, data: dict | None = None, *, env: EvalEnv | None = None,
            schema: dict | None = None) -> bool:
    """Filter semantics: TRUE (or a non-zero number) matches; FALSE, blank, text and errors do not."""
    value = to_bool(evaluate(expression, data, env=env, schema=schema))
    return value is True
