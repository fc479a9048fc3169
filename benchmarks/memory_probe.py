"""Where the memory of a long day goes: tracemalloc, Python and Qt object counts at sale 10 and sale N.

    python benchmarks/memory_probe.py [--sales 1000] [--mutasi 2000]

Runs the benchmark's sale loop (demo app, in-process simulator, every sale paid and acknowledged),
then compares a tracemalloc snapshot and object counts taken after sale 10 with those after sale N.
With ``--mutasi`` it then adds that many more mutasi rows to the day (money the simulator receives
that settles no sale) and refreshes, to price a busy day's side panel.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks import harness as run


def qt_objects(window: object) -> Counter[str]:
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    counts: Counter[str] = Counter()
    roots = [w for w in QApplication.topLevelWidgets()] + [window.controller]  # type: ignore[attr-defined]
    for root in roots:
        counts[type(root).__name__] += 1
        for child in root.findChildren(QObject):
            counts[type(child).__name__] += 1
    counts["(all widgets)"] = len(QApplication.allWidgets())
    return counts


def py_objects() -> Counter[str]:
    gc.collect()
    return Counter(type(o).__name__ for o in gc.get_objects())


def sizes(window: object, sim: object) -> dict[str, int]:
    controller = window.controller  # type: ignore[attr-defined]
    model = controller.mutasi_model
    return {
        "mutasi rows in the side panel": model.rowCount(),
        "payments recorded this session (controller._recorded)": len(controller._recorded),
        "simulator ledger entries": len(sim.payments),  # type: ignore[attr-defined]
        "files open (fd)": len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else -1,
    }


def diff(before: Counter[str], after: Counter[str], top: int = 12) -> list[tuple[str, int]]:
    grown = {k: after[k] - before[k] for k in after.keys() | before.keys()}
    return sorted(((k, v) for k, v in grown.items() if v), key=lambda kv: -abs(kv[1]))[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=1000)
    parser.add_argument("--mutasi", type=int, default=0)
    parser.add_argument("--no-trace", action="store_true", help="RSS only: tracemalloc's own traces inflate RSS")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication([])
    if not args.no_trace:
        tracemalloc.start(1)  # one frame: a deeper trace makes 1,000 sales take many minutes
    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = run.open_demo(tmp, poll_interval_s=3.0, kode_unik_high=999)
        marks: dict[int, tuple[tracemalloc.Snapshot | None, Counter[str], Counter[str], int, dict[str, int]]] = {}
        for i in range(1, args.sales + 1):
            controller.pay(10_000 + (i % 97) * 1_000)
            sim.pay(controller.view.nominal)
            run.pump(lambda: controller.view.state == "paid")
            controller.acknowledge()
            if i % 100 == 0:
                print(f"  sale {i}", file=sys.stderr, flush=True)
            if i in (10, args.sales):
                gc.collect()
                run.pump(lambda: not controller.panel.busy)
                snapshot = tracemalloc.take_snapshot() if not args.no_trace else None
                marks[i] = (snapshot, py_objects(), qt_objects(window), run.rss_bytes(), sizes(window, sim))
        (s10, py10, qt10, rss10, z10), (sn, pyn, qtn, rssn, zn) = marks[10], marks[args.sales]
        n = args.sales - 10
        traced = sum(s.size_diff for s in sn.compare_to(s10, "filename")) if sn and s10 else 0
        print(
            f"RSS {rss10 / 1e6:.1f} -> {rssn / 1e6:.1f} MB ({(rssn - rss10) / n:.0f} B/sale); "
            f"Python heap (tracemalloc) {traced / 1e6:+.2f} MB ({traced / n:.0f} B/sale) over {n} sales"
        )
        print("\nSizes at sale 10 -> sale N:")
        for k in z10:
            print(f"  {k}: {z10[k]} -> {zn[k]}")
        print("\nQt objects that changed in number (all top-level widgets and the controller's tree):")
        for name, d in diff(qt10, qtn) or [("(none)", 0)]:
            print(f"  {name}: {qt10[name]} -> {qtn[name]} ({d:+d})")
        print("\nPython objects that changed in number:")
        for name, d in diff(py10, pyn):
            print(f"  {name}: {py10[name]} -> {pyn[name]} ({d:+d}, {d / n:.1f}/sale)")
        print("\nPython allocations that grew most, by line:")
        for stat in sn.compare_to(s10, "lineno")[:15] if sn and s10 else []:
            frame = stat.traceback[0]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            print(f"  {where}: {stat.size_diff / 1024:+.1f} KiB ({stat.count_diff:+d} blocks)")
        if args.mutasi:
            before = tracemalloc.take_snapshot() if not args.no_trace else None
            rss_before = run.rss_bytes()
            for j in range(args.mutasi):
                sim.pay(5_000_000 + j, brand="OVO")  # money that matches no sale: stays as a row
            controller.refresh_mutasi()
            run.pump(
                lambda: controller.mutasi_model.rowCount() >= zn["mutasi rows in the side panel"] + args.mutasi,
                timeout_s=120,
            )
            gc.collect()
            after = tracemalloc.take_snapshot() if before else None
            grown = sum(s.size_diff for s in after.compare_to(before, "filename")) if after and before else 0
            print(
                f"\n+{args.mutasi} mutasi rows: Python heap {grown / 1e6:+.2f} MB ({grown / args.mutasi:.0f} B/row), "
                f"RSS {(run.rss_bytes() - rss_before) / 1e6:+.1f} MB; rows now {controller.mutasi_model.rowCount()}"
            )
        window.force_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
