"""Starting the real app as a separate process, the same way on Linux and Windows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
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


class TillProcess:
    """A till of its own (``tests/till_process.py``): commands in, JSON events out, read on a thread."""

    def __init__(self, kasir_args: list[str], *, home: Path, env: dict[str, str] | None = None) -> None:
        import json
        import threading

        self.events: list[dict[str, object]] = []
        self._seen = threading.Condition()
        self._json = json
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.till_process", "--", *kasir_args],
            cwd=ROOT,
            env={**kasir_env(home), **(env or {})},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, name="till-events", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                event = self._json.loads(line)
            except ValueError:
                continue  # Qt's own chatter
            with self._seen:
                self.events.append(event)
                self._seen.notify_all()
        with self._seen:
            self.events.append({"event": "exit"})
            self._seen.notify_all()

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def wait_for(
        self, wanted: Callable[[dict[str, object]], bool], timeout: float = 20.0, since: int = 0
    ) -> dict[str, object]:
        """The first event from index ``since`` on that ``wanted`` accepts; fails after ``timeout``."""
        import time

        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                found = next((e for e in self.events[since:] if wanted(e)), None)
                if found is not None:
                    return found
                if self.events and self.events[-1].get("event") == "exit":
                    raise AssertionError(f"the till exited: {self.stderr_tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such event in {timeout} s; last: {self.events[-5:]}")
                self._seen.wait(left)

    def until(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Wait for a condition outside the till (the simulator's counters), checked as events come
        and at least every 50 ms."""
        import time

        deadline = time.monotonic() + timeout
        with self._seen:
            while not condition():
                if time.monotonic() > deadline:
                    raise AssertionError(f"condition not met in {timeout} s; last events: {self.events[-5:]}")
                self._seen.wait(0.05)

    def ask_state(self, timeout: float = 10.0) -> dict[str, object]:
        mark = len(self.events)
        self.send("state")
        return self.wait_for(lambda e: e.get("event") == "state", timeout, since=mark)

    def stderr_tail(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read()[-2000:]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("quit")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)
