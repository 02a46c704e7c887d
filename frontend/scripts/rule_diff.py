"""Differential check of the two rule engines: random expressions evaluated by the Python engine,
written as vectors for the TypeScript evaluator.

From the repository root:
    .venv/bin/python frontend/scripts/rule_diff.py --seed 7 --count 3000 --out /tmp/rule_diff.json
    cd frontend && RULE_DIFF_FILE=/tmp/rule_diff.json npx vitest run src/rules/diff.test.ts
"""
import argparse
import datetime as dt
import json
import random

from app.rule_engine import RuleError, evaluate
from app.rule_engine.values import ErrorValue, EvalEnv, to_plain

ATOMS = ["1", "0", "-2.5", "-0.5", "123456789.125", "99999999999999999", "0.1+0.2", "1/3", "2^0.5", "3%", "1e3",
         "'abc'", "'ABC'", "'10'", "''", "' 12 '", "'1,234.5'", "'50%'", "'１２'", "'٣'", "'-1e-3'", "'1_000'", "'0x10'",
         "'中文abc'", "' a  b '", "'*b*'", "'>2'", "'<>x'", "'TRUE'", "NULL", "TRUE", "FALSE",
         "'2025-03-01'", "'2025/3/1'", "'2025-03-01 08:00'", "'2025-03-01T08:00:00+08:00'", "'2024-13-01'",
         "TODAY()", "NOW()", "DATE(2024,1,31)", "a", "b", "d", "t", "items.qty", "tags"]
OPS = ["+", "-", "*", "/", "^", "&", "=", "<>", "<", ">=", "%", " in ", " not in ", " and ", " or "]
FUNCS = ["SUM({})", "AVERAGE({})", "MAX({})", "MIN({})", "COUNT({})", "COUNTA({})", "ROUND({}, 1)", "ROUNDUP({}, -1)",
         "ROUNDDOWN({}, 2)", "INT({})", "ABS({})", "MOD({}, 3)", "SQRT({})", "CEILING({}, 0.5)", "FLOOR({}, 2)",
         "POWER({}, 2)", "FIXED({})", "COUNTIF(items.qty, {})", "SUMIF(tags, {}, items.qty)", "IF({}, 1, 2)",
         "IFERROR({}, 'x')", "ISBLANK({})", "NOT({})", "AND({}, TRUE)", "XOR({}, FALSE)",
         "SWITCH({}, 1, 'one', 'x', 'ex', 'other')", "VALUE({})", "LEN({})", "UPPER({})", "TRIM({})", "LEFT({}, 2)",
         "RIGHT({}, 3)", "MID({}, 2, 3)", "REPT({}, 2)", "SUBSTITUTE({}, 'a', 'Z')", "SEARCH('b', {})",
         "FIND('a', {})", "REPLACE({}, 1, 1, 'Q')", "CONTAINS({}, 'a')", "SPLIT({}, 'b')",
         "TEXTJOIN('-', TRUE, {}, tags)", "CONCAT({}, tags)", "TEXT({}, '0.00')", "TEXT({}, '#,##0.0')",
         "TEXT({}, '0%')", "TEXT({}, 'yyyy-mm-dd')", "TEXT({}, 'mmm d, yyyy hh:mm AM/PM')", "TEXT({}, 'aaaa')",
         "YEAR({})", "DAY({})", "HOUR({})", "MINUTE({})", "WEEKDAY({})", "WEEKNUM({}, 2)", "ISOWEEKNUM({})",
         "EDATE({}, 1)", "EOMONTH({}, -1)", "DATEDIF(d, {}, 'MD')", "DAYS({}, d)", "NETWORKDAYS(d, {})",
         "DATEADD({}, 1, 'month')", "DATEADD({}, 90, 'minute')", "DATEADD({}, -1, 'year')"]
DATA = {"a": 7, "b": "x", "d": "2024-02-29", "t": "2025-03-01T10:30:00Z",
        "items": [{"qty": 2}, {"qty": None}, {"qty": 3.5}], "tags": ["a", "B"]}
SCHEMA = {"a": {"type": "number"}, "b": {"type": "text"}, "d": {"type": "date"}, "t": {"type": "datetime"},
          "items": {"type": "subform", "fields": {"qty": {"type": "number"}}}, "tags": {"type": "multiselect"}}
TZ, NOW = "Asia/Shanghai", "2025-03-01T09:00:00Z"


def expression(rng: random.Random) -> str:
    x = rng.choice(ATOMS)
    if rng.random() < 0.6:
        x = f"{x}{rng.choice(OPS)}{rng.choice(ATOMS)}"
    if rng.random() < 0.6:
        x = rng.choice(FUNCS).format(x)
    if rng.random() < 0.3:
        x = f"{x}{rng.choice(OPS)}{rng.choice(ATOMS)}"
    return x


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    env = EvalEnv(tz=TZ, now=dt.datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    vectors = []
    for text in sorted({expression(rng) for _ in range(args.count)}):
        vector = {"expression": text, "data": DATA, "schema": SCHEMA, "tz": TZ, "now": NOW}
        try:
            value = evaluate(text, DATA, env=env, schema=SCHEMA)
            if isinstance(value, ErrorValue):
                vector["error"] = value.code
            else:
                vector["expected"] = to_plain(value)
        except RuleError as err:
            vector["error"] = err.kind
            vector["code"] = err.code_name
        vectors.append(vector)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(vectors, f, ensure_ascii=False)
    print(f"wrote {len(vectors)} vectors to {args.out}")


if __name__ == "__main__":
    main()
