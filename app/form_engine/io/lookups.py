"""Name -> id look-ups an import needs, loaded with SQL per workspace and per batch."""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.form_engine.io.parsers import ParseContext
from app.models import Department, Form, Membership, Record, User, Workspace


def unique_keys(definition: dict) -> list[str]:
    """Fields that identify one record alone: `unique: true` fields and one-field `unique`
    combinations of the form."""
    keys = [f["key"] for f in definition.get("fields", []) if f.get("unique")]
    keys += [combo[0] for combo in definition.get("unique", []) if len(combo) == 1]
    return list(dict.fromkeys(keys))


class RelationResolver:
    """Text -> record id of a target form, by id, title field or any unique field. Values are
    fetched for a whole batch at once (`prefetch`) so a 1M-row import makes one query per batch."""

    def __init__(self, session: Session, target: Form | None):
        self.session, self.target = session, target
        self.keys: list[str] = []
        if target is not None:
            definition = target.definition
            title = definition.get("title_field")
            self.keys = list(dict.fromkeys(([title] if title else []) + unique_keys(definition)))
        self.known: dict[str, str | None] = {}

    def prefetch(self, texts: Iterable[str]) -> None:
        wanted = {t for t in texts if t and t not in self.known}
        if not wanted or self.target is None:
            return
        for text in wanted:
            self.known[text] = None
        chunk = list(wanted)
        for start in range(0, len(chunk), 500):
            part = chunk[start:start + 500]
            columns = [Record.id] + [Record.data[k].as_string() for k in self.keys]
            match = [Record.id.in_(part)] + [Record.data[k].as_string().in_(part)
                                             for k in self.keys]
            rows = self.session.execute(sa.select(*columns).where(
                Record.form_id == self.target.id, sa.or_(*match)))
            for row in rows:
                for value in row:
                    if value in self.known and self.known[value] is None:
                        self.known[value] = row[0]

    def lookup(self, text: str) -> str | None:
        if text not in self.known:
            self.prefetch([text])
        return self.known.get(text)


def load_context(session: Session, workspace_id: str, form: Form) -> ParseContext:
    tz = session.scalar(sa.select(Workspace.timezone).where(Workspace.id == workspace_id))
    users: dict[str, str] = {}
    for user_id, email, name in session.execute(
            sa.select(User.id, User.email, User.name).join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)):
        users[email.casefold()] = user_id
        users[user_id.casefold()] = user_id
        users.setdefault(name.casefold(), user_id)
    departments: dict[str, str] = {}
    for dep_id, name in session.execute(sa.select(Department.id, Department.name)
                                        .where(Department.workspace_id == workspace_id)):
        departments[dep_id.casefold()] = dep_id
        departments.setdefault(name.casefold(), dep_id)
    relations = {}
    for field in form.definition.get("fields", []):
        if field.get("type") == "relation":
            target = session.scalar(sa.select(Form).where(Form.app_id == form.app_id,
                                                          Form.key == field.get("target")))
            relations[field["key"]] = RelationResolver(session, target)
    return ParseContext(tz or "Asia/Shanghai", users, departments, relations)
