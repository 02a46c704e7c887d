"""`make bench`: run every benchmark in bench/ and gather bench/results/latest.json.

Each benchmark prints its own table (baseline, our figure, ratio) and may write
bench/results/<name>.json; this runner adds the machine and versions and keeps both.
Usage: python -m bench.run_all [--quick] [--only records,rules]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ORDER = ("rules", "records", "import", "flows", "reports")


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    versions = {}
    for pkg in ("flask", "sqlalchemy", "rq", "redis", "simpleeval", "jsonschema", "psycopg"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1048576, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions}


def benchmarks(only: set[str] | None) -> list[str]:
    # The 10-minute load run has its own target (`make load`); --only load runs it here too.
    names = [p.stem for p in sorted(HERE.glob("*.py"))
             if p.stem not in ("__init__", "run_all") and not p.stem.startswith("_")
             and (p.stem != "load" or (only and "load" in only))]
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    return [n for n in names if not only or n in only]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    report = {"started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "machine": machine(), "quick": args.quick, "benchmarks": {}}
    failed = []
    for name in benchmarks(set(filter(None, args.only.split(","))) or None):
        print(f"\n=== bench/{name}.py ===", flush=True)
        started = time.monotonic()
        cmd = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if args.quick else [])
        proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr[-4000:])
        entry = {"exit_code": proc.returncode, "seconds": round(time.monotonic() - started, 1),
                 "output": proc.stdout[-8000:]}
        own = RESULTS / f"{name}.json"
        if own.exists() and own.stat().st_mtime >= time.time() - entry["seconds"] - 5:
            entry["results"] = json.loads(own.read_text())
        report["benchmarks"][name] = entry
        if proc.returncode:
            failed.append(name)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwrote {RESULTS / 'latest.json'}" + (f"; failed: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
