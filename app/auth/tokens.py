"""Personal API tokens: random secrets shown once and stored only as a SHA-256 hash."""
from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "flm_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
