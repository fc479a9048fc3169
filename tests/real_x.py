"""A real X server with a window manager for tests: Xvfb and openbox, as on a shop's Linux PC.

Offscreen Qt has no window manager, so it cannot show what a shop meets: which window is on top
after a click, which one has the keys. These tests ask X itself (``xprop``, ``xdotool``), as the
screenshots script does (``scripts/screenshots_x.py``). ``.ci/run`` installs the programs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROGRAMS = ("Xvfb", "openbox", "xdotool", "xprop")


def require_programs() -> None:
    missing = [p for p in PROGRAMS if not shutil.which(p)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing {', '.join(missing)}; .ci/run installs xvfb, openbox, xdotool and x11-utils")
        pytest.skip(f"needs {', '.join(missing)} (Debian: apt-get install xvfb openbox xdotool x11-utils)")


def _free_display() -> int:
    number = 90
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    return number


def x(env: dict[str, str], *command: str) -> str:
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=20).stdout


def _until(what: str, ready: object, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not start in {seconds} s")
        time.sleep(0.05)  # polling another process: there is no signal to wait on


@contextmanager
def real_x(width: int = 1366, height: int = 768) -> Iterator[dict[str, str]]:
    """An environment whose DISPLAY is a fresh Xvfb managed by openbox; both stop after."""
    require_programs()
    number = _free_display()
    env = {**os.environ, "DISPLAY": f":{number}", "QT_QPA_PLATFORM": "xcb"}
    quiet = subprocess.DEVNULL
    started: list[subprocess.Popen[bytes]] = []
    try:
        started.append(
            subprocess.Popen(
                ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-noreset"], stdout=quiet, stderr=quiet
            )
        )
        _until("Xvfb", lambda: Path(f"/tmp/.X11-unix/X{number}").exists())
        started.append(subprocess.Popen(["openbox"], env=env, stdout=quiet, stderr=quiet))
        _until("openbox", lambda: "_NET_SUPPORTING_WM_CHECK(WINDOW)" in x(env, "xprop", "-root"))
        yield env
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(10)


def stacking(env: dict[str, str]) -> list[int]:
    """The managed windows, bottom to top, as the window manager stacks them."""
    line = x(env, "xprop", "-root", "_NET_CLIENT_LIST_STACKING")
    return [int(word.strip(","), 16) for word in line.split("#")[-1].split()] if "#" in line else []


def focused(env: dict[str, str]) -> int:
    answer = x(env, "xdotool", "getwindowfocus").strip()
    return int(answer) if answer.isdigit() else 0


def click(env: dict[str, str], point: tuple[int, int]) -> None:
    x(env, "xdotool", "mousemove", "--sync", str(point[0]), str(point[1]), "click", "1")


def key(env: dict[str, str], *names: str) -> None:
    x(env, "xdotool", "key", *names)
