"""The checkout: the one sale at the till, from Bayar to LUNAS, with no Qt and an injected clock.

It owns what the screens show of the sale (a :class:`SaleView`), the cashier's two keys (Bayar,
and Esc that needs a second press to cancel a live QR), expiry and the countdown, the money that
comes for it (from the payment watcher or a list of payments), money that arrived while the journal
could not write it, attaching by hand, acknowledging an outcome, showing a waiting QR again, and
what a restart does with open sales. Every money rule is the till's (:mod:`kasir.till`); this class
decides what each of its outcomes means for the counter.

Every method returns a :class:`Step`: what the Qt layer must do (show a view, say something, make
or check a QR, start or stop watching, sound the paid cue, refresh the side panel, raise the late
alert, ask for a login). It never calls back into Qt, so each rule is tested with a fake clock and
a real journal, without a window (Electrum's ``invoices.py``, Anki's ``pylib``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kasir.errors import SessionExpiredError, UnauthorizedError, message_for
from kasir.journal import Sale
from kasir.matching import near_misses
from kasir.money import format_rupiah
from kasir.orkut.types import MutasiEntry
from kasir.qrcheck import CheckedQr
from kasir.qris import QrisError
from kasir.sale_state import SaleState, seconds_left
from kasir.sale_view import IDLE, SaleView
from kasir.till import Kind, Outcome, Till
from kasir.wib import Clock

log = logging.getLogger(__name__)

CANCEL_CONFIRM = timedelta(seconds=4)  # a second Esc within this cancels a live QR
# A new QR's first payment check: nobody has scanned it yet, and a check sent at once would hold
# the interpreter while both windows paint the QR (~3 ms later on screen, measured).
FIRST_CHECK_MS = 250
RETRY_WRITE_MS = 2_000  # money that arrived and could not be written: the settle is tried again this soon
RESUMED = "Penjualan #{id} dilanjutkan setelah aplikasi dibuka ulang."


class Answer(StrEnum):
    """What a key did, for the keypad (Esc clears the typed total only when the answer says so)."""

    NONE = ""
    BEGAN = "began"  # Bayar began a sale: the typed total is taken
    CLEAR = "clear"  # Esc: clear the typed total
    ARMED = "armed"  # Esc on a live QR: press again to cancel
    CANCELLED = "cancelled"
    IDLE = "idle"  # an outcome on screen was put away
    REFUSED = "refused"  # paid, not yet written: not cancelled
    ATTACHED = "attached"


@dataclass(frozen=True)
class Notice:
    level: str  # "info", "warn" or "error"
    text: str  # for the cashier, Indonesian
    lasts: timedelta | None = None  # true only this long (Esc's second press): it goes after it, or on typing


@dataclass(frozen=True)
class WatchOrder:
    """Watch this sale for its payment (again)."""

    sale_id: int
    nominal: int
    created_at: datetime
    claimed: frozenset[str]
    delay_ms: int | None  # None: after the watcher's own interval


@dataclass(frozen=True)
class MadeQr:
    """A QR the QR job made for a sale, checked, and which route made it."""

    qr: CheckedQr
    server: bool  # made by the server (the journal says "server"), else here from the shop's QRIS
    fallback_reason: str = ""  # the server failed and the shop's QRIS made it: what the server said


@dataclass(frozen=True)
class Step:
    """What the Qt layer does after a checkout decision; every field is optional."""

    view: SaleView | None = None
    notices: tuple[Notice, ...] = ()
    input_note: str = ""  # said beside the typed total
    make_qr: Sale | None = None  # ask the QR job for this sale's QR
    recheck_qr: Sale | None = None  # check this sale's stored QR again, then show it
    look_for_money: tuple[Sale, ...] = ()  # sales that ran out while the app was closed: one look each
    watch: WatchOrder | None = None
    stop_watching: int | None = None  # the sale whose watching ends
    paid_cue: bool = False
    refresh_panel: bool = False
    late: Sale | None = None  # a sale that ended on screen was paid after all
    login_needed: bool = False
    key_needed: bool = False
    banner_changed: bool = False  # money paid and not yet written came or went
    storage_gone: bool = False  # the journal can no longer be written: a standing fault
    retake: bool = False  # take in the payments on the panel again (a look ended first)
    countdown: int | None = None  # seconds left (-1: no QR waits); None: unchanged
    answer: Answer = Answer.NONE


@dataclass
class _Draft:
    fields: dict[str, Any] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)

    def set(self, **values: Any) -> None:
        self.fields.update(values)

    def say(self, level: str, text: str, lasts: timedelta | None = None) -> None:
        self.notices.append(Notice(level, text, lasts))


class Checkout:
    def __init__(self, till: Till, clock: Clock) -> None:
        self.till = till
        self.clock = clock
        self.view: SaleView = IDLE
        self._sale: Sale | None = None  # the sale on screen, as the journal last said
        self._cancel_armed_at: datetime | None = None
        self._seconds_left = -1
        # Money for a sale that arrived while the journal refused the settle: sale id -> what the
        # cashier reads. Said on the sale and in the banner until the settle is written.
        self._unrecorded: dict[int, str] = {}
        # Sales attached by hand to money whose date could not be read: no paid time on the screens.
        self._paid_time_unknown: set[int] = set()
        # Keys of the last list already in the journal: only the rows the server still lists (the
        # day's), so an app left open for a month holds no more than a day's keys.
        self._recorded: set[str] = set()
        # Sales whose time ran out while the app was closed, not yet looked at: found paid, by the
        # look or by a list, the cashier is told so.
        self._looking: set[int] = set()
        # This till's sales whose payment it has announced: news of them from the journal is old news.
        self._announced: set[int] = set()
        # Money near the open sale's nominal already told to the cashier (by its key): said once.
        self._told_near: set[str] = set()

    @property
    def unrecorded(self) -> tuple[str, ...]:
        return tuple(self._unrecorded.values())

    def on_counter(self) -> Sale | None:
        """The open sale on screen, fresh from the journal (a list may have settled it meanwhile)."""
        if self.view.sale_id is None or not self.view.state.is_open:
            return None
        self._sale = self.till.sale_if_known(self.view.sale_id) or self._sale  # as last read, when out of reach
        return self._sale

    # ---- the cashier's keys -----------------------------------------------------------------

    def press_pay(self, typed: int, *, can_make_qr: bool, offset: timedelta = timedelta(0)) -> Step:
        """Enter / Bayar. An outcome on screen is acknowledged first; the answer is BEGAN when a sale began."""
        d = _Draft()
        if self.view.state.is_finished:
            self._show(d, IDLE)
            if typed == 0:
                return self._done(d)
        if typed == 0 and not self.view.state.is_open:
            d.set(input_note="Ketik total belanja dulu, lalu tekan Bayar.")
            return self._done(d)
        self._pay(d, typed, can_make_qr, offset)
        if self.view.state is SaleState.GENERATING and d.fields.get("make_qr") is not None:
            d.set(answer=Answer.BEGAN)
        return self._done(d)

    def pay(self, base: int, *, can_make_qr: bool, offset: timedelta = timedelta(0)) -> Step:
        d = _Draft()
        self._pay(d, base, can_make_qr, offset)
        return self._done(d)

    def _pay(self, d: _Draft, base: int, can_make_qr: bool, offset: timedelta) -> None:
        outcome = self.till.begin(base, on_counter=self.on_counter(), can_make_qr=can_make_qr, offset=offset)
        if outcome.kind is Kind.BUSY:
            d.say("warn", outcome.message)
        elif outcome.kind is Kind.NEEDS_LOGIN:
            d.say("error", outcome.message)
            d.set(login_needed=True)
        elif outcome.sale is None or outcome.kind is not Kind.STARTED:
            self._error(d, outcome.message)
        else:
            self._show(d, self._view_of(outcome.sale))
            d.set(make_qr=outcome.sale)

    def press_cancel(self, typed: int) -> Step:
        """Esc / Batal: a typed total is cleared first; a live QR needs a second press within a few
        seconds (ARMED, then CANCELLED); an outcome on screen is put away (IDLE)."""
        d = _Draft()
        if typed:
            d.set(answer=Answer.CLEAR)
        elif self._refuse_cancel_of_paid(d):
            d.set(answer=Answer.REFUSED)
        elif self.view.state.is_open:
            now = self.clock()
            if self._cancel_armed_at is not None and now - self._cancel_armed_at <= CANCEL_CONFIRM:
                self._cancel_armed_at = None
                self._cancel(d)
                d.set(answer=Answer.CANCELLED)
            else:
                self._cancel_armed_at = now
                seconds = round(CANCEL_CONFIRM.total_seconds())
                text = f"Tekan Esc (Batal) sekali lagi dalam {seconds} detik untuk membatalkan QR yang sedang tampil."
                d.say("warn", text, lasts=CANCEL_CONFIRM)
                d.set(answer=Answer.ARMED)
        else:
            self._acknowledge(d)
            d.set(answer=Answer.IDLE)
        return self._done(d)

    def cancel(self) -> Step:
        d = _Draft()
        self._cancel(d)
        return self._done(d)

    def _cancel(self, d: _Draft) -> None:
        if self._refuse_cancel_of_paid(d):
            return
        if self.view.state.is_open and self.view.sale_id is not None:
            self._end(d, self.view.sale_id, SaleState.CANCELLED, "dibatalkan kasir")
        elif self.view.state.is_finished:
            self._show(d, IDLE)

    def _refuse_cancel_of_paid(self, d: _Draft) -> bool:
        """A sale whose money arrived (not yet written) is paid: it is not cancelled."""
        if self.view.sale_id not in self._unrecorded:
            return False
        d.say("warn", "Pembayaran untuk QR ini sudah masuk, jadi tidak dibatalkan. Tunggu sampai tercatat.")
        return True

    def acknowledge(self) -> Step:
        """The cashier saw the outcome; the next sale may start."""
        d = _Draft()
        self._acknowledge(d)
        return self._done(d)

    def _acknowledge(self, d: _Draft) -> None:
        if self.view.state.is_finished:
            self._show(d, IDLE)

    def reshow(self, sale_id: int) -> Step:
        """Put a sale that still waits back on the customer screen (its QR checked again)."""
        d = _Draft()
        sale = self.till.sale(sale_id)
        if sale.state is not SaleState.AWAITING or self.till.due_to_expire(sale) or not sale.payload:
            d.say("warn", f"Penjualan #{sale_id} tidak sedang menunggu pembayaran.")
        elif self.view.sale_id == sale_id and self.view.payload:
            self._show(d, self.view)
        else:
            d.set(recheck_qr=sale)
        return self._done(d)

    # ---- the QR ---------------------------------------------------------------------------

    def qr_made(self, sale_id: int, made: MadeQr) -> Step:
        """The QR job's answer: journaled before the customer sees it."""
        d = _Draft()
        outcome = self.till.qr_ready(sale_id, made.qr, "server" if made.server else "local")
        if outcome.kind is Kind.STORAGE_FAILED and outcome.sale is None:  # the journal is out of reach
            d.say("error", outcome.message)
            if self.view.sale_id == sale_id:
                self._show(d, replace(self.view, state=SaleState.FAILED, message=outcome.message))
            return self._done(d)
        if outcome.kind is Kind.STALE or outcome.sale is None:
            return self._done(d)  # cancelled while the QR was being made
        if outcome.kind is not Kind.SHOWN:
            if self.view.sale_id == sale_id:
                self._show_ended(d, outcome, SaleState.FAILED)
            d.say("error", outcome.message)
            return self._done(d)
        self._show(d, self._with_qr(outcome.sale, made.qr))
        if made.fallback_reason:
            d.say("warn", f"QR dibuat lokal dari QRIS toko (server: {made.fallback_reason})")
        self._watch(d, outcome.sale, FIRST_CHECK_MS)
        return self._done(d)

    def qr_failed(self, sale_id: int, error: Exception) -> Step:
        d = _Draft()
        if isinstance(error, QrisError):
            message = f"QR dari server ditolak karena tidak aman ditampilkan: {error}"
        else:
            message = message_for(error, "Gagal membuat QR.")
        self._end(d, sale_id, SaleState.FAILED, message)  # the reason stands on the sale: not said twice
        d.set(login_needed=isinstance(error, SessionExpiredError), key_needed=isinstance(error, UnauthorizedError))
        return self._done(d)

    def qr_rechecked(self, sale: Sale, qr: CheckedQr) -> Step:
        """A stored QR passed the gate again (after a restart, or shown again from F4)."""
        d = _Draft()
        self._show(d, self._with_qr(sale, qr))
        self._watch(d, sale, 0)
        d.say("info", RESUMED.format(id=sale.id))
        return self._done(d)

    def qr_recheck_failed(self, sale: Sale, error: Exception) -> Step:
        d = _Draft()
        self._end(d, sale.id, SaleState.FAILED, message_for(error, "QR tidak lolos pemeriksaan."))
        return self._done(d)

    # ---- time -----------------------------------------------------------------------------

    def tick(self) -> Step:
        """Every half second: a QR whose time ran out ends (never one whose money waits to be written:
        it is paid, not expired), and the countdown moves on."""
        d = _Draft()
        sale = self._sale
        on_screen = sale is not None and sale.id == self.view.sale_id and self.view.state is SaleState.AWAITING
        if on_screen and sale is not None and not self.view.unrecorded and self.till.due_to_expire(sale):
            self._end(d, sale.id, SaleState.EXPIRED, "waktu habis")
        return self._done(d)

    # ---- money ----------------------------------------------------------------------------

    def payment_seen(self, sale_id: int, entry: MutasiEntry) -> Step:
        """The watcher found the payment of a sale it watched."""
        d = _Draft()
        outcome = self.till.settle(sale_id, entry)
        sale = outcome.sale
        if sale is None and self._sale is not None and self._sale.id == sale_id:
            sale = self._sale  # the journal cannot be read now: the sale as last read
        if sale is None:  # no such sale (any more): nothing to show or watch
            d.set(stop_watching=sale_id)
            return self._done(d)
        if outcome.kind in (Kind.SETTLED, Kind.ALREADY_PAID):
            self._announce_settled(d, outcome, sale)
            d.set(refresh_panel=True)
            return self._done(d)
        if sale.state is not SaleState.AWAITING:
            d.set(stop_watching=sale_id)  # ended meanwhile: the watcher goes on with the shop's others
            return self._done(d)
        if outcome.kind is Kind.STORAGE_FAILED:
            # The money is there; the disk is not. Keep watching and try again, never drop the sale,
            # and never let the cashier ask the customer to pay twice.
            self._unrecorded_money(d, sale, entry.amount, outcome.message)
            self._watch(d, sale, RETRY_WRITE_MS)
        else:  # claimed by another sale: this one keeps waiting for its own payment
            log.warning("payment already claimed; sale %s keeps waiting", sale_id)
            self._watch(d, sale, None)
        return self._done(d)

    def take_in(
        self, entries: Sequence[MutasiEntry], offset: timedelta = timedelta(0), *, listing: bool = True
    ) -> Step:
        """A list of payments (the side panel's, or the history the watcher brought): journaled, and
        every sale it pays settled (the one on the counter, and late money for ended ones, and in a
        shop the other tills' sales). ``listing=False``: rows asked for some sales only (the seed's
        status route), not the day's list the next one is compared with."""
        d = _Draft()
        fresh = [e for e in entries if e.key not in self._recorded]
        if fresh:
            self.till.record_payments(fresh)
        if listing:
            self._recorded = {e.key for e in entries}
        for outcome in self.till.take_in(entries, offset):
            sale = outcome.sale
            if outcome.kind is Kind.SETTLED and sale is not None:
                self._announce_settled(d, outcome, sale)
                if not listing:  # the rows asked for some sales only: the day's list is read again
                    d.set(refresh_panel=True)
            elif outcome.kind is Kind.STORAGE_FAILED:
                if sale is not None and sale.id == self.view.sale_id and sale.state is SaleState.AWAITING:
                    # The list brought the money of the sale on the counter (an automatic settle is
                    # for its exact nominal): the same "paid, not written" as the watcher's.
                    self._unrecorded_money(d, sale, sale.nominal, outcome.message)
                else:
                    self._error(d, outcome.message)
        self._say_near_money(d, entries, offset)
        return self._done(d)

    def _say_near_money(self, d: _Draft, entries: Sequence[MutasiEntry], offset: timedelta) -> None:
        """Money close to the open sale's nominal but not it: the QR stays unpaid, and the cashier
        hears it at the sale (the customer may have typed the amount), with the way to attach it."""
        sale = self.on_counter()
        if sale is None or sale.state is not SaleState.AWAITING:
            return
        terms = self.till.terms(sale, offset)
        claimed = self.till.claimed(terms.created_at)
        for entry in near_misses(entries, terms, sale.base, claimed):
            if entry.key in self._told_near:
                continue
            self._told_near.add(entry.key)
            when = entry.when_text
            source = ", ".join(p for p in (entry.brand_name, when) if p)
            d.say(
                "warn",
                f"Uang masuk {format_rupiah(entry.amount)} ({source}) tidak sama dengan tagihan"
                f" {format_rupiah(sale.nominal)}, jadi QR ini belum lunas. Bila itu dari pelanggan ini,"
                ' pilih barisnya di Mutasi lalu tekan "Hubungkan ke penjualan…".',
            )

    def heard(self, sale_id: int) -> Step:
        """Another till wrote to a sale of the shared journal. The sale on this counter that the till
        polling for the shop found paid turns LUNAS here as it would have on its own.
        A sale of this till that ended on screen and was paid late is announced here too (the late
        notice and the cue): its customer may still be at the counter, or come back.
        """
        d = _Draft()
        on_screen = sale_id == self.view.sale_id
        if sale_id in self._announced or (on_screen and self.view.state is SaleState.PAID):
            return self._done(d)
        outcome = self.till.settled_elsewhere(sale_id, after_end=not on_screen or self.view.state.is_finished)
        if outcome.kind is Kind.SETTLED and outcome.sale is not None:
            self._announce_settled(d, outcome, outcome.sale)
        return self._done(d)

    def attach(self, entry: MutasiEntry, sale_id: int) -> Step:
        """The cashier confirmed that this payment is for this sale: settle it by hand."""
        d = _Draft()
        if entry.date_unknown:
            self._paid_time_unknown.add(sale_id)
        outcome = self.till.attach(entry, sale_id)
        if outcome.kind is not Kind.SETTLED or outcome.sale is None:
            d.say("error", outcome.message)
            return self._done(d)
        self._announce_settled(d, outcome, outcome.sale)
        d.say("info", outcome.message)
        d.set(refresh_panel=True, answer=Answer.ATTACHED)
        return self._done(d)

    def attachable(self) -> list[Sale]:
        return self.till.attachable()

    # ---- a restart ------------------------------------------------------------------------

    def resume(self) -> Step:
        """After a crash or power cut nothing that was open may vanish: the newest sale still in
        time comes back (its QR checked again), the others get one look for money."""
        d = _Draft()
        plan = self.till.resume()
        self._looking = {sale.id for sale in plan.check}
        d.set(look_for_money=plan.check, recheck_qr=plan.restore)
        return self._done(d)

    def looked_for_money(self, sale: Sale, entry: MutasiEntry | None) -> Step:
        """The one look at a sale whose time ran out while the app was closed."""
        d = _Draft()
        outcome = self.till.after_restart_check(sale, entry)
        if outcome.kind is Kind.SETTLED and outcome.sale is not None:
            self._announce_settled(d, outcome, outcome.sale)
        elif outcome.kind is Kind.ENDED:
            d.set(retake=True)  # the panel (its own worker) may have brought the money before this look ended
        return self._done(d)

    # ---- what every step shares ---------------------------------------------------------------

    def _view_of(self, sale: Sale, **extra: Any) -> SaleView:
        self._sale = sale  # the freshest word of the journal on it: tick() reads its expiry here
        view = SaleView(
            state=sale.state,
            sale_id=sale.id,
            base=sale.base,
            code=sale.code,
            nominal=sale.nominal,
            discounted=sale.discounted,
            expires_at=sale.expires_at,
            source=sale.source or "",
            paid_at=None if sale.id in self._paid_time_unknown else sale.paid_at,
            brand=sale.brand or "",
            late=sale.late,
            paid_amount=sale.paid_amount,
            manual=sale.manual,
            unrecorded=self._unrecorded.get(sale.id, "") if sale.state is SaleState.AWAITING else "",
        )
        if self.view.sale_id == sale.id:  # the same sale: its QR stays as it was drawn
            view = replace(
                view,
                payload=self.view.payload,
                matrix=self.view.matrix,
                merchant_name=self.view.merchant_name,
                nmid=self.view.nmid,
            )
        return replace(view, **extra)

    def _with_qr(self, sale: Sale, qr: CheckedQr) -> SaleView:
        return self._view_of(sale, payload=qr.payload, matrix=qr.matrix, merchant_name=qr.merchant_name, nmid=qr.nmid)

    def _show(self, d: _Draft, view: SaleView) -> None:
        if view.sale_id != self.view.sale_id or not view.state.is_open:
            self._cancel_armed_at = None
        self.view = view
        d.set(view=view)

    def _watch(self, d: _Draft, sale: Sale, delay_ms: int | None) -> None:
        claimed = self.till.claimed(sale.created_at)
        d.set(watch=WatchOrder(sale.id, sale.nominal, sale.created_at, claimed, delay_ms))

    def _end(self, d: _Draft, sale_id: int, state: SaleState, reason: str) -> None:
        d.set(stop_watching=sale_id)
        outcome = self.till.end(sale_id, state, reason)
        if outcome.kind is Kind.STORAGE_FAILED:
            self._error(d, outcome.message)
        if self.view.sale_id == sale_id:
            self._show_ended(d, outcome, state, reason)

    def _show_ended(self, d: _Draft, outcome: Outcome, state: SaleState, reason: str = "") -> None:
        """The screens follow the till; when the journal refused, they still leave the open state
        (the journal keeps the sale open, so a restart looks at it again) and say why."""
        sale = outcome.sale
        if sale is None:
            return
        if outcome.kind is Kind.STORAGE_FAILED and sale.state.is_open:
            message = " — ".join(part for part in (reason, outcome.message) if part)
            self._show(d, self._view_of(sale, state=state, message=message))
        else:
            self._show(d, self._view_of(sale, message=reason or outcome.message))

    def _unrecorded_money(self, d: _Draft, sale: Sale, amount: int, reason: str) -> None:
        """Money for the sale on the counter arrived and the journal refused the settle. The sale
        says so instead of "Menunggu pembayaran" (its QR off both screens), and the banner keeps it
        above anything else, until a later try writes it (:meth:`_announce_settled`)."""
        text = (
            f"Pembayaran {format_rupiah(amount)} sudah masuk tetapi belum tercatat (jurnal tidak dapat ditulis)."
            " Jangan minta pelanggan membayar lagi."
        )
        self._unrecorded[sale.id] = text
        if self.view.sale_id == sale.id:
            self._show(d, self._view_of(sale))
        d.say("error", f"{text} {reason}")
        d.set(banner_changed=True)

    def _announce_settled(self, d: _Draft, outcome: Outcome, sale: Sale) -> None:
        """A sale was settled: its screen, the banner, and what this till's cashier is told. Another
        till's sale (a shop's tills share one journal) is that till's news, not this one's."""
        d.set(stop_watching=sale.id)
        if self._unrecorded.pop(sale.id, None) is not None:  # written at last
            d.set(banner_changed=True)
        if self.view.sale_id == sale.id:
            self._show(d, self._view_of(sale))
        if sale.counter != self.till.counter:
            return
        self._announced.add(sale.id)
        if sale.id in self._looking:  # it ran out while the app was closed: paid after all
            self._looking.discard(sale.id)
            d.say("info", f"Penjualan #{sale.id} ternyata sudah dibayar saat aplikasi tertutup.")
        if (sale.late or outcome.after_end) and not sale.manual:  # the cashier saw this sale end
            d.set(late=sale)  # said once, in the late alert that stays until the cashier puts it away
        if outcome.kind is Kind.SETTLED:
            d.set(paid_cue=True)

    def _error(self, d: _Draft, message: str) -> None:
        d.say("error", message)
        if self.till.storage_gone:  # not a passing fault: the banner stays until the app is restarted
            d.set(storage_gone=True)

    def _done(self, d: _Draft) -> Step:
        """The step, with the countdown when it moved."""
        view = self.view
        left = -1
        if view.state is SaleState.AWAITING and view.expires_at is not None and not view.unrecorded:
            left = seconds_left(view.expires_at, self.clock())
        if left != self._seconds_left:
            self._seconds_left = left
            d.set(countdown=left)
        return Step(notices=tuple(d.notices), **d.fields)
