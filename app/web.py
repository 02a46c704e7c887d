"""Serving the built SPA (frontend/dist) and the security headers of every response."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, request, send_from_directory

from app.auth.session import set_csrf_cookie

DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"

bp = Blueprint("web", __name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")


def _dist() -> Path:
    return Path(current_app.config.get("FRONTEND_DIST", DIST))


def _page(name: str):
    dist = _dist()
    if not (dist / name).exists():
        return ("<!doctype html><meta charset=utf-8><title>Formloom</title>"
                "<p>The front end is not built yet: run <code>make run</code>.</p>", 200)
    response = send_from_directory(dist, name, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/assets/<path:filename>")
def assets(filename: str):
    # Vite fingerprints asset names, so they can be cached for a year.
    response = send_from_directory(_dist() / "assets", filename, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/f/<token>")
def public_form_page(token: str):
    return _page("public.html")


@bp.get("/q/<token>")
def public_query_page(token: str):
    return _page("public.html")


@bp.get("/", defaults={"path": ""})
@bp.get("/<path:path>")
def spa(path: str):
    if path.startswith(("api/", "healthz")):
        abort(404)
    candidate = _dist() / path
    if path and candidate.is_file() and _dist() in candidate.resolve().parents:
        return send_from_directory(_dist(), path)
    return _page("index.html")


def install_security_headers(app: Flask) -> None:
    @app.before_request
    def _forget_actor():
        # g lives on the app context, which an outer context (CLI, tests) can keep alive
        # across requests: the actor must never carry over from one request to the next.
        from flask import g

        g.actor = None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        set_csrf_cookie(response)
        return response
