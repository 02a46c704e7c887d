"""SMS through a configurable HTTP gateway: SMS_GATEWAY_URL, SMS_GATEWAY_METHOD (POST),
SMS_GATEWAY_BODY (a JSON template with {to} and {body}; default {"to": ..., "body": ...}),
SMS_GATEWAY_AUTH (the Authorization header), OUTBOUND_TIMEOUT. Goes through the SSRF guard like
any webhook."""
from __future__ import annotations

import json

from flask import current_app

from app.flow_engine import outbound


def send(*, to: str, subject: str | None, body: str) -> None:
    config = current_app.config
    template = config.get("SMS_GATEWAY_BODY")
    if template:
        payload = template.replace("{to}", json.dumps(to)[1:-1]).replace("{body}", json.dumps(body)[1:-1])
    else:
        payload = json.dumps({"to": to, "body": body}, ensure_ascii=False)
    headers = {"Content-Type": "application/json"}
    if config.get("SMS_GATEWAY_AUTH"):
        headers["Authorization"] = config["SMS_GATEWAY_AUTH"]
    response = outbound.request(config.get("SMS_GATEWAY_METHOD", "POST"), config["SMS_GATEWAY_URL"],
                                headers=headers, body=payload.encode(),
                                timeout=config.get("OUTBOUND_TIMEOUT", 10))
    if response.status >= 300:
        raise RuntimeError(f"SMS gateway answered HTTP {response.status}: {response.body[:200]}")
