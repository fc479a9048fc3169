"""A year of sales costs what a day costs: bounded, indexed queries; and the money rules at midnight."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import qris, recap, wib
from kasir.journal import LATE_WATCH, Journal, late_until
from kasir.journal_schema import MIGRATIONS
from kasir.journal_sqlite import RENDERED as QUERIES
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from kasir.qrcheck import prepare
from kasir.simulator import DEMO_BASE_QR
from kasir.till import Kind, SaleState, Till, TillRules
from tests.legacy import legacy_script

BEFORE_MIDNIGHT = datetime(2026, 11, 25, 23, 59, 30, tzinfo=wib.WIB)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paid(amount: int, at: datetime, reff: str) -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "static", "DANA", reff, "NOBU / X", None)


# ---- every path query is served by an index ---------------------------------------------------

T = 1_800_000_000
KEYS = '["A", "B"]'
PARAMS: dict[str, dict[str, object]] = {
    "get": {"id": 1},
    "reserved_nominals": {"day": "2026-11-25", "now": T, "stamped_since": T, "seen_since": T},
    "same_payment": {"low": T, "high": T + 300, "until_low": T, "amount": 25_001, "key": "A", "history": 1, "ts": T},
    "aliases": {"keys": KEYS},
    "views_between": {"low": T, "high": T + 300},
    "claimed_since": {"since": T},
    "claimed_among": {"keys": KEYS},
    "settled_by": {"keys": KEYS},
    "payments_among": {"keys": KEYS},
    "payment_claim": {"key": "A"},
    "late_watchable": {"now": T},
    "open_sales": {},
    "sales_on": {"day": "2026-11-25"},
    "payments_on": {"day": "2026-11-25"},
    "attachable": {"day": "2026-11-25"},
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_sale_and_refresh_query_uses_an_index_never_a_full_scan(tmp_path: Path, name: str) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    sql = QUERIES[name]
    plan = [row[3] for row in journal._db.execute(f"EXPLAIN QUERY PLAN {sql}", PARAMS[name])]
    journal.close()
    assert plan, name
    full_scans = [step for step in plan if step.startswith("SCAN sales") or step.startswith("SCAN payments")]
    assert not full_scans, f"{name}: {plan}"


# What ANALYZE records for a year-old journal (the benchmark fixture: 110,000 sales over 366 days,
# most of them paid). PRAGMA optimize may gather such statistics (SQLite 3.46+ analyzes tables it
# finds unanalyzed), and with them the planner trusts "27,500 sales per state" over the index.
YEAR_STATS = {
    ("sales", "sales_state"): "110000 27500",
    ("sales", "sales_day"): "110000 301",
    ("sales", "sales_late_until"): "110000 301",
    ("sales", "sales_paid_ts"): "110000 2",
    ("sales", "sqlite_autoindex_sales_1"): "110000 2",
    ("sales", "sqlite_autoindex_sales_2"): "110000 301 1",
    ("payments", "payments_day"): "96811 265",
    ("payments", "sqlite_autoindex_payments_1"): "96811 1",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_query_keeps_its_index_with_a_year_olds_planner_statistics(tmp_path: Path, name: str) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    db = journal._db
    db.execute("ANALYZE")  # makes sqlite_stat1
    db.execute("DELETE FROM sqlite_stat1")
    db.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", [(t, i, s) for (t, i), s in YEAR_STATS.items()])
    db.execute("ANALYZE sqlite_schema")  # the planner reads the statistics again
    sql = QUERIES[name]
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", PARAMS[name])]
    journal.close()
    full_scans = [step for step in plan if step.startswith("SCAN sales") or step.startswith("SCAN payments")]
    assert not full_scans, f"{name}: {plan}"


def test_every_path_query_has_its_plan_checked() -> None:
    assert set(PARAMS) == set(QUERIES)


def test_late_watchable_sales_are_found_by_their_watch_window_not_by_state(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    plan = [r[3] for r in journal._db.execute("EXPLAIN QUERY PLAN " + QUERIES["late_watchable"], {"now": 0})]
    journal.close()
    assert any("sales_late_until" in step for step in plan), plan


# ---- midnight ------------------------------------------------------------------------------


def test_the_late_watch_runs_to_the_end_of_the_day_and_at_least_an_hour_past_expiry() -> None:
    noon = datetime(2026, 11, 25, 12, 0, tzinfo=wib.WIB)
    assert late_until(noon, noon + timedelta(minutes=10)) == datetime(2026, 11, 26, 0, 0, tzinfo=wib.WIB)
    expires = BEFORE_MIDNIGHT + timedelta(minutes=10)
    assert late_until(BEFORE_MIDNIGHT, expires) == expires + LATE_WATCH


def test_a_kode_unik_is_not_handed_out_again_after_midnight_while_money_for_it_can_still_arrive(
    tmp_path: Path,
) -> None:
    clock = FakeClock(BEFORE_MIDNIGHT)
    journal = SqliteJournal.in_dir(tmp_path)
    till = Till(journal, clock, TillRules(expiry=timedelta(minutes=10)))
    first = till.begin(25_000, on_counter=None, can_make_qr=True).sale
    assert first is not None and first.nominal == 25_001
    till.qr_ready(first.id, prepare(qris.to_dynamic(DEMO_BASE_QR, 25_001), 25_001, DEMO_BASE_QR), "server")
    till.end(first.id, SaleState.CANCELLED, "dibatalkan kasir")

    clock.now = BEFORE_MIDNIGHT + timedelta(minutes=1)  # 00:00:30 the next day
    second = till.begin(25_000, on_counter=None, can_make_qr=True).sale
    assert second is not None and second.nominal != 25_001
    till.qr_ready(
        second.id, prepare(qris.to_dynamic(DEMO_BASE_QR, second.nominal), second.nominal, DEMO_BASE_QR), "server"
    )

    # The first customer pays the old QR after all: it settles the first sale, never the second.
    outcomes = till.take_in([paid(25_001, clock.now, "OLD-QR")])
    assert [(o.kind, o.sale.id if o.sale else None) for o in outcomes] == [(Kind.SETTLED, first.id)]
    assert journal.get(second.id).state == "awaiting"
    journal.close()


def test_a_nominal_is_free_again_once_its_late_watch_has_ended(tmp_path: Path) -> None:
    clock = FakeClock(BEFORE_MIDNIGHT)
    journal = SqliteJournal.in_dir(tmp_path)
    till = Till(journal, clock, TillRules(expiry=timedelta(minutes=10)))
    first = till.begin(25_000, on_counter=None, can_make_qr=True).sale
    assert first is not None
    till.end(first.id, SaleState.CANCELLED, "dibatalkan kasir")
    clock.now = BEFORE_MIDNIGHT + timedelta(minutes=10) + LATE_WATCH + timedelta(seconds=1)
    again = till.begin(25_000, on_counter=None, can_make_qr=True).sale
    assert again is not None and again.nominal == 25_001
    journal.close()


def test_a_payment_made_after_midnight_for_a_sale_of_the_day_before_is_not_unmatched_the_next_day(
    tmp_path: Path,
) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    made = BEFORE_MIDNIGHT - timedelta(minutes=1, seconds=30)  # 23:58
    sale = journal.create_sale(Allocation(25_000, 1, 25_001), made, made + timedelta(minutes=10))
    journal.mark_awaiting(sale.id, "payload", "server")
    money = paid(25_001, BEFORE_MIDNIGHT + timedelta(minutes=1, seconds=30), "AFTER-MIDNIGHT")  # 00:01
    journal.record_payments([money])
    journal.settle(sale.id, money, money.date)
    day_one, day_two = made.date(), money.date.date()
    assert recap.for_day(journal, day_one).paid.count == 1
    assert recap.for_day(journal, day_two).unmatched == ()
    journal.close()


# ---- claims stay enforced for all time without loading them -------------------------------------


def test_an_old_claim_is_not_loaded_but_still_refused(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    long_ago = datetime(2025, 11, 25, 10, 0, tzinfo=wib.WIB)
    old = journal.create_sale(Allocation(25_000, 1, 25_001), long_ago, long_ago + timedelta(minutes=10))
    journal.mark_awaiting(old.id, "payload", "server")
    journal.settle(old.id, paid(25_001, long_ago, "CLAIMED-LAST-YEAR"), long_ago)
    today = datetime(2026, 11, 25, 10, 0, tzinfo=wib.WIB)
    assert "CLAIMED-LAST-YEAR" not in journal.claimed_since(today - timedelta(days=2))
    new = journal.create_sale(Allocation(25_000, 1, 25_001), today, today + timedelta(minutes=10))
    journal.mark_awaiting(new.id, "payload", "server")
    with pytest.raises(Exception, match="already settled"):
        journal.settle(new.id, paid(25_001, today, "CLAIMED-LAST-YEAR"), today)
    journal.close()


def test_a_version_2_journal_is_migrated_with_its_watch_windows(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    for version in range(1, 2 + 1):
        db.executescript(legacy_script(version))
    made = datetime(2026, 11, 25, 23, 59, tzinfo=wib.WIB)
    db.execute(
        "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, state) VALUES (?, ?, ?, 1000, 1, 1001,"
        " 'expired')",
        (made.date().isoformat(), made.isoformat(), (made + timedelta(minutes=10)).isoformat()),
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    journal = SqliteJournal(path)
    assert journal.schema_version == len(MIGRATIONS)
    assert journal.get(1).late_until == made + timedelta(minutes=10) + LATE_WATCH
    journal.close()


class SqlTexts:
    """The journal's connection, recording each SQL text it is given (before any binding)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db, self.texts = db, set[str]()

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        self.texts.add(sql)
        return self.db.execute(sql, *args)  # type: ignore[arg-type]

    def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:
        self.texts.add(sql)
        return self.db.executemany(sql, *args)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self.db, name)


def sql_texts_of(journal: Journal, read: Callable[[], object]) -> set[str]:
    db = journal._db
    recorder = SqlTexts(db)
    journal._db = recorder  # type: ignore[assignment]
    try:
        read()
    finally:
        journal._db = db
    return recorder.texts


def test_a_query_about_many_payments_is_one_statement_whatever_their_number(tmp_path: Path) -> None:
    # Each distinct SQL text is compiled and kept in the connection's statement cache (128 of
    # them): "IN (?, ?, ...)" with one mark per key made a new, ever larger statement for each
    # count of the day's rows, ~7 MB of native memory over a day of 300 sales (benchmarks).
    journal = SqliteJournal.in_dir(tmp_path)
    few = [paid(1_000 + i, BEFORE_MIDNIGHT, f"R{i}") for i in range(3)]
    many = [paid(2_000 + i, BEFORE_MIDNIGHT, f"S{i}") for i in range(40)]
    for read in (
        lambda entries: journal.settled_by(e.key for e in entries),
        lambda entries: journal.claimed_among(e.key for e in entries),
        lambda entries: journal.record_payments(entries),
    ):
        assert sql_texts_of(journal, lambda r=read: r(few)) == sql_texts_of(journal, lambda r=read: r(many))
    journal.close()
