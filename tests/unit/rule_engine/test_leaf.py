"""rule_engine is the leaf: it imports no Flask and no other engine, only app.clock and app.errors."""
import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[3] / "app" / "rule_engine"
ALLOWED_APP_MODULES = {"app", "app.clock", "app.errors"}


def test_rule_engine_imports_no_flask_and_no_other_engine():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "app"]
            for name in names:
                if name.split(".")[0] == "flask":
                    offenders.append((path.name, name))
                if name.startswith("app") and not name.startswith("app.rule_engine") \
                        and name not in ALLOWED_APP_MODULES:
                    offenders.append((path.name, name))
    assert offenders == []
