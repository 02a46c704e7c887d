"""Formloom: create_app() builds the Flask application; no work happens at import time."""
from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

from flask import Flask

ENGINES = ("app.form_engine", "app.flow_engine", "app.report_engine")


def create_app(config: dict | None = None) -> Flask:
    from app.api.errors import register_error_handlers
    from app.config import load_settings
    from app.db import Database
    from app.redis_conn import resolve_url
    from app.web import bp as web_bp, install_security_headers

    app = Flask(__name__, static_folder=None)
    settings = load_settings(config)
    app.config.update(settings)
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(days=14)
    app.config["JSON_SORT_KEYS"] = False
    app.json.ensure_ascii = False
    resolve_url(app.config)
    app.extensions["formloom.db"] = Database(app.config["DATABASE_URL"])
    if app.config.get("TESTING"):
        from app.auth.passwords import use_fast_hashing

        use_fast_hashing(True)

    register_error_handlers(app)
    install_security_headers(app)
    for blueprint in _api_blueprints():
        app.register_blueprint(blueprint)
    for name in ENGINES:
        module = importlib.import_module(name)
        if hasattr(module, "init_app"):
            module.init_app(app)
    app.register_blueprint(web_bp)  # last: its catch-all serves the SPA

    return app


def _api_blueprints():
    """Every module in app/api/ that defines `bp` contributes its routes."""
    import app.api as api_pkg

    for info in sorted(pkgutil.iter_modules(api_pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"app.api.{info.name}")
        bp = getattr(module, "bp", None)
        if bp is not None:
            yield bp
