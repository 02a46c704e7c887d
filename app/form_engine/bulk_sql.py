"""Multi-row writes for bulk creates: COPY on PostgreSQL (one round trip per table, JSON encoded
once by the caller), executemany elsewhere; create revisions copied from the inserted records on
the server; unique claims in one INSERT .. ON CONFLICT DO NOTHING whose RETURNING says which
values were free."""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.db_bulk import JsonText, dialect_of, insert_rows  # noqa: F401  (used by bulk.py)
from app.models import UniqueValue

SQLITE_CHUNK = 200  # 4 parameters a row stays far below SQLite's variable limit
# Lists of ids, hashes and field keys go to PostgreSQL as one text each, split on the server:
# the driver builds a text[] parameter element by element in Python, which made a 1,000-row unique
# claim take 19 ms instead of 14 (measured in isolation). None of these values can hold the
# separator (ids are base32, hashes hex, constraint keys field keys joined by commas).
_SEP = "\x1f"
_SPLIT = "string_to_array(CAST(:{name} AS text), E'\\x1f')"


def _packed(values: list[str]) -> str:
    return _SEP.join(values)


def plan_per_statement(session: Session) -> None:
    """PostgreSQL, once per transaction: plan each statement for the tables as they are now.
    The driver prepares a statement run five times and the server may then reuse one generic
    plan; one made while a bulk load's first batches left a table small (a sequential scan)
    would be reused while the same transaction grows it, each batch slower than the last."""
    if dialect_of(session) != "postgresql" or session.info.get("plan_per_statement") is \
            session.get_transaction():
        return
    session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    session.info["plan_per_statement"] = session.get_transaction()


def claim_unique(session: Session, form_id: str, claims: list[tuple[str, str, str]]
                 ) -> set[tuple[str, str]]:
    """Insert (constraint, value hash, record id) claims; returns the (constraint, hash) pairs
    another record already held. A concurrent uncommitted claim of the same value makes this
    wait for that transaction, so two racing batches cannot both win."""
    if not claims:
        return set()
    won: set[tuple[str, str]] = set()
    if dialect_of(session) == "postgresql":
        rows = session.execute(sa.text(
            "INSERT INTO unique_values (form_id, constraint_key, value_hash, record_id) "
            f"SELECT :form_id, c, h, r FROM unnest({_SPLIT.format(name='c')}, "
            f"{_SPLIT.format(name='h')}, {_SPLIT.format(name='r')}) AS t(c, h, r) "
            "ON CONFLICT DO NOTHING RETURNING constraint_key, value_hash"),
            {"form_id": form_id, "c": _packed([c[0] for c in claims]),
             "h": _packed([c[1] for c in claims]), "r": _packed([c[2] for c in claims])})
        won.update((c, h) for c, h in rows)
    else:
        for start in range(0, len(claims), SQLITE_CHUNK):
            chunk = claims[start:start + SQLITE_CHUNK]
            stmt = sqlite.insert(UniqueValue).values([
                {"form_id": form_id, "constraint_key": c, "value_hash": h, "record_id": r}
                for c, h, r in chunk]).on_conflict_do_nothing().returning(
                UniqueValue.constraint_key, UniqueValue.value_hash)
            won.update((c, h) for c, h in session.execute(stmt))
    return {(c, h) for c, h, _r in claims} - won


def revisions_of_created(session: Session, revisions: list[tuple[str, str]], *, workspace_id: str,
                         form_id: str, actor_id: str | None, source: str, at,
                         changed: list[str]) -> bool:
    """On PostgreSQL, the create revisions of just inserted records ((revision id, record id)
    pairs) in one INSERT .. SELECT that copies each record's stored data as `after`, instead of
    sending and parsing the same JSON a second time: a primary-key probe per record (a join
    would be planned as a scan of the whole table while its statistics predate the load). False
    elsewhere (the caller writes them)."""
    if dialect_of(session) != "postgresql":
        return False
    session.execute(sa.text(
        "INSERT INTO record_revisions (id, workspace_id, record_id, form_id, version, action, "
        "actor_id, source, at, changed, before, after) "
        "SELECT v.rev_id, :workspace_id, v.record_id, :form_id, 1, 'create', :actor_id, "
        ":source, :at, CAST(:changed AS jsonb), NULL, "
        "(SELECT r.data FROM records r WHERE r.id = v.record_id) "
        f"FROM unnest({_SPLIT.format(name='rev_ids')}, {_SPLIT.format(name='record_ids')}) "
        "AS v(rev_id, record_id) ORDER BY v.rev_id"),
        {"workspace_id": workspace_id, "form_id": form_id, "actor_id": actor_id,
         "source": source, "at": at, "changed": json.dumps(changed),
         "rev_ids": _packed([rev for rev, _record in revisions]),
         "record_ids": _packed([record for _rev, record in revisions])})
    return True


def release_records(session: Session, record_ids: list[str]) -> None:
    """Drop the unique claims of records that will not be saved after all."""
    for start in range(0, len(record_ids), 500):
        session.execute(sa.delete(UniqueValue).where(
            UniqueValue.record_id.in_(record_ids[start:start + 500])))
