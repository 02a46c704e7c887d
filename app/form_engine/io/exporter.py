"""Streaming export of a filtered record list to CSV or XLSX, through the permission-aware
record query (row scope and visible fields), with every text cell neutralised against formula
injection. Subforms are exported as one JSON cell per record (re-importable as is)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.auth.actor import Actor
from app.extensions import unit_of_work
from app.form_engine import fields as registry
from app.form_engine import permissions
from app.form_engine.io.cells import neutralise
from app.form_engine.io.lookups import RelationResolver
from app.models import Department, Form, Membership, Record, User, Workspace
from app.models.scope import get_scoped

PAGE_SIZE = 1000
_NOT_EXPORTED = {"section"}


def label_text(label: Any, key: str, lang: str) -> str:
    if isinstance(label, dict):
        first = "zh" if lang.lower().startswith("zh") else "en"
        return label.get(first) or label.get("en") or label.get("zh") or key
    return label or key


def export_columns(session, actor: Actor, form: Form) -> list[dict]:
    """The stored and computed fields this actor may see, in form order."""
    visible = _visible_fields(actor, form)
    return [f for f in form.definition.get("fields", [])
            if f.get("type") not in _NOT_EXPORTED and f["key"] in visible]


def _visible_fields(actor: Actor, form: Form) -> set[str]:
    return permissions.visible_fields(actor, form)


class _Formatter:
    """Stored value -> cell value: numbers stay numbers, references become readable names."""

    def __init__(self, session, form: Form, tz: str, lang: str):
        self.tz = ZoneInfo(tz)
        self.zh = lang.lower().startswith("zh")
        self.users = dict(session.execute(
            sa.select(User.id, User.email).join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == form.workspace_id)).all())
        self.departments = dict(session.execute(
            sa.select(Department.id, Department.name).where(
                Department.workspace_id == form.workspace_id)).all())
        self.titles: dict[str, dict[str, str]] = {}
        self.session, self.form = session, form

    def prefetch_titles(self, columns: list[dict], rows: list[dict]) -> None:
        for field in columns:
            if field["type"] != "relation":
                continue
            target = self.session.scalar(sa.select(Form).where(
                Form.app_id == self.form.app_id, Form.key == field.get("target")))
            if target is None:
                continue
            title = target.definition.get("title_field")
            ids = set()
            for data in rows:
                value = data.get(field["key"])
                ids.update(value if isinstance(value, list) else [value] if value else [])
            if not title or not ids:
                continue
            found = dict(self.session.execute(
                sa.select(Record.id, Record.data[title].as_string())
                .where(Record.form_id == target.id, Record.id.in_(list(ids)))).all())
            self.titles.setdefault(field["key"], {}).update(
                {k: v for k, v in found.items() if v})

    def cell(self, field: dict, value: Any):
        if value is None or value == [] or value == "":
            return None
        kind = field["type"]
        if kind in ("number", "rating") or (kind in ("formula", "rollup")
                                            and isinstance(value, (int, float))
                                            and not isinstance(value, bool)):
            return value
        if kind == "checkbox" or isinstance(value, bool):
            return ("是" if value else "否") if self.zh else ("yes" if value else "no")
        if kind == "datetime" and isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")
            except ValueError:
                return neutralise(value)
        if kind in ("user", "users"):
            ids = value if isinstance(value, list) else [value]
            return neutralise(", ".join(self.users.get(i, i) for i in ids))
        if kind == "department":
            return neutralise(self.departments.get(value, value))
        if kind == "relation":
            ids = value if isinstance(value, list) else [value]
            titles = self.titles.get(field["key"], {})
            return neutralise(", ".join(titles.get(i, i) for i in ids))
        if kind in ("file", "image", "signature"):
            refs = value if isinstance(value, list) else [value]
            return neutralise(", ".join(r.get("name", "") if isinstance(r, dict) else str(r)
                                        for r in refs))
        if kind == "subform" or isinstance(value, (dict, list)) and kind not in ("multiselect",):
            if kind in ("address", "location"):
                return neutralise(registry.get(kind).to_text(value, field))
            return neutralise(json.dumps(value, ensure_ascii=False))
        if kind == "multiselect":
            return neutralise(", ".join(value))
        return neutralise(str(value))


def _pages(actor: Actor, form_id: str, filter_: str | None, sort: str | None):
    """Pages of record data, each read in its own short transaction."""
    from app.form_engine import records

    cursor = None
    while True:
        with unit_of_work() as session:
            page = records.query(session, actor, form_id, filter=filter_, sort=sort,
                                 limit=PAGE_SIZE, cursor=cursor)
            items = [_data_of(item) for item in page["items"]]
        yield items
        cursor = page.get("next_cursor")
        if not cursor:
            return


def _data_of(item) -> dict:
    return dict(item["data"] if isinstance(item, dict) else item.data)


def prepare(actor: Actor, form_id: str, lang: str) -> tuple[Form, list[dict], list[str]]:
    """Check access and fix the columns before the response starts streaming."""
    with unit_of_work() as session:
        form = get_scoped(session, Form, form_id, actor.workspace_id, what="form")
        _check_export_allowed(actor, form)
        columns = export_columns(session, actor, form)
        headers = [label_text(f.get("label"), f["key"], lang) for f in columns]
        return form, columns, headers


def _check_export_allowed(actor: Actor, form: Form) -> None:
    permissions.require(actor, form, "export")


def rows(actor: Actor, form: Form, columns: list[dict], lang: str, filter_: str | None,
         sort: str | None) -> Iterator[list]:
    with unit_of_work() as session:
        tz = session.scalar(sa.select(Workspace.timezone).where(
            Workspace.id == form.workspace_id)) or "Asia/Shanghai"
        formatter = _Formatter(session, form, tz, lang)
    for page in _pages(actor, form.id, filter_, sort):
        with unit_of_work() as session:
            formatter.session = session
            formatter.prefetch_titles(columns, page)
        for data in page:
            yield [formatter.cell(f, data.get(f["key"])) for f in columns]


def stream_csv(headers: list[str], data_rows: Iterator[list]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel needs the BOM to read UTF-8 (Chinese) correctly
    writer.writerow([neutralise(h) for h in headers])
    for count, row in enumerate(data_rows, start=1):
        writer.writerow(["" if v is None else v for v in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def stream_xlsx(headers: list[str], data_rows: Iterator[list], title: str) -> Iterator[bytes]:
    """openpyxl's write-only workbook keeps memory flat; the zip is spooled to a temp file."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(title))
    sheet.append([neutralise(h) for h in headers])
    for row in data_rows:
        out = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            out.append(cell)
        sheet.append(out)
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        yield from iter(lambda: spool.read(256 * 1024), b"")


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return (title.strip() or "Sheet1")[:31]
