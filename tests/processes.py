"""Starting the real app as a separate process, the same way on Linux and Windows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kasir_env(home: Path) -> dict[str, str]:
    """This environment, with the checkout importable, no display needed, and a home of its own."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "USERPROFILE": str(home),
    }


def kasir_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kasir", *args]


def run_kasir(*args: str, home: Path, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        kasir_command(*args), cwd=cwd or home, env=kasir_env(home), capture_output=True, text=True, timeout=timeout
    )
