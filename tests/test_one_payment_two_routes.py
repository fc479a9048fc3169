"""One payment, seen through two routes (the seed's reference and the history's id), is one
payment: it settles one sale, shows as that sale's in the panel and counts once in the recap.
And money that just arrived unclaimed keeps its nominal from the next sale."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import wib
from kasir.journal import AlreadyClaimedError, Journal
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation, allocate
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.recap import for_day
from tests.legacy import legacy_script

NOW = datetime(2026, 11, 25, 13, 53, 6, tzinfo=wib.WIB)
PAYLOAD = "000201010212...6304ABCD"


def seed_row(amount: int = 17_001, at: datetime = NOW, reff: str = "576037816490") -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "static", "DANA", reff, "NOBU / BUDI", None)


def history_row(amount: int = 17_001, at: datetime = NOW, history_id: str = "160000003") -> MutasiEntry:
    minute = at.replace(second=0)  # the history stamps to the minute
    return MutasiEntry(
        minute, amount, "CR", "", "DANA", "", "", None, history_id=history_id, precision=timedelta(minutes=1)
    )


def sale(journal: Journal, base: int, code: int = 1, at: datetime = NOW - timedelta(minutes=1)) -> int:
    created = journal.create_sale(Allocation(base, code, base + code), at, at + timedelta(minutes=10))
    journal.mark_awaiting(created.id, PAYLOAD, "server")
    return created.id


def test_a_payment_claimed_under_its_history_id_cannot_settle_a_second_sale_under_its_reference(
    journal: Journal,
) -> None:
    first, second = sale(journal, 17_000), sale(journal, 18_000)
    journal.record_payments([history_row()])
    journal.settle(first, history_row(), NOW)
    journal.record_payments([seed_row()])
    with pytest.raises(AlreadyClaimedError):
        journal.settle(second, seed_row(), NOW, manual=True)


def test_a_payment_claimed_under_its_reference_cannot_settle_a_second_sale_under_its_history_id(
    journal: Journal,
) -> None:
    first, second = sale(journal, 17_000), sale(journal, 18_000)
    journal.settle(first, seed_row(), NOW)  # from the status route: never in a list before
    journal.record_payments([history_row()])
    with pytest.raises(AlreadyClaimedError):
        journal.settle(second, history_row(), NOW, manual=True)


def test_the_panel_shows_either_view_of_a_claimed_payment_as_that_sales(journal: Journal) -> None:
    first = sale(journal, 17_000)
    journal.settle(first, seed_row(), NOW)
    journal.record_payments([history_row()])
    settled = journal.settled_by([history_row().key, seed_row().key])
    assert {key: s.sale_id for key, s in settled.items()} == {history_row().key: first, seed_row().key: first}


def test_the_recap_counts_a_payment_seen_through_two_routes_once(journal: Journal) -> None:
    first = sale(journal, 17_000)
    journal.record_payments([seed_row()])
    journal.settle(first, seed_row(), NOW)
    journal.record_payments([history_row()])
    recap = for_day(journal, NOW.date())
    assert len(journal.payments_on(NOW.date())) == 1
    assert recap.unmatched == ()


def test_two_payments_of_one_amount_in_one_minute_stay_two_in_both_routes(journal: Journal) -> None:
    a, b = seed_row(reff="A1"), seed_row(reff="B2", at=NOW + timedelta(seconds=20))
    journal.record_payments([a, b])
    journal.record_payments([history_row(history_id="1"), history_row(history_id="2", at=b.date)])
    assert len(journal.payments_on(NOW.date())) == 2
    first, second = sale(journal, 17_000), sale(journal, 18_000)
    journal.settle(first, a, NOW)
    journal.settle(second, history_row(history_id="2", at=b.date), NOW, manual=True)  # the other one: allowed


def test_money_that_just_arrived_unclaimed_keeps_its_nominal_from_the_next_sale(journal: Journal) -> None:
    journal.record_payments([seed_row(amount=40_001, at=NOW)])
    reserved = journal.reserved_nominals(NOW + timedelta(seconds=4))
    assert 40_001 in reserved
    assert allocate(40_000, reserved).nominal != 40_001


def test_claimed_or_old_money_reserves_nothing(journal: Journal) -> None:
    first = sale(journal, 40_000)
    old = seed_row(amount=50_001, reff="OLD", at=NOW - timedelta(hours=1))
    journal.record_payments([seed_row(amount=40_001), old], seen_at=NOW - timedelta(minutes=30))
    journal.settle(first, seed_row(amount=40_001), NOW)
    reserved = journal.reserved_nominals(NOW + timedelta(seconds=4))
    assert 50_001 not in reserved  # an hour old: no sale being made now can be confused with it
    assert journal.reserved_nominals(NOW + timedelta(days=2)) == set()


def test_money_paid_before_expiry_but_seen_after_it_is_on_time(journal: Journal) -> None:
    first = sale(journal, 16_000)  # QR valid until NOW + 9 min
    expiry = journal.get(first).expires_at
    journal.mark_ended(first, "expired", expiry + timedelta(seconds=1), "waktu habis")
    paid = journal.settle(
        first, seed_row(amount=16_001, at=expiry - timedelta(minutes=6)), expiry + timedelta(minutes=1)
    )
    assert paid.state == "paid" and not paid.late


def test_money_paid_after_the_cashier_cancelled_is_late(journal: Journal) -> None:
    first = sale(journal, 16_000)
    journal.mark_ended(first, "cancelled", NOW, "dibatalkan kasir")
    paid = journal.settle(first, seed_row(amount=16_001, at=NOW + timedelta(minutes=2)), NOW + timedelta(minutes=3))
    assert paid.late


def test_unseen_money_is_held_at_least_as_long_as_a_sale_would_accept_it() -> None:
    from kasir.journal import UNCLAIMED_HOLD
    from kasir.matching import DEFAULT_GRACE

    assert DEFAULT_GRACE + timedelta(minutes=1) <= UNCLAIMED_HOLD  # + a history stamp's minute


def unreadable(amount: int = 21_001, seen_at: datetime = NOW) -> MutasiEntry:
    return MutasiEntry(seen_at, amount, "CR", "", "DANA", "R21", "", None, problems=frozenset({PaymentProblem.DATE}))


def test_a_payment_whose_date_could_not_be_read_is_never_given_an_invented_time(journal: Journal) -> None:
    from kasir.ui.attach_dialog import describe_entry

    journal.record_payments([unreadable()])
    (kept,) = journal.payments_on(NOW.date())
    assert kept.when_text == "waktu tidak diketahui"
    assert "pukul" not in describe_entry(kept) and "waktu tidak diketahui" in describe_entry(kept)


def test_the_same_payment_seen_later_with_its_date_gets_its_real_time(journal: Journal) -> None:
    journal.record_payments([unreadable(seen_at=NOW)])
    real = seed_row(amount=21_001, reff="R21", at=NOW - timedelta(minutes=3))
    journal.record_payments([real])
    (kept,) = journal.payments_on(NOW.date())
    assert kept.date == real.date and not kept.problems


def test_a_version_3_journal_gets_when_each_payment_was_made(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "journal.sqlite3"
    db = sqlite3.connect(path)
    for version in range(1, 3 + 1):
        db.executescript(legacy_script(version))
    for key in ("R1", "h:7"):
        db.execute(
            "INSERT INTO payments VALUES (?, ?, ?, 17001, 'CR', 'DANA', '', '')",
            (key, NOW.date().isoformat(), NOW.isoformat()),
        )
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    journal = SqliteJournal(path)
    rows = {r["key"]: (r["ts"], r["until_ts"]) for r in journal._db.execute("SELECT key, ts, until_ts FROM payments")}
    stamp = int(NOW.timestamp())
    assert rows == {"R1": (stamp, stamp), "h:7": (stamp, stamp + 59)}  # the history's stamps: to the minute
    journal.close()


def test_money_out_seen_through_both_routes_is_kept_and_never_paired(journal: Journal) -> None:
    out_seed = MutasiEntry(NOW, 17_001, "DB", "", "DANA", "OUT1", "", None)
    journal.record_payments([history_row(history_id="9")])  # the history is there: pairing is on
    journal.record_payments([out_seed])
    aliases = journal._run("SELECT count(*) AS n FROM payments WHERE same_as IS NOT NULL").fetchone()["n"]
    assert aliases == 0


def test_a_sale_paid_between_the_check_and_the_write_is_already_claimed(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sale(journal, 17_000)
    stale = journal.get(first)
    journal.settle(first, seed_row(), NOW)
    monkeypatch.setattr(journal, "get", lambda _sale_id: stale)  # what the other writer had not seen yet
    with pytest.raises(AlreadyClaimedError):
        journal.settle(first, seed_row(reff="OTHER"), NOW)
