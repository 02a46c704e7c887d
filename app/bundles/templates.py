"""Templates: the bundles in templates_lib/<key>/bundle.json, installed into a workspace, with
demo data from an optional templates_lib/<key>/demo.py `generate(session, actor, app_id, size,
progress)` run as a job."""
from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.bundles.transfer import import_bundle
from app.errors import NotFound
from app.extensions import unit_of_work
from app.form_engine.io import jobs
from app.i18n import _
from app.jobs import enqueue_after_commit

LIBRARY = Path(__file__).resolve().parent.parent.parent / "templates_lib"
DEFAULT_DEMO_SIZE = 500

log = logging.getLogger(__name__)


def _library() -> Path:
    return Path(current_app.config.get("TEMPLATES_LIB", LIBRARY))


def list_templates() -> list[dict]:
    out = []
    for path in sorted(_library().glob("*/bundle.json")):
        try:
            bundle = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append({"key": path.parent.name, "name": bundle.get("name"),
                    "description": bundle.get("description"), "version": bundle.get("version"),
                    "demo_data": (path.parent / "demo.py").exists()})
    return out


def load_template(key: str) -> dict:
    path = _library() / key / "bundle.json"
    if not key.replace("_", "").isalnum() or not path.is_file():
        raise NotFound(_("No template {key}", "没有模板 {key}", key=key))
    return json.loads(path.read_text(encoding="utf-8"))


def install(session: Session, actor: Actor, key: str, *, demo_data: bool = False,
            size: int = DEFAULT_DEMO_SIZE):
    """Create the app now (so problems answer at once); demo data follows as a job."""
    app = import_bundle(session, actor, load_template(key), template_key=key)
    job = None
    if demo_data and (_library() / key / "demo.py").exists():
        job = jobs.create_job(session, actor, "template_install",
                              {"template": key, "app_id": app.id, "size": size})
        enqueue_after_commit(session, run_demo_data, job.id, queue_name="low",
                             job_id=f"template-{job.id}", timeout=6 * 3600)
    return app, job


def _demo_module(key: str):
    path = _library() / key / "demo.py"
    spec = importlib.util.spec_from_file_location(f"formloom_template_demo_{key}", path)
    module = importlib.util.module_from_spec(spec)
    # dataclasses (and pickling) look the module up in sys.modules while it executes
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(spec.name, None)
        raise
    return module


def run_demo_data(job_id: str) -> None:
    """The RQ job: call the template's generator, reporting progress through the job row."""
    from app.form_engine.io.importer import actor_for_job

    with unit_of_work() as session:
        job = session.get(jobs.Job, job_id)
        if job is None or job.status != "queued":
            return
        jobs.mark_running(session, job)
        params = dict(job.params)
    try:
        module = _demo_module(params["template"])
        with unit_of_work() as session:
            job = session.get(jobs.Job, job_id)
            actor = actor_for_job(session, job)

            def progress(done: int, total: int) -> None:
                jobs.report_progress(job_id, done, total)

            result = module.generate(session, actor, params["app_id"], customers=params["size"],
                                     progress=progress)
            # Swept meanwhile (no progress for too long): the user was told to install again.
            job = jobs.lock_running(session, job_id)
            jobs.finish(session, job, status="succeeded", done=params["size"],
                        total=params["size"], result=result if isinstance(result, dict) else None)
    except jobs.JobStopped:
        log.warning("template job %s was failed by the stalled-jobs sweeper; stopping", job_id)
    except Exception as exc:
        with unit_of_work() as session:
            job = session.get(jobs.Job, job_id)
            message = getattr(exc, "message", None) or str(exc)
            jobs.finish(session, job, status="failed", done=0, total=params["size"],
                        errors=[{"row": None, "column": None,
                                 "message": {"en": str(message), "zh": str(message)}}],
                        error_count=1)
        raise
