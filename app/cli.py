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


@click.group()
def main() -> None:
    """Formloom: no-code forms, workflows and dashboards."""


@main.group()
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
    os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "--workers", str(processes),
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


def _register_plugin_commands() -> None:
    """Commands that live with the engine or template they serve."""
    from app.form_engine.cli import recompute_command
    from templates_lib.crm.cli import demo_command

    main.add_command(recompute_command)
    main.add_command(demo_command)


_register_plugin_commands()

if __name__ == "__main__":
    main()
