"""http_request: an outbound call through the SSRF guard, signed when a secret is given; the
response is `steps.<id>.status` / `.body` / `.json`. Runs outside the step transaction and
sends the step's idempotency key so receivers can drop a repeat after a crash."""
from __future__ import annotations

import json

from app.flow_engine import outbound
from app.flow_engine.nodes import NodeContext, NodeType, Outcome, node_type


@node_type
class HttpRequest(NodeType):
    type = "http_request"
    config_schema = {
        "url": {"type": "string", "minLength": 8, "maxLength": 2000},
        "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        "headers": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 2000}},
        "body": {"type": ["string", "object"]},
        "secret": {"type": "string", "maxLength": 200},
        "timeout": {"type": "number", "minimum": 1, "maximum": 30},
        "fail_on_error": {"type": "boolean"},
    }
    required = ("url",)
    max_attempts = 5
    backoff_seconds = 10.0
    external = True

    def templates(self, node):
        found = [("url", node.get("url", ""))]
        if isinstance(node.get("body"), str):
            found.append(("body", node["body"]))
        return found

    def _request(self, ctx: NodeContext):
        node = ctx.node
        body = node.get("body")
        if isinstance(body, dict):
            body = json.dumps({k: ctx.render(v) if isinstance(v, str) else v for k, v in body.items()},
                              ensure_ascii=False)
        elif isinstance(body, str):
            body = ctx.render(body)
        method = node.get("method", "POST" if body is not None else "GET")
        return method, ctx.render(node["url"]), (body or "").encode() if body is not None else None

    def execute(self, ctx: NodeContext) -> Outcome:
        method, url, body = self._request(ctx)
        headers = outbound.signed_headers(ctx.node.get("secret"), body or b"",
                                          {**ctx.node.get("headers", {}),
                                           "Idempotency-Key": ctx.idempotency_key})
        response = outbound.request(method, url, headers=headers, body=body,
                                    timeout=ctx.node.get("timeout", 10))
        if response.status >= 500 or (response.status >= 400 and ctx.node.get("fail_on_error", True)):
            raise RuntimeError(f"HTTP {response.status} from {url}")
        try:
            parsed = json.loads(response.body) if response.body else None
        except ValueError:
            parsed = None
        return Outcome(output={"status": response.status, "body": response.body[:10000],
                               "json": parsed})

    def describe(self, ctx: NodeContext) -> Outcome:
        method, url, body = self._request(ctx)
        return Outcome(output={"would": f"{method} {url}",
                               "body": body.decode() if body else None})
