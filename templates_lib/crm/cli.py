"""`formloom demo --customers N`: fill an installed Repurchase CRM app with seeded demo data."""
from __future__ import annotations

import click


@click.command("demo")
@click.option("--customers", type=click.IntRange(1, 2_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--workspace", "workspace_id", required=True, help="Workspace id.")
@click.option("--app", "app_id", required=True, help="Id of an installed CRM app in it.")
def demo_command(customers: int, seed: int, workspace_id: str, app_id: str) -> None:
    """Generate realistic customers, orders, tickets and follow-ups (seeded, with progress)."""
    from app import create_app
    from app.auth.actor import Actor
    from app.extensions import unit_of_work
    from templates_lib.crm.demo import generate

    with create_app().app_context(), unit_of_work() as session:
        actor = Actor.system(workspace_id, via="template")
        with click.progressbar(length=1, label="demo data") as bar:
            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)
            result = generate(session, actor, app_id, customers=customers, seed=seed,
                              progress=progress)
    for form_key, count in result.counts.items():
        click.echo(f"{form_key}: {count}")
