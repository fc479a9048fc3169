"""``kasir --selftest``: one complete demo sale, headless, with a one-line verdict.

Embedded simulator, generate, QR check and render, simulated payment, LUNAS, journal.
Exit 0 when every step happened, 1 with the reason otherwise.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop

from kasir import qris


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
    return condition()


def run_selftest(argv: list[str]) -> int:
    from kasir.app import StartupError, create_window

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kasir-selftest-") as tmp:
        try:
            window = create_window(["--demo", "--data-dir", tmp])
        except StartupError as exc:
            print(f"SELFTEST FAILED: start: {exc}", file=sys.stderr)
            return 1
        controller = window.controller  # type: ignore[attr-defined]
        sim = window.context.simulator  # type: ignore[attr-defined]
        try:
            steps: list[tuple[str, Callable[[], object], Callable[[], bool]]] = [
                ("login", lambda: None, lambda: controller.logged_in),
                ("generate", lambda: controller.pay(25_000), lambda: controller.view.state == "awaiting"),
                ("pay", lambda: sim.pay(controller.view.nominal), lambda: controller.view.state == "paid"),
            ]
            for name, action, done in steps:
                action()
                if not _wait(done, 20):
                    print(f"SELFTEST FAILED at {name}: state={controller.view.state}", file=sys.stderr)
                    return 1
            view = controller.view
            sale = controller.journal.get(view.sale_id)
            payload = qris.parse(sale.payload or "")
            if sale.state != "paid" or payload.amount_rupiah != view.nominal:
                print(f"SELFTEST FAILED: journal says {sale.state}", file=sys.stderr)
                return 1
            elapsed = time.monotonic() - started
            print(f"SELFTEST OK: sale #{sale.id} Rp {view.nominal} paid via {sale.brand}, journaled, {elapsed:.2f} s")
            return 0
        finally:
            window.force_close()  # type: ignore[attr-defined]
