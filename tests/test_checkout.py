"""The sale at the till, step by step: a fake clock and a real journal, no QApplication (issue 21).

Each test is one rule the counter keeps; the GUI tests show the same rules on screen.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kasir import qris
from kasir.checkout import CANCEL_CONFIRM, FIRST_CHECK_MS, Answer, Checkout, MadeQr, Step
from kasir.errors import SessionExpiredError, UnauthorizedError
from kasir.journal import Journal, JournalError
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.qrcheck import prepare
from kasir.sale_state import SaleState
from kasir.simulator import DEMO_BASE_QR
from kasir.sources import make_qr
from kasir.till import Till, TillRules
from tests.test_till import START, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def checkout(journal: Journal, clock: FakeClock) -> Checkout:
    return Checkout(Till(journal, clock, TillRules(expiry=timedelta(minutes=10))), clock)


def paid(amount: int, at: object, reff: str = "R1", **extra: object) -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "", "DANA", reff, "NOBU / X", None, **extra)  # type: ignore[arg-type]


def made(nominal: int, *, fallback: str = "") -> MadeQr:
    return MadeQr(prepare(qris.to_dynamic(DEMO_BASE_QR, nominal), nominal, DEMO_BASE_QR), True, fallback)


def awaiting(checkout: Checkout, total: int = 25_000) -> Step:
    """Bayar, then the QR job's answer: the customer sees the QR."""
    began = checkout.press_pay(total, can_make_qr=True)
    assert began.answer is Answer.BEGAN and began.make_qr is not None
    return checkout.qr_made(began.make_qr.id, made(began.make_qr.nominal))


# ---- Bayar ----------------------------------------------------------------------------------


def test_bayar_begins_a_sale_that_asks_for_its_qr_and_shows_making_it(checkout: Checkout) -> None:
    step = checkout.press_pay(25_000, can_make_qr=True)
    assert step.answer is Answer.BEGAN and step.make_qr is not None and step.make_qr.nominal == 25_001
    assert step.view is not None and step.view.state is SaleState.GENERATING


def test_bayar_with_no_total_says_what_to_do_beside_the_total(checkout: Checkout) -> None:
    step = checkout.press_pay(0, can_make_qr=True)
    assert step.answer is Answer.NONE and "Ketik total" in step.input_note and step.make_qr is None


def test_bayar_while_a_qr_waits_begins_nothing_and_says_why(checkout: Checkout) -> None:
    awaiting(checkout)
    step = checkout.press_pay(10_000, can_make_qr=True)
    assert step.make_qr is None and step.notices[0].level == "warn" and "Selesaikan" in step.notices[0].text


def test_bayar_without_a_login_asks_for_one(checkout: Checkout) -> None:
    step = checkout.press_pay(25_000, can_make_qr=False)
    assert step.login_needed and step.make_qr is None


def test_bayar_on_an_outcome_puts_it_away_and_begins_the_next_sale(checkout: Checkout) -> None:
    first = awaiting(checkout).view
    assert first is not None and first.sale_id is not None
    checkout.payment_seen(first.sale_id, paid(first.nominal, START + timedelta(seconds=5)))
    assert checkout.view.state is SaleState.PAID
    step = checkout.press_pay(30_000, can_make_qr=True)
    assert step.answer is Answer.BEGAN and checkout.view.state is SaleState.GENERATING


# ---- the QR -----------------------------------------------------------------------------------


def test_the_qr_is_journaled_then_shown_and_watched_a_moment_later(checkout: Checkout) -> None:
    step = awaiting(checkout)
    assert step.view is not None and step.view.state is SaleState.AWAITING and step.view.payload
    assert step.watch is not None and step.watch.delay_ms == FIRST_CHECK_MS
    assert checkout.till.sale(step.watch.sale_id).payload == step.view.payload
    assert step.countdown == 600


def test_a_qr_made_here_after_the_server_failed_says_so(checkout: Checkout) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    step = checkout.qr_made(began.make_qr.id, made(25_001, fallback="Server sedang bermasalah."))
    assert step.notices and "QR dibuat lokal" in step.notices[0].text


def test_a_qr_job_that_failed_ends_the_sale_and_asks_for_what_it_needs(checkout: Checkout) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    step = checkout.qr_failed(began.make_qr.id, SessionExpiredError("token"))
    assert checkout.view.state is SaleState.FAILED and step.login_needed and not step.key_needed
    again = checkout.press_pay(25_000, can_make_qr=True)
    assert again.make_qr is not None
    assert checkout.qr_failed(again.make_qr.id, UnauthorizedError("key")).key_needed


def test_a_qr_for_a_sale_cancelled_meanwhile_is_not_shown(checkout: Checkout, clock: FakeClock) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    checkout.press_cancel(0)
    checkout.press_cancel(0)
    step = checkout.qr_made(began.make_qr.id, made(began.make_qr.nominal))
    assert step.view is None and step.watch is None and checkout.view.state is SaleState.CANCELLED


def test_the_server_qr_refused_by_the_gate_is_replaced_by_the_shops_own(tmp_path: Path) -> None:
    """The fallback to a QR made here, when the server's is refused, is the QR job's (sources.make_qr)."""
    from kasir.simulator import OTHER_BASE_QR
    from kasir.sources import Source

    class ForeignServer:
        def generate(self, _session: object, nominal: int) -> object:
            from kasir.orkut.types import GeneratedQr

            return GeneratedQr(nominal, qris.to_dynamic(OTHER_BASE_QR, nominal), None)

    from kasir.orkut.types import MerchantCode, Session

    session = Session("demo", "t" * 8, MerchantCode("1234567"))
    generated = make_qr(ForeignServer(), session, (Source.SEED,), 25_001, DEMO_BASE_QR)  # type: ignore[arg-type]
    assert generated.source is Source.LOCAL and "ditolak" in generated.fallback_reason
    assert qris.parse(generated.qr.payload).merchant_identity() == qris.parse(DEMO_BASE_QR).merchant_identity()


# ---- Esc --------------------------------------------------------------------------------------


def test_esc_clears_a_typed_total_first(checkout: Checkout) -> None:
    awaiting(checkout)
    assert checkout.press_cancel(15_000).answer is Answer.CLEAR
    assert checkout.view.state is SaleState.AWAITING


def test_a_live_qr_needs_a_second_esc_within_four_seconds(checkout: Checkout, clock: FakeClock) -> None:
    awaiting(checkout)
    assert checkout.press_cancel(0).answer is Answer.ARMED
    clock.advance(seconds=CANCEL_CONFIRM.total_seconds() + 1)
    assert checkout.press_cancel(0).answer is Answer.ARMED  # too late: armed again, not cancelled
    clock.advance(seconds=1)
    step = checkout.press_cancel(0)
    assert step.answer is Answer.CANCELLED and checkout.view.state is SaleState.CANCELLED
    assert step.stop_watching is not None and step.countdown == -1


def test_esc_on_an_outcome_puts_it_away(checkout: Checkout) -> None:
    awaiting(checkout)
    checkout.press_cancel(0)
    checkout.press_cancel(0)
    assert checkout.press_cancel(0).answer is Answer.IDLE and checkout.view.state is SaleState.IDLE


# ---- time -------------------------------------------------------------------------------------


def test_the_countdown_moves_with_the_injected_clock(checkout: Checkout, clock: FakeClock) -> None:
    awaiting(checkout)
    clock.advance(seconds=65)
    assert checkout.tick().countdown == 535
    assert checkout.tick().countdown is None  # unchanged: nothing to repaint


def test_a_qr_expires_when_the_till_says_its_time_is_up(checkout: Checkout, clock: FakeClock) -> None:
    awaiting(checkout)
    clock.advance(minutes=10, microseconds=-1)
    assert checkout.tick().view is None
    clock.advance(microseconds=1)
    step = checkout.tick()
    assert step.view is not None and step.view.state is SaleState.EXPIRED and step.view.message == "waktu habis"
    assert step.stop_watching == step.view.sale_id and step.countdown == -1


# ---- money that arrived and the journal would not take ------------------------------------


@pytest.fixture
def unwritten(checkout: Checkout, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Step:
    step = awaiting(checkout)
    assert step.view is not None and step.view.sale_id is not None

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise JournalError("database or disk is full")

    monkeypatch.setattr(checkout.till.journal, "settle", full_disk)
    return checkout.payment_seen(step.view.sale_id, paid(step.view.nominal, START + timedelta(seconds=5)))


def test_money_the_journal_refused_keeps_the_sale_open_and_says_so(checkout: Checkout, unwritten: Step) -> None:
    assert unwritten.view is not None and unwritten.view.state is SaleState.AWAITING
    assert "belum tercatat" in unwritten.view.unrecorded and unwritten.banner_changed
    assert unwritten.watch is not None and unwritten.watch.delay_ms == 2_000  # the settle is tried again
    assert "Jangan minta pelanggan membayar lagi." in checkout.unrecorded[0]


def test_money_not_yet_written_refuses_a_cancel(checkout: Checkout, unwritten: Step) -> None:
    checkout.press_cancel(0)
    step = checkout.press_cancel(0)
    assert step.answer is Answer.REFUSED and checkout.view.state is SaleState.AWAITING


def test_money_not_yet_written_freezes_the_countdown_and_never_expires(
    checkout: Checkout, unwritten: Step, clock: FakeClock
) -> None:
    assert unwritten.countdown == -1
    clock.advance(minutes=30)
    assert checkout.tick().view is None and checkout.view.state is SaleState.AWAITING


def test_money_not_yet_written_is_written_at_the_next_try(
    checkout: Checkout, unwritten: Step, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # space freed
    assert unwritten.view is not None and unwritten.view.sale_id is not None
    step = checkout.payment_seen(unwritten.view.sale_id, paid(unwritten.view.nominal, START + timedelta(seconds=5)))
    assert checkout.view.state is SaleState.PAID and step.paid_cue and step.banner_changed
    assert checkout.unrecorded == ()


# ---- a list of payments ---------------------------------------------------------------------


def test_a_list_is_journaled_and_settles_the_sale_it_pays(checkout: Checkout, clock: FakeClock) -> None:
    view = awaiting(checkout).view
    assert view is not None
    entries = [paid(view.nominal, START + timedelta(seconds=9)), paid(77_000, START, reff="OTHER")]
    step = checkout.take_in(entries)
    assert checkout.view.state is SaleState.PAID and step.paid_cue and step.stop_watching == view.sale_id
    assert {e.issuer_reff for e in checkout.till.journal.payments_on(START.date())} == {"R1", "OTHER"}


def test_only_the_keys_the_server_still_lists_are_held_in_memory(checkout: Checkout, clock: FakeClock) -> None:
    """An app open for a month must not keep every key it ever journaled (~100 B per payment)."""
    yesterday = [paid(10_000 + i, START, reff=f"OLD{i}") for i in range(50)]
    today = [paid(20_001, START, reff="NEW1")]
    checkout.take_in(yesterday)
    checkout.take_in(today)
    assert checkout._recorded == {today[0].key}
    journaled = {e.issuer_reff for e in checkout.till.journal.payments_on(START.date())}
    assert {"OLD0", "OLD49", "NEW1"} <= journaled  # bounded memory, nothing lost from the journal


def test_money_for_an_expired_sale_settles_it_late_and_raises_the_alert(checkout: Checkout, clock: FakeClock) -> None:
    view = awaiting(checkout).view
    assert view is not None
    clock.advance(minutes=10)
    checkout.tick()
    clock.advance(minutes=1)
    step = checkout.take_in([paid(view.nominal, clock.now - timedelta(seconds=20))])
    assert step.late is not None and step.late.late and step.paid_cue
    assert not any("terlambat" in n.text for n in step.notices)  # the late alert says it, once


# ---- by hand ----------------------------------------------------------------------------------


def test_attaching_money_whose_date_was_unreadable_shows_no_paid_time(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    unreadable = paid(view.base, START, reff="NODATE", problems=frozenset({PaymentProblem.DATE}))
    step = checkout.attach(unreadable, view.sale_id)
    assert step.answer is Answer.ATTACHED and step.refresh_panel
    assert step.view is not None and step.view.paid_at is None and step.view.manual


def test_attaching_money_out_is_refused_and_said(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    out = MutasiEntry(START, view.nominal, "DB", "", "", "W1", "Pencairan", None)
    step = checkout.attach(out, view.sale_id)
    assert step.answer is Answer.NONE and step.notices[0].level == "error"


# ---- showing a waiting QR again, and a restart --------------------------------------------------


def test_a_waiting_sale_off_screen_is_checked_again_before_it_is_shown(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    checkout.press_cancel(0)
    on_screen = checkout.reshow(view.sale_id)
    assert on_screen.view is not None and on_screen.recheck_qr is None  # it is on screen already
    checkout.view = checkout.view.__class__(SaleState.IDLE)
    off_screen = checkout.reshow(view.sale_id)
    assert off_screen.recheck_qr is not None and off_screen.recheck_qr.id == view.sale_id


def test_a_restart_brings_back_the_newest_sale_in_time_and_looks_once_at_the_others(
    journal: Journal, clock: FakeClock
) -> None:
    first = Checkout(Till(journal, clock), clock)
    old = awaiting(first).view
    first.press_cancel(0)
    first.view = first.view.__class__(SaleState.IDLE)  # the old one left on the journal, open (a crash)
    clock.advance(minutes=11)  # its time ran out while the app was closed
    newer = awaiting(first, 30_000).view
    assert old is not None and newer is not None
    again = Checkout(Till(journal, clock), clock)
    step = again.resume()
    assert step.recheck_qr is not None and step.recheck_qr.id == newer.sale_id
    assert [s.id for s in step.look_for_money] == [old.sale_id]
    looked = again.looked_for_money(step.look_for_money[0], None)
    assert looked.retake and journal.get(old.sale_id or 0).state is SaleState.EXPIRED
    journal.close()


# ---- the edges: a journal that refuses, a sale that is not on screen ------------------------------


def refuse(checkout: Checkout, monkeypatch: pytest.MonkeyPatch, method: str, gone: bool = False) -> None:
    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise JournalError("database or disk is full")

    monkeypatch.setattr(checkout.till.journal, method, full_disk)
    if gone:
        monkeypatch.setattr(type(checkout.till.journal), "gone", property(lambda _self: True))


def test_acknowledging_or_cancelling_with_nothing_on_screen_changes_nothing(checkout: Checkout) -> None:
    assert checkout.acknowledge().view is None and checkout.cancel().view is None


def test_pay_begins_a_sale_as_bayar_does(checkout: Checkout) -> None:
    step = checkout.pay(25_000, can_make_qr=True)
    assert step.make_qr is not None and checkout.view.state is SaleState.GENERATING


def test_cancel_puts_an_outcome_away_and_refuses_money_not_yet_written(checkout: Checkout, unwritten: Step) -> None:
    assert checkout.cancel().notices[0].level == "warn" and checkout.view.state is SaleState.AWAITING


def test_cancel_of_an_outcome_goes_back_to_idle(checkout: Checkout) -> None:
    awaiting(checkout)
    checkout.cancel()
    assert checkout.cancel().view is not None and checkout.view.state is SaleState.IDLE


def test_a_sale_that_no_longer_waits_is_not_shown_again(checkout: Checkout, clock: FakeClock) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    clock.advance(minutes=11)
    assert "tidak sedang menunggu" in checkout.reshow(view.sale_id).notices[0].text


def test_a_qr_the_journal_will_not_take_fails_the_sale_and_says_why(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    refuse(checkout, monkeypatch, "mark_awaiting")
    step = checkout.qr_made(began.make_qr.id, made(began.make_qr.nominal))
    assert checkout.view.state is SaleState.FAILED and step.watch is None and step.notices[-1].level == "error"


def test_a_qr_the_journal_will_not_take_for_a_sale_off_screen_only_says_why(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    checkout.view = checkout.view.__class__(SaleState.IDLE)
    refuse(checkout, monkeypatch, "mark_awaiting")
    step = checkout.qr_made(began.make_qr.id, made(began.make_qr.nominal))
    assert step.view is None and step.notices[-1].level == "error"


def test_a_stored_qr_that_fails_the_gate_again_fails_its_sale(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    step = checkout.qr_recheck_failed(checkout.till.sale(view.sale_id), ValueError("CRC salah"))
    assert checkout.view.state is SaleState.FAILED and step.stop_watching == view.sale_id


def test_an_end_the_journal_refuses_leaves_the_open_state_and_says_both_reasons(
    checkout: Checkout, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    awaiting(checkout)
    refuse(checkout, monkeypatch, "mark_ended", gone=True)
    clock.advance(minutes=10)
    step = checkout.tick()
    assert step.view is not None and step.view.state is SaleState.EXPIRED
    assert "waktu habis" in step.view.message and "Jurnal" in step.view.message and step.storage_gone


def test_money_the_watcher_found_for_an_ended_or_unknown_sale_changes_nothing(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    checkout.press_cancel(0)
    checkout.press_cancel(0)
    failed = checkout.press_pay(10_000, can_make_qr=True)
    assert failed.make_qr is not None
    checkout.qr_failed(failed.make_qr.id, ValueError("x"))
    step = checkout.payment_seen(failed.make_qr.id, paid(failed.make_qr.nominal, START))
    assert step.view is None and step.watch is None


def test_money_another_sale_already_claimed_keeps_the_sale_waiting(checkout: Checkout) -> None:
    first = awaiting(checkout).view
    assert first is not None and first.sale_id is not None
    payment = paid(first.nominal, START + timedelta(seconds=1))
    checkout.payment_seen(first.sale_id, payment)
    second = awaiting(checkout, 25_000).view
    assert second is not None and second.sale_id is not None
    twin = paid(second.nominal, START + timedelta(seconds=2), reff=payment.issuer_reff)
    step = checkout.payment_seen(second.sale_id, twin)
    assert step.watch is not None and step.watch.delay_ms is None and checkout.view.state is SaleState.AWAITING


def test_a_list_whose_money_the_journal_refuses_is_said_on_the_sale_or_as_an_error(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = awaiting(checkout).view
    assert view is not None
    refuse(checkout, monkeypatch, "settle")
    on_counter = checkout.take_in([paid(view.nominal, START + timedelta(seconds=3))])
    assert on_counter.banner_changed and checkout.unrecorded
    checkout.view = checkout.view.__class__(SaleState.IDLE)
    elsewhere = checkout.take_in([paid(view.nominal, START + timedelta(seconds=3), reff="R2")])
    assert elsewhere.notices and elsewhere.notices[-1].level == "error" and not elsewhere.banner_changed


def test_a_sale_found_paid_at_its_look_after_a_restart_is_announced(journal: Journal, clock: FakeClock) -> None:
    first = Checkout(Till(journal, clock), clock)
    view = awaiting(first).view
    assert view is not None and view.sale_id is not None
    clock.advance(minutes=12)
    again = Checkout(Till(journal, clock), clock)
    sale = again.resume().look_for_money[0]
    step = again.looked_for_money(sale, paid(sale.nominal, START + timedelta(minutes=2)))
    assert step.paid_cue and any("ternyata sudah dibayar" in n.text for n in step.notices)
    journal.close()


def test_enter_with_no_total_on_an_outcome_only_puts_it_away(checkout: Checkout) -> None:
    awaiting(checkout)
    checkout.press_cancel(0)
    checkout.press_cancel(0)
    step = checkout.press_pay(0, can_make_qr=True)
    assert checkout.view.state is SaleState.IDLE and step.make_qr is None and not step.input_note


def test_a_qr_job_failing_for_a_sale_no_longer_on_screen_ends_it_quietly(checkout: Checkout) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    checkout.view = checkout.view.__class__(SaleState.IDLE)
    step = checkout.qr_failed(began.make_qr.id, ValueError("x"))
    assert step.view is None and checkout.till.sale(began.make_qr.id).state is SaleState.FAILED


def test_an_end_whose_sale_the_journal_cannot_read_back_leaves_the_screen_as_it_is(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kasir.till import Kind, Outcome

    awaiting(checkout)
    monkeypatch.setattr(checkout.till, "end", lambda *_a: Outcome(Kind.STORAGE_FAILED, None, "Jurnal rusak."))
    step = checkout.cancel()
    assert step.view is None and step.notices[-1].text == "Jurnal rusak."


def test_money_not_yet_written_for_a_sale_off_screen_is_said_in_the_banner_only(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    checkout.view = checkout.view.__class__(SaleState.IDLE)
    refuse(checkout, monkeypatch, "settle")
    step = checkout.payment_seen(view.sale_id, paid(view.nominal, START + timedelta(seconds=5)))
    assert step.view is None and step.banner_changed and checkout.unrecorded


def test_money_the_panel_settled_first_is_not_cued_twice_when_the_watcher_brings_it(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    payment = paid(view.nominal, START + timedelta(seconds=5))
    assert checkout.take_in([payment]).paid_cue
    again = checkout.payment_seen(view.sale_id, payment)
    assert not again.paid_cue and again.stop_watching == view.sale_id


def test_money_the_watcher_found_for_a_sale_that_is_not_there_only_stops_watching_it(checkout: Checkout) -> None:
    from kasir.till import Kind, Outcome

    checkout.till.settle = lambda *_a, **_k: Outcome(Kind.NOT_SETTLEABLE, None, "")  # type: ignore[method-assign]
    assert checkout.payment_seen(404, paid(1, START)) == Step(stop_watching=404)


# ---- a shop of several tills (issue 22) -----------------------------------------------------------


def two_checkouts(journal: Journal, clock: FakeClock) -> tuple[Checkout, Checkout]:
    rules = TillRules(expiry=timedelta(minutes=10))
    return (
        Checkout(Till(journal, clock, rules, counter="Kasir 1"), clock),
        Checkout(Till(journal, clock, rules, counter="Kasir 2"), clock),
    )


def test_a_sale_the_polling_till_settled_turns_paid_here_when_the_journal_says_so(
    journal: Journal, clock: FakeClock
) -> None:
    here, poller = two_checkouts(journal, clock)
    view = awaiting(here).view
    assert view is not None and view.sale_id is not None
    clock.advance(seconds=20)
    settled_there = poller.take_in([paid(view.nominal, clock.now)])
    assert not settled_there.paid_cue and not settled_there.notices  # the other till's news
    heard = here.heard(view.sale_id)
    assert heard.view is not None and heard.view.state is SaleState.PAID
    assert heard.paid_cue and heard.stop_watching == view.sale_id


def test_news_of_a_sale_not_on_the_counter_changes_nothing_here(journal: Journal, clock: FakeClock) -> None:
    here, there = two_checkouts(journal, clock)
    awaiting(here)
    theirs = awaiting(there, 30_000).view
    assert theirs is not None and theirs.sale_id is not None
    assert here.heard(theirs.sale_id) == Step()


def test_news_of_the_sale_on_the_counter_still_waiting_changes_nothing(journal: Journal, clock: FakeClock) -> None:
    here, _ = two_checkouts(journal, clock)
    view = awaiting(here).view
    assert view is not None and view.sale_id is not None
    assert here.heard(view.sale_id).view is None


def test_money_for_another_tills_sale_found_by_the_polling_till_reads_the_days_list_again(
    journal: Journal, clock: FakeClock
) -> None:
    theirs, poller = two_checkouts(journal, clock)
    view = awaiting(theirs).view
    assert view is not None
    clock.advance(seconds=20)
    step = poller.take_in([paid(view.nominal, clock.now)], listing=False)
    assert step.refresh_panel  # the polling till's Mutasi hari ini shows the money it found


def out_of_reach(checkout: Checkout, monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared journal whose server went away: every call refuses, reads too (issue 22)."""
    from kasir.journal import JournalUnreachableError

    def away(*_args: object, **_kwargs: object) -> None:
        raise JournalUnreachableError("server gone")

    for method in ("settle", "get", "claimed_since", "open_sales"):
        monkeypatch.setattr(checkout.till.journal, method, away)


def test_money_seen_while_the_shared_journal_is_out_of_reach_is_said_never_lost(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    out_of_reach(checkout, monkeypatch)
    step = checkout.payment_seen(view.sale_id, paid(view.nominal, START + timedelta(seconds=5)))
    assert checkout.unrecorded and "Jangan minta pelanggan membayar lagi" in checkout.unrecorded[0]
    assert step.watch is not None and step.watch.sale_id == view.sale_id  # tried again


def test_a_qr_made_while_the_shared_journal_is_out_of_reach_is_not_shown(
    checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    began = checkout.press_pay(25_000, can_make_qr=True)
    assert began.make_qr is not None
    out_of_reach(checkout, monkeypatch)
    step = checkout.qr_made(began.make_qr.id, made(began.make_qr.nominal))
    assert checkout.view.state is SaleState.FAILED and not checkout.view.payload
    assert step.notices and step.notices[0].level == "error" and step.watch is None


def test_money_for_a_sale_that_ended_meanwhile_lets_the_watcher_go_on(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    checkout.till.journal.mark_ended(view.sale_id, SaleState.FAILED, START)
    step = checkout.payment_seen(view.sale_id, paid(view.nominal, START + timedelta(seconds=5)))
    assert step.stop_watching == view.sale_id


def test_late_money_for_this_tills_sale_found_by_the_polling_till_is_announced_here(
    journal: Journal, clock: FakeClock
) -> None:
    here, poller = two_checkouts(journal, clock)
    view = awaiting(here).view
    assert view is not None and view.sale_id is not None
    clock.advance(minutes=11)
    here.tick()  # the QR ran out on screen
    here.acknowledge()  # the cashier moved on
    poller.take_in([paid(view.nominal, clock.now - timedelta(seconds=30))])
    heard = here.heard(view.sale_id)
    assert heard.late is not None and heard.late.id == view.sale_id and heard.paid_cue
    assert here.heard(view.sale_id) == Step()  # told once


def test_news_of_a_sale_this_till_announced_itself_is_old_news(checkout: Checkout) -> None:
    view = awaiting(checkout).view
    assert view is not None and view.sale_id is not None
    checkout.payment_seen(view.sale_id, paid(view.nominal, START + timedelta(seconds=5)))
    checkout.acknowledge()
    assert checkout.heard(view.sale_id) == Step()


def test_the_esc_hint_says_how_long_the_second_press_counts_and_lasts_that_long(checkout: Checkout) -> None:
    awaiting(checkout)
    notice = checkout.press_cancel(0).notices[-1]
    assert "dalam 4 detik" in notice.text
    assert notice.lasts == CANCEL_CONFIRM


# ---- money that is near but not the nominal (issue 24) -------------------------------------


def test_money_of_the_total_without_the_code_is_said_at_the_sale(checkout: Checkout) -> None:
    """A customer who paid Rp 25.000 for a Rp 25.001 QR: the screen kept "Menunggu pembayaran"."""
    view = awaiting(checkout).view
    assert view is not None
    step = checkout.take_in([paid(25_000, START + timedelta(seconds=20), reff="W1")])
    texts = [n.text for n in step.notices]
    assert any("Rp 25.000" in t and "Rp 25.001" in t and "Hubungkan" in t for t in texts)
    assert checkout.view.state is SaleState.AWAITING


def test_near_money_is_said_once_however_often_the_list_comes(checkout: Checkout) -> None:
    awaiting(checkout)
    rows = [paid(24_990, START + timedelta(seconds=20), reff="W1")]
    assert checkout.take_in(rows).notices
    assert not checkout.take_in(rows).notices


def test_money_far_from_the_nominal_or_from_before_the_sale_is_not_said(checkout: Checkout) -> None:
    awaiting(checkout)
    rows = [
        paid(100_000, START + timedelta(seconds=20), reff="F1"),  # another customer's, at the static QR
        paid(25_000, START - timedelta(minutes=3), reff="O1"),  # before this sale began
    ]
    assert not checkout.take_in(rows).notices
