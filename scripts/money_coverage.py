"""Branch coverage of the modules that decide about money, from the last ``pytest --cov`` run.

Fails when any of them covers fewer than 95 % of its branches. The worker QThreads adopt
coverage's tracer (``tests/conftest.py``), so what runs in a job counts too.

    .venv/bin/python -m pytest --cov --cov-report= && .venv/bin/python scripts/money_coverage.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONEY = (
    "till",
    "checkout",
    "sale_state",
    "matching",
    "money",
    "kode_unik",
    "journal",
    "journal_sql",
    "journal_sqlite",
    "journal_pg",
    "qris",
    "qrcheck",
    "recap",
)
FLOOR = 95.0


def percent(done: int, total: int) -> float:
    return 100.0 if total == 0 else 100.0 * done / total


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "coverage.json"
        include = ",".join(f"kasir/{name}.py" for name in MONEY)
        subprocess.run(
            [sys.executable, "-m", "coverage", "json", "-q", "-o", str(report), f"--include={include}"],
            cwd=ROOT,
            check=True,
        )
        files = json.loads(report.read_text(encoding="utf-8"))["files"]
    print(f"{'module':<18}{'branches':>10}{'covered':>10}{'lines':>9}")
    short = []
    for name in MONEY:
        summary = files[f"kasir/{name}.py"]["summary"]
        branches = percent(summary["covered_branches"], summary["num_branches"])
        lines = percent(summary["covered_lines"], summary["num_statements"])
        print(f"kasir/{name + '.py':<12}{summary['num_branches']:>10}{branches:>9.1f}%{lines:>8.1f}%")
        if branches < FLOOR:
            short.append(f"{name} ({branches:.1f} %)")
    if short:
        print(f"Branch coverage under {FLOOR:.0f} %: {', '.join(short)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
