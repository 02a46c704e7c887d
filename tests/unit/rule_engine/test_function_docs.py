"""Every function documents a signature, en/zh descriptions and examples that really evaluate as shown."""
import datetime as dt
import json
import re

import pytest

from app.rule_engine import EvalEnv, evaluate, to_plain
from app.rule_engine.functions import REGISTRY

EXAMPLE = re.compile(r"^(Example|示例): (.*) => (.*)$")
ENV = EvalEnv(now=dt.datetime(2024, 6, 5, 9, 30, tzinfo=dt.timezone.utc))
FORMATS_FUNCTIONS = """IF IFS SWITCH AND OR NOT XOR ISBLANK IFERROR SUM AVERAGE MIN MAX COUNT COUNTA
COUNTIF SUMIF AVERAGEIF ROUND ROUNDUP ROUNDDOWN INT ABS MOD POWER SQRT CEILING FLOOR FIXED
CONCATENATE CONCAT TEXTJOIN TEXT LEFT RIGHT MID LEN UPPER LOWER TRIM REPLACE SUBSTITUTE SEARCH FIND
REPT VALUE CONTAINS SPLIT TODAY NOW DATE YEAR MONTH DAY HOUR MINUTE WEEKDAY WEEKNUM ISOWEEKNUM
DATEDIF DAYS EDATE EOMONTH NETWORKDAYS DATEADD RECORD_ID CURRENT_USER HAS_TAG""".split()


def examples():
    for name, fn in sorted(REGISTRY.items()):
        for line in fn.doc.splitlines():
            m = EXAMPLE.match(line.strip())
            if m:
                yield pytest.param(m.group(2), m.group(3), id=f"{name}-{m.group(1)}")


def test_every_function_of_formats_md_is_registered():
    assert sorted(set(FORMATS_FUNCTIONS) - set(REGISTRY)) == []


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_docstring_has_signature_descriptions_and_both_examples(name):
    doc = REGISTRY[name].doc
    lines = doc.splitlines()
    assert lines[0].startswith(f"{name}(") and "->" in lines[0]
    assert any(line.startswith("en: ") for line in lines)
    assert any(line.startswith("zh: ") for line in lines)
    assert any(line.startswith("Example: ") for line in lines)
    assert any(line.startswith("示例: ") for line in lines)


@pytest.mark.parametrize("expression,expected", list(examples()))
def test_docstring_example_evaluates_as_documented(expression, expected):
    assert to_plain(evaluate(expression, {}, env=ENV)) == pytest.approx(json.loads(expected))


def test_docs_rules_md_function_reference_is_generated_from_the_docstrings():
    from app.rule_engine.docs import DOC_PATH, render_reference

    document = DOC_PATH.read_text(encoding="utf-8")
    assert render_reference() in document, "run: python -m app.rule_engine.docs"
