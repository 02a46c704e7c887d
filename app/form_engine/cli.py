"""`formloom recompute`: rebuild lookups, rollups and formulas of one app or form."""
from __future__ import annotations

import click


@click.command("recompute")
@click.option("--app", "app_id", help="App id: recompute every form of it")
@click.option("--form", "form_id", help="Form id: recompute this form only")
def recompute_command(app_id: str | None, form_id: str | None) -> None:
    """Recompute derived values (lookups, rollups, formulas) from the records."""
    from app import create_app
    from app.extensions import unit_of_work
    from app.form_engine.recompute import recompute_app, recompute_form
    from app.models import Form

    if not app_id and not form_id:
        raise click.UsageError("give --app or --form")
    with create_app().app_context():
        with unit_of_work() as s:
            if form_id:
                form = s.get(Form, form_id)
                if form is None:
                    raise click.ClickException(f"no form {form_id}")
                counts = {form.key: recompute_form(s, form)}
            else:
                counts = recompute_app(s, app_id)
    for key, changed in counts.items():
        click.echo(f"{key}: {changed} records changed")
