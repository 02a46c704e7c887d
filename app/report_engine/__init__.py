"""report engine (see ARCHITECTURE.md)."""


def init_app(app) -> None:
    """Keep hot fields' typed columns in step with form definitions, and register their hourly
    catch-up with the worker's periodic runner."""
    from app.form_engine import indexes
    from app.report_engine import hot_fields

    indexes.on_definition_change(hot_fields.on_form_change)
