"""The till, transition by transition, with a fake clock and a real journal; no QApplication."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import qris
from kasir.journal import Journal, JournalError
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import KodeUnikRange
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.qrcheck import prepare
from kasir.sale_state import FINISHED, LATE_WATCHABLE, OPEN, SaleState, format_countdown, seconds_left
from kasir.simulator import DEMO_BASE_QR
from kasir.till import Kind, Till, TillRules
from kasir.wib import WIB

START = datetime(2026, 11, 25, 10, 0, 0, tzinfo=WIB)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def till(journal: Journal, clock: FakeClock) -> Till:
    return Till(journal, clock, TillRules(expiry=timedelta(minutes=10)))


def paid(amount: int, at: datetime, reff: str = "R1", type_: str = "CR") -> MutasiEntry:
    return MutasiEntry(at, amount, type_, "static", "DANA", reff, "NOBU / X", None)


def shown(till: Till, base: int = 25_000) -> int:
    """A sale whose QR is on the customer screen; returns its id."""
    begun = till.begin(base, on_counter=None, can_make_qr=True)
    assert begun.kind is Kind.STARTED and begun.sale is not None
    payload = qris.to_dynamic(DEMO_BASE_QR, begun.sale.nominal)
    assert till.qr_ready(begun.sale.id, prepare(payload, begun.sale.nominal, DEMO_BASE_QR), "local").kind is Kind.SHOWN
    return begun.sale.id


# ---- the one enum ------------------------------------------------------------------


def test_every_state_has_one_indonesian_label_and_one_place_in_the_sets() -> None:
    assert {s.label for s in SaleState} >= {"LUNAS", "Menunggu pembayaran", "Kedaluwarsa", "Dibatalkan"}
    assert OPEN.isdisjoint(FINISHED) and LATE_WATCHABLE <= FINISHED
    assert OPEN | FINISHED | {SaleState.IDLE} == set(SaleState)


def test_the_countdown_is_computed_from_the_clock_it_is_given() -> None:
    assert seconds_left(START + timedelta(minutes=9, seconds=57), START) == 597
    assert format_countdown(597) == "09:57"
    assert seconds_left(START - timedelta(seconds=1), START) == 0
    assert seconds_left(None, START) == 0


# ---- beginning -----------------------------------------------------------------------


def test_a_sale_begins_with_the_smallest_free_kode_unik_and_its_expiry(till: Till) -> None:
    begun = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert begun.kind is Kind.STARTED and begun.sale is not None
    assert (begun.sale.code, begun.sale.nominal, begun.sale.state) == (1, 25_001, "generating")
    assert begun.sale.expires_at == START + timedelta(minutes=10)


def test_a_second_sale_cannot_begin_while_one_is_open(till: Till, journal: Journal) -> None:
    open_sale = journal.get(shown(till))
    busy = till.begin(10_000, on_counter=open_sale, can_make_qr=True)
    assert busy.kind is Kind.BUSY and "Selesaikan atau batalkan" in busy.message


def test_no_sale_begins_without_a_way_to_make_a_qr(till: Till) -> None:
    assert till.begin(10_000, on_counter=None, can_make_qr=False).kind is Kind.NEEDS_LOGIN


def test_an_amount_past_the_limit_is_refused_with_the_reason(till: Till) -> None:
    refused = till.begin(10_000_000, on_counter=None, can_make_qr=True)
    assert refused.kind is Kind.REFUSED and "maksimal" in refused.message


def test_when_every_kode_unik_is_used_the_cashier_is_told_how_to_go_on(journal: Journal, clock: FakeClock) -> None:
    till = Till(journal, clock, TillRules(kode_unik=KodeUnikRange(1, 2)))
    for _ in range(2):
        assert till.begin(25_000, on_counter=None, can_make_qr=True).kind is Kind.STARTED
    used_up = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert used_up.kind is Kind.REFUSED and "kode unik" in used_up.message


def test_a_journal_that_cannot_be_written_at_bayar_refuses_the_sale(
    till: Till, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_args: object, **_kw: object) -> None:
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "begin_sale", full_disk)
    refused = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert refused.kind is Kind.REFUSED and "Jurnal" in refused.message


# ---- the QR ----------------------------------------------------------------------------


def test_a_qr_that_arrives_after_a_cancel_is_not_shown(till: Till) -> None:
    begun = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert begun.sale is not None
    till.end(begun.sale.id, SaleState.CANCELLED, "dibatalkan kasir")
    late_qr = till.qr_ready(
        begun.sale.id, prepare(qris.to_dynamic(DEMO_BASE_QR, 25_001), 25_001, DEMO_BASE_QR), "server"
    )
    assert late_qr.kind is Kind.STALE


def test_a_qr_the_journal_cannot_record_ends_the_sale_instead_of_leaving_it_open(
    till: Till, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    begun = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert begun.sale is not None

    def refuse(*_args: object) -> None:
        raise JournalError("locked")

    monkeypatch.setattr(journal, "mark_awaiting", refuse)
    outcome = till.qr_ready(
        begun.sale.id, prepare(qris.to_dynamic(DEMO_BASE_QR, 25_001), 25_001, DEMO_BASE_QR), "server"
    )
    assert outcome.kind is Kind.STORAGE_FAILED
    assert journal.get(begun.sale.id).state == "failed"


# ---- settling ----------------------------------------------------------------------------


def test_an_exact_payment_settles_the_open_sale(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till)
    clock.advance(seconds=40)
    settled = till.settle(sale_id, paid(25_001, clock.now))
    assert settled.kind is Kind.SETTLED and settled.sale is not None
    assert settled.sale.state == "paid" and not settled.sale.late


def test_a_payment_that_settled_another_sale_leaves_this_one_waiting(till: Till, clock: FakeClock) -> None:
    first, second = shown(till, 25_000), shown(till, 30_000)
    payment = paid(25_001, clock.now)
    assert till.settle(first, payment).kind is Kind.SETTLED
    again = till.settle(second, payment)
    assert again.kind is Kind.CLAIMED_ELSEWHERE and again.sale is not None and again.sale.state == "awaiting"


def test_a_sale_paid_twice_says_already_paid(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till)
    till.settle(sale_id, paid(25_001, clock.now, "A"))
    assert till.settle(sale_id, paid(25_001, clock.now, "B")).kind is Kind.ALREADY_PAID


def test_a_settle_the_journal_refuses_keeps_the_sale_open_to_try_again(
    till: Till, journal: Journal, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = shown(till)
    real_settle = journal.settle

    def locked(*_args: object, **_kw: object) -> None:
        raise JournalError("database is locked")

    monkeypatch.setattr(journal, "settle", locked)
    refused = till.settle(sale_id, paid(25_001, clock.now))
    assert refused.kind is Kind.STORAGE_FAILED and journal.get(sale_id).state == "awaiting"
    monkeypatch.setattr(journal, "settle", real_settle)
    assert till.settle(sale_id, paid(25_001, clock.now)).kind is Kind.SETTLED


def test_a_sale_that_failed_before_its_qr_cannot_be_settled(till: Till, clock: FakeClock) -> None:
    begun = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert begun.sale is not None
    till.end(begun.sale.id, SaleState.FAILED, "server menolak")
    assert till.settle(begun.sale.id, paid(25_001, clock.now)).kind is Kind.NOT_SETTLEABLE


# ---- a payment list ----------------------------------------------------------------------


def test_a_payment_in_the_list_settles_the_sale_on_the_counter(till: Till, journal: Journal, clock: FakeClock) -> None:
    sale = journal.get(shown(till))
    clock.advance(seconds=20)
    [outcome] = till.take_in([paid(25_001, clock.now)])
    assert outcome.kind is Kind.SETTLED and outcome.sale is not None and outcome.sale.id == sale.id


def test_late_money_settles_an_expired_sale_as_late(till: Till, journal: Journal, clock: FakeClock) -> None:
    sale_id = shown(till)
    clock.advance(minutes=11)
    till.end(sale_id, SaleState.EXPIRED, "waktu habis")
    [outcome] = till.take_in([paid(25_001, clock.now)])
    assert outcome.kind is Kind.SETTLED and outcome.sale is not None and outcome.sale.late
    assert outcome.sale.label == "LUNAS (terlambat)"
    assert "terlambat" in outcome.message


def test_an_outgoing_row_of_the_same_amount_settles_nothing(till: Till, journal: Journal, clock: FakeClock) -> None:
    shown(till)
    assert till.take_in([paid(25_001, clock.now, type_="DB")]) == []


def test_the_servers_clock_offset_is_applied_before_matching(till: Till, journal: Journal, clock: FakeClock) -> None:
    shown(till)
    server_behind = timedelta(minutes=-10)  # the server's stamps are ten minutes behind this PC
    payment = paid(25_001, clock.now + server_behind + timedelta(seconds=30))
    assert till.take_in([payment]) == []  # read on the PC's clock, it looks too old
    [outcome] = till.take_in([payment], server_behind)
    assert outcome.kind is Kind.SETTLED


# ---- attaching by hand -------------------------------------------------------------------


def test_attaching_less_money_says_what_was_received_and_the_difference(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till, 15_000)
    outcome = till.attach(paid(15_000, clock.now), sale_id)
    assert outcome.kind is Kind.SETTLED and outcome.sale is not None
    assert outcome.sale.manual and outcome.sale.paid_amount == 15_000
    assert "Rp 15.000" in outcome.message and "kurang Rp 1" in outcome.message
    assert outcome.sale.label == "LUNAS (dihubungkan manual)"


def test_money_out_cannot_be_attached(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till)
    refused = till.attach(paid(25_001, clock.now, type_="DB"), sale_id)
    assert refused.kind is Kind.REFUSED and "uang masuk" in refused.message


def test_a_row_whose_amount_could_not_be_read_cannot_be_attached(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till)
    unreadable = MutasiEntry(
        clock.now, 0, "CR", "", "DANA", "R9", "X", None, problems=frozenset({PaymentProblem.AMOUNT})
    )
    assert till.attach(unreadable, sale_id).kind is Kind.REFUSED


# ---- ending and restarting -----------------------------------------------------------------


def test_an_awaiting_sale_is_due_to_expire_exactly_at_its_expiry(
    till: Till, journal: Journal, clock: FakeClock
) -> None:
    sale = journal.get(shown(till))
    clock.now = sale.expires_at - timedelta(microseconds=1)
    assert not till.due_to_expire(sale)
    clock.now = sale.expires_at
    assert till.due_to_expire(sale)


def test_an_end_the_journal_refuses_is_reported_not_hidden(
    till: Till, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = shown(till)

    def refuse(*_args: object) -> None:
        raise JournalError("read-only")

    monkeypatch.setattr(journal, "mark_ended", refuse)
    outcome = till.end(sale_id, SaleState.CANCELLED, "dibatalkan kasir")
    assert outcome.kind is Kind.STORAGE_FAILED and "Jurnal" in outcome.message


def test_a_restart_restores_the_newest_live_sale_checks_the_rest_and_fails_unshown_ones(
    open_journal: Callable[[], Journal], clock: FakeClock
) -> None:
    journal = open_journal()
    till = Till(journal, clock)
    old = shown(till, 10_000)
    clock.advance(minutes=11)  # the first one's time ran out
    live = shown(till, 20_000)
    making = till.begin(30_000, on_counter=None, can_make_qr=True)
    assert making.sale is not None
    journal.close()

    reopened = open_journal()
    plan = Till(reopened, clock).resume()
    assert plan.restore is not None and plan.restore.id == live
    assert [s.id for s in plan.check] == [old]
    assert [s.id for s in plan.failed] == [making.sale.id]
    assert reopened.get(making.sale.id).state == "failed"
    reopened.close()


def test_after_a_restart_money_paid_in_time_settles_and_none_means_expired(till: Till, journal: Journal) -> None:
    first, second = journal.get(shown(till, 10_000)), journal.get(shown(till, 20_000))
    assert till.after_restart_check(first, paid(10_001, first.created_at)).kind is Kind.SETTLED
    expired = till.after_restart_check(second, None)
    assert expired.kind is Kind.ENDED and expired.sale is not None and expired.sale.state == "expired"


def test_the_journal_still_forbids_one_payment_for_two_sales(journal: Journal, till: Till, clock: FakeClock) -> None:
    first, second = shown(till, 25_000), shown(till, 30_000)
    payment = paid(25_001, clock.now, "SAME")
    till.settle(first, payment)
    with pytest.raises(journal._integrity):
        journal._run("UPDATE sales SET issuer_reff = 'SAME' WHERE id = :id", {"id": second})


# ---- the edges: a journal that refuses at each remaining step --------------------------


def test_an_end_the_journal_refuses_after_the_sale_was_paid_meanwhile_is_stale_not_an_error(
    till: Till, journal: Journal, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = shown(till)
    assert till.settle(sale_id, paid(25_001, clock.now)).kind is Kind.SETTLED

    def locked(*_args: object) -> None:
        raise JournalError("database is locked")

    monkeypatch.setattr(journal, "mark_ended", locked)
    outcome = till.end(sale_id, SaleState.CANCELLED, "dibatalkan kasir")
    assert outcome.kind is Kind.STALE and outcome.sale is not None and outcome.sale.state == SaleState.PAID


def test_an_end_of_a_sale_the_journal_does_not_know_is_a_storage_failure_with_no_sale(
    till: Till, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*_args: object) -> None:
        raise JournalError("journal file gone")

    monkeypatch.setattr(journal, "mark_ended", gone)
    outcome = till.end(999, SaleState.CANCELLED, "dibatalkan kasir")
    assert outcome.kind is Kind.STORAGE_FAILED and outcome.sale is None and outcome.message


def test_attaching_when_the_journal_refuses_is_refused_with_the_reason(
    till: Till, journal: Journal, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = shown(till)

    def full_disk(*_args: object, **_kw: object) -> None:
        raise JournalError("disk full")

    monkeypatch.setattr(journal, "settle", full_disk)
    outcome = till.attach(paid(25_001, clock.now), sale_id)
    assert outcome.kind is Kind.REFUSED and "Jurnal" in outcome.message
    assert journal.get(sale_id).state == SaleState.AWAITING


def test_a_restart_check_of_a_sale_that_ended_meanwhile_leaves_it_as_it_is(till: Till, clock: FakeClock) -> None:
    sale_id = shown(till)
    sale = till.journal.get(sale_id)
    till.end(sale_id, SaleState.CANCELLED, "dibatalkan kasir")
    outcome = till.after_restart_check(sale, None)
    assert outcome.kind is Kind.STALE and outcome.sale is not None and outcome.sale.state == SaleState.CANCELLED


def test_a_restart_check_the_journal_cannot_record_keeps_the_sale_open_and_says_why(
    till: Till, journal: Journal, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    sale_id = shown(till)
    clock.advance(minutes=30)

    def read_only(*_args: object) -> None:
        raise JournalError("read-only")

    monkeypatch.setattr(journal, "mark_ended", read_only)
    outcome = till.after_restart_check(journal.get(sale_id), None)
    assert outcome.kind is Kind.STORAGE_FAILED and outcome.message
    assert journal.get(sale_id).state == SaleState.AWAITING  # nothing lost: the next start looks again


def test_a_restart_check_with_money_for_another_sale_still_expires_this_one(till: Till, clock: FakeClock) -> None:
    first, second = shown(till, 25_000), None
    till.settle(first, paid(25_001, clock.now, reff="R1"))
    second = shown(till, 30_000)
    clock.advance(minutes=30)
    # The payment offered is already claimed by the first sale: it cannot settle the second.
    outcome = till.after_restart_check(till.journal.get(second), paid(25_001, clock.now, reff="R1"))
    assert outcome.kind is Kind.ENDED and outcome.sale is not None and outcome.sale.state == SaleState.EXPIRED


def test_money_paid_in_time_but_seen_after_the_qr_ended_is_on_time_and_told_to_the_cashier(
    till: Till, clock: FakeClock
) -> None:
    sale_id = shown(till)
    paid_at = clock.now + timedelta(minutes=3)
    clock.advance(minutes=11)  # the QR ended on screen; the route was quiet meanwhile
    till.end(sale_id, SaleState.EXPIRED, "waktu habis")
    outcome = till.settle(sale_id, paid(25_001, paid_at))
    assert outcome.kind is Kind.SETTLED and outcome.after_end
    assert outcome.sale is not None and not outcome.sale.late
    assert "sebelum QR berakhir" in outcome.message


def test_a_sale_made_right_after_unclaimed_money_arrived_never_takes_that_nominal(
    till: Till, journal: Journal, clock: FakeClock
) -> None:
    journal.record_payments([paid(25_001, clock.now - timedelta(seconds=4), reff="STATIC")])
    begun = till.begin(25_000, on_counter=None, can_make_qr=True)
    assert begun.sale is not None and begun.sale.nominal != 25_001


@pytest.mark.parametrize("ahead", [timedelta(minutes=1), timedelta(minutes=10)], ids=["+1 min", "+10 min"])
def test_a_fast_pc_clock_never_hands_out_the_nominal_of_money_just_seen(tmp_path: Path, ahead: timedelta) -> None:
    """PC clock ahead of the server's: a static-QR payment of Rp 14.001 settled the next Rp 14.000 sale at
    once (issue 20, item 1). The payment is stamped on the server's clock, seen and sold on the PC's."""
    server_now = START
    clock = FakeClock(server_now + ahead)  # this PC
    offset = -ahead  # server minus PC, as the Date header measures it
    journal = SqliteJournal.in_dir(tmp_path)
    till = Till(journal, clock)
    static = paid(14_001, server_now - timedelta(seconds=30), reff="STATIC")
    journal.record_payments([static], seen_at=clock())  # shown as "Tidak cocok"
    clock.advance(seconds=20)
    begun = till.begin(14_000, on_counter=None, can_make_qr=True, offset=offset)
    assert begun.sale is not None and begun.sale.nominal == 14_002
    payload = qris.to_dynamic(DEMO_BASE_QR, begun.sale.nominal)
    till.qr_ready(begun.sale.id, prepare(payload, begun.sale.nominal, DEMO_BASE_QR), "local")
    assert till.take_in([static], offset) == []


def test_money_seen_within_the_hold_keeps_its_nominal_whatever_its_stamp_says(
    till: Till, journal: Journal, clock: FakeClock
) -> None:
    """Even with no offset known (a server without a Date header): what the PC saw a minute ago counts."""
    stamped_long_ago = paid(25_001, clock.now - timedelta(hours=3), reff="STATIC")
    journal.record_payments([stamped_long_ago], seen_at=clock())
    clock.advance(minutes=5)
    assert till.begin(25_000, on_counter=None, can_make_qr=True).sale.nominal == 25_002  # type: ignore[union-attr]
    clock.advance(minutes=2)  # the hold is over
    assert 25_001 not in journal.reserved_nominals(clock())


# ---- a shop of several tills on one journal (issue 22) ----------------------------------------


def two_tills(journal: Journal, clock: FakeClock) -> tuple[Till, Till]:
    rules = TillRules(expiry=timedelta(minutes=10))
    return Till(journal, clock, rules, counter="Kasir 1"), Till(journal, clock, rules, counter="Kasir 2")


def test_two_tills_asking_for_the_same_total_get_two_nominals(journal: Journal, clock: FakeClock) -> None:
    first, second = two_tills(journal, clock)
    one, two = journal.get(shown(first, 25_000)), journal.get(shown(second, 25_000))
    assert one.nominal != two.nominal
    assert (one.counter, two.counter) == ("Kasir 1", "Kasir 2")


def test_one_payment_settles_one_sale_of_the_shop_whichever_till_takes_it_in(
    journal: Journal, clock: FakeClock
) -> None:
    first, second = two_tills(journal, clock)
    sale = journal.get(shown(first, 25_000))
    shown(second, 25_000)
    clock.advance(seconds=20)
    money = paid(sale.nominal, clock.now)
    settled = second.take_in([money])  # the polling till is the other one
    assert [o.sale.id for o in settled if o.sale is not None] == [sale.id]
    assert first.take_in([money]) == []  # seen again from this till: nothing more is settled
    assert journal.get(sale.id).state is SaleState.PAID


def test_a_restart_of_one_till_leaves_the_other_tills_open_sales_alone(journal: Journal, clock: FakeClock) -> None:
    first, second = two_tills(journal, clock)
    theirs = shown(second, 30_000)
    making = second.begin(40_000, on_counter=None, can_make_qr=True)
    assert making.sale is not None
    plan = first.resume()
    assert plan.restore is None and plan.check == () and plan.failed == ()
    assert journal.get(theirs).state is SaleState.AWAITING
    assert journal.get(making.sale.id).state is SaleState.GENERATING


def test_the_polling_till_watches_the_other_tills_sales_in_time(journal: Journal, clock: FakeClock) -> None:
    first, second = two_tills(journal, clock)
    shown(first, 10_000)
    theirs = shown(second, 20_000)
    clock.advance(minutes=11)
    fresh = shown(second, 30_000)
    assert [s.id for s in first.shop_waiting()] == [fresh]
    assert theirs not in [s.id for s in second.shop_waiting()]


def test_the_polling_till_judges_another_tills_sale_on_that_tills_clock(journal: Journal, clock: FakeClock) -> None:
    """Till 2's PC runs ten minutes fast; the polling till's is right. Its customer's payment must
    still settle its sale (the window is put on the server's clock with till 2's own offset)."""
    rules = TillRules(expiry=timedelta(minutes=10))
    fast = FakeClock(START + timedelta(minutes=10))
    poller, theirs = Till(journal, clock, rules, counter="Kasir 1"), Till(journal, fast, rules, counter="Kasir 2")
    begun = theirs.begin(25_000, on_counter=None, can_make_qr=True, offset=-timedelta(minutes=10))
    assert begun.sale is not None and begun.sale.clock_offset == -timedelta(minutes=10)
    payload = qris.to_dynamic(DEMO_BASE_QR, begun.sale.nominal)
    theirs.qr_ready(begun.sale.id, prepare(payload, begun.sale.nominal, DEMO_BASE_QR), "local")
    clock.advance(seconds=40)
    settled = poller.take_in([paid(begun.sale.nominal, clock.now)])  # stamped on the server's clock
    assert [o.sale.id for o in settled if o.sale is not None] == [begun.sale.id]


def test_the_polling_till_ends_another_tills_sale_left_open_after_its_time(journal: Journal, clock: FakeClock) -> None:
    poller, gone = two_tills(journal, clock)
    mine = shown(poller, 10_000)
    left = shown(gone, 25_000)
    making = gone.begin(30_000, on_counter=None, can_make_qr=True).sale
    assert making is not None
    clock.advance(minutes=11)  # ran out a minute ago: its till may still end it itself
    assert poller.close_abandoned() == []
    clock.advance(minutes=2)
    ended = {o.sale.id: o.sale.state for o in poller.close_abandoned() if o.sale is not None}
    assert ended == {left: SaleState.EXPIRED, making.id: SaleState.FAILED}
    assert journal.get(left).reason == "kasir lain tidak menutupnya"
    assert journal.get(mine).state is SaleState.AWAITING  # its own sales are its own tick's to end
