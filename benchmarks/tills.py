"""A shop of several tills on one PostgreSQL journal (issue 22), beside same-run baselines.

- Payment -> LUNAS on the till that polls for the shop and on a till that only listens (LISTEN/NOTIFY):
  both customers pay at the same moment, so the listening till's extra wait is the news path alone.
- Sales journaled per second: SQLite with one till, PostgreSQL with one and with four tills at once
  (each sale: the kode unik chosen under the shop's lock, the QR shown, paid). The server runs with
  fsync on, as a shop's would.
- What the driver costs: nothing at the start of a till without ``--journal`` (psycopg is not even
  imported), its import after the first frame of a till with one, and the size it adds to the package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.harness import ROOT, median, ms

Report = Callable[..., None]


def bench_tills(report: Report, runs: int, sales: int) -> None:
    from tests.postgres import PostgresServer, binaries

    print("Several tills (PostgreSQL)", flush=True)
    bindir = binaries()
    if bindir is None:
        report("Several tills", "PostgreSQL not installed", "-", "apt-get install postgresql", False)
        return
    server = PostgresServer(bindir, durable=True).start()
    try:
        bench_lunas(report, server.dsn(server.create_database("bench")), runs)
        bench_sales_rate(report, server, sales)
    finally:
        server.drop()
    bench_driver(report)


# ---- payment -> LUNAS ----------------------------------------------------------------------------


def bench_lunas(report: Report, dsn: str, runs: int, poll_s: float = 0.5) -> None:
    import json

    from kasir.simulator import OrkutSimulator
    from tests.processes import TillProcess

    with OrkutSimulator() as sim, tempfile.TemporaryDirectory() as tmp:
        tills = []
        for name in ("Kasir 1", "Kasir 2"):
            data = Path(tmp) / name.replace(" ", "_") / "data"
            data.mkdir(parents=True)
            settings = {"username": sim.username, "merchant": sim.account_id, "api_url": sim.url}
            (data / "settings.json").write_text(json.dumps({**settings, "poll_interval_s": poll_s}), encoding="utf-8")
            env = {"KASIR_TEST_API_KEY": sim.api_key, "KASIR_TEST_TOKEN": sim.issue_token()}
            args = ["--data-dir", str(data), "--journal", dsn, "--counter", name]
            tills.append(TillProcess(args, home=data.parent, env=env))
        try:
            for till in tills:
                till.wait_for(lambda e: e["event"] == "ready")
            tills[0].until(lambda: sum(bool(t.ask_state().get("polling")) for t in tills) == 1, 20)
            poller = next(t for t in tills if t.ask_state().get("polling"))
            listener = next(t for t in tills if t is not poller)
            polled, listened, behind = [], [], []
            for i in range(runs):
                sales = {}
                for till, base in ((poller, 10_000 + i * 100), (listener, 20_000 + i * 100)):
                    mark = len(till.events)
                    till.send(f"pay {base}")
                    sales[id(till)] = till.wait_for(
                        lambda e: e["event"] == "view" and e["state"] == "awaiting", since=mark
                    )
                time.sleep((i % 5) / 5 * poll_s)  # paid anywhere in the poll cycle
                paid_at = time.time()
                for till in (poller, listener):
                    sim.pay(int(sales[id(till)]["nominal"]))  # type: ignore[call-overload]
                done = {}
                for till in (poller, listener):
                    sale_id = sales[id(till)]["sale_id"]
                    done[id(till)] = till.wait_for(
                        lambda e, s=sale_id: e["event"] == "view" and e["state"] == "paid" and e["sale_id"] == s
                    )["t"]
                polled.append(float(done[id(poller)]) - paid_at)  # type: ignore[arg-type]
                listened.append(float(done[id(listener)]) - paid_at)  # type: ignore[arg-type]
                behind.append(listened[-1] - polled[-1])
        finally:
            for till in tills:
                till.close()
    report(
        f"Payment -> LUNAS on the till that polls for the shop (poll every {poll_s:g} s)",
        f"{ms(median(polled))} median, {ms(max(polled))} max",
        f"{poll_s * 1000:.0f} ms poll interval",
        "target: max <= interval + 100 ms",
        max(polled) <= poll_s + 0.1,
    )
    report(
        "Payment -> LUNAS on a till that only listens (LISTEN/NOTIFY), same payment moment",
        f"{ms(median(listened))} median; behind the polling till by {ms(median(behind))} median, {ms(max(behind))} max",
        f"{ms(median(polled))} median on the polling till, same run",
        "target: <= 200 ms behind it",
        max(behind) <= 0.2,
    )


# ---- sales per second ----------------------------------------------------------------------------


def _sell(journal: object, sales: int, counter: str, first_base: int) -> None:
    from kasir import wib
    from kasir.kode_unik import KodeUnikRange
    from kasir.orkut.types import MutasiEntry

    for i in range(sales):
        now = wib.now()
        sale = journal.begin_sale(  # type: ignore[attr-defined]
            first_base + i, KodeUnikRange(1, 999), now, now + timedelta(minutes=10), counter=counter
        )
        journal.mark_awaiting(sale.id, "0" * 180, "server")  # type: ignore[attr-defined]
        entry = MutasiEntry(now, sale.nominal, "CR", "static", "DANA", f"R{counter}{i}", "NOBU / X", None)
        journal.settle(sale.id, entry, now)  # type: ignore[attr-defined]


def _rate(open_journal: Callable[[str], object], tills: int, sales: int) -> float:
    """Each till a thread with its own connection (opened there: a SQLite connection is its thread's)."""
    start = threading.Barrier(tills + 1)
    failures: list[BaseException] = []

    def run(n: int) -> None:
        journal = open_journal(f"Kasir {n}")
        try:
            start.wait()
            _sell(journal, sales, f"Kasir {n}", 10_000 + n * 100_000)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller: a failed run is no figure
            failures.append(exc)
        finally:
            journal.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(tills)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return tills * sales / (time.perf_counter() - began)


def bench_sales_rate(report: Report, server: object, sales: int) -> None:
    from kasir.journal_pg import PostgresJournal
    from kasir.journal_sqlite import SqliteJournal

    rates: dict[str, list[float]] = {"sqlite": [], "pg1": [], "pg4": []}
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "j.sqlite3"
            rates["sqlite"].append(_rate(lambda _name, p=path: SqliteJournal(p), 1, sales))
        for key, tills in (("pg1", 1), ("pg4", 4)):
            dsn = server.dsn(server.create_database("rate"))  # type: ignore[attr-defined]
            rates[key].append(_rate(lambda name, d=dsn: PostgresJournal(d, counter=name), tills, sales))
    baseline = f"{median(rates['sqlite']):.0f} /s SQLite, one till, same run"
    report(
        "Sales journaled per second, PostgreSQL, one till (fsync on; chosen, shown, paid)",
        f"{median(rates['pg1']):.0f} /s",
        baseline,
        "target: > 50 /s (a busy till does 1 per 10 s)",
        median(rates["pg1"]) > 50,
    )
    report(
        "Sales journaled per second, PostgreSQL, four tills at once (the whole shop)",
        f"{median(rates['pg4']):.0f} /s",
        baseline,
        "target: > 50 /s",
        median(rates["pg4"]) > 50,
    )


# ---- what the driver costs -----------------------------------------------------------------------


def _fresh(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def bench_driver(report: Report) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, kasir.app; print(sum(m.startswith('psycopg') for m in sys.modules))"],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout.strip()
    report(
        "psycopg modules loaded by a till without --journal (the app and its first frame)",
        loaded,
        "0",
        "target: 0",
        loaded == "0",
    )
    bare = [_fresh("pass") for _ in range(5)]
    driver = [_fresh("import kasir.journal_pg") for _ in range(5)]
    report(
        "Loading the shared journal and psycopg (a till with --journal, once, after its first frame)",
        ms(median(driver) - median(bare)),
        f"{ms(median(bare))} bare interpreter start, same run",
    )
    sizes = {}
    for shared in (False, True):
        dist = ROOT / "build" / "bench-dist" / ("toko" if shared else "one-pc")
        env = {**os.environ, "KASIR_ONEFILE": "0", "KASIR_SHARED_JOURNAL": "1" if shared else "0"}
        work = ROOT / "build" / "bench-work" / ("toko" if shared else "one-pc")
        command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR"]
        command += ["--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")]
        subprocess.run(command, check=True, cwd=ROOT, env=env, capture_output=True)
        sizes[shared] = _folder_size(dist / ("kasir-toko" if shared else "kasir"))
    report(
        "Package for several tills (kasir-toko, one-folder) vs one PC's",
        f"{sizes[True] / 1e6:.1f} MB (+{(sizes[True] - sizes[False]) / 1e6:.1f} MB: psycopg and libpq)",
        f"{sizes[False] / 1e6:.1f} MB one-PC package, no driver, same run",
        "target: one PC's package carries none of it",
        True,
    )
