"""The FROM side of every report: the source form's records the viewer may read, filtered, with
dimension expressions (typed casts, date buckets, relation titles, unnested multi-values)."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.auth.actor import Actor
from app.models import Form, Record
from app.models.scope import scoped
from app.report_engine import access, filters, timebuckets
from app.report_engine import fields as F
from app.report_engine.spec import Source


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

    def __post_init__(self):
        if self.from_ is None:
            self.from_ = Record.__table__
        self.where.append(access.scope_clause(self.actor, self.source.form))

    def add_filter(self, expression: str | None) -> None:
        if expression:
            self.where.append(filters.filter_clause(expression, self.source.fields, self.source.tz))

    def value(self, key: str) -> sa.ColumnElement:
        return F.typed(self.dialect, self.source.field(key))

    def text(self, key: str) -> sa.ColumnElement:
        return F.text_of(self.dialect, self.source.field(key))

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
        ref = F.json_text(self.dialect, info.key)
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

    def select(self, *columns) -> sa.Select:
        return sa.select(*columns).select_from(self.from_).where(*self.where)


def _rebind(clause: sa.ColumnElement, alias) -> sa.ColumnElement:
    """The same condition over an aliased records table."""
    from sqlalchemy.sql.util import ClauseAdapter

    return ClauseAdapter(sa.inspect(alias).selectable).traverse(clause)
