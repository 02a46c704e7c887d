"""E-mail over SMTP: SMTP_URL = smtp://[user:password@]host[:port] (smtps:// for TLS,
?starttls=1 to upgrade), sender from SMTP_FROM, SMTP_TIMEOUT seconds per network operation."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app


def send(*, to: str, subject: str | None, body: str) -> None:
    url = urlsplit(current_app.config["SMTP_URL"])
    options = parse_qs(url.query)
    message = EmailMessage()
    message["From"] = current_app.config.get("SMTP_FROM") or "formloom@localhost"
    message["To"] = to
    message["Subject"] = subject or ""
    message.set_content(body, subtype="html" if body.lstrip().startswith("<") else "plain")
    cls = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    port = url.port or (465 if url.scheme == "smtps" else 25)
    with cls(url.hostname, port, timeout=current_app.config.get("SMTP_TIMEOUT", 10)) as smtp:
        if options.get("starttls", ["0"])[0] in ("1", "true"):
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)
