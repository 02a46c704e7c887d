"""Message templates: text with {{ expression }} parts, checked like rules and escaped for their channel."""
from __future__ import annotations

from typing import Callable, Iterator

from app.rule_engine.check import CheckResult, check
from app.rule_engine.errors import RuleError, RuleSyntaxError, line_column
from app.rule_engine.evaluate import evaluate
from app.rule_engine.values import EvalEnv, ErrorValue, set_current_env, current_env, to_text

_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


def split_template(text: str) -> Iterator[tuple[str, int, str]]:
    """Yield ("text", offset, literal) and ("expr", offset, expression) parts of a template."""
    pos = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            if pos < len(text):
                yield "text", pos, text[pos:]
            return
        if start > pos:
            yield "text", pos, text[pos:start]
        i, quote = start + 2, None
        while i < len(text):
            c = text[i]
            if quote:
                if c == quote:
                    quote = None
            elif c in _QUOTES:
                quote = _QUOTES[c]
            elif text.startswith("}}", i):
                break
            i += 1
        else:
            raise RuleSyntaxError("syntax", start, text, detail="'{{' without '}}'")
        yield "expr", start + 2, text[start + 2:i]
        pos = i + 2


def render_template(text: str, data: dict | None = None, *, env: EvalEnv | None = None,
                    escape: Callable[[str], str] | None = None, schema: dict | None = None) -> str:
    """Fill every {{ expression }}; values become text (errors show their code) and are escaped."""
    out = []
    for kind, offset, part in split_template(text):
        if kind == "text":
            out.append(part)
            continue
        try:
            value = evaluate(part.strip(), data, env=env, schema=schema)
        except RuleError as exc:
            raise exc.relocated(offset + (len(part) - len(part.lstrip())), text) from None
        previous = set_current_env(env or current_env())
        try:
            shown = to_text(value)
        finally:
            set_current_env(previous)
        if isinstance(shown, ErrorValue):
            shown = shown.code
        out.append(escape(shown) if escape else shown)
    return "".join(out)


def check_template(text: str, schema: dict | None = None, *, lang: str = "en",
                   allow_roots: dict | None = None) -> CheckResult:
    """Static check of every {{ }} part, positions relative to the whole template."""
    errors, fields = [], set()
    try:
        parts = list(split_template(text))
    except RuleError as exc:
        return CheckResult(ok=False, errors=[exc.to_dict(lang)], result_type="text")
    for kind, offset, part in parts:
        if kind != "expr":
            continue
        lead = len(part) - len(part.lstrip())
        result = check(part.strip(), schema, lang=lang, allow_roots=allow_roots)
        fields.update(result.fields)
        for err in result.errors:
            absolute = err["offset"] + offset + lead
            line, column = line_column(text, absolute)
            errors.append({**err, "offset": absolute, "line": line, "column": column})
    return CheckResult(ok=not errors, errors=errors, fields=sorted(fields), result_type="text")
