"""Payment -> LUNAS on each route that can detect payments (issue 9), beside the route's own cadence.

The seed's status route is polled every 3 s; the history (``/mutasi``) and the gateway
(``mutasi_orkut``) are the upstream's rate-limited "QRIS merchant" menu, asked every 10 s.
The customer pays at a random moment of the poll cycle, so the figures show what a cashier
waits for on average and at worst on each route.
"""

from __future__ import annotations

import random
import tempfile
import time
from types import ModuleType

CADENCE = {"seed": ("server kasir (status-pembayaran)", 3.0), "today": ("riwayat /mutasi", 10.0)}
CADENCE["gateway"] = ("gateway mutasi_orkut", 10.0)


def payment_to_paid(kit: ModuleType, profile: str, runs: int, history_s: float, status_s: float) -> list[float]:
    pump = kit.pump
    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = kit.open_demo(
            tmp, "--demo-profile", profile, poll_interval_s=status_s, history_interval_s=history_s
        )
        pump(lambda: bool(controller.shop_qris) or profile == "seed")
        interval = history_s if profile != "seed" else status_s
        latencies = []
        rng = random.Random(9)
        for i in range(runs):
            controller.pay(40_000 + i * 1_000)
            pump(lambda: controller.view.state == "awaiting")
            pay_at = time.perf_counter() + rng.uniform(0, interval)  # anywhere in the poll cycle
            pump(lambda t=pay_at: time.perf_counter() > t)
            started = time.perf_counter()
            sim.pay(controller.view.nominal)
            pump(lambda: window.customer.property("state") == "paid", timeout_s=interval * 3 + 5)
            latencies.append(time.perf_counter() - started)
            kit.finish(controller)
        window.force_close()
    return latencies


def bench_payment_per_source(runs: int, kit: ModuleType) -> None:
    """``kit`` is benchmarks/run.py as it runs: its helpers and its one table of rows."""
    print("Payment to LUNAS on each route", flush=True)
    for profile, (label, interval) in CADENCE.items():
        latencies = payment_to_paid(kit, profile, runs, history_s=10.0, status_s=3.0)
        kit.report(
            f"Payment -> LUNAS through {label}",
            f"{kit.ms(kit.median(latencies))} median, {kit.ms(max(latencies))} max",
            f"{interval * 1000:.0f} ms poll interval of that route",
            "target: max <= interval + 100 ms",
            max(latencies) <= interval + 0.1,
        )
