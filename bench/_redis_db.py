"""A Redis DB index of its own for a benchmark run. `make test` runs the quick benchmarks beside
test workers that each claim an index (tests/conftest.py) and flush it; a benchmark on a fixed
index could have its cache or queues flushed under it, or flush a test's. Claimed with the same
key as the tests, released when the process ends."""
from __future__ import annotations

import atexit
import functools
import os

SERVER = os.environ.get("FORMLOOM_BENCH_REDIS", "redis://127.0.0.1:6379").rstrip("/")
CLAIM_KEY = "formloom:test-claim"   # the key tests/conftest.py claims Redis DB indexes with


@functools.cache
def url() -> str:
    """redis://host:port/N for an index nobody else holds now, emptied for this run."""
    import redis

    for index in range(1, 16):
        client = redis.Redis.from_url(f"{SERVER}/{index}")
        if client.set(CLAIM_KEY, f"bench:{os.getpid()}", nx=True, ex=3 * 3600):
            for key in client.scan_iter(count=1000):
                if key != CLAIM_KEY.encode():
                    client.delete(key)
            atexit.register(lambda c=client: c.delete(CLAIM_KEY))
            return f"{SERVER}/{index}"
    raise RuntimeError("every Redis DB index is claimed by a test run or a benchmark")
