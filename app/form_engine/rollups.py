"""Derived values that depend on other records: rollups (aggregates over the records of another
form that point here) and lookups (copies of a related record's field). When a record changes,
only the records it touches are refreshed, each aggregate computed in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.form_engine.fields.relation import relation_ids
from app.form_engine.sqljson import checked, field_number, field_text, points_at
from app.models import Form, Record

MAX_DEPTH = 4
EMPTY = {"count": 0, "count_distinct": 0, "sum": 0}
IN_CHUNK = 500  # target ids per IN list: far below SQLite's variable limit
ARRAY_CHUNK = 10_000  # ids per array parameter on PostgreSQL (one bound value, any length)


def id_chunks(ids: list[str], dialect: str) -> list[list[str]]:
    size = ARRAY_CHUNK if dialect == "postgresql" else IN_CHUNK
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def among(column, ids: list[str], dialect: str):
    """`column IN ids`: one array parameter on PostgreSQL (an IN list of hundreds of bound
    values costs more to render and plan than the query costs to run), IN elsewhere."""
    if dialect == "postgresql":
        return column == sa.any_(sa.literal(list(ids), ARRAY(sa.Text)))
    return column.in_(ids)


def _number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _aggregate_column(rollup: dict, source: Form, dialect: str):
    """(agg, whether the field is numeric, the SQL aggregate column) of a rollup."""
    agg = rollup["agg"]
    field = next((f for f in source.definition["fields"] if f["key"] == rollup.get("field")), {})
    numeric = field.get("type") in ("number", "rating", "rollup") or (
        field.get("type") == "formula" and field.get("result") == "number")
    if agg == "count":
        return agg, numeric, sa.func.count()
    value = field_number(rollup["field"], dialect) if numeric and agg != "count_distinct" \
        else field_text(rollup["field"], dialect)
    column = {"sum": sa.func.sum, "avg": sa.func.avg, "min": sa.func.min, "max": sa.func.max,
              "count_distinct": lambda v: sa.func.count(sa.distinct(v))}[agg](value)
    return agg, numeric, column


def _value(agg: str, numeric: bool, result):
    if result is None:
        return EMPTY.get(agg)
    if agg in ("count", "count_distinct"):
        return int(result)
    if agg in ("sum", "avg") or numeric:
        return _number(round(float(result), 10))
    return result


def aggregate(session: Session, rollup: dict, source: Form, target_id: str, filter_clause=None):
    """The rollup value of one target record, computed in SQL over its source records."""
    dialect = session.get_bind().dialect.name
    via = next(f for f in source.definition["fields"] if f["key"] == rollup["via"])
    agg, numeric, column = _aggregate_column(rollup, source, dialect)
    stmt = sa.select(column).where(Record.form_id == source.id,
                                   points_at(rollup["via"], target_id, via.get("multiple", False),
                                             dialect))
    if filter_clause is not None:
        stmt = stmt.where(filter_clause)
    return _value(agg, numeric, session.scalar(stmt))


def app_forms(session: Session, app_id: str) -> list[Form]:
    return list(session.scalars(sa.select(Form).where(Form.app_id == app_id).order_by(Form.id)))


# PostgreSQL: a digest of which forms an app (bound as :app_id) has and their versions; a
# definition changes only with a new version and a form key never changes, so an equal digest
# means the same rollups. A write statement returns it at no extra round trip.
FORM_SET_DIGEST = ("SELECT md5(string_agg(f.id || ':' || f.version, ',' ORDER BY f.id)) "
                   "FROM forms AS f WHERE f.app_id = :app_id")


_SOURCES_MAX = 1024
# app id -> (form set signature, keys of the forms some rollup of the app reads)
_rollup_sources: dict[str, tuple[str, frozenset[str]]] = {}


def feeds_rollups(session: Session, form: Form, signature: str | None
                  ) -> tuple[bool, list[Form] | None]:
    """Whether a rollup of the form's app reads `form` (so a new record of it must refresh
    rollups), and the app's forms when they had to be read. Known per process for an app's
    form set `signature` (FORM_SET_DIGEST), so most creates read no form definitions;
    without a signature (SQLite) the forms are read every time."""
    known = _rollup_sources.get(form.app_id) if signature is not None else None
    if known is not None and known[0] == signature:
        return form.key in known[1], None
    forms = app_forms(session, form.app_id)
    sources = frozenset(f.get("source") for other in forms for f in other.definition["fields"]
                        if f["type"] == "rollup")
    if signature is not None:
        if len(_rollup_sources) >= _SOURCES_MAX:
            _rollup_sources.clear()
        _rollup_sources[form.app_id] = (signature, sources)
    return form.key in sources, forms


def quiet_form_set(form: Form) -> str | None:
    """The digest of the app's form set as last seen, when no rollup of that set reads `form`."""
    known = _rollup_sources.get(form.app_id)
    return known[0] if known is not None and form.key not in known[1] else None


def rollups_fed_by(forms: list[Form], source: Form) -> list[tuple[Form, dict]]:
    """(target form, rollup field) for every rollup among `forms` that reads `source`."""
    return [(form, f) for form in forms for f in form.definition["fields"]
            if f["type"] == "rollup" and f.get("source") == source.key]


def lookups_reading(forms: list[Form], target: Form) -> list[tuple[Form, dict, dict]]:
    """(form, relation field, lookup field) for lookups that copy fields of `target`'s records."""
    out = []
    for form in forms:
        rels = {f["key"]: f for f in form.definition["fields"]
                if f["type"] == "relation" and f.get("target") == target.key}
        for f in form.definition["fields"]:
            if f["type"] == "lookup" and f.get("via") in rels:
                out.append((form, rels[f["via"]], f))
    return out


def affected_targets(rollup_source_relation: str, before: dict | None, after: dict | None) -> set[str]:
    ids = set(relation_ids((before or {}).get(rollup_source_relation)))
    ids |= set(relation_ids((after or {}).get(rollup_source_relation)))
    return ids


def pointing_records(session: Session, form: Form, relation: dict, record_id: str) -> list[Record]:
    dialect = session.get_bind().dialect.name
    return list(session.scalars(sa.select(Record).where(
        Record.form_id == form.id,
        points_at(relation["key"], record_id, relation.get("multiple", False), dialect))))


def _grouped_relation(source_key: str, multiple: bool, dialect: str):
    """(the FROM item that yields one row per (source record, target id), the target id column)."""
    key = source_key
    if not multiple:
        return None, field_text(key, dialect)
    if dialect == "postgresql":
        # A null or scalar relation value would make jsonb_array_elements_text raise.
        items = sa.func.jsonb_array_elements_text(sa.literal_column(
            f"(CASE WHEN jsonb_typeof(records.data -> '{key}') = 'array' "
            f"THEN records.data -> '{key}' ELSE '[]'::jsonb END)")).table_valued("value")
    else:
        items = sa.func.json_each(Record.data, f"$.{key}").table_valued("value")
    return items, items.c.value


def aggregate_many(session: Session, rollup: dict, source: Form, target_ids: list[str],
                   filter_clause=None) -> dict[str, object]:
    """The rollup value of many target records in one grouped SQL aggregate; targets without
    source records get the empty value."""
    return aggregate_group(session, [rollup], source, target_ids, filter_clause)[rollup["key"]]


def aggregate_group(session: Session, group: list[dict], source: Form, target_ids: list[str],
                    filter_clause=None) -> dict[str, dict[str, object]]:
    """Rollups over the same source records (one relation, one filter) in one grouped SQL
    aggregate with a column per rollup: {rollup key: {target id: value}}."""
    dialect = session.get_bind().dialect.name
    via_key = group[0]["via"]
    via = next(f for f in source.definition["fields"] if f["key"] == via_key)
    columns = [_aggregate_column(rollup, source, dialect) for rollup in group]
    if dialect == "postgresql" and not via.get("multiple", False):
        return _aggregate_per_target(session, group, columns, source, via_key, target_ids,
                                     filter_clause)
    items, target = _grouped_relation(checked(via_key), via.get("multiple", False), dialect)
    stmt = sa.select(target, *(column for _agg, _numeric, column in columns)).select_from(Record)
    if items is not None:
        stmt = stmt.join(items, sa.true())
    stmt = stmt.where(Record.form_id == source.id).group_by(target)
    if filter_clause is not None:
        stmt = stmt.where(filter_clause)
    found: dict[str, tuple] = {}
    for chunk in id_chunks(target_ids, dialect):
        found.update((row[0], row[1:]) for row in session.execute(
            stmt.where(among(target, chunk, dialect))))
    empty = (None,) * len(group)
    return {rollup["key"]: {t: _value(agg, numeric, found.get(t, empty)[n]) for t in target_ids}
            for n, (rollup, (agg, numeric, _column)) in enumerate(zip(group, columns))}


def _aggregate_per_target(session: Session, group: list[dict], columns: list, source: Form,
                          via_key: str, target_ids: list[str], filter_clause
                          ) -> dict[str, dict[str, object]]:
    """PostgreSQL, single relation: one aggregate per target id through a LATERAL join, each an
    index probe on the relation's expression index. A GROUP BY over `= ANY(ids)` gets a plan that
    reads every record of the source form when the statistics predate the rows (a long bulk
    transaction), which makes each batch slower than the one before."""
    ids = sa.func.unnest(sa.literal(list(target_ids), ARRAY(sa.Text))).table_valued(
        "id").render_derived(name="t", with_types=False)
    inner = sa.select(*(column.label(f"v{n}") for n, (_a, _n, column) in enumerate(columns))
                      ).select_from(Record).where(
        Record.form_id == source.id, field_text(checked(via_key), "postgresql") == ids.c.id)
    if filter_clause is not None:
        inner = inner.where(filter_clause)
    per_target = inner.lateral("a")
    stmt = sa.select(ids.c.id, *per_target.c).select_from(ids).join(per_target, sa.true())
    found = {row[0]: row[1:] for row in session.execute(stmt)}
    empty = (None,) * len(group)
    return {rollup["key"]: {t: _value(agg, numeric, found.get(t, empty)[n]) for t in target_ids}
            for n, (rollup, (agg, numeric, _column)) in enumerate(zip(group, columns))}
