"""Authenticating a request: Bearer API token, or the signed session cookie plus CSRF."""
from __future__ import annotations

import hmac
import secrets

import sqlalchemy as sa
from flask import g, request, session

from app import clock
from app.auth.actor import Actor
from app.auth.tokens import token_hash
from app.errors import Forbidden, Unauthenticated
from app.i18n import _, negotiate
from app.models import ApiToken, Membership, UserDepartment, Workspace

CSRF_COOKIE = "formloom_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _lang() -> str:
    return negotiate(request.headers.get("Accept-Language"))


def _membership_select() -> sa.Select:
    """The membership's role, the workspace's time zone and the user's departments (one row
    per department): everything an actor needs, in one round trip."""
    return (sa.select(Membership.user_id, Membership.workspace_id, Membership.role,
                      Workspace.timezone, UserDepartment.department_id)
            .join(Workspace, Workspace.id == Membership.workspace_id)
            .outerjoin(UserDepartment, sa.and_(UserDepartment.user_id == Membership.user_id,
                                               UserDepartment.workspace_id == Membership.workspace_id)))


# Built once with bound parameters: constructing these per request cost more than running them.
_BY_SESSION = _membership_select().where(Membership.user_id == sa.bindparam("user_id"),
                                         Membership.workspace_id == sa.bindparam("workspace_id"))
_BY_TOKEN = (_membership_select()
             .add_columns(ApiToken.id.label("token_id"), ApiToken.last_used_at)
             .join(ApiToken, sa.and_(ApiToken.user_id == Membership.user_id,
                                     ApiToken.workspace_id == Membership.workspace_id))
             .where(ApiToken.token_hash == sa.bindparam("digest")))


def _actor_from(rows: list, via: str) -> Actor | None:
    if not rows:
        return None
    first = rows[0]
    departments = tuple(sorted({r.department_id for r in rows if r.department_id}))
    return Actor(workspace_id=first.workspace_id, user_id=first.user_id, role=first.role, via=via,
                 department_ids=departments, lang=_lang(), timezone=first.timezone)


def _read(stmt: sa.Select, **params) -> list:
    """Authentication only reads: outside a transaction on PostgreSQL (no BEGIN/COMMIT round
    trips on every request) and in a deferred one on SQLite (never the write lock)."""
    from app.db import read_only_work
    from app.extensions import db

    token = read_only_work.set(True)
    try:
        with db().read_connection() as conn:
            return list(conn.execute(stmt, params))
    finally:
        read_only_work.reset(token)


def authenticate() -> Actor:
    """Return the request's actor (cached on g) or raise Unauthenticated/Forbidden."""
    if getattr(g, "actor", None) is not None:
        return g.actor
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        digest = token_hash(header[7:].strip())
        rows = _read(_BY_TOKEN, digest=digest)
        actor = _actor_from(rows, "token")
        if actor is None:
            raise Unauthenticated(_("The API token is invalid or revoked",
                                    "API 令牌无效或已撤销"))
        _touch_token(rows[0].token_id, rows[0].last_used_at)
    else:
        user_id, workspace_id = session.get("user_id"), session.get("workspace_id")
        if not user_id or not workspace_id:
            raise Unauthenticated(_("Please log in", "请先登录"))
        actor = _actor_from(_read(_BY_SESSION, user_id=user_id, workspace_id=workspace_id),
                            "session")
        if actor is None:
            session.clear()
            raise Unauthenticated(_("Please log in", "请先登录"))
        if request.method in UNSAFE_METHODS:
            check_csrf()
    g.actor = actor
    return actor


def _touch_token(token_id: str, last_used) -> None:
    """Record when a token was last used, at most once a minute and never failing the request:
    it is information for the owner, not part of authenticating."""
    import datetime as dt

    from app.db import read_only_work
    from app.extensions import db

    now = clock.now()
    if last_used is not None and now - last_used < dt.timedelta(minutes=1):
        return
    token = read_only_work.set(False)
    try:
        with db().transaction() as s:
            s.execute(sa.update(ApiToken).where(ApiToken.id == token_id)
                      .values(last_used_at=now))
    except sa.exc.OperationalError:
        pass
    finally:
        read_only_work.reset(token)


def check_csrf() -> None:
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(str(expected), sent):
        raise Forbidden(_("Missing or wrong CSRF token", "缺少或错误的 CSRF 令牌"),
                        {"reason": "csrf"})


def start_session(user_id: str, workspace_id: str) -> str:
    """Log a user into a workspace; returns the CSRF token the client must echo."""
    session.clear()
    session["user_id"] = user_id
    session["workspace_id"] = workspace_id
    session["csrf"] = secrets.token_urlsafe(24)
    session.permanent = True
    return session["csrf"]


def set_csrf_cookie(response) -> None:
    """Mirror the session's CSRF token into a script-readable cookie (double submit)."""
    from flask import current_app

    token = session.get("csrf")
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    elif not token and CSRF_COOKIE in request.cookies and not request.path.startswith("/assets/"):
        # The session ended (logout, expiry): the SPA reads this cookie to know it is signed in.
        response.delete_cookie(CSRF_COOKIE, samesite="Lax")
