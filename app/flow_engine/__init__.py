"""flow engine: durable journeys, automations and approvals (see ARCHITECTURE.md, docs/flows.md)."""


def init_app(app) -> None:
    """Subscribe to record events and register the sweeps with the worker's periodic runner."""
    from app import events
    from app.flow_engine import sweeps  # noqa: F401  (registers @periodic sweeps)
    from app.flow_engine.nodes import load
    from app.flow_engine.triggers import RECORD_EVENTS, on_record_event

    load()
    for name in RECORD_EVENTS:
        events.subscribe(name, on_record_event)
