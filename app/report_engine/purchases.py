"""Purchase events for the customer analyses: one row per purchase day, i.e. per distinct
(customer, local calendar date) pair, with that day's amount; which form, customer, date and
amount fields and which filter define a purchase are parameters of the spec."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app import clock
from app.report_engine.sources import RecordsQuery


def as_of_day(spec: dict, tz: str) -> str:
    """The analysis date: `as_of`, else today in the workspace time zone."""
    if spec.get("as_of"):
        return spec["as_of"]
    return clock.now().astimezone(ZoneInfo(tz)).date().isoformat()


def purchase_rows(rq: RecordsQuery, spec: dict, *, with_dimension: bool = True,
                  amounts: bool = True) -> sa.Subquery:
    """One row per purchase record: cust, day ('YYYY-MM-DD'), amount (0 when no amount field;
    left out with `amounts=False`) and dim when the spec has a dimension; records after `as_of`
    or without a customer are left out."""
    customer = rq.text(spec["customer"])
    day = rq.day(spec["date"])
    cols = [customer.label("cust"), day.label("day")]
    if amounts:
        amount = rq.value(spec["amount"]) if spec.get("amount") else sa.literal(0.0)
        cols.append(amount.label("amount"))
    dims = spec.get("dimensions") or []
    if with_dimension and dims:
        cols.append(rq.dimension(dims[0])[0].label("dim"))
    rows = rq.select(*cols, where=[customer.is_not(None), customer != "",
                                   _on_or_before(rq, spec["date"], as_of_day(spec, rq.source.tz))])
    return rows.subquery("purchase_rows")


def purchase_days(rq: RecordsQuery, spec: dict, *, with_dimension: bool = True,
                  amounts: bool = True) -> sa.Subquery:
    """Columns: cust, day ('YYYY-MM-DD'), amount (sum that day, 0 when no amount field; left out
    with `amounts=False`), and dim when the spec has a dimension; purchases after `as_of` are
    left out."""
    rows = purchase_rows(rq, spec, with_dimension=with_dimension, amounts=amounts)
    keys = [rows.c.cust, rows.c.day] + ([rows.c.dim] if "dim" in rows.c else [])
    amount_col = [sa.func.coalesce(sa.func.sum(rows.c.amount), 0.0).label("amount")] if amounts else []
    return sa.select(*keys, *amount_col).group_by(*keys).subquery("purchases")


def per_customer_in_one_pass(rq: RecordsQuery) -> bool:
    """Whether per-customer figures (purchase days, last day, amount) are aggregated straight
    from the purchase records, counting distinct days, instead of from purchase_days.
    On SQLite: a covering index in (customer, date) order hands the rows over already grouped by
    customer, so one streaming GROUP BY replaces sorting every (customer, day) pair (repurchase
    rate at 200k orders 0.86 -> 0.44 s); PostgreSQL plans the two-level form well (hash
    aggregates, parallel) and keeps it."""
    return rq.dialect == "sqlite"
def _on_or_before(rq: RecordsQuery, key: str, as_of: str) -> sa.ColumnElement:
    """Stored value's local day <= as_of, as a comparison of the stored ISO text (dates as
    'YYYY-MM-DD', date-times as UTC 'YYYY-MM-DDTHH:MM:SSZ', the form engine's storage): no
    per-row time-zone conversion, and it also drops blanks."""
    text = rq.text(key)
    if rq.dialect == "postgresql":
        text = text.collate("C")
    next_day = parse_day(as_of) + dt.timedelta(days=1)
    if rq.source.field(key).value_type == "date":
        return text < next_day.isoformat()
    next_midnight = dt.datetime.combine(next_day, dt.time(),
                                        ZoneInfo(rq.source.tz)).astimezone(dt.timezone.utc)
    # No "Z": fractional seconds of the midnight second then still sort after it.
    return text < next_midnight.strftime("%Y-%m-%dT%H:%M:%S")


def rate(part, whole) -> float | None:
    return round(part / whole, 6) if whole else None


def parse_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
