#!/usr/bin/env python3
"""Set up and run Kasir QRIS with nothing but Python 3.11+.

    python3 dev.py run [kasir args...]   create .venv, install, start the app (demo mode without an account)
    python3 dev.py test                  create .venv, install, run ruff, mypy and the whole test suite

Stdlib only: this file runs before any dependency exists.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def _sh(*args: str | os.PathLike[str], env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def _setup(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may be started by an older Python
        sys.exit(f"Kasir QRIS needs Python 3.11 or newer (this is {sys.version.split()[0]}).")
    if not PY.exists():
        print("Membuat lingkungan Python (.venv)...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    # Reinstall only when the project's dependencies changed.
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    quiet = ["-q"] if os.environ.get("CI") else []
    if _sh(PY, "-m", "pip", "install", *quiet, "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    if _sh(PY, "-m", "pip", "install", *quiet, "-e", f".[{extras}]" if extras else ".") != 0:
        sys.exit("Installing dependencies failed (see above).")
    STAMP.write_text(wanted)


def run(args: list[str]) -> int:
    _setup("")
    return _sh(PY, "-m", "kasir", *args)


def test(args: list[str]) -> int:
    _setup("dev")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    steps = [
        [PY, "-m", "ruff", "check", "kasir", "tests", "scripts", "dev.py"],
        [PY, "-m", "mypy"],
        [PY, "-m", "pytest", *args],
    ]
    for step in steps:
        code = _sh(*step, env=env)
        if code != 0:
            return code
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
