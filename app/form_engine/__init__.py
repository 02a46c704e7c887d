"""form engine (see ARCHITECTURE.md)."""


def init_app(app) -> None:
    """Register the form engine's periodic sweeps with the worker."""
    from app.form_engine import public_uploads, volatile  # noqa: F401  (registers @periodic sweeps)
    from app.form_engine.io import stalled  # noqa: F401
