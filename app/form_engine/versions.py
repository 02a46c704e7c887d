"""What a new definition version would break in existing records: the migration report
{changes: [{field, change, records, examples}], records_affected}, counted in SQL."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine import fields as registry
from app.form_engine.sqljson import array_contains, field_is_blank, field_text
from app.models import Form, Record

EXAMPLES = 5


def _probe(session: Session, form: Form, condition) -> tuple[int, list[str]]:
    base = sa.select(Record.id).where(Record.form_id == form.id, condition)
    count = session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    examples = list(session.scalars(base.order_by(Record.id).limit(EXAMPLES))) if count else []
    return count or 0, examples


def _has_default(field: dict) -> bool:
    return field.get("default") is not None


def migration_report(session: Session, form: Form, new_definition: dict) -> dict:
    dialect = session.get_bind().dialect.name
    old = {f["key"]: f for f in form.definition["fields"]}
    changes = []

    def note(key, change, condition, **extra):
        count, examples = _probe(session, form, condition)
        if count:
            changes.append({"field": key, "change": change, "records": count, "examples": examples,
                            **extra})

    for field in new_definition["fields"]:
        key, before = field["key"], old.get(field["key"])
        if not registry.get(field["type"]).stores:
            continue
        not_blank = sa.not_(field_is_blank(key, dialect))
        if before is not None and before["type"] != field["type"] \
                and registry.get(before["type"]).stores and not registry.get(field["type"]).computed:
            note(key, "type_changed", not_blank, old_type=before["type"], new_type=field["type"])
            continue
        if field.get("required") and not _has_default(field) \
                and not registry.get(field["type"]).computed \
                and (before is None or not before.get("required")):
            note(key, "now_required" if before else "new_required", field_is_blank(key, dialect))
        if before is not None and field["type"] in ("select", "multiselect") \
                and not field.get("allow_other"):
            removed = sorted(set(before.get("options", [])) - set(field["options"]))
            if removed:
                if field["type"] == "select":
                    condition = field_text(key, dialect).in_(removed)
                else:
                    condition = sa.or_(*[array_contains(key, v, dialect) for v in removed])
                note(key, "options_removed", condition, options=removed)
    total = sum(c["records"] for c in changes)
    return {"changes": changes, "records_affected": total}
