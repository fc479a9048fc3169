"""One Kasir QRIS per data folder, with real processes as a cashier double-clicking would start them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def env(home: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(home)}


def start(data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kasir", "--demo", "--data-dir", str(data)],
        env=env(data.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)  # polling another process's files: there is no signal to wait on
    return False


def journal_ready(data: Path) -> bool:
    """Started, locked, and done with its start-up upkeep of the journal (the log says so)."""
    log = data / "demo" / "logs" / "kasir.log"
    return (data / "demo" / "kasir.lock").exists() and log.exists() and " sales, " in log.read_text("utf-8")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_a_second_copy_on_the_same_folder_says_so_brings_the_first_forward_and_exits(data: Path) -> None:
    first = start(data)
    try:
        assert wait_for(lambda: journal_ready(data)), first.stderr
        journal = data / "demo" / "journal.sqlite3"
        before = journal.stat().st_mtime_ns
        second = subprocess.run(
            [sys.executable, "-m", "kasir", "--demo", "--data-dir", str(data)],
            env=env(data.parent),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 2
        assert "sudah terbuka" in second.stderr
        assert journal.stat().st_mtime_ns == before  # the second copy never touched the journal
        # The first copy saw the request and took it (it brings its window to the front).
        assert wait_for(lambda: not (data / "demo" / "kasir.raise").exists())
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=20)


def test_a_lock_left_by_a_killed_copy_does_not_block_the_next_start(data: Path) -> None:
    crashed = start(data)
    assert wait_for(lambda: journal_ready(data)), crashed.stderr
    os.kill(crashed.pid, signal.SIGKILL)
    crashed.wait(timeout=10)
    assert (data / "demo" / "kasir.lock").exists()
    again = subprocess.run(
        [sys.executable, "-m", "kasir", "--demo", "--data-dir", str(data), "--startup-probe"],
        env=env(data.parent),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert "PAINTED" in again.stdout
