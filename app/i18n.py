"""Messages in zh-CN and en, carried lazily so engines stay free of the request's language."""
from __future__ import annotations

from typing import Any

LANGUAGES = ("zh-CN", "en")


class LazyText:
    """A message in both languages; rendered once the caller knows the reader's language."""

    __slots__ = ("en", "zh", "params")

    def __init__(self, en: str, zh: str, **params: Any):
        self.en, self.zh, self.params = en, zh, params

    def render(self, lang: str) -> str:
        template = self.zh if lang.lower().startswith("zh") else self.en
        try:
            return template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return template

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        return f"LazyText({self.en!r})"


def _(en: str, zh: str, **params: Any) -> LazyText:
    return LazyText(en, zh, **params)


def render(value: Any, lang: str) -> Any:
    """Render every LazyText inside a JSON-like structure."""
    if isinstance(value, LazyText):
        return value.render(lang)
    if isinstance(value, dict):
        return {k: render(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [render(v, lang) for v in value]
    return value


def negotiate(accept_language: str | None, default: str = "zh-CN") -> str:
    """Pick zh-CN or en from an Accept-Language header."""
    if not accept_language:
        return default
    best, best_q = None, -1.0
    for part in accept_language.split(","):
        piece = part.strip().split(";")
        tag = piece[0].strip().lower()
        q = 1.0
        for p in piece[1:]:
            if p.strip().startswith("q="):
                try:
                    q = float(p.strip()[2:])
                except ValueError:
                    q = 0.0
        lang = "zh-CN" if tag.startswith("zh") else "en" if tag.startswith("en") else None
        if lang and q > best_q:
            best, best_q = lang, q
    return best or default
