"""The sales journal, without Qt: lifecycle, the constraints that keep money safe, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import wib
from kasir.journal import AlreadyClaimedError, Journal, JournalCorruptError, JournalError
from kasir.journal_schema import MIGRATIONS
from kasir.journal_sqlite import FILENAME, SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from tests.legacy import legacy_script

NOW = datetime(2026, 11, 24, 10, 0, 0, tzinfo=wib.WIB)
EXPIRES = NOW + timedelta(minutes=5)
PAYLOAD = "000201010212...6304ABCD"


def payment(amount: int = 25_001, at: datetime = NOW + timedelta(minutes=1), reff: str = "R1") -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "static", "DANA", reff, "NOBU / BUDI", None)


def new_sale(journal: Journal, base: int = 25_000, code: int = 1, at: datetime = NOW) -> int:
    sale = journal.create_sale(Allocation(base, code, base + code), at, at + timedelta(minutes=5))
    journal.mark_awaiting(sale.id, PAYLOAD, "server")
    return sale.id


def test_a_sale_is_journaled_through_its_whole_life(journal: Journal) -> None:
    sale_id = new_sale(journal)
    sale = journal.settle(sale_id, payment(), NOW + timedelta(minutes=1, seconds=2))
    assert (sale.state, sale.nominal, sale.payload, sale.source) == ("paid", 25_001, PAYLOAD, "server")
    assert sale.issuer_reff == "R1" and sale.brand == "DANA" and sale.paid_amount == 25_001
    assert sale.created_at == NOW and sale.created_at.tzinfo is not None
    assert not sale.late and not sale.manual


def test_the_journal_survives_reopening(open_journal: Callable[[], Journal]) -> None:
    first = open_journal()
    sale_id = new_sale(first)
    first.close()
    assert open_journal().get(sale_id).state == "awaiting"


def test_one_payment_cannot_settle_two_sales(journal: Journal) -> None:
    one, two = new_sale(journal), new_sale(journal, base=30_000)
    journal.settle(one, payment(), NOW)
    with pytest.raises(AlreadyClaimedError):
        journal.settle(two, payment(), NOW)
    assert journal.get(two).state == "awaiting"


def test_a_paid_sale_cannot_be_paid_again(journal: Journal) -> None:
    sale_id = new_sale(journal)
    journal.settle(sale_id, payment(reff="A"), NOW)
    with pytest.raises(AlreadyClaimedError):
        journal.settle(sale_id, payment(reff="B"), NOW)
    assert journal.get(sale_id).issuer_reff == "A"


def test_a_nominal_is_handed_out_once_per_day(journal: Journal) -> None:
    new_sale(journal)
    with pytest.raises(JournalError):
        new_sale(journal)
    assert journal.reserved_nominals(NOW) == {25_001}


def test_the_same_nominal_is_free_again_the_next_day(journal: Journal) -> None:
    new_sale(journal)
    new_sale(journal, at=NOW + timedelta(days=1))
    assert journal.reserved_nominals(NOW + timedelta(days=1)) == {25_001}


def test_money_after_expiry_settles_an_ended_sale_as_late(journal: Journal) -> None:
    sale_id = new_sale(journal)
    journal.mark_ended(sale_id, "expired", EXPIRES)
    sale = journal.settle(sale_id, payment(at=EXPIRES + timedelta(minutes=3)), EXPIRES + timedelta(minutes=4))
    assert sale.state == "paid" and sale.late


def test_money_dated_after_expiry_is_late_even_if_the_sale_was_still_open(journal: Journal) -> None:
    sale_id = new_sale(journal)
    assert journal.settle(sale_id, payment(at=EXPIRES + timedelta(seconds=30)), EXPIRES).late


def test_a_failed_sale_showed_no_qr_so_nothing_settles_it(journal: Journal) -> None:
    sale = journal.create_sale(Allocation(25_000, 1, 25_001), NOW, EXPIRES)
    journal.mark_ended(sale.id, "failed", NOW, "server menolak")
    with pytest.raises(JournalError):
        journal.settle(sale.id, payment(), NOW)


def test_a_sale_cancelled_before_its_qr_appeared_is_not_watched_for_late_money(journal: Journal) -> None:
    never_shown = journal.create_sale(Allocation(10_000, 1, 10_001), NOW, EXPIRES)
    journal.mark_ended(never_shown.id, "cancelled", NOW)
    shown = new_sale(journal)
    journal.mark_ended(shown, "cancelled", NOW)
    assert [s.id for s in journal.late_watchable(NOW)] == [shown]


def test_a_manual_settlement_is_journaled_as_manual(journal: Journal) -> None:
    sale_id = new_sale(journal)
    journal.mark_ended(sale_id, "expired", EXPIRES)
    sale = journal.settle(sale_id, payment(amount=25_000, at=EXPIRES + timedelta(minutes=1)), EXPIRES, manual=True)
    assert sale.manual and sale.late and sale.paid_amount == 25_000 and sale.nominal == 25_001
    assert journal.settled_by(["R1"])["R1"].manual


def test_attachable_sales_are_the_days_unpaid_shown_ones(journal: Journal) -> None:
    paid, expired, open_ = new_sale(journal, 10_000), new_sale(journal, 20_000), new_sale(journal, 30_000)
    journal.settle(paid, payment(10_001), NOW)
    journal.mark_ended(expired, "expired", EXPIRES)
    assert [s.id for s in journal.attachable(NOW.date())] == [open_, expired]


def test_an_illegal_transition_is_refused(journal: Journal) -> None:
    sale_id = new_sale(journal)
    journal.mark_ended(sale_id, "cancelled", NOW)
    with pytest.raises(JournalError):
        journal.mark_ended(sale_id, "expired", NOW)
    assert journal.get(sale_id).state == "cancelled"


def test_mutasi_entries_are_remembered_once(journal: Journal) -> None:
    entries = [payment(reff="A"), payment(reff="B", amount=7_000)]
    assert journal.record_payments(entries) == 2
    assert journal.record_payments(entries) == 0
    assert [(p.issuer_reff, p.amount) for p in journal.payments_on(NOW.date())] == [("A", 25_001), ("B", 7_000)]


def test_a_version_1_journal_is_migrated_without_losing_sales(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    db = sqlite3.connect(path)
    db.executescript(legacy_script(1) + "; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, payload, source, state)"
        " VALUES (?, ?, ?, 25000, 1, 25001, ?, 'server', 'awaiting')",
        (NOW.date().isoformat(), NOW.isoformat(), EXPIRES.isoformat(), PAYLOAD),
    )
    db.commit()
    db.close()
    journal = SqliteJournal(path)
    assert journal.schema_version == len(MIGRATIONS)
    assert journal.get(1).state == "awaiting"
    assert journal.record_payments([payment()]) == 1


def test_a_journal_from_a_newer_app_is_refused_rather_than_written_blindly(tmp_path: Path) -> None:
    first = SqliteJournal.in_dir(tmp_path)
    first._db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    first.close()
    with pytest.raises(JournalError, match="newer"):
        SqliteJournal.in_dir(tmp_path)


def test_a_journal_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalCorruptError, match="damaged"):
        SqliteJournal.in_dir(tmp_path)


def test_the_journal_has_no_place_for_secrets(journal: Journal) -> None:
    tables = ("sales", "payments")
    columns = {d[0] for t in tables for d in journal._run(f"SELECT * FROM {t} LIMIT 0").description}
    assert not [c for c in columns if "token" in c or "api" in c or "password" in c]


def test_a_sale_can_only_end_as_expired_cancelled_or_failed(journal: Journal) -> None:
    sale_id = new_sale(journal)
    with pytest.raises(ValueError):
        journal.mark_ended(sale_id, "paid", NOW)


def test_asking_for_a_sale_that_does_not_exist_is_a_key_error(journal: Journal) -> None:
    with pytest.raises(KeyError):
        journal.get(424242)


def test_the_row_counts_for_the_maintenance_log_count_sales_and_payments(journal: Journal) -> None:
    new_sale(journal)
    journal.record_payments([payment(reff="A"), payment(reff="B")])
    assert journal.row_counts() == (1, 2)


def synchronous_modes_of(journal: SqliteJournal, write: object) -> list[int]:
    """PRAGMA synchronous at each COMMIT that ``write`` makes (2 FULL: waits for the disk; 1 NORMAL)."""
    db = journal._db
    seen: list[int] = []

    def traced(sql: str) -> None:
        if sql == "COMMIT":
            seen.append(int(db.execute("PRAGMA synchronous").fetchone()[0]))

    db.set_trace_callback(traced)
    try:
        write()  # type: ignore[operator]
    finally:
        db.set_trace_callback(None)
    return seen


def test_a_sale_making_its_qr_is_committed_without_waiting_for_the_disk(tmp_path: Path) -> None:
    # No QR of it was shown yet, so no money can be on its way; the QR's own commit, which waits
    # for the disk, makes it durable with it (WAL frames are synced in order).
    journal = SqliteJournal.in_dir(tmp_path)
    modes = synchronous_modes_of(
        journal, lambda: journal.create_sale(Allocation(25_000, 1, 25_001), NOW, NOW + timedelta(minutes=5))
    )
    assert modes == [1]


def test_a_shown_qr_and_every_later_write_wait_for_the_disk(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    sale = journal.create_sale(Allocation(25_000, 1, 25_001), NOW, NOW + timedelta(minutes=5))
    assert synchronous_modes_of(journal, lambda: journal.mark_awaiting(sale.id, PAYLOAD, "server")) == [2]
    assert synchronous_modes_of(journal, lambda: journal.settle(sale.id, payment(), NOW)) == [2]


# ---- the receipt (issue 23) ----------------------------------------------------------------------


def test_a_receipt_once_printed_stays_printed_whatever_a_later_copy_does(journal: Journal) -> None:
    sale_id = new_sale(journal)
    journal.settle(sale_id, payment(), NOW)
    assert journal.get(sale_id).receipt is None  # never tried
    assert journal.mark_receipt(sale_id, False, NOW).receipt == "failed"
    assert journal.mark_receipt(sale_id, True, NOW).receipt == "printed"
    assert journal.mark_receipt(sale_id, False, NOW).receipt == "printed"


def test_only_a_paid_sale_has_a_receipt_outcome(journal: Journal) -> None:
    sale_id = new_sale(journal)
    assert journal.mark_receipt(sale_id, True, NOW).receipt is None


def test_a_new_journal_is_made_in_one_commit(tmp_path: Path) -> None:
    """Each commit waits for the disk: one per migration step made a new journal ten fsyncs long
    (tens of ms at a shop PC's first start)."""
    commits: list[str] = []
    real_connect = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        db = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        db.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
        return db

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", traced)
        journal = SqliteJournal.in_dir(tmp_path)
    assert len(commits) == 1
    assert journal.schema_version == len(MIGRATIONS)
    journal.close()
