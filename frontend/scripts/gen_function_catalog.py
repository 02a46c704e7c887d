"""Writes src/rules/functions/catalog.json (arity, parameter kinds) and docs.json (signatures and
help in en and zh, for the rule editor) from the Python rule engine's function registry.

Run from the repository root after changing a function's signature or help text:
    .venv/bin/python frontend/scripts/gen_function_catalog.py
The TypeScript evaluator takes arity and parameter kinds from this file, so both engines agree.
"""
import json
import pathlib

from app.rule_engine.functions import load_all

FUNCTIONS = pathlib.Path(__file__).resolve().parents[1] / "src" / "rules" / "functions"


def main() -> None:
    catalog, docs = {}, {}
    for name, fn in sorted(load_all().items()):
        lines = fn.doc.splitlines()
        catalog[name] = {"category": fn.category, "params": list(fn.params), "variadic": fn.variadic,
                         "min": fn.min_args, "max": fn.max_args, "lazy": fn.lazy,
                         "accepts_errors": fn.accepts_errors,
                         "result": fn.result if isinstance(fn.result, str) else "any"}
        doc = {"signature": lines[0] if lines else name}
        for line in (x.strip() for x in lines[1:]):
            for prefix, key in (("en:", "en"), ("zh:", "zh"), ("Example:", "example_en"), ("示例:", "example_zh")):
                if line.startswith(prefix):
                    doc[key] = line[len(prefix):].strip()
        docs[name] = doc
    for file_name, content in (("catalog.json", catalog), ("docs.json", docs)):
        (FUNCTIONS / file_name).write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(catalog)} functions to {FUNCTIONS}/catalog.json and docs.json")


if __name__ == "__main__":
    main()
