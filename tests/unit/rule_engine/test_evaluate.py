"""evaluate(), matches() and render_template(): environment, clock, schema typing, threads."""
import datetime as dt
import html
import threading

import pytest

from app import clock
from app.rule_engine import ErrorValue, EvalEnv, RuleError, evaluate, matches, render_template


@pytest.fixture
def frozen_clock():
    clock.freeze(dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.timezone.utc))
    yield
    clock.reset()


def test_today_reads_the_one_clock_in_the_workspace_time_zone(frozen_clock):
    assert evaluate("TODAY()") == dt.date(2025, 3, 1)
    assert evaluate("TODAY()", env=EvalEnv(tz="Asia/Shanghai")) == dt.date(2025, 3, 2)
    clock.advance(dt.timedelta(days=1))
    assert evaluate("TODAY()") == dt.date(2025, 3, 2)
    assert evaluate("NOW()") == dt.datetime(2025, 3, 2, 20, 0, tzinfo=dt.timezone.utc)


def test_env_now_overrides_the_clock():
    env = EvalEnv(now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    assert evaluate("YEAR(TODAY())", env=env) == 2020


def test_schema_turns_stored_iso_text_into_dates():
    schema = {"d": {"type": "date"}, "t": {"type": "datetime"}}
    value = evaluate("d", {"d": "2024-02-29"}, schema=schema)
    assert value == dt.date(2024, 2, 29)
    assert evaluate("t", {"t": "2025-03-01T09:00:00Z"}, env=EvalEnv(schema=schema)) == \
        dt.datetime(2025, 3, 1, 9, tzinfo=dt.timezone.utc)
    assert evaluate("d", {"d": dt.date(2024, 1, 1)}) == dt.date(2024, 1, 1)


def test_errors_are_returned_as_values_never_raised():
    result = evaluate("amount / qty", {"amount": 1, "qty": 0})
    assert isinstance(result, ErrorValue) and result.code == "#DIV/0!"
    assert result == ErrorValue("#DIV/0!") and str(result) == "#DIV/0!"


def test_matches_is_filter_semantics():
    assert matches("amount > 1", {"amount": 2})
    assert not matches("amount / 0 > 1", {"amount": 2})
    assert not matches("name", {"name": "abc"})
    assert matches("amount", {"amount": 3})


def test_platform_functions_read_the_environment():
    env = EvalEnv(current_user="u1", record_id="r9", tags={"VIP"})
    assert evaluate("CURRENT_USER() & '/' & RECORD_ID()", env=env) == "u1/r9"
    assert evaluate("HAS_TAG('vip')", env=env) is True


def test_render_template_fills_escapes_and_formats():
    text = "回访 {{record.name}}：{{TEXT(record.amount, '#,##0.00')}} 于 {{record.due}} {{1/0}}"
    data = {"record": {"name": "<b>张三</b>", "amount": 1234.5, "due": "2025-03-01"}}
    out = render_template(text, data, escape=html.escape,
                          schema={"record": {"type": "object", "fields": {"due": {"type": "date"}}}})
    assert out == "回访 &lt;b&gt;张三&lt;/b&gt;：1,234.50 于 2025-03-01 #DIV/0!"


def test_render_template_error_is_positioned_in_the_template():
    with pytest.raises(RuleError) as info:
        render_template("hi {{ FOO(1) }}", {})
    assert info.value.offset == 6


def test_render_template_shows_datetimes_in_the_workspace_time_zone():
    env = EvalEnv(tz="Asia/Shanghai")
    out = render_template("{{t}}", {"t": "2025-03-01T09:00:00Z"}, env=env, schema={"t": "datetime"})
    assert out == "2025-03-01 17:00:00"


def test_concurrent_evaluations_on_threads_do_not_mix_records():
    errors = []

    def work(n):
        for i in range(300):
            if evaluate("x * 2 + LEN(s)", {"x": n, "s": "a" * n}) != 3 * n:
                errors.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_nested_evaluation_from_a_template_does_not_clobber_state():
    assert render_template("{{a}}-{{b}}", {"a": 1, "b": 2}) == "1-2"
