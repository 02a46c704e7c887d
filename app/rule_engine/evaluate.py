"""Evaluation: expressions compiled once into closures (compiler.py) and run per record; the
tightened simpleeval walker below is kept for constant folding in the SQL translation."""
from __future__ import annotations

import ast
import time

from simpleeval import SimpleEval

from app.rule_engine.compiler import (
    TIME_BUDGET_SECONDS, CompiledExpression, compile_parsed, step as _step, typed as _typed,
)
from app.rule_engine.errors import RuleLimitError, RuleSyntaxError
from app.rule_engine.syntax import ParsedExpression, parse
from app.rule_engine.values import (
    DEFAULT_ENV, MAX_LIST_LENGTH, MAX_TEXT_LENGTH, NUM, VALUE, EvalEnv, ErrorValue, to_bool,
)

_clock = time.perf_counter


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


_COMPILED_MAX = 4096
_compiled: dict[str, CompiledExpression] = {}


def compiled(parsed: ParsedExpression) -> CompiledExpression:
    """The closures of an expression, compiled on first use (the schema is read per run)."""
    found = _compiled.get(parsed.text)
    if found is None:
        if len(_compiled) >= _COMPILED_MAX:
            _compiled.clear()
        found = _compiled[parsed.text] = compile_parsed(parsed)
    return found


def evaluate_parsed(parsed: ParsedExpression, data: dict | None, env: EvalEnv | None = None,
                    schema: dict | None = None, time_budget: float | None = None):
    """Evaluate an already parsed expression against one record's values."""
    return compiled(parsed).run(data, env, schema, time_budget)


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
