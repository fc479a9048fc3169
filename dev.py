#!/usr/bin/env python3
"""Set up and run Kasir QRIS with nothing but Python 3.11+.

    python3 dev.py run [kasir args...]   create .venv, install, start the app (demo mode without an account)
    python3 dev.py test [pytest args]    create .venv, install, run ruff, mypy, the test suite, then build
                                         both one-folder packages and run their --selftest
    python3 dev.py build [--onefile] [--toko]
                                         build the executable (dist/kasir/; --toko: dist/kasir-toko/, the
                                         package for several tills, with the PostgreSQL driver) and run
                                         its --selftest
    python3 dev.py bench                 run benchmarks/run.py (builds the executable first if needed)

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
    _setup("dev,build")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    steps = [
        [PY, "-m", "ruff", "check", "kasir", "tests", "scripts", "benchmarks", "dev.py"],
        [PY, "-m", "ruff", "format", "--check", "kasir", "tests", "scripts", "benchmarks", "dev.py"],
        [PY, "-m", "mypy"],
        [BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports")],  # the core / Qt layer contracts
        # The whole suite also measures branch coverage; the money modules must stay >= 95 %.
        [PY, "-m", "pytest", *args] if args else [PY, "-m", "pytest", "--cov", "--cov-report="],
        *([] if args else [[PY, "scripts/money_coverage.py"]]),
    ]
    for step in steps:
        code = _sh(*step, env=env)
        if code != 0:
            return code
    # Both packages: one PC's (no PostgreSQL driver) and a shop of several tills' (with it).
    return _build(onefile=False) or _build(onefile=False, shared=True)


def executable(onefile: bool = False, shared: bool = False) -> Path:
    package = "kasir-toko" if shared else "kasir"
    exe = "kasir.exe" if os.name == "nt" else "kasir"
    if onefile:
        return ROOT / "dist" / (f"{package}.exe" if os.name == "nt" else package)
    return ROOT / "dist" / package / exe


def _build(onefile: bool, shared: bool = False) -> int:
    """PyInstaller build, then the packaged app's own --selftest: a missing plugin or file fails here."""
    env = {**os.environ, "KASIR_ONEFILE": "1" if onefile else "0", "KASIR_SHARED_JOURNAL": "1" if shared else "0"}
    code = _sh(PY, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", "build.spec", env=env)
    if code != 0:
        return code
    exe = executable(onefile, shared)
    files = [f for f in exe.parent.rglob("*") if f.is_file() and not f.is_symlink()] if not onefile else [exe]
    size = sum(f.stat().st_size for f in files)
    print(f"Built {exe.relative_to(ROOT)} ({size / 1e6:.0f} MB{' in its folder' if not onefile else ''})", flush=True)
    code = _sh(exe, "--selftest", env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    print("packaged self-test", "passed" if code == 0 else f"FAILED (exit {code})", flush=True)
    return code


def build(args: list[str]) -> int:
    _setup("build")
    return _build(onefile="--onefile" in args, shared="--toko" in args)


def bench(args: list[str]) -> int:
    _setup("dev,build")
    if not executable().exists() and _build(onefile=False) != 0:
        return 1
    return _sh(PY, "benchmarks/run.py", *args, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


COMMANDS = {"run": run, "test": test, "build": build, "bench": bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
