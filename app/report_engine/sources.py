"""The FROM side of every report: the source form's records the viewer may read, filtered, with
dimension expressions (typed casts, date buckets, relation titles, unnested multi-values). Fields
promoted to typed columns (app.report_engine.hot_fields) are read from them instead of the JSON."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import visitors

from app.auth.actor import Actor
from app.form_engine import indexes, typed_columns
from app.models import Form, Record
from app.models.scope import scoped
from app.report_engine import access, filters, hot_fields, timebuckets
from app.report_engine import fields as F
from app.report_engine.spec import Source
from app.rule_engine import sql as rule_sql


@dataclass
class RecordsQuery:
    """A FROM clause over the source's records plus its WHERE conditions; joins are added as
    dimensions need them."""

    dialect: str
    source: Source
    actor: Actor
    session: Session
    from_: sa.FromClause = field(default=None)
    where: list = field(default_factory=list)
    joined: set = field(default_factory=set)
    promoted: set = field(default=None)   # names of records' typed columns

    def __post_init__(self):
        if self.from_ is None:
            self.from_ = Record.__table__
        self.where.append(access.scope_clause(self.actor, self.source.form))
        if self.promoted is None:
            self.promoted = typed_columns.existing(self.session)

    def add_filter(self, expression: str | None) -> None:
        if expression:
            clause = filters.filter_clause(expression, self.source.fields, self.source.tz)
            self.where.append(self._filter_columns(clause))

    def typed_column(self, key: str) -> sa.ColumnElement | None:
        """The typed column holding field `key` of this form, when it has been promoted."""
        info = self.source.fields.get(key)
        kind = hot_fields.column_kind(info) if info is not None else None
        if kind is None or not self.promoted:
            return None
        name = typed_columns.column_name(kind, key)
        return typed_columns.column(name, kind) if name in self.promoted else None

    def value(self, key: str) -> sa.ColumnElement:
        info = self.source.field(key)
        column = self.typed_column(key)
        if column is None:
            return F.typed(self.dialect, info)
        if info.value_type == "boolean" and self.dialect == "postgresql":  # as F.typed reads it
            return sa.cast(sa.cast(column, sa.Boolean), sa.Integer)
        return column

    def text(self, key: str) -> sa.ColumnElement:
        info = self.source.field(key)
        column = self.typed_column(key) if info.value_type != "number" else None
        return F.text_of(self.dialect, info) if column is None else column

    def _filter_columns(self, clause: sa.ColumnElement) -> sa.ColumnElement:
        """A filter reading promoted fields from their typed columns. Fields the form engine keeps
        an expression index on stay on the JSON: the index is built on that very expression, and
        a selective filter is worth more through it than a scan of the column."""
        if not self.promoted:
            return clause
        indexed = indexes.wanted_keys(self.source.form.definition or {})
        data = Record.__table__.c.data

        def own_field(element) -> F.FieldInfo | None:
            """The field a `data ->> 'key'` read of this form's own records is of."""
            if not isinstance(element, rule_sql.json_text) or element.key in indexed \
                    or not list(element.clauses)[0].compare(data):
                return None
            return self.source.fields.get(element.key)

        def swap(element, **_kw):
            if isinstance(element, sa.sql.elements.Cast):  # a number read: CAST(data ->> 'k')
                info = own_field(element.clause)
                if info is not None and info.value_type == "number":
                    return self.typed_column(info.key)
                return None
            info = own_field(element)
            if info is not None and info.value_type != "number":
                return self.typed_column(info.key)
            return None

        return visitors.replacement_traverse(clause, {}, swap)

    def day(self, key: str) -> sa.ColumnElement:
        """The local calendar day ('YYYY-MM-DD') of a date or datetime field."""
        info = self.source.field(key)
        if info.column and self.dialect == "postgresql":
            # A real timestamptz column: converted directly, without a round trip through text.
            value = getattr(Record.__table__.c, info.column)
        else:
            value = self.text(key)
        return timebuckets.local_day(self.dialect, value, info.value_type, self.source.tz)

    def dimension(self, dim: dict) -> tuple[sa.ColumnElement, str]:
        """(expression, column type) of one dimension; joins what it needs."""
        info = self.source.field(dim["field"])
        if dim.get("bucket"):
            expr = timebuckets.bucket(self.dialect, self.day(info.key), dim["bucket"])
            return expr, "date" if dim["bucket"] in ("day", "week") else "text"
        if info.parent:
            return self._subform_column(info), info.value_type
        if info.value_type == "array":
            return self._unnest(info), "text"
        if info.value_type == "relation":
            return self._relation_title(info), "text"
        return self.value(info.key), info.value_type

    def _unnest(self, info: F.FieldInfo) -> sa.ColumnElement:
        raw = F.json_raw(self.dialect, info.key)
        if self.dialect == "postgresql":
            # jsonb_typeof guards against a scalar where an array is expected (an error in PG).
            arr = sa.case((sa.func.jsonb_typeof(raw) == "array", raw), else_=sa.null())
            elements = sa.func.jsonb_array_elements_text(arr).table_valued("value").lateral()
        else:
            elements = sa.func.json_each(raw).table_valued("value")
        elements = elements.alias(f"u_{info.key}")
        self.from_ = self.from_.outerjoin(elements, sa.true())
        return elements.c.value

    def _subform_column(self, info: F.FieldInfo) -> sa.ColumnElement:
        """One row per subform row (a record counts once per row, like a multiselect per value);
        records without rows give one row with a blank value."""
        raw = F.json_raw(self.dialect, info.parent)
        name = f"s_{info.parent}"
        if self.dialect == "postgresql":
            arr = sa.case((sa.func.jsonb_typeof(raw) == "array", raw), else_=sa.null())
            rows = sa.func.jsonb_array_elements(arr).table_valued("value").lateral().alias(name)
        else:
            rows = sa.func.json_each(raw).table_valued("value").alias(name)
        if name not in self.joined:
            self.from_ = self.from_.outerjoin(rows, sa.true())
            self.joined.add(name)
        return F.typed(self.dialect, info, rows.c.value)

    def _relation_title(self, info: F.FieldInfo) -> sa.ColumnElement:
        """A relation shown as the related record's title (its id when the viewer may not see it)."""
        ref = self.text(info.key)
        target = self.session.scalar(scoped(Form, self.actor.workspace_id).where(
            Form.app_id == self.source.form.app_id, Form.key == info.definition.get("target")))
        title_key = (target.definition or {}).get("title_field") if target else None
        if target is None or not title_key or title_key not in access.visible_fields(self.actor, target):
            return ref
        related = aliased(Record, name=f"rel_{info.key}")
        scope = access.scope_clause(self.actor, target)
        scope = _rebind(scope, related)
        self.from_ = self.from_.outerjoin(related, sa.and_(related.id == ref, scope))
        return sa.func.coalesce(F.json_text(self.dialect, title_key, related.data), ref)

    def select(self, *columns, where=()) -> sa.Select:
        """The records rows: `columns` of the rows the viewer may read that pass the filters and
        `where`. On SQLite, when a covering index of the hot fields holds every records column the
        statement reads, it is named (INDEXED BY): SQLite's planner does not count the JSON a
        scan of the table parses for VIRTUAL columns, and on small or mixed tables picked that."""
        conditions = [*self.where, *where]
        stmt = sa.select(*columns).select_from(self.from_).where(*conditions)
        if self.dialect == "sqlite" and self.promoted:
            index = hot_fields.covering_index_for(self.session, [*columns, *conditions])
            if index:
                stmt = stmt.with_hint(Record.__table__, f'INDEXED BY "{index}"', "sqlite")
        return stmt


def _sqlite_from_hint(self, table, text):
    """SQLite's table hints (INDEXED BY / NOT INDEXED) rendered after the table name: SQLAlchemy's
    SQLite compiler drops `with_hint` text (no dialect-specific hook); hints are only ever given
    for SQLite by RecordsQuery.select."""
    return text


if "get_from_hint_text" not in SQLiteCompiler.__dict__:
    SQLiteCompiler.get_from_hint_text = _sqlite_from_hint


def _rebind(clause: sa.ColumnElement, alias) -> sa.ColumnElement:
    """The same condition over an aliased records table."""
    from sqlalchemy.sql.util import ClauseAdapter

    return ClauseAdapter(sa.inspect(alias).selectable).traverse(clause)
