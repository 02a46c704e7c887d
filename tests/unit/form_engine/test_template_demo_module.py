"""Template demo modules load like real modules: dataclasses inside them work."""
from __future__ import annotations

from app.bundles import templates

DEMO = '''
from dataclasses import dataclass


@dataclass
class Row:
    name: str


def generate():
    return Row("x")
'''


def test_demo_module_may_define_dataclasses(tmp_path, monkeypatch):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "demo.py").write_text(DEMO)
    monkeypatch.setattr(templates, "_library", lambda: tmp_path)
    assert templates._demo_module("shop").generate().name == "x"
