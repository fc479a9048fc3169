"""Kasir QRIS benchmarks: one command, one table, every figure beside a baseline from the same run.

    python3 dev.py bench          (sets up, builds the executable if needed, runs this)
    python benchmarks/run.py [--quick]

Figures are medians of several runs. Targets are printed with the figures; nothing here fails a
build. Start-up runs in fresh processes; the rest runs in this process against the loopback
simulator with two offscreen screens, exactly as the tests do.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from kasir.journal_sqlite import SqliteJournal

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.harness import (
    FRAME_MS,
    ROOT,
    ROWS,
    PaintClock,
    Ticker,
    finish,
    longest_stall,
    median,
    ms,
    open_demo,
    pump,
    report,
    rss_bytes,
    wait_for,
)

T = TypeVar("T")

# ---- start-up, in fresh processes ----------------------------------------------------


def time_to_paint(command: list[str], runs: int) -> list[float]:
    """Wall time from process launch to the first paint of the main window."""
    return [marks["PAINTED"] for marks in (time_to_marks(command) for _ in range(runs))]


def time_to_marks(
    command: list[str], until: str = "PAINTED", prepare: Callable[[Path], object] | None = None
) -> dict[str, float]:
    """Wall time from process launch to each line it prints (PAINTED, READY), up to ``until``;
    ``{tmp}`` in the command is a fresh folder, which ``prepare`` may fill first (not timed)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    marks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if prepare is not None:
            prepare(Path(tmp))
        cmd = [c.replace("{tmp}", tmp) for c in command]
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        assert child.stdout is not None
        for line in child.stdout:
            marks.setdefault(line.strip(), time.perf_counter() - started)
            if line.startswith(until):
                break
        child.wait(timeout=60)
    if until not in marks:
        raise RuntimeError(f"never printed {until}: {command}")
    return marks


def paired(app: list[str], bare: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Start times of the app and of its baseline, taken in turns: a machine whose load changes
    during the run (other builds, tests) then weighs on both alike, and the ratio stays honest."""
    app_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(runs):
        app_times += time_to_paint(app, 1)
        bare_times += time_to_paint(bare, 1)
    return app_times, bare_times


def folder_size(path: Path) -> int:
    """Bytes on disk; PyInstaller links libraries into _internal, and a link must not count twice."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


START_RATIO = 1.3  # start to first paint, app / bare window
FOLDER_RATIO, ONEFILE_RATIO = 1.1, 1.15  # package size, app / slim bare window
ONEFILE_START_S = 1.0


def report_start(what: str, app: list[float], bare: list[float], bare_label: str) -> None:
    ratio = median(app) / median(bare)
    target = f"target: <= {START_RATIO}x bare ({ratio:.2f}x)"
    report(what, ms(median(app)), f"{ms(median(bare))} {bare_label}", target, ratio <= START_RATIO)


def report_size(what: str, size: int, bare_size: int, limit: float) -> None:
    ratio = size / bare_size
    report(
        what,
        f"{size / 1e6:.1f} MB",
        f"{bare_size / 1e6:.1f} MB slim bare window",
        f"target: <= {limit}x bare ({ratio:.2f}x)",
        ratio <= limit,
    )


APP_PROBE = ["--demo", "--data-dir", "{tmp}", "--startup-probe"]
READY_RATIO = 2.0  # issue 25: start to able to sell (keyring read, logged in), app / bare window


def bench_ready(runs: int) -> None:
    """Issue 25: start to the first paint and to "able to sell" (keyring read, logged in: Bayar
    would begin a sale), on a fresh journal and on a year-old one at the day's first start (its
    backup copy not made yet), in turns with the bare window."""
    from benchmarks import year_history

    print("Start to able to sell", flush=True)
    compileall.compile_dir(ROOT / "kasir", quiet=1)  # as bench_start: no start pays for compiling
    fixture = year_history.load(progress=True)
    app = [sys.executable, "-m", "kasir", "--demo", "--data-dir", "{tmp}", "--ready-probe"]
    bare = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]

    def year_journal(tmp: Path) -> None:
        year_history.install(fixture.year, tmp / "demo")  # no cadangan/ yet: today's copy is due

    fresh_runs: list[dict[str, float]] = []
    year_runs: list[dict[str, float]] = []
    bare_runs: list[float] = []
    for i in range(runs):
        order = ("fresh", "year", "bare") if i % 2 == 0 else ("bare", "year", "fresh")
        for side in order:
            if side == "fresh":
                fresh_runs.append(time_to_marks(app, "READY"))
            elif side == "year":
                year_runs.append(time_to_marks(app, "READY", year_journal))
            else:
                bare_runs.append(time_to_marks(bare)["PAINTED"])
    base = median(bare_runs)
    label = f"{ms(base)} bare PySide6 window"
    paint = median([r["PAINTED"] for r in fresh_runs])
    report(
        f"Start to first painted window, these runs (python -m kasir, demo; {runs} runs)",
        ms(paint),
        label,
        f"target: <= {START_RATIO}x bare ({paint / base:.2f}x)",
        paint / base <= START_RATIO,
    )
    for what, samples in (("fresh journal", fresh_runs), ("year-old journal, day's first start", year_runs)):
        ready = median([r["READY"] for r in samples])
        report(
            f"Start to able to sell (keyring read, logged in; demo, {what})",
            ms(ready),
            label,
            f"target: <= {READY_RATIO}x bare ({ready / base:.2f}x)",
            ready / base <= READY_RATIO,
        )


def bench_start(runs: int) -> None:
    print("Start-up", flush=True)
    # Bytecode first: with PYTHONDONTWRITEBYTECODE set (this machine sets it) every source start
    # would compile all of kasir again (~60 ms), which no installed or packaged copy ever does.
    compileall.compile_dir(ROOT / "kasir", quiet=1)
    app, bare = paired(
        [sys.executable, "-m", "kasir", *APP_PROBE], [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")], runs
    )
    report_start("Start to first painted window (python -m kasir, demo)", app, bare, "bare PySide6 window")
    # Built here from the current tree, as the one-file below: dist/ may hold an older build.
    exe = build(ROOT / "build.spec", onefile=False)
    bare_exe = build(ROOT / "benchmarks" / "bare.spec", onefile=False)
    packaged, packaged_bare = paired([str(exe), *APP_PROBE], [str(bare_exe)], runs)
    report_start("Packaged start to first paint (one-folder)", packaged, packaged_bare, "packaged slim bare window")
    report_size(
        "Packaged size (one-folder, on disk)", folder_size(exe.parent), folder_size(bare_exe.parent), FOLDER_RATIO
    )
    # One file: both built here from the current tree, so the figure is never a stale build's.
    app_file = build(ROOT / "build.spec", onefile=True)
    bare_file = build(ROOT / "benchmarks" / "bare.spec", onefile=True)
    report_size("Packaged size (one-file)", app_file.stat().st_size, bare_file.stat().st_size, ONEFILE_RATIO)
    one, one_bare = paired([str(app_file), *APP_PROBE], [str(bare_file)], runs)
    report(
        "Packaged start to first paint (one-file, unpacks every start)",
        ms(median(one)),
        f"{ms(median(one_bare))} one-file slim bare window",
        f"target: < {ONEFILE_START_S * 1000:.0f} ms ({median(one) / median(one_bare):.2f}x bare)",
        median(one) < ONEFILE_START_S,
    )


def build(spec: Path, *, onefile: bool) -> Path:
    """PyInstaller build into build/bench-*; the bare window is rebuilt only when its spec changes."""
    import hashlib

    tag = f"{spec.stem}-{'onefile' if onefile else 'folder'}"
    key = hashlib.sha256(spec.read_bytes()).hexdigest()[:12] if spec.stem == "bare" else "current"
    dist, work = ROOT / "build" / "bench-dist" / tag / key, ROOT / "build" / "bench-work" / tag
    name = "bare" if spec.stem == "bare" else "kasir"
    exe_name = f"{name}.exe" if os.name == "nt" else name
    exe = dist / exe_name if onefile else dist / name / exe_name
    if not exe.exists() or spec.stem != "bare":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "PyInstaller",
                "--noconfirm",
                "--log-level",
                "ERROR",
                "--distpath",
                str(dist),
                "--workpath",
                str(work),
                str(spec),
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "KASIR_ONEFILE": "1" if onefile else "0"},
        )
    return exe


def measure_bayar_to_qr(runs: int, history: Path | None = None) -> tuple[list[float], list[float], list[float]]:
    """Bayar to QR painted on the customer display, the generate round trip alone, and the GUI
    thread's longest stall in between; ``history`` as in open_demo."""
    from kasir.orkut.client import OrkutClient
    from kasir.orkut.types import MerchantCode, Session

    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(tmp, history=history, poll_interval_s=3.0)
        qr_view = window.customer.qr_view
        totals, trips = [], []
        session = Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))
        stalls: list[float] = []
        with OrkutClient(sim.url, sim.api_key) as client, Ticker() as ticker:
            client.generate(session, 1_000)  # warm the connection like the app's long-lived client
            for i in range(runs):
                # Each round sells twice: once with the pump asleep between events, as the app's
                # loop is, for the latency (a spinning GUI thread holds the interpreter against the
                # worker); once with it spinning, for the stall (asleep, the 1 ms ticker would also
                # count the OS waking the thread: ~5 ms gaps on an idle app).
                for latency in (True, False):
                    base = 20_000 + (2 * i + latency) * 1_000
                    clock = PaintClock(qr_view, lambda: bool(qr_view.property("payload")))
                    ticker.reset()
                    started = time.perf_counter()
                    controller.pay(base)
                    pump(lambda c=clock: c.at is not None, sleep=latency)
                    if latency:
                        totals.append((clock.at or 0) - started)
                    else:
                        stalls.append(ticker.longest())
                    finish(controller)
                    pump(lambda: not qr_view.property("payload"))
                    # The idle screens painted before the next Bayar, as at a real counter: the next
                    # sale must not pay for the last one's repaint (it did: ~5 ms of this figure).
                    quiet = time.perf_counter() + 0.05
                    pump(lambda q=quiet: time.perf_counter() > q, sleep=True)
                t0 = time.perf_counter()
                client.generate(session, 20_000 + i * 1_000 + 500)
                trips.append(time.perf_counter() - t0)
        window.force_close()
    return totals, trips, stalls


def bench_bayar_to_qr(runs: int) -> None:
    print("Bayar to QR painted", flush=True)
    totals, trips, stalls = measure_bayar_to_qr(runs)
    overhead = median(totals) - median(trips)
    budget = 8.0  # ms of app overhead: half a frame
    from kasir import qris
    from kasir.qrcheck import qr_matrix
    from kasir.simulator import DEMO_BASE_QR

    encode = []
    for i in range(runs):
        payload = qris.to_dynamic(DEMO_BASE_QR, 20_000 + i)
        t0 = time.perf_counter()
        qr_matrix(payload)
        encode.append(time.perf_counter() - t0)
    report(
        "Longest GUI-thread stall between Bayar and QR painted",
        ms(median(stalls)),
        "1 ms timer",
        f"target: < 1 frame ({FRAME_MS:.1f} ms)",
        median(stalls) < FRAME_MS / 1000,
    )
    report(
        "Bayar -> QR painted on the customer display (zero-latency simulator)",
        ms(median(totals)),
        f"{ms(median(trips))} generate round trip alone",
        f"target: app overhead <= {budget:.0f} ms ({ms(overhead)}, of which QR encoding {ms(median(encode))} "
        "in the worker)",
        overhead <= budget / 1000,
    )


def measure_payment_to_paid(
    runs: int, interval_s: float, history: Path | None = None, profile: str = "seed", history_interval_s: float = 10.0
) -> tuple[list[float], list[float]]:
    """Payment on the server to LUNAS on the customer display, and the GUI thread's longest stall
    from the payment until the mutasi refresh that follows LUNAS is on screen. ``profile`` is the
    service the demo plays: the seed's status route is polled every ``interval_s``; the history and
    the gateway (today's routes) are read every ``history_interval_s``. The customer pays at a
    random moment of the cycle, so the figures are what a cashier waits for on average and at worst."""
    cycle = interval_s if profile == "seed" else history_interval_s
    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(
            tmp,
            "--demo-profile",
            profile,
            history=history,
            poll_interval_s=interval_s,
            history_interval_s=history_interval_s,
        )
        pump(lambda: bool(controller.shop_qris) or profile == "seed")  # today's routes make QRs locally
        latencies, stalls = [], []
        rng = random.Random(7)
        with Ticker() as ticker:
            for i in range(runs):
                controller.pay(30_000 + i * 1_000)
                pump(lambda: controller.view.state == "awaiting")
                pay_at = time.perf_counter() + rng.uniform(0, cycle)  # anywhere in the poll cycle
                pump(lambda t=pay_at: time.perf_counter() > t)
                ticker.reset()
                started = time.perf_counter()
                sim.pay(controller.view.nominal)
                pump(lambda: window.customer.property("state") == "paid", timeout_s=max(30.0, cycle * 3 + 5))
                latencies.append(time.perf_counter() - started)
                pump(lambda: not controller.panel.busy)  # the refresh LUNAS starts, taken in
                stalls.append(ticker.longest())
                finish(controller)
        window.force_close()
    return latencies, stalls


def bench_payment_to_paid(runs: int, interval_s: float) -> None:
    print("Payment to LUNAS", flush=True)
    latencies, _stalls = measure_payment_to_paid(runs, interval_s)
    report(
        f"Payment on the server -> LUNAS on screen (poll every {interval_s:g} s)",
        f"{ms(median(latencies))} median, {ms(max(latencies))} max",
        f"{interval_s * 1000:.0f} ms poll interval",
        "target: max <= interval + 100 ms",
        max(latencies) <= interval_s + 0.1,
    )


def bench_stall(seconds: float, runs: int) -> None:
    print("GUI thread stalls", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(tmp, poll_interval_s=0.2)
        idle = [longest_stall(seconds) for _ in range(runs)]
        controller.pay(45_000)
        pump(lambda: controller.view.state == "awaiting")
        sim.inject("hang", count=1000)
        hang = [longest_stall(seconds) for _ in range(runs)]
        sim.clear_faults()
        for kind in ("http500", "html", "malformed", "drop", "wrong_shape"):
            sim.inject(kind, count=200)
        controller.watcher.set_interval(0.2)
        controller._watch(controller.till.journal.get(controller.view.sale_id))
        errors = [longest_stall(seconds) for _ in range(runs)]
        sim.clear_faults()
        finish(controller)
        window.force_close()
    for label, samples in (("hangs", hang), ("errors (500, HTML, bad JSON, drops)", errors)):
        report(
            f"Longest GUI-thread stall while the server {label}",
            ms(median(samples)),
            f"{ms(median(idle))} same app, idle",
            "target: < 16 ms",
            median(samples) < 0.016,
        )


def measure_memory(sales: int, history: Path | None = None) -> tuple[dict[int, int], float]:
    """Resident memory after the 1st, 10th and last of ``sales`` paid sales, and the seconds they took."""
    import gc

    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(tmp, history=history, poll_interval_s=3.0, kode_unik_high=999)
        samples: dict[int, int] = {}
        started = time.perf_counter()
        for i in range(1, sales + 1):
            controller.pay(10_000 + (i % 97) * 1_000)
            sim.pay(controller.view.nominal)  # already on the server when the first poll asks
            pump(lambda: controller.view.state == "paid")
            controller.acknowledge()
            if i in (1, 10, sales):
                gc.collect()
                samples[i] = rss_bytes()
        elapsed = time.perf_counter() - started
        window.force_close()
    return samples, elapsed


def bench_memory(sales: int) -> None:
    print(f"Memory over {sales} sales", flush=True)
    samples, elapsed = measure_memory(sales)
    growth = samples[sales] - samples[10]
    report(
        f"Resident memory after {sales} sales",
        f"{samples[sales] / 1e6:.1f} MB",
        f"{samples[1] / 1e6:.1f} MB after the first ({samples[10] / 1e6:.1f} after 10)",
        f"target: growth 10->{sales} < 10 MB ({growth / 1e6:+.1f} MB, {sales / elapsed:.0f} sales/s end to end)",
        growth < 10e6,
    )


def measure_mutasi(count: int, runs: int, history: Path | None = None) -> tuple[float, float]:
    """A mutasi refresh with ``count`` of today's entries: request to table updated, and the GUI
    thread's share of it (journal, matching, model, repaint); medians of ``runs``."""
    from kasir import wib

    with tempfile.TemporaryDirectory() as tmp:
        window, controller, sim = open_demo(tmp, history=history)
        start_of_day = wib.day_bounds(wib.today())[0]
        span = max(1, int((wib.now() - start_of_day).total_seconds()) - 1)
        for i in range(count):
            sim.pay(1_000 + i, brand=("DANA", "OVO", "GoPay")[i % 3], at=start_of_day + timedelta(seconds=i % span))
        ends, gui = [], []
        for _ in range(runs):
            pump(lambda: not controller.panel.busy)
            controller.panel.history_at = None  # ask again now: not "read a moment ago"
            done = [0.0]
            controller.mutasi_changed.connect(lambda d=done: d.__setitem__(0, time.perf_counter()))
            take_in = controller._take_in
            spent = [0.0]

            def timed(rows: list[object], f: Callable[..., None] = take_in, s: list[float] = spent) -> None:
                t = time.perf_counter()
                f(rows)
                window.mutasi_view.viewport().repaint()
                s[0] = time.perf_counter() - t

            # The panel's list reaches the sale loop through this connection: timed in its place.
            controller.panel.listed.disconnect(take_in)
            controller.panel.listed.connect(timed)
            started = time.perf_counter()
            assert controller.refresh_mutasi(), "the refresh was not asked"
            pump(lambda d=done: d[0] > 0)
            ends.append(done[0] - started)
            gui.append(spent[0])
            controller.panel.listed.disconnect(timed)
            controller.panel.listed.connect(take_in)
            controller.mutasi_changed.disconnect()
            controller.mutasi_changed.connect(lambda: None)
        assert controller.mutasi_model.rowCount() == count
        window.force_close()
    return median(ends), median(gui)


def bench_mutasi(entries: int, runs: int) -> None:
    print(f"Side panel with {entries} mutasi entries", flush=True)
    small_end, small_gui = measure_mutasi(50, runs)
    big_end, big_gui = measure_mutasi(entries, runs)
    report(
        f"Mutasi refresh with {entries} entries: GUI-thread work (journal, matching, model, repaint)",
        ms(big_gui),
        f"{ms(small_gui)} with 50 entries",
        "target: < 100 ms",
        big_gui < 0.1,
    )
    report(
        f"Mutasi refresh with {entries} entries: request to table updated",
        ms(big_end),
        f"{ms(small_end)} with 50 entries",
        "target: < 1 s",
        big_end < 1.0,
    )


def measure_recap(journal_path: Path, day: date, runs: int) -> tuple[list[float], ...]:
    """Rekap harian of ``day`` opened ``runs`` times: time to the recap on screen, the GUI thread's
    longest stall meanwhile, then the same two for its CSV export."""
    from kasir.ui.recap_dialog import RecapDialog

    opens, open_stalls, exports, export_stalls = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp, Ticker() as ticker:
        for i in range(runs):
            loaded, exported = [0.0], [0.0]
            ticker.reset()
            started = time.perf_counter()
            dialog = RecapDialog(journal_path, day, "Toko Bench")
            dialog.loaded.connect(lambda t=loaded: t.__setitem__(0, time.perf_counter()))
            dialog.exported.connect(lambda _p, t=exported: t.__setitem__(0, time.perf_counter()))
            dialog.show()
            wait_for(dialog.loaded)
            if not loaded[0]:
                raise TimeoutError("recap never shown")
            opens.append(loaded[0] - started)
            open_stalls.append(ticker.longest())
            ticker.reset()
            started = time.perf_counter()
            dialog.export_to(Path(tmp) / f"rekap-{i}.csv")
            wait_for(dialog.exported)
            if not exported[0]:
                raise TimeoutError("recap never exported")
            exports.append(exported[0] - started)
            export_stalls.append(ticker.longest())
            dialog.done(0)
            dialog.deleteLater()
            pump(lambda: True)
    return opens, open_stalls, exports, export_stalls


def abba(measure: Callable[[Path], T], fresh: Path, year: Path, rounds: int) -> dict[str, list[T]]:
    """``measure`` on each journal ``rounds`` times, in the order fresh, year, year, fresh, ...: a
    warm-up, or another engineer's load on a shared machine, falls on both sides alike."""
    got: dict[str, list[T]] = {"fresh": [], "year": []}
    for i in range(rounds * 2):
        side = ("fresh", "year", "year", "fresh")[i % 4]
        got[side].append(measure(fresh if side == "fresh" else year))
    return got


def merged(results: list[tuple[list[float], ...]], figure: int) -> float:
    """The median of one figure's samples over every call of a measure."""
    return median([sample for result in results for sample in result[figure]])


YEAR_RATIO = 1.2  # issue 15: a year-old journal's figure within this of a fresh journal's
TICK_S = 0.001  # the Ticker's resolution: stalls closer than this are the same stall


def report_year(
    what: str, year: float, fresh: float, *, stall: bool = False, text: Callable[[float], str] = ms
) -> None:
    """One row of the year table: the figure on the year-old journal beside the same on a fresh one."""
    ratio = year / fresh if fresh > 0 else float("inf")
    ok = ratio <= YEAR_RATIO
    target = f"target: <= {YEAR_RATIO}x fresh ({ratio:.2f}x)"
    if stall:
        ok = (ok or year - fresh < TICK_S) and max(year, fresh) < FRAME_MS / 1000
        target += f", stall < {FRAME_MS:.1f} ms"
    report(f"Year-old journal: {what}", text(year), f"{text(fresh)} fresh journal", target, ok)


def bench_year(runs: int, sales: int, mutasi: int) -> None:
    """Issue 15: every figure on a journal holding a year of history beside a fresh journal's."""
    from benchmarks import year_history

    print("A year of history", flush=True)
    fixture = year_history.load(progress=True)
    print(
        f"  {fixture.sales} sales, {fixture.payments} payments, {fixture.year.stat().st_size / 1e6:.0f} MB", flush=True
    )
    fresh = Path(os.devnull)  # no history: open_demo starts a fresh journal

    def history(path: Path) -> Path | None:
        return None if path == fresh else path

    measure_bayar_to_qr(3)  # the first window of a process pays for lazy imports: not a figure
    qr = abba(lambda p: measure_bayar_to_qr(runs * 3, history(p)), fresh, fixture.year, 2)
    report_year("Bayar -> QR painted", merged(qr["year"], 0), merged(qr["fresh"], 0))
    report_year(
        "longest GUI-thread stall, Bayar -> QR painted", merged(qr["year"], 2), merged(qr["fresh"], 2), stall=True
    )
    paid = abba(lambda p: measure_payment_to_paid(runs, 1.0, history(p)), fresh, fixture.year, 2)
    report_year(
        "longest GUI-thread stall, payment -> LUNAS and the mutasi refresh after it",
        merged(paid["year"], 1),
        merged(paid["fresh"], 1),
        stall=True,
    )
    panel = abba(lambda p: measure_mutasi(mutasi, runs, history(p)), fresh, fixture.year, 2)
    report_year(
        f"mutasi refresh with {mutasi} entries, GUI-thread work (journal, matching, model, repaint)",
        median([gui for _end, gui in panel["year"]]),
        median([gui for _end, gui in panel["fresh"]]),
        stall=True,
    )
    # The busy day's recap: in the year-old journal, and alone in a journal of that day only.
    measure_recap(fixture.busy_only, fixture.busy_day, 1)  # warm-up, not a figure
    recaps = abba(lambda p: measure_recap(p, fixture.busy_day, 1), fixture.busy_only, fixture.year, runs)
    busy = f"a day of {year_history.BUSY_SALES} sales"
    report_year(f"Rekap harian of {busy}, open to shown", merged(recaps["year"], 0), merged(recaps["fresh"], 0))
    report_year(
        "longest GUI-thread stall, Rekap harian open", merged(recaps["year"], 1), merged(recaps["fresh"], 1), stall=True
    )
    report_year(f"CSV export of {busy}", merged(recaps["year"], 2), merged(recaps["fresh"], 2))
    report_year(
        "longest GUI-thread stall, CSV export", merged(recaps["year"], 3), merged(recaps["fresh"], 3), stall=True
    )
    memory = abba(lambda p: measure_memory(sales, history(p))[0][sales], fresh, fixture.year, 1)
    report_year(
        f"resident memory after {sales} sales",
        memory["year"][0],
        memory["fresh"][0],
        text=lambda b: f"{b / 1e6:.1f} MB",
    )


# ---- the journal -----------------------------------------------------------------------


def bench_journal(sales: int, kill_runs: int) -> None:
    from kasir import wib
    from kasir.kode_unik import KodeUnikRange, allocate
    from kasir.orkut.types import MutasiEntry

    print("Journal", flush=True)
    rates, bare_rates = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            journal = SqliteJournal(Path(tmp) / "j.sqlite3")
            started = time.perf_counter()
            for i in range(sales):
                now = wib.now()
                allocation = allocate(10_000 + i, journal.reserved_nominals(now), KodeUnikRange(1, 999))
                sale = journal.create_sale(allocation, now, now + timedelta(minutes=10))
                journal.mark_awaiting(sale.id, "0" * 180, "server")
                entry = MutasiEntry(now, sale.nominal, "CR", "static", "DANA", f"R{i}", "NOBU / X", None)
                journal.settle(sale.id, entry, now)
            rates.append(sales / (time.perf_counter() - started))
            journal.close()
            db = sqlite3.connect(Path(tmp) / "bare.sqlite3", isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, state TEXT, payload TEXT, reff TEXT)")
            started = time.perf_counter()
            for i in range(sales):
                db.execute("PRAGMA synchronous=NORMAL")  # as the journal: a sale making its QR waits for no disk
                db.execute("INSERT INTO t (state) VALUES ('generating')")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("UPDATE t SET state = 'awaiting', payload = ? WHERE id = ?", ("0" * 180, i + 1))
                db.execute("UPDATE t SET state = 'paid', reff = ? WHERE id = ?", (f"R{i}", i + 1))
            bare_rates.append(sales / (time.perf_counter() - started))
            db.close()
    report(
        "Sales journaled per second (create, awaiting, paid: 3 commits, the last 2 fsynced)",
        f"{median(rates):.0f} /s",
        f"{median(bare_rates):.0f} /s bare sqlite3, same 3 commits",
        "target: > 50 /s (a busy counter does 1 per 10 s)",
        median(rates) > 50,
    )
    sys.path.insert(0, str(ROOT))
    from tests.test_journal_kill import Acked, check, write_then_kill

    rng = random.Random(2026)
    lost = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "journal.sqlite3"
        total, unacked = Acked(), set[int]()
        for run in range(kill_runs):
            acked = write_then_kill(path, run, rng)
            total.created.update(acked.created)
            total.state.update(acked.state)
            try:
                check(path, total, unacked)
            except AssertionError:
                lost += 1
    report(
        f"SIGKILL at random points: {kill_runs} runs, {len(total.created)} acknowledged sales",
        f"{lost} runs with a lost or broken sale",
        f"{len(unacked)} committed-but-unreported sales kept",
        "target: 0 losses",
        lost == 0,
    )


# ---- table -----------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        ram = f"{int(mem.split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        ram = ""
    import PySide6

    return (
        f"{cpu}, {os.cpu_count()} cores, {ram}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, QPA offscreen"
    )


def print_table() -> None:
    print()
    print(f"Machine: {machine()}")
    print()
    print("| Figure | Kasir QRIS | Baseline (same run) | Target | |")
    print("|---|---|---|---|---|")
    for row in ROWS:
        print(f"| {row.what} | {row.value} | {row.baseline} | {row.target} | {row.verdict} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke check")
    parser.add_argument(
        "--only",
        choices=("start", "ready", "bayar", "memory", "year", "tills"),
        help="one section: start-up and packages, start to able to sell (no packages), Bayar -> QR, memory"
        " over many sales, a year-old journal, or several tills on PostgreSQL",
    )
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    year_sales = 100 if args.quick else 1000
    memory_sales = 100 if args.quick else 1000
    if args.only in (None, "start", "ready"):
        bench_ready(runs * 2)
    if args.only in (None, "start"):
        bench_start(runs * 3)  # start-up swings most between runs here: a median of more
    if args.only not in ("start", "ready"):
        from PySide6.QtWidgets import QApplication

        from kasir.app import SWITCH_INTERVAL_S

        sys.setswitchinterval(SWITCH_INTERVAL_S)  # as the app runs (create_window sets it too)
        _app = QApplication.instance() or QApplication([])
    only = {"bayar": lambda: bench_bayar_to_qr(runs * 3), "memory": lambda: bench_memory(memory_sales)}
    only["year"] = lambda: bench_year(runs, year_sales, 300)
    only["tills"] = lambda: bench_tills_section(runs, 100 if args.quick else 300)
    if args.only is not None:
        if args.only in only:
            only[args.only]()
        print_table()
        return 0
    bench_bayar_to_qr(runs * 3)
    bench_payment_to_paid(runs, interval_s=3.0)
    from benchmarks.sources import bench_hostile, bench_payment_per_source

    bench_payment_per_source(runs, sys.modules[__name__])
    bench_hostile(3, sys.modules[__name__])
    bench_stall(2.0 if args.quick else 3.0, 3)
    from benchmarks.receipts import bench_receipts  # issue 13

    bench_receipts(report)
    bench_memory(memory_sales)
    bench_mutasi(5000, runs)
    bench_journal(100 if args.quick else 300, 20 if args.quick else 200)
    bench_year(runs, year_sales, 300)
    bench_tills_section(runs, 100 if args.quick else 300)
    print_table()
    return 0


def bench_tills_section(runs: int, sales: int) -> None:
    from benchmarks.tills import bench_tills  # issue 22

    bench_tills(report, runs, sales)


if __name__ == "__main__":
    raise SystemExit(main())
