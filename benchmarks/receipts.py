"""Struk figures: LUNAS to receipt bytes at a loopback network printer, and the GUI thread's
longest stall while the printer hangs (accepts no connection) until its timeout.

Run alone (``python benchmarks/receipts.py``) or from ``benchmarks/run.py``, which passes its
``report`` so the rows land in the one table.
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

Report = Callable[..., None]


class _Printer:
    """A loopback ESC/POS printer: ``hang=True`` fills its accept queue so connects go unanswered."""

    def __init__(self, hang: bool = False) -> None:
        self.jobs: list[tuple[float, bytes]] = []
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(0 if hang else 5)
        self.fillers = [socket.socket() for _ in range(3 if hang else 0)]
        for filler in self.fillers:
            filler.setblocking(False)
            filler.connect_ex(self.server.getsockname())
        if not hang:
            threading.Thread(target=self._serve, daemon=True).start()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.server.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                job, answered = bytearray(), 0
                while chunk := conn.recv(4096):
                    job += chunk
                    asked = job.count(b"\x10\x04\x04")  # before the job, and behind it (the confirmation)
                    if asked > answered:
                        conn.sendall(b"\x12" * (asked - answered))  # paper present
                        answered = asked
                self.jobs.append((time.perf_counter(), bytes(job)))

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.server.close()


def _paid_sales(target: str, runs: int, seconds: float) -> tuple[list[float], list[float], list[str]]:
    """``runs`` demo sales to LUNAS with the printer at ``target`` ("" = none): per sale, the longest
    GUI stall from 0.3 s after LUNAS for ``seconds`` (a hung print is still pending throughout),
    and the time from LUNAS to the print's outcome."""
    from benchmarks.harness import finish, longest_stall, open_demo, pump
    from kasir.ui.receipt_printing import find_printer

    kind = "network" if target else ""
    stalls, outcomes, messages = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(tmp, poll_interval_s=0.2, printer_kind=kind, printer_target=target)
        printer = find_printer(window)
        assert printer is not None
        ended: list[float] = []
        printer.failed.connect(lambda text: (messages.append(text), ended.append(time.perf_counter())))
        printer.printed.connect(lambda _id: ended.append(time.perf_counter()))
        paid: list[float] = []
        controller.view_changed.connect(lambda view: paid.append(time.perf_counter()) if view.state == "paid" else None)
        longest_stall(1.0)  # start-up work (first mutasi, first paint) is not the printer's
        for i in range(runs):
            controller.pay(45_000 + i * 1000)
            pump(lambda: controller.view.state == "awaiting")
            sim.pay(controller.view.nominal, brand="DANA")
            pump(lambda: controller.view.state == "paid")
            settle = time.perf_counter() + 0.3  # the LUNAS screen change itself is the same with or without a printer
            pump(lambda settle=settle: time.perf_counter() > settle)  # type: ignore[misc]
            stalls.append(longest_stall(seconds))
            if target:
                pump(lambda i=i: len(ended) > i, 15)  # type: ignore[misc]
                outcomes.append(ended[i] - paid[-1])
            finish(controller)
        window.force_close()
    return stalls, outcomes, messages


def bench_receipts(report: Report, seconds: float = 2.0, runs: int = 3) -> None:
    from benchmarks.harness import median, ms

    print("Struk (receipts)", flush=True)
    printer, hung = _Printer(), _Printer(hang=True)
    try:
        no_printer, _, _ = _paid_sales("", runs, seconds)
        _, latencies, _ = _paid_sales(printer.target, runs, 0.1)
        hanging, waits, messages = _paid_sales(hung.target, runs, seconds)  # 0.3 + seconds < 3 s connect timeout
    finally:
        printer.close()
        hung.close()
    report("LUNAS → receipt printed on a network printer", ms(median(latencies)), "—")
    report(
        "Longest GUI-thread stall during a hung receipt print",
        ms(median(hanging)),
        f"{ms(median(no_printer))} no printer",
        "target: < 16 ms",
        median(hanging) < 0.016,
    )
    one_each = len(messages) == runs
    report("Hung printer → the cashier's one message", f"{median(waits):.1f} s", "connect timeout 3 s", "", one_each)


def _print_report(what: str, value: str, baseline: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"  {what}: {value} (baseline {baseline}) {target} {verdict}", flush=True)


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    bench_receipts(_print_report)
