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
import json
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
    if not needs_install(extras):
        return
    quiet = ["-q"] if os.environ.get("CI") else []
    if _sh(PY, "-m", "pip", "install", *quiet, "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    if _sh(PY, "-m", "pip", "install", *quiet, "-e", f".[{extras}]" if extras else ".") != 0:
        sys.exit("Installing dependencies failed (see above).")
    remember_installed(extras)


def _dependencies_hash() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def needs_install(extras: str) -> bool:
    """Install only when the project's dependencies changed or ``extras`` were never installed: run
    after test (whose extras include run's) installs nothing again."""
    try:
        stamp = json.loads(STAMP.read_text())
        installed = set(stamp["extras"])
        same = stamp["dependencies"] == _dependencies_hash()
    except (OSError, ValueError, KeyError, TypeError):
        return True
    return not same or not set(filter(None, extras.split(","))) <= installed


def remember_installed(extras: str) -> None:
    """Record ``extras`` as installed, beside those installed before for the same dependencies."""
    wanted, before = set(filter(None, extras.split(","))), set()
    try:
        stamp = json.loads(STAMP.read_text())
        if stamp["dependencies"] == _dependencies_hash():
            before = set(stamp["extras"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    STAMP.write_text(json.dumps({"dependencies": _dependencies_hash(), "extras": sorted(wanted | before)}))


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, once each, in its order."""
    missing: list[str] = []
    for line in ldd_output.splitlines():
        name, _, found = line.strip().partition(" => ")
        if found.strip() == "not found" and name not in missing:
            missing.append(name)
    return missing


def install_line(libraries: list[str]) -> str:
    """Debian's package for each library: its name, lower case, with the so-version after it
    (libxcb-cursor.so.0 is libxcb-cursor0; a name ending in a digit takes a hyphen: libxkbcommon-x11-0)."""
    packages = []
    for library in libraries:
        stem, _, version = library.partition(".so.")
        stem = stem.lower()
        packages.append(f"{stem}{'-' if stem[-1:].isdigit() else ''}{version.split('.')[0]}")
    return "sudo apt-get install -y " + " ".join(packages)


def _check_screen_libraries() -> None:
    """Before Qt starts on a Linux desktop: what its screen plugin lacks, as the one line to type.
    Qt itself said "xcb-cursor0 or libxcb-cursor0 is needed…" in English, after the install."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb":
        return
    plugins = list(VENV.glob("lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so"))
    if not plugins:
        return
    try:
        answer = subprocess.run(["ldd", str(plugins[0])], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return  # no ldd: Qt will say what it lacks
    missing = missing_libraries(answer.stdout)
    if missing:
        sys.exit(
            "Kasir QRIS belum dapat tampil di layar: pustaka sistem ini belum terpasang "
            f"({', '.join(missing)}). Pasang dengan:\n  {install_line(missing)}"
        )


def run(args: list[str]) -> int:
    _setup("")
    _check_screen_libraries()
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
