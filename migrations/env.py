"""Alembic environment: the URL comes from the caller (formloom db upgrade) or DATABASE_URL."""
from __future__ import annotations

from alembic import context

from app.config import load_settings
from app.db import get_engine
from app.models import Base

config = context.config


def _url() -> str:
    return config.attributes.get("database_url") or load_settings()["DATABASE_URL"]


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = get_engine(_url())
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
