"""Settings from environment variables, through small typed helpers (documented in README)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def parse_boolean(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def int_or_default(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Write-then-rename so two processes starting together agree on one key.
    tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(key)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, key_file)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return key_file.read_text().strip()


def load_settings(overrides: dict | None = None) -> dict:
    env = os.environ
    instance_path = Path(env.get("INSTANCE_PATH", "./instance")).resolve()
    overrides = dict(overrides or {})
    if "INSTANCE_PATH" in overrides:
        instance_path = Path(overrides["INSTANCE_PATH"]).resolve()
    base_url = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    settings = {
        "INSTANCE_PATH": str(instance_path),
        "DATABASE_URL": env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'formloom.db'}",
        "REPORT_DATABASE_URL": env.get("REPORT_DATABASE_URL") or None,
        "REDIS_URL": env.get("REDIS_URL") or None,
        "BASE_URL": base_url,
        "DEFAULT_LANGUAGE": env.get("DEFAULT_LANGUAGE", "zh-CN"),
        "SIGNUP_OPEN": parse_boolean(env.get("SIGNUP_OPEN"), True),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance_path / "uploads"),
        "MAX_CONTENT_LENGTH": int_or_default(env.get("MAX_BODY_BYTES"), 20 * 1024 * 1024),
        "MAX_JSON_BYTES": int_or_default(env.get("MAX_JSON_BYTES"), 5 * 1024 * 1024),
        "SMTP_URL": env.get("SMTP_URL") or None,
        "SMTP_FROM": env.get("SMTP_FROM", "formloom@localhost"),
        "SMTP_TIMEOUT": int_or_default(env.get("SMTP_TIMEOUT"), 10),
        "OUTBOUND_TIMEOUT": int_or_default(env.get("OUTBOUND_TIMEOUT"), 10),
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL") or None,
        "SMS_GATEWAY_METHOD": env.get("SMS_GATEWAY_METHOD", "POST"),
        "SMS_GATEWAY_BODY": env.get("SMS_GATEWAY_BODY") or None,
        "SMS_GATEWAY_AUTH": env.get("SMS_GATEWAY_AUTH") or None,
        "FLOW_MAX_STEPS": int_or_default(env.get("FLOW_MAX_STEPS"), 500),
        "FLOW_MAX_VISITS": int_or_default(env.get("FLOW_MAX_VISITS"), 50),
        "FLOW_MAX_DEPTH": int_or_default(env.get("FLOW_MAX_DEPTH"), 3),
        "FLOW_RATE_LIMIT_PER_MINUTE": int_or_default(env.get("FLOW_RATE_LIMIT_PER_MINUTE"), 6000),
        "JOB_STALL_SECONDS": int_or_default(env.get("JOB_STALL_SECONDS"), 600),
        "JOB_REQUEUE_SECONDS": int_or_default(env.get("JOB_REQUEUE_SECONDS"), 300),
        "OUTBOUND_ALLOWLIST": [h for h in env.get("OUTBOUND_ALLOWLIST", "").split(",") if h],
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "PUBLIC_SUBMIT_RATE_LIMIT": env.get("PUBLIC_SUBMIT_RATE_LIMIT", "30 per minute"),
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or "").rstrip("/"),
        "PUBLIC_LINK_MAX_AGE_DAYS": int_or_default(env.get("PUBLIC_LINK_MAX_AGE_DAYS"), 30),
        "PUBLIC_MAX_UPLOAD_BYTES": int_or_default(env.get("PUBLIC_MAX_UPLOAD_BYTES"),
                                                  10 * 1024 * 1024),
        "RATE_LIMITS_ENABLED": parse_boolean(env.get("RATE_LIMITS_ENABLED"), True),
        "TESTING": False,
    }
    settings.update(overrides)
    # Public links (and PUBLIC_LINK() in messages) may live on another host than the app.
    settings["PUBLIC_BASE_URL"] = settings["PUBLIC_BASE_URL"] or settings["BASE_URL"]
    if "SECRET_KEY" not in overrides:
        settings["SECRET_KEY"] = _secret_key(Path(settings["INSTANCE_PATH"]))
    settings["SESSION_COOKIE_HTTPONLY"] = True
    settings["SESSION_COOKIE_SAMESITE"] = "Lax"
    settings["SESSION_COOKIE_SECURE"] = settings["BASE_URL"].startswith("https://")
    settings["SESSION_COOKIE_NAME"] = "formloom_session"
    return settings
