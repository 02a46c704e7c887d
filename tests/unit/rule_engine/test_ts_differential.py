"""The Python and TypeScript rule engines agree on random expressions (FORMATS.md: "same answer
everywhere"): Python writes the vectors, the front end's Vitest suite checks them."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FRONTEND = ROOT / "frontend"


def test_typescript_evaluator_agrees_with_python_on_random_expressions(tmp_path):
    if not (FRONTEND / "node_modules").exists() or shutil.which("npx") is None:
        pytest.fail("the front end is not installed (make frontend)")
    out = tmp_path / "diff.json"
    gen = subprocess.run([sys.executable, "frontend/scripts/rule_diff.py", "--seed", "11",
                          "--count", "400", "--out", str(out)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert gen.returncode == 0, gen.stderr[-2000:]
    run = subprocess.run(["npx", "vitest", "run", "src/rules/diff.test.ts"], cwd=FRONTEND,
                         capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "RULE_DIFF_FILE": str(out)})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
