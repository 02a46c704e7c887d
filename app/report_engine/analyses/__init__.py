"""Analyses (`kind`) beyond plain tables, one module each, registered by kind."""
from __future__ import annotations

ANALYSES: dict = {}


def analysis(kind: str):
    def register(fn):
        ANALYSES[kind] = fn
        return fn
    return register


from app.report_engine.analyses import cohort, funnel, pivot, repurchase, rfm  # noqa: E402,F401
