"""Registry of the rule language's functions; each category module registers its functions here."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from app.rule_engine.values import to_bool, to_date, to_day, to_number, to_text


def _as_list(v):
    return v if type(v) is list else ([] if v is None else [v])


# How each parameter kind coerces its argument before the function runs (None: passed as is).
COERCERS: dict[str, Callable | None] = {
    "number": to_number, "text": to_text, "date": to_date, "day": to_day, "boolean": to_bool,
    "any": None, "values": None, "list": _as_list, "criteria": None,
}


@dataclass
class RuleFunction:
    name: str
    impl: Callable
    category: str
    params: tuple[str, ...]          # kinds; a trailing "?" marks an optional parameter
    variadic: str | None             # kind of the repeated trailing parameter, if any
    result: str | Callable            # result type, or a function of the argument types
    lazy: bool = False               # impl(evaluator, arg_nodes): evaluates its own arguments
    accepts_errors: bool = False     # receives error values instead of returning the first one
    contextual: bool = False         # impl(evaluator, *args): reads the clock, user, record
    min_variadic: int = 0
    coercers: tuple = field(default=())
    var_coercer: Callable | None = None

    @property
    def min_args(self) -> int:
        return sum(1 for p in self.params if not p.endswith("?")) + self.min_variadic

    @property
    def max_args(self) -> int | None:
        return None if self.variadic else len(self.params)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.impl.__doc__ or "")

    def arity_text(self) -> str:
        lo, hi = self.min_args, self.max_args
        if hi is None:
            return f"{lo}+"
        return str(lo) if lo == hi else f"{lo}-{hi}"

    def param_kind(self, index: int) -> str | None:
        if index < len(self.params):
            return self.params[index].rstrip("?")
        return self.variadic


REGISTRY: dict[str, RuleFunction] = {}


def rule_function(*params: str, variadic: str | None = None, result="any", lazy=False,
                  accepts_errors=False, contextual=False, min_variadic: int | None = None,
                  name: str | None = None):
    """Register a function under its (upper-case) Python name."""

    def register(impl):
        fname = (name or impl.__name__).upper()
        fn = RuleFunction(
            name=fname, impl=impl, category=impl.__module__.rsplit(".", 1)[-1], params=params,
            variadic=variadic, result=result, lazy=lazy, accepts_errors=accepts_errors,
            contextual=contextual,
            min_variadic=(1 if variadic else 0) if min_variadic is None else min_variadic,
        )
        fn.coercers = tuple(COERCERS[p.rstrip("?")] for p in params)
        fn.var_coercer = COERCERS[variadic] if variadic else None
        REGISTRY[fname] = fn
        return impl

    return register


def flatten(values):
    """Arguments and lists (subform columns) as one flat sequence, lists marked as such."""
    for v in values:
        if type(v) is list:
            for item in v:
                if type(item) is list:
                    for inner in item:
                        yield inner, True
                else:
                    yield item, True
        else:
            yield v, False


def load_all() -> dict[str, RuleFunction]:
    from app.rule_engine.functions import date, logic, math, platform, text  # noqa: F401

    return REGISTRY


__all__ = ["REGISTRY", "RuleFunction", "rule_function", "flatten", "load_all", "to_bool", "to_date",
           "to_day", "to_number", "to_text"]
