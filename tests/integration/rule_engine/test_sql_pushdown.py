"""SQL push-down selects exactly the records Python evaluation matches, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects.postgresql import JSONB

from app.rule_engine import EvalEnv, matches
from app.rule_engine.sql import to_sql

REQUIRE_SERVICES = os.environ.get("FORMLOOM_REQUIRE_SERVICES", "") not in ("", "0", "false")
PG_ADMIN_URL = os.environ.get("FORMLOOM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

SCHEMA = {
    "n": {"type": "number"}, "m": {"type": "number"}, "t": {"type": "text"},
    "s": {"type": "select"}, "d": {"type": "date"}, "e": {"type": "date"},
    "ts": {"type": "datetime"}, "b": {"type": "checkbox"}, "tags": {"type": "multiselect"},
    "total": {"type": "formula", "result": "number"},
}
metadata = sa.MetaData()
records = sa.Table(
    "rule_records", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("data", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
)


def _pg_engine():
    try:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT",
                                 connect_args={"connect_timeout": 2})
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        if REQUIRE_SERVICES:
            pytest.fail(f"PostgreSQL is required (FORMLOOM_REQUIRE_SERVICES) but unreachable: {exc}")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"formloom_rules_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = sa.create_engine(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    return engine, admin, name


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def engine(request):
    if request.param == "sqlite":
        engine = sa.create_engine("sqlite://")
        metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    engine, admin, name = _pg_engine()
    metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def sql_ids(engine, condition) -> set[int]:
    with engine.connect() as conn:
        return set(conn.scalars(sa.select(records.c.id).where(condition)))


def load(engine, rows: list[dict]) -> None:
    with engine.begin() as conn:
        conn.execute(records.delete())
        if rows:
            conn.execute(records.insert(), [{"id": i, "data": r} for i, r in enumerate(rows)])


def python_ids(expression, rows, env) -> set[int]:
    return {i for i, r in enumerate(rows) if matches(expression, r, env=env, schema=SCHEMA)}


# --- strategies -------------------------------------------------------------------------------

MISSING = object()
numbers = st.sampled_from([None, 0, 1, 2, -3, 0.5, 2.25, -1.5, 10, 1000, 99.99])
texts = st.sampled_from([None, "", "abc", "ABC", "ab", "Abd", "已退款", "待付款", "zeta", "É", "é", "a b"])
dates = st.one_of(st.sampled_from([None, ""]), st.dates(dt.date(2023, 12, 20), dt.date(2025, 3, 10)).map(
    lambda d: d.isoformat()))
datetimes = st.one_of(st.none(), st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2025, 3, 3)).map(
    lambda d: d.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")))
tag_lists = st.sampled_from([None, [], ["vip"], ["VIP", "new"], ["老客户"], ["new"]])
FIELD_VALUES = {"n": numbers, "m": numbers, "t": texts, "s": texts, "d": dates, "e": dates,
                "ts": datetimes, "b": st.sampled_from([None, True, False]), "tags": tag_lists,
                "total": numbers}


@st.composite
def record(draw):
    row = {}
    for key, values in FIELD_VALUES.items():
        if draw(st.booleans()):
            row[key] = draw(values)
    return row


NUM = ["n", "m", "total", "3", "0", "-2.5", "n + 1", "n * 2", "n - m", "-n", "n / 4", "n%",
       "DAYS(d, e)", "DAYS(TODAY(), d)", "DAYS(d, DATE(2024, 6, 1))", "YEAR(d)", "MONTH(d)", "DAY(d)", "(n + m) * 0.5"]
TEXT_CONST = ['"abc"', '"ABC"', '"ab"', '""', '"已退款"', '"é"', '"zz"']
DATE_SIDE = ["d", "e", "TODAY()", "DATE(2024, 2, 29)", '"2024-03-01"', 'DATEADD(d, 30, "day")',
             'DATEADD(d, 1, "month")', 'DATEADD(e, 2, "week")', 'DATEADD(d, 1, "year")',
             'DATEADD(TODAY(), -7, "day")', "EOMONTH(DATE(2024, 1, 15), 1)"]
TS_SIDE = ["DATE(2024, 6, 1)", "NOW()", '"2024-06-01T12:00:00Z"', "TODAY()", 'DATEADD(NOW(), -30, "day")']
OPS = ["=", "<>", "<", "<=", ">", ">=", "==", "!="]


@st.composite
def atom(draw):
    kind = draw(st.integers(0, 11))
    op = draw(st.sampled_from(OPS))
    if kind <= 2:
        return f"{draw(st.sampled_from(NUM))} {op} {draw(st.sampled_from(NUM))}"
    if kind == 3:
        return f"{draw(st.sampled_from(['t', 's']))} {op} {draw(st.sampled_from(TEXT_CONST + ['s', 't']))}"
    if kind == 4:
        return f"{draw(st.sampled_from(DATE_SIDE))} {op} {draw(st.sampled_from(DATE_SIDE))}"
    if kind == 5:
        return f"ts {op} {draw(st.sampled_from(TS_SIDE + ['ts']))}"
    if kind == 6:
        return f"d {op} NOW()"
    if kind == 7:
        return draw(st.sampled_from(["DAYS(TODAY(), d) < 90", "30 >= DAYS(d, DATE(2024, 6, 1))", "b", "b = TRUE", "b <> FALSE", "not b", "n", "t & \"x\" = \"abcx\"",
                                     "n = NULL", "t = NULL", "d = NULL"]))
    if kind == 8:
        return f"ISBLANK({draw(st.sampled_from(list(SCHEMA)))})"
    if kind == 9:
        return draw(st.sampled_from(['CONTAINS(t, "ab")', 'CONTAINS(tags, "VIP")', '"vip" in tags',
                                     '"new" not in tags', 'CONTAINS(s, "已")', '"B" in t']))
    if kind == 10:
        return draw(st.sampled_from(['t in ("abc", "已退款")', "n in (1, 2, 10)", 's not in ("ab")',
                                     "d in (DATE(2024, 2, 29), TODAY())"]))
    return f"{draw(st.sampled_from(NUM))} {op} {draw(st.sampled_from(['0', '1.5', '2', '-1']))}"


def combine(children):
    return st.one_of(
        st.tuples(children, children).map(lambda p: f"({p[0]}) and ({p[1]})"),
        st.tuples(children, children).map(lambda p: f"({p[0]}) or ({p[1]})"),
        children.map(lambda c: f"not ({c})"),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: f"AND({', '.join(cs)})"),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: f"OR({', '.join(cs)})"),
    )


expressions = st.recursive(atom(), combine, max_leaves=4)
moments = st.one_of(
    st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2025, 3, 1)),
    st.dates(dt.date(2024, 1, 1), dt.date(2025, 3, 1)).map(lambda d: dt.datetime.combine(d, dt.time())),
)
zones = st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"])


@settings(max_examples=int(os.environ.get("RULE_SQL_EXAMPLES", "120")), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(expression=expressions, rows=st.lists(record(), min_size=1, max_size=8), now=moments, tz=zones)
def test_sql_and_python_select_the_same_records(engine, expression, rows, now, tz):
    if now.hour == 0 and now.minute == 0:
        from zoneinfo import ZoneInfo

        now = now.replace(tzinfo=ZoneInfo(tz)) if tz != "UTC" else now  # exactly local midnight
    env = EvalEnv(tz=tz, now=now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc))
    condition = to_sql(expression, SCHEMA, records.c.data, env=env)
    assert condition is not None, f"{expression} should compile to SQL"
    load(engine, rows)
    assert sql_ids(engine, condition) == python_ids(expression, rows, env), expression


UNCOMPILABLE = ["LEFT(t, 2) = \"ab\"", "n % 2 = 1", "n / m > 1", "customer.name = \"x\"",
                "TEXT(n, \"0.00\") = \"1.00\"", "t & n = \"a1\"", "SUM(n, m) > 1", "d + 1 > TODAY()",
                "HAS_TAG(\"vip\")", "unknown_field = 1", "1 +* 2", "t", "IF(n > 1, TRUE, FALSE)"]


@pytest.mark.parametrize("expression", UNCOMPILABLE)
def test_what_cannot_compile_returns_none_for_the_python_fallback(expression):
    assert to_sql(expression, SCHEMA, records.c.data) is None


def test_constant_filters_compile_to_constants(engine):
    load(engine, [{"n": 1}, {"n": 2}])
    assert sql_ids(engine, to_sql("1 < 2", SCHEMA, records.c.data)) == {0, 1}
    assert sql_ids(engine, to_sql("DATE(2024, 1, 1) > TODAY()", SCHEMA, records.c.data)) == set()


def test_today_is_a_bound_parameter_in_the_workspace_time_zone():
    env = EvalEnv(tz="Asia/Shanghai", now=dt.datetime(2025, 3, 1, 20, 0, tzinfo=dt.timezone.utc))
    condition = to_sql("d = TODAY()", SCHEMA, records.c.data, env=env)
    compiled = condition.compile(compile_kwargs={"literal_binds": True})
    assert "2025-03-02" in str(compiled)
