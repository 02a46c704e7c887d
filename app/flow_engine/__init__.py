"""flow engine: durable journeys, automations and approvals (see ARCHITECTURE.md, docs/flows.md)."""


def init_app(app) -> None:
    """Route committed record events to flows (dispatch.py) and register the sweeps with the
    worker's periodic runner."""
    from app.flow_engine import dispatch, sweeps  # noqa: F401  (registers @periodic sweeps)
    from app.flow_engine.nodes import load

    load()
    dispatch.install()
