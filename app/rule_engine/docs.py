"""Generates the function reference of docs/rules.md from the functions' docstrings (`python -m app.rule_engine.docs`)."""
from __future__ import annotations

import pathlib
import sys

from app.rule_engine.functions import REGISTRY

BEGIN = "<!-- BEGIN GENERATED FUNCTION REFERENCE (python -m app.rule_engine.docs) -->"
END = "<!-- END GENERATED FUNCTION REFERENCE -->"
CATEGORIES = [("logic", "Logic 逻辑"), ("math", "Math 数学"), ("text", "Text 文本"), ("date", "Date 日期"),
              ("platform", "Platform 平台")]
DOC_PATH = pathlib.Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def render_reference() -> str:
    out = [BEGIN, ""]
    for category, title in CATEGORIES:
        out.append(f"### {title}")
        out.append("")
        for name in sorted(n for n, f in REGISTRY.items() if f.category == category):
            lines = REGISTRY[name].doc.splitlines()
            out.append(f"#### {name}")
            out.append("")
            out.append(f"`{lines[0]}`")
            out.append("")
            for line in lines[1:]:
                line = line.strip()
                if line.startswith("en: "):
                    out.append(f"- en: {line[4:]}")
                elif line.startswith("zh: "):
                    out.append(f"- zh: {line[4:]}")
                elif line.startswith("Example: "):
                    out.append(f"- Example: `{line[9:]}`")
                elif line.startswith("示例: "):
                    out.append(f"- 示例: `{line[4:]}`")
            out.append("")
    out.append(END)
    return "\n".join(out)


def splice(document: str) -> str:
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + render_reference() + tail


def main() -> int:
    DOC_PATH.write_text(splice(DOC_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
