"""Rule engine: the one Excel-like expression language of Formloom (the leaf every engine uses)."""
from app.rule_engine.check import CheckResult, check
from app.rule_engine.errors import RuleError, RuleLimitError, RuleNameError, RuleSyntaxError
from app.rule_engine.evaluate import evaluate, evaluate_parsed, matches
from app.rule_engine.sql import to_sql
from app.rule_engine.syntax import ParsedExpression, parse
from app.rule_engine.template import check_template, render_template
from app.rule_engine.values import ErrorValue, EvalEnv, to_plain

__all__ = [
    "parse", "check", "evaluate", "to_sql", "evaluate_parsed", "matches", "render_template", "check_template",
    "ParsedExpression", "CheckResult", "EvalEnv", "ErrorValue", "RuleError", "RuleSyntaxError",
    "RuleLimitError", "RuleNameError", "to_plain",
]
