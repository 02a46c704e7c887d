"""The `formloom` command line: run, web, worker, db upgrade, create-admin, ..."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import click


def _app(**overrides):
    from app import create_app

    return create_app(overrides or None)


class _Group(click.Group):
    """Typed engine errors become a readable message and exit code 1, not a traceback."""

    def invoke(self, ctx):
        from app.errors import FormloomError
        from app.i18n import render

        try:
            return super().invoke(ctx)
        except FormloomError as err:
            lang = os.environ.get("FORMLOOM_LANG", "en")
            details = render(err.details, lang)
            text = render(err.message, lang)
            if details:
                import json

                text += "\n" + json.dumps(details, ensure_ascii=False, indent=2)[:4000]
            raise click.ClickException(text) from None


@click.group(cls=_Group)
def main() -> None:
    """Formloom: no-code forms, workflows and dashboards."""


@main.group(cls=_Group)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from app.config import load_settings
    from app.migrate import upgrade

    url = load_settings()["DATABASE_URL"]
    upgrade(url, revision)
    click.echo(f"database at {revision}")


@db.command("downgrade")
@click.option("--revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Revert migrations (default: one step)."""
    from app.config import load_settings
    from app.migrate import downgrade

    downgrade(load_settings()["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@main.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--workspace", required=True)
def create_admin(email: str, password: str, workspace: str) -> None:
    """Create (or reset) an owner of WORKSPACE without the browser."""
    from app.extensions import unit_of_work
    from app.services.accounts import create_admin as make_admin

    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    app = _app()
    with app.app_context(), unit_of_work() as s:
        user, ws = make_admin(s, email=email, password=password, workspace=workspace)
        click.echo(f"owner {user.email} of workspace {ws.name} ({ws.id})")


@main.command("worker")
@click.option("--burst", is_flag=True, help="Work until the queues are empty, then exit.")
@click.option("--fork", is_flag=True, help="Fork a process per job (isolation over speed).")
@click.option("--queues", default="high,default,low", show_default=True)
def worker(burst: bool, fork: bool, queues: str) -> None:
    """Run a background worker (RQ) with the scheduler and the periodic sweeps."""
    from app.jobs import run_worker

    run_worker(_app(), burst=burst, fork=fork, queues=tuple(q for q in queues.split(",") if q))


@main.command("web")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--processes", default=2, show_default=True, type=int)
def web(host: str, port: int, processes: int) -> None:
    """Run the web server (gunicorn)."""
    # The project's gunicorn.conf.py and wsgi.py, from whatever directory this is started in.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn",
                               "-c", os.path.join(root, "gunicorn.conf.py"), "--chdir", root,
                               "--workers", str(processes),
                               "--bind", f"{host}:{port}", "--access-logfile", "-",
                               "--graceful-timeout", "5", "wsgi:app"])


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def run(host: str, port: int, workers: int) -> None:
    """Web server plus WORKERS background workers; Ctrl-C stops everything it started."""
    from app.config import load_settings
    from app.migrate import upgrade
    from app.redis_conn import start_embedded, stop_embedded

    settings = load_settings()
    env = dict(os.environ, INSTANCE_PATH=settings["INSTANCE_PATH"],
               SECRET_KEY=settings["SECRET_KEY"])
    embedded = not settings["REDIS_URL"]
    if embedded:
        env["REDIS_URL"] = start_embedded(settings["INSTANCE_PATH"])
    upgrade(settings["DATABASE_URL"])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exe = [sys.executable, "-m", "app.cli"]
    children = [subprocess.Popen(exe + ["web", "--host", host, "--port", str(port)], env=env,
                                 cwd=here)]
    children += [subprocess.Popen(exe + ["worker"], env=env, cwd=here) for _ in range(workers)]
    click.echo(f"Formloom is running at http://{host}:{port}/  "
               f"(database: {settings['DATABASE_URL'].split('@')[-1]}, "
               f"redis: {'embedded' if embedded else 'external'}; Ctrl-C to stop)")

    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        while not stopping and all(c.poll() is None for c in children):
            time.sleep(0.3)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.time() + 10
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            stop_embedded()
    codes = [c.returncode for c in children]
    if not stopping and any(codes):
        raise SystemExit(f"a process exited unexpectedly: {codes}")


def _find_workspace(s, workspace: str):
    import sqlalchemy as sa

    from app.models import Workspace

    ws = s.get(Workspace, workspace) or s.scalar(
        sa.select(Workspace).where(Workspace.name == workspace).order_by(Workspace.created_at))
    if ws is None:
        raise click.BadParameter(f"no workspace with id or name {workspace!r}",
                                 param_hint="--workspace")
    return ws


@main.group(cls=_Group)
def template() -> None:
    """App templates (templates_lib/)."""


@template.command("list")
def template_list() -> None:
    """List the templates that can be installed."""
    from app.bundles.templates import list_templates

    for t in list_templates():
        name = t["name"].get("en") if isinstance(t["name"], dict) else t["name"]
        click.echo(f"{t['key']}\t{t.get('version', '')}\t{name}")


@template.command("install")
@click.argument("key")
@click.option("--workspace", required=True, help="Workspace id or name.")
@click.option("--demo", is_flag=True, help="Also generate demo data.")
@click.option("--customers", default=500, show_default=True, type=click.IntRange(1, 2_000_000))
def template_install(key: str, workspace: str, demo: bool, customers: int) -> None:
    """Install template KEY into a workspace (optionally with demo data, with progress)."""
    from app.auth.actor import Actor
    from app.bundles.templates import install
    from app.extensions import unit_of_work

    with _app().app_context():
        with unit_of_work() as s:
            ws = _find_workspace(s, workspace)
            installed, _job = install(s, Actor.system(ws.id, via="template"), key)
            app_id, ws_id = installed.id, ws.id
        click.echo(f"installed {key} as app {app_id} in workspace {ws_id}")
        if demo:
            _generate_demo(key, ws_id, app_id, customers)


def _generate_demo(key: str, workspace_id: str, app_id: str, customers: int) -> None:
    from app.auth.actor import Actor
    from app.bundles.templates import _demo_module
    from app.extensions import unit_of_work

    module = _demo_module(key)
    with unit_of_work() as s, click.progressbar(length=1, label="demo data") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        result = module.generate(s, Actor.system(workspace_id, via="template"), app_id,
                                 customers=customers, progress=progress)
    for form_key, count in getattr(result, "counts", {}).items():
        click.echo(f"{form_key}: {count}")


@main.command("demo")
@click.option("--customers", default=2000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--workspace", default="Demo", show_default=True,
              help="Workspace id or name; a workspace of this name is created when missing.")
def demo(customers: int, workspace: str) -> None:
    """Install the Repurchase CRM (once) and fill it with realistic seeded demo data."""
    import sqlalchemy as sa

    from app.auth.actor import Actor
    from app.bundles.templates import install
    from app.extensions import unit_of_work
    from app.models import App, Workspace

    with _app().app_context():
        with unit_of_work() as s:
            ws = s.get(Workspace, workspace) or s.scalar(
                sa.select(Workspace).where(Workspace.name == workspace))
            if ws is None:
                ws = Workspace(name=workspace)
                s.add(ws)
                s.flush()
                click.echo(f"created workspace {ws.name} ({ws.id}); add an owner with "
                           f"formloom create-admin --workspace {ws.name!r}")
            crm = s.scalar(sa.select(App).where(App.workspace_id == ws.id, App.key == "crm"))
            if crm is None:
                crm, _job = install(s, Actor.system(ws.id, via="template"), "crm")
            ws_id, app_id = ws.id, crm.id
        _generate_demo("crm", ws_id, app_id, customers)


def _register_plugin_commands() -> None:
    """Commands that live with the engine or template they serve."""
    from app.form_engine.cli import recompute_command

    main.add_command(recompute_command)


_register_plugin_commands()

if __name__ == "__main__":
    main()
