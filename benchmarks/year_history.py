"""A year-old journal for the benchmarks (issue 15): 100,000 past sales over 365 WIB days.

Seeded through the journal's own API, the way the till writes a sale: ``allocate`` against the
day's reserved nominals, ``create_sale``, ``mark_awaiting`` with a real dynamic QRIS payload, then
``settle`` (on time, or late after ``mark_ended``), ``mark_ended`` (expired, cancelled, failed) and
``record_payments`` for every mutasi entry of the day, including money no sale claimed. Every
timestamp is the sale's own moment in the past, passed to the API as the till's clock would.

The last day before the seeding day is a busy day (10,000 sales) for the Rekap harian figures; the
same day, row for row, is also seeded alone into a second journal: the "fresh" side of the recap.

Seeding runs with ``PRAGMA synchronous=OFF`` (a benchmark fixture needs no power-cut safety; the
app itself always writes with FULL), one commit per call as in the app. Both files are cached in
the temp folder under the fixture version, so only the first benchmark run pays for them.

    python benchmarks/year_history.py      (seeds, or says where the cached files are)
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kasir import qris, wib  # noqa: E402
from kasir.journal import Journal  # noqa: E402
from kasir.journal_sqlite import FILENAME, SqliteJournal  # noqa: E402
from kasir.kode_unik import KodeUnikRange, allocate  # noqa: E402
from kasir.orkut.types import MutasiEntry  # noqa: E402
from kasir.simulator import DEMO_BASE_QR  # noqa: E402

VERSION = 1  # bump whenever what is seeded changes: the cache is keyed on it
DAYS = 365
YEAR_SALES = 100_000  # over the DAYS days before the busy day, ~274 a day
BUSY_SALES = 10_000  # the day before seeding: a festival eve, for the recap figures
UNMATCHED_PER_DAY = 3  # money in without a sale (a transfer, a tip, a QR paid twice)
EXPIRY = timedelta(minutes=10)
OPEN_HOURS = (8 * 3600, 21 * 3600 + 30 * 60)  # a sale is made between 08:00 and 21:30 WIB
BRANDS = ("DANA", "OVO", "GoPay", "ShopeePay", "LinkAja", "BCA")

# What becomes of a sale, in cumulative shares: a shop's usual year.
FAILED, PAID, LATE, EXPIRED = 0.01, 0.86, 0.88, 0.95  # the rest is cancelled


@dataclass(frozen=True)
class Fixture:
    year: Path  # DAYS of history and the busy day
    busy_only: Path  # the busy day alone
    busy_day: date
    sales: int
    payments: int


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "kasir-bench" / f"year-v{VERSION}"


def _seed_day(journal: Journal, day: date, count: int, rng: random.Random) -> None:
    """``count`` sales of one WIB day and the mutasi entries the app would have seen that day."""
    start = wib.day_bounds(day)[0]
    reserved: set[int] = set()  # what journal.reserved_nominals(now) holds for this day's sales
    seen: list[MutasiEntry] = []
    tag = day.strftime("%y%m%d")
    offsets = sorted(rng.randint(*OPEN_HOURS) for _ in range(count))
    for n, offset in enumerate(offsets):
        made = start + timedelta(seconds=offset, microseconds=rng.randrange(1_000_000))
        allocation = allocate(rng.randrange(2, 400) * 500, reserved, KodeUnikRange(1, 999))
        reserved.add(allocation.nominal)
        sale = journal.create_sale(allocation, made, made + EXPIRY)
        fate = rng.random()
        if fate < FAILED:
            journal.mark_ended(sale.id, "failed", made + timedelta(seconds=3), "QR tidak dapat dibuat")
            continue
        journal.mark_awaiting(sale.id, qris.to_dynamic(DEMO_BASE_QR, sale.nominal), "server")
        if fate < LATE:
            if fate < PAID:
                at = made + timedelta(seconds=rng.randint(8, 300))
            else:  # paid after the QR expired: settled late by the watch
                journal.mark_ended(sale.id, "expired", sale.expires_at)
                at = sale.expires_at + timedelta(seconds=rng.randint(5, 50 * 60))
            entry = MutasiEntry(
                date=at,
                amount=sale.nominal,
                type="CR",
                qris="",
                brand_name=rng.choice(BRANDS),
                issuer_reff=f"Y{tag}{n:05d}",
                buyer_reff=f"PEMBELI {rng.randrange(10_000):04d}",
                balance=None,
            )
            seen.append(entry)
            journal.settle(sale.id, entry, at + timedelta(seconds=2))
        elif fate < EXPIRED:
            journal.mark_ended(sale.id, "expired", sale.expires_at)
        else:
            journal.mark_ended(sale.id, "cancelled", made + timedelta(seconds=rng.randint(20, 400)), "dibatalkan kasir")
    for n in range(UNMATCHED_PER_DAY):
        at = start + timedelta(seconds=rng.randint(*OPEN_HOURS))
        seen.append(
            MutasiEntry(
                at, rng.randrange(1, 200) * 1_000, "CR", "", rng.choice(BRANDS), f"U{tag}{n:02d}", "TRANSFER", None
            )
        )
    journal.record_payments(seen)


def _seed(path: Path, days: list[tuple[date, int]], seed: int) -> None:
    journal = SqliteJournal(path)
    journal._db.execute("PRAGMA synchronous=OFF")  # seeding only; see the module's docstring
    try:
        for day, count in days:
            # One generator per day: the busy day is the same, row for row, in both files.
            _seed_day(journal, day, count, random.Random(f"{seed}-{day.isoformat()}"))
    finally:
        journal.close()  # the last connection folds the WAL back into the file
    from kasir import backup

    backup.maintain(path)  # what the app's daily upkeep has done to a year-old journal


def _rows(path: Path) -> tuple[int, int]:
    """Sales and payments in a seeded journal, counted in it: ``record_payments`` only counts the
    payments no settle had journaled already (a settle journals its own), so the seeding's sum
    said 1,098 for a journal holding 96,881."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sales = db.execute("SELECT count(*) FROM sales").fetchone()[0]
        payments = db.execute("SELECT count(*) FROM payments").fetchone()[0]
    finally:
        db.close()
    return int(sales), int(payments)


def year_days(busy_day: date) -> list[tuple[date, int]]:
    """How many sales each day had: YEAR_SALES spread evenly over the DAYS before the busy day."""
    first = busy_day - timedelta(days=DAYS)
    per_day, extra = divmod(YEAR_SALES, DAYS)
    return [(first + timedelta(days=i), per_day + (1 if i < extra else 0)) for i in range(DAYS)]


def load(progress: bool = False) -> Fixture:
    """The cached fixture, seeded first if this version has none yet."""
    folder = cache_dir()
    meta = folder / "fixture.json"
    if meta.exists():
        data = json.loads(meta.read_text(encoding="utf-8"))
        for path in (folder / "year.sqlite3", folder / "busy.sqlite3"):
            SqliteJournal(path).close()  # brought to this app's schema once (the recap reads it read-only)
        sales, payments = _rows(folder / "year.sqlite3")
        return Fixture(
            folder / "year.sqlite3", folder / "busy.sqlite3", date.fromisoformat(data["busy_day"]), sales, payments
        )
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    busy_day = wib.today() - timedelta(days=1)
    started = time.perf_counter()
    if progress:
        print(f"  seeding a year of history into {folder} (once per fixture version)…", flush=True)
    _seed(folder / "year.sqlite3", [*year_days(busy_day), (busy_day, BUSY_SALES)], VERSION)
    _seed(folder / "busy.sqlite3", [(busy_day, BUSY_SALES)], VERSION)
    if progress:
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    # Written last: a run cut short leaves no metadata, so the next run seeds again.
    meta.write_text(json.dumps({"busy_day": busy_day.isoformat()}), encoding="utf-8")
    return load()


def install(source: Path, data_dir: Path) -> Path:
    """A working copy of a seeded journal where the app (demo mode) opens its journal."""

    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / FILENAME
    shutil.copyfile(source, target)
    return target


if __name__ == "__main__":
    fixture = load(progress=True)
    size = fixture.year.stat().st_size / 1e6
    print(f"{fixture.year}: {fixture.sales} sales, {fixture.payments} payments, {size:.1f} MB")
    print(f"{fixture.busy_only}: busy day {fixture.busy_day} alone")
