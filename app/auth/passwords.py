"""Password hashing with Argon2id (memory-hard)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A cheap hasher for the test suite only: the real one costs ~50 ms per hash by design.
_test_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_DUMMY_HASH = _hasher.hash("formloom-dummy-password")
_fast = False


def use_fast_hashing(enabled: bool) -> None:
    global _fast
    _fast = enabled


def _current() -> PasswordHasher:
    return _test_hasher if _fast else _hasher


def hash_password(password: str) -> str:
    return _current().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time verification; unknown users cost the same time as known ones."""
    try:
        if password_hash is None:
            _hasher.verify(_DUMMY_HASH, password + "x")
            return False
        return _current().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
