"""Dashboard widgets computed side by side on PostgreSQL: one thread and one database session per
widget query, so the database works on several statements at once while Python waits.

Each query reads in its own transaction, so the widgets of one response may see snapshots a few
milliseconds apart, as two requests would. Threads see the caller's Flask app context through a
copy of its contextvars (the report cache reads the app's Redis). SQLite, the embedded starter
database, stays sequential."""
from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from sqlalchemy.orm import Session, sessionmaker

# The CRM overview (7 distinct queries, 100k orders, PostgreSQL on the same 2 cores) took 5.4 s with
# 1 thread, 4.4 s with 2, 3.8-3.9 s with 3 or 4 (docs/performance.md); more only queue in the database.
MAX_THREADS = 4

Task = TypeVar("Task")


def run_all(session: Session, tasks: dict[str, Task], run: Callable[[Session, Task], dict]
            ) -> dict[str, dict]:
    """{key: run(its own session, task)} for every task, concurrently; an exception raised by
    `run` is raised here once every task has finished."""
    factory = sessionmaker(bind=session.get_bind(), expire_on_commit=False)

    def one(task: Task) -> dict:
        with factory() as own, own.begin():
            return run(own, task)

    threads = min(MAX_THREADS, len(tasks))
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="widget") as pool:
        futures = {key: pool.submit(contextvars.copy_context().run, one, task)
                   for key, task in tasks.items()}
    return {key: future.result() for key, future in futures.items()}
