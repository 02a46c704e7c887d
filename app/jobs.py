"""Background jobs on RQ: named queues, enqueue-after-commit, periodic sweeps, the worker."""
from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Callable

from flask import Flask, current_app
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, SimpleWorker, Worker
from sqlalchemy.orm import Session

from app.db import after_commit

log = logging.getLogger(__name__)

# Latency classes: "high" carries flow steps a user is waiting on (trigger -> first step),
# "default" ordinary work, "low" imports, exports, sweeps and demo data.
QUEUES = ("high", "default", "low")
DEFAULT_TIMEOUT = 300
FAILURE_TTL = 7 * 24 * 3600  # RQ's default keeps failures for a year

_PERIODIC: list[tuple[str, float, Callable[[], None]]] = []


def periodic(name: str, every_seconds: float):
    """Register a function the elected worker runs every `every_seconds` (sweeps, timers)."""
    def decorator(fn: Callable[[], None]):
        _PERIODIC.append((name, every_seconds, fn))
        return fn
    return decorator


def queue(name: str = "default", connection=None) -> Queue:
    from app.extensions import redis

    return Queue(name, connection=connection or redis(), default_timeout=DEFAULT_TIMEOUT)


def enqueue(func, *args, queue_name: str = "default", job_id: str | None = None,
            timeout: int = DEFAULT_TIMEOUT, **kwargs):
    """Enqueue now. Jobs take ids, never objects."""
    return queue(queue_name).enqueue(func, *args, job_id=job_id, job_timeout=timeout,
                                     failure_ttl=FAILURE_TTL, result_ttl=600, **kwargs)


def enqueue_after_commit(session: Session, func, *args, **kwargs) -> None:
    """Enqueue once the transaction that created the job's rows has committed."""
    app = current_app._get_current_object()

    def _go():
        with app.app_context():
            try:
                enqueue(func, *args, **kwargs)
            except Exception:  # Redis down: the sweeper finds the row and enqueues it later
                log.warning("enqueue failed; the sweeper will retry", exc_info=True)

    after_commit(session, _go)


class _PeriodicRunner(threading.Thread):
    """Runs periodic sweeps in one worker at a time, elected through a Redis lock."""

    def __init__(self, app: Flask, stop: threading.Event):
        super().__init__(daemon=True, name="formloom-periodic")
        self.app, self.stop = app, stop
        self.last_run: dict[str, float] = {}

    def run(self) -> None:
        while not self.stop.wait(1.0):
            with self.app.app_context():
                try:
                    self.tick()
                except Exception:
                    log.exception("periodic tick failed")

    def tick(self) -> None:
        from app.extensions import redis

        now = time.monotonic()
        for name, every, fn in list(_PERIODIC):
            if now - self.last_run.get(name, 0) < every:
                continue
            self.last_run[name] = now
            # The lock lives a little shorter than the period, so one worker runs each round.
            if redis().set(f"formloom:periodic:{name}", "1", nx=True, px=int(every * 900)):
                try:
                    fn()
                except Exception:
                    log.exception("periodic %s failed", name)


def run_worker(app: Flask, *, burst: bool = False, fork: bool = False,
               queues: tuple[str, ...] = QUEUES, with_periodic: bool = True) -> None:
    """Run an RQ worker inside an app context.

    SimpleWorker by default: it runs jobs in-process, ~4x faster than forking for the short
    steps flows are made of (QUALITY.md). Durability does not rest on the worker surviving:
    the database holds every step, and a sweeper re-enqueues what a dead worker left.
    """
    from app.extensions import redis

    with app.app_context():
        conn = redis()
        worker_cls = _StopAwareWorker if fork else _StopAwareSimpleWorker
        stop = threading.Event()
        if with_periodic and not burst:
            _PeriodicRunner(app, stop).start()
        try:
            while True:
                worker = None
                try:
                    worker = worker_cls([Queue(q, connection=conn) for q in queues],
                                        connection=conn)
                    worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
                except (RedisConnectionError, RedisTimeoutError):
                    if burst:
                        raise
                    log.warning("the worker lost Redis", exc_info=True)
                if burst or (worker is not None and worker.stop_signalled):
                    return
                # RQ leaves its loop when Redis goes away while it finishes a job; the database
                # still holds the work, so work again once Redis is back rather than idle.
                log.warning("the worker stopped unasked; it starts again when Redis answers")
                _wait_for_redis(conn)
        finally:
            stop.set()


class _StopAware:
    """Remembers a stop signal, which is the only reason a long-running worker should end."""

    stop_signalled = False

    def request_stop(self, signum, frame):
        self.stop_signalled = True
        return super().request_stop(signum, frame)


class _StopAwareSimpleWorker(_StopAware, SimpleWorker):
    pass


class _StopAwareWorker(_StopAware, Worker):
    pass


def _wait_for_redis(conn) -> None:
    if threading.current_thread() is threading.main_thread():
        # The dead worker's handlers would wait for a job; nothing runs now, so stop at once.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    delay = 1.0
    while True:
        time.sleep(delay)
        try:
            conn.ping()
            return
        except (RedisConnectionError, RedisTimeoutError):
            delay = min(delay * 2, 10.0)
