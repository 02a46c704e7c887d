"""Multi-row inserts: COPY on PostgreSQL (one round trip, JSON encoded once by the caller),
executemany elsewhere. Used by bulk record writes and the event outbox."""
from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.orm import Session


class JsonText(str):
    """A value already encoded as JSON text (written as is by COPY, decoded for executemany)."""


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def insert_rows(session: Session, table: sa.Table, columns: list[str], rows: list[tuple]) -> None:
    """Insert rows (tuples in `columns` order) into `table` within the session's transaction."""
    if not rows:
        return
    if dialect_of(session) == "postgresql":
        raw = session.connection().connection.driver_connection
        names = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    decoded = [{c: (json.loads(v) if isinstance(v, JsonText) else v) for c, v in zip(columns, row)}
               for row in rows]
    session.connection().execute(table.insert(), decoded)


