"""Database engine and sessions: one engine per URL, SQLite tuned for concurrent use."""
from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_engines: dict[str, sa.Engine] = {}

# True while the current unit of work only reads (GET requests): on SQLite it then begins a
# deferred transaction, which neither waits for nor blocks a writer under WAL.
read_only_work: contextvars.ContextVar[bool] = contextvars.ContextVar("read_only_work",
                                                                      default=False)


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def get_engine(url: str) -> sa.Engine:
    url = normalise_url(url)
    engine = _engines.get(url)
    if engine is None:
        if url.startswith("sqlite"):
            engine = sa.create_engine(url, connect_args={"timeout": 10, "check_same_thread": False})
            event.listen(engine, "connect", _tune_sqlite)
            # pysqlite begins transactions lazily and deferred; a deferred reader that later
            # writes fails at once with "database is locked" under concurrency. Taking the
            # write lock at BEGIN makes writers queue on busy_timeout instead.
            @event.listens_for(engine, "connect")
            def _no_pysqlite_tx(dbapi_connection, _record):
                dbapi_connection.isolation_level = None

            @event.listens_for(engine, "begin")
            def _begin(conn):
                conn.exec_driver_sql("BEGIN" if read_only_work.get() else "BEGIN IMMEDIATE")
        else:
            engine = sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        _engines[url] = engine
    return engine


def dispose_all() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


class Database:
    """Holds the engine and the session factory of one app."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = get_engine(self.url)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def read_connection(self) -> Iterator[sa.Connection]:
        """A connection for a few reads that need no transaction of their own: autocommit on
        PostgreSQL saves the BEGIN and COMMIT round trips; SQLite reads in a deferred
        transaction (set read_only_work) that the close rolls back."""
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any error."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        deliver_pending(session)


def deliver_pending(session: Session) -> None:
    """Run what the committed transaction asked for: events, then after-commit callbacks
    (e.g. enqueueing jobs only once their rows exist)."""
    from app import events

    pending = session.info.pop("pending_events", [])
    for name, payload in pending:
        events.deliver(name, payload)
    for callback in session.info.pop("after_commit", []):
        callback()


def after_commit(session: Session, callback) -> None:
    session.info.setdefault("after_commit", []).append(callback)
