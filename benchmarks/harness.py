"""What every benchmark shares: the one table of rows, and the running demo app's pumps and clocks.

Imported by ``run.py`` and by each section module (receipts, sources, the memory probe); it imports
none of them, so the benchmarks have no import cycle.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "tests" / "data" / "screens.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS}"
sys.path.insert(0, str(ROOT))

FRAME_MS = 1000 / 60


@dataclass
class Row:
    what: str
    value: str
    baseline: str
    target: str
    verdict: str = ""


ROWS: list[Row] = []


def report(what: str, value: str, baseline: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    ROWS.append(Row(what, value, baseline, target, verdict))
    print(f"  {what}: {value} (baseline {baseline}) {target} {verdict}", flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median(samples: list[float]) -> float:
    return statistics.median(samples)


# ---- the running app, in this process --------------------------------------------------


def pump(condition: Callable[[], bool], timeout_s: float = 30.0, *, sleep: bool = False) -> None:
    """Run the event loop until ``condition`` holds.

    By default it spins (``processEvents`` with nothing to wait for), so the 1 ms ticker that
    measures stalls sees the GUI thread's own gaps and no OS wake-up latency (an idle app then
    shows ~1 ms gaps, not ~5 ms). ``sleep=True`` waits for events as the app's own loop does:
    for a latency that crosses threads (Bayar -> QR), a spinning GUI thread holds the interpreter
    against the worker and the in-process simulator, and the benchmark's busy wait was charged to
    the app (3 ms between a worker's answer and its callback, measured). A 2 ms timer then wakes
    it for conditions no event changes (time passing, a deadline).
    """
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    if not sleep:
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("condition not reached")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return
    wake = QTimer()
    wake.setInterval(2)
    wake.timeout.connect(lambda: None)
    wake.start()
    try:
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("condition not reached")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()


def open_demo(tmp: str, *args: str, history: Path | None = None, **settings: object):  # type: ignore[no-untyped-def]
    """The demo app in ``tmp``; ``history``: a seeded journal (benchmarks/year_history.py) it opens
    instead of a fresh one."""
    import json

    from kasir.app import create_window

    (Path(tmp) / "demo").mkdir(parents=True, exist_ok=True)
    (Path(tmp) / "demo" / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    if history is not None:
        from benchmarks.year_history import install

        install(history, Path(tmp) / "demo")
    from PySide6.QtCore import QObject

    window = create_window(["--demo", "--data-dir", tmp, *args])
    controller, sim = window.controller, window.context.simulator  # type: ignore[attr-defined]
    # The window whole, as a cashier finds it: what comes soon after a sale can begin (the customer's
    # screen, the mutasi table, receipts, the demo's server, the day's first requests) has come.
    pump(lambda: controller.logged_in and window.findChild(QObject, "receipt_printer") is not None)
    pump(lambda: sum(sim.calls.values()) > 0 and not controller.panel.busy)
    pump(lambda: not controller.tasks.busy)  # the journal upkeep at start is over before anything is timed
    return window, controller, sim


def finish(controller: object) -> None:
    controller.cancel() if controller.view.state.is_open else None  # type: ignore[attr-defined]
    controller.acknowledge()  # type: ignore[attr-defined]


class PaintClock:
    """Records when a widget paints while a condition holds."""

    def __init__(self, widget: object, condition: Callable[[], bool]) -> None:
        from PySide6.QtCore import QEvent, QObject

        clock = self

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and clock.at is None and condition():
                    clock.at = time.perf_counter()
                return False

        self.at: float | None = None
        self._filter = Filter()
        widget.installEventFilter(self._filter)  # type: ignore[attr-defined]


class Ticker:
    """A 1 ms timer on the GUI thread; the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def reset(self) -> None:
        self.gaps.clear()
        self.last = time.perf_counter()

    def longest(self) -> float:
        return max(self.gaps) if self.gaps else 0.0

    def __enter__(self) -> Ticker:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


def longest_stall(seconds: float) -> float:
    with Ticker() as ticker:
        end = time.perf_counter() + seconds
        pump(lambda: time.perf_counter() > end, seconds + 5)
    gaps = ticker.gaps[1:]  # the first gap only measures the timer starting
    return max(gaps) if gaps else float("inf")


def rss_bytes() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def wait_for(signal: Any, timeout_s: float = 30.0) -> None:
    """Sleep in Qt's event loop until ``signal`` fires. Unlike pump, the GUI thread does not spin,
    so work timed on a worker thread gets the interpreter as it would in the app."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)
