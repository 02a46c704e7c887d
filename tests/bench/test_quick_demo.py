"""bench/demo.py --quick still runs and its answers are right (speed is never asserted here)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_benchmark_quick_run_succeeds():
    proc = subprocess.run([sys.executable, "-m", "bench.demo", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
