"""The till: every money rule of a sale, in one place, with no Qt and an injected clock.

A sale's life is one :class:`SaleState`. The till begins a sale (guards, kode unik, journal),
accepts its QR, settles it with a payment (on time, late, or attached by hand), cancels or
expires it, takes in a list of payments (the open sale and the late-watchable ones), and says
what to do with open sales after a restart. Each step returns an outcome the Qt layer only
renders; each state change is committed to the journal before anyone is told.

Modelled on Electrum's ``invoices.py``: states, labels and expiry live in the core, and a
replaceable clock makes every edge testable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from kasir.journal import AlreadyClaimedError, Journal, JournalError, Sale, Settlement
from kasir.kode_unik import KodeUnikRange
from kasir.matching import DEFAULT_GRACE, FUTURE_LEEWAY, SaleTerms, match_late
from kasir.money import MoneyError, format_rupiah
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.qrcheck import CheckedQr
from kasir.sale_state import SaleState
from kasir.wib import WIB, Clock

log = logging.getLogger(__name__)
# Another till's sale still open this long after its time ran out was abandoned (that till died, or
# was renamed): a living till ends its own at once, so the margin only has to cover a slow tick.
ABANDONED_AFTER = timedelta(minutes=2)


class Kind(StrEnum):
    STARTED = "started"
    BUSY = "busy"  # another sale is still open on the counter
    NEEDS_LOGIN = "needs_login"
    REFUSED = "refused"  # the amount, the kode unik range or the journal says no
    SHOWN = "shown"
    STALE = "stale"  # the answer is for a sale that ended meanwhile (cancelled while the QR was made)
    SETTLED = "settled"
    ALREADY_PAID = "already_paid"
    CLAIMED_ELSEWHERE = "claimed_elsewhere"  # this payment settled another sale
    NOT_SETTLEABLE = "not_settleable"  # failed before any QR: nobody could have paid it
    STORAGE_FAILED = "storage_failed"  # the journal could not be written: try again, keep the sale
    ENDED = "ended"
    UNCHANGED = "unchanged"  # another till wrote to the sale, and nothing this till shows changed


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    sale: Sale | None = None
    message: str = ""  # for the cashier, Indonesian
    after_end: bool = False  # settled a sale that had already ended on screen: the cashier must be told


@dataclass(frozen=True)
class ResumePlan:
    """What a restart does with the sales a crash or power cut left open."""

    restore: Sale | None  # the newest sale still in time: its QR goes back on the customer screen
    check: tuple[Sale, ...]  # sales whose time ran out while closed: one look for money, then expired
    failed: tuple[Sale, ...]  # sales that were still making their QR: nobody saw it


@dataclass
class TillRules:
    """What the shop owner sets in Pengaturan that the till needs."""

    expiry: timedelta = timedelta(minutes=10)
    kode_unik: KodeUnikRange = field(default_factory=KodeUnikRange)


class Till:
    def __init__(self, journal: Journal, clock: Clock, rules: TillRules | None = None, counter: str = "") -> None:
        self.journal = journal
        self.clock = clock
        self.rules = rules or TillRules()
        self.counter = counter  # this till's name in a shop of several ("" on one PC)

    # ---- a sale begins -------------------------------------------------------------

    def begin(
        self, base: int, *, on_counter: Sale | None, can_make_qr: bool, offset: timedelta = timedelta(0)
    ) -> Outcome:
        """Guards, then the kode unik and the journal row, in that order (``offset``: the server's
        clock minus this PC's, for money stamped by the server)."""
        if on_counter is not None and on_counter.is_open:
            return Outcome(Kind.BUSY, on_counter, "Selesaikan atau batalkan transaksi yang sedang berjalan.")
        if not can_make_qr:
            return Outcome(Kind.NEEDS_LOGIN, None, "Belum masuk ke akun. Silakan masuk terlebih dahulu.")
        now = self.clock()
        try:
            sale = self.journal.begin_sale(
                base, self.rules.kode_unik, now, now + self.rules.expiry, offset=offset, counter=self.counter
            )
        except MoneyError as exc:
            return Outcome(Kind.REFUSED, None, str(exc))
        except JournalError as exc:
            log.warning("sale not begun: %s", exc)
            return Outcome(Kind.REFUSED, None, exc.user_message)
        log.info("sale %s begun: %s", sale.id, format_rupiah(sale.nominal))
        return Outcome(Kind.STARTED, sale)

    def qr_ready(self, sale_id: int, qr: CheckedQr, source: str) -> Outcome:
        """The checked QR is journaled before the customer sees it; only a QR checked for this very
        sale's nominal (a :class:`CheckedQr` is made by the gate alone)."""
        try:
            current = self.journal.get(sale_id)
        except JournalError as exc:  # a shared journal out of reach: the QR is not shown, the sale stays
            return Outcome(Kind.STORAGE_FAILED, self.sale_if_known(sale_id), exc.user_message)
        if current.state is not SaleState.GENERATING:
            return Outcome(Kind.STALE, current)
        if qr.nominal != current.nominal:
            raise ValueError(f"QR for Rp {qr.nominal} offered to sale {sale_id} of Rp {current.nominal}")
        try:
            return Outcome(Kind.SHOWN, self.journal.mark_awaiting(sale_id, qr.payload, source))
        except JournalError as exc:
            # Not shown, so nobody can pay it: end it (if the disk lets us) rather than leave it half-open.
            ended = self.end(sale_id, SaleState.FAILED, "jurnal tidak dapat ditulis")
            return Outcome(Kind.STORAGE_FAILED, ended.sale or current, exc.user_message)

    # ---- a sale ends -----------------------------------------------------------------

    def end(self, sale_id: int, state: SaleState, reason: str) -> Outcome:
        """Cancel, expire or fail an open sale. A journal that refuses is said, not hidden."""
        try:
            return Outcome(Kind.ENDED, self.journal.mark_ended(sale_id, state, self.clock(), reason), reason)
        except JournalError as exc:
            log.warning("sale %s not marked %s: %s", sale_id, state.value, exc)
            current = self.sale_if_known(sale_id)
            if current is not None and not current.is_open:
                return Outcome(Kind.STALE, current)  # it ended some other way meanwhile (paid, say)
            return Outcome(Kind.STORAGE_FAILED, current, exc.user_message)

    def due_to_expire(self, sale: Sale) -> bool:
        return sale.state == SaleState.AWAITING and self.clock() >= sale.expires_at

    # ---- money -----------------------------------------------------------------------

    def settle(self, sale_id: int, entry: MutasiEntry, *, manual: bool = False) -> Outcome:
        before = self.sale_if_known(sale_id)
        try:
            sale = self.journal.settle(sale_id, entry, self.clock(), manual=manual)
        except AlreadyClaimedError as exc:
            current = self.sale_if_known(sale_id) or before
            if current is not None and current.state == SaleState.PAID:
                return Outcome(Kind.ALREADY_PAID, current, exc.user_message)
            return Outcome(Kind.CLAIMED_ELSEWHERE, current, exc.user_message)
        except JournalError as exc:
            # A journal out of reach answers no read either: the sale as last read, never an exception
            # that would hide money that has arrived.
            current = self.sale_if_known(sale_id) or before
            if current is not None and current.state == SaleState.FAILED:
                return Outcome(Kind.NOT_SETTLEABLE, current, "Penjualan ini gagal sebelum QR tampil.")
            log.warning("sale %s not settled: %s", sale_id, exc)
            return Outcome(Kind.STORAGE_FAILED, current, exc.user_message)
        log.info("sale %s settled%s%s", sale_id, " late" if sale.late else "", " by hand" if manual else "")
        after_end = before is not None and not before.is_open
        return Outcome(Kind.SETTLED, sale, self._paid_message(sale, entry.amount, after_end), after_end)

    def attach(self, entry: MutasiEntry, sale_id: int) -> Outcome:
        """The cashier confirmed that this payment is for this sale."""
        if not entry.is_incoming:
            return Outcome(Kind.REFUSED, None, "Hanya uang masuk yang dapat dihubungkan ke penjualan.")
        if PaymentProblem.AMOUNT in entry.problems:
            return Outcome(Kind.REFUSED, None, "Nominal pembayaran ini tidak terbaca; tidak dapat dihubungkan.")
        outcome = self.settle(sale_id, entry, manual=True)
        if outcome.kind is Kind.STORAGE_FAILED:
            return Outcome(Kind.REFUSED, outcome.sale, outcome.message)
        return outcome

    def terms(self, sale: Sale, offset: timedelta = timedelta(0), *, until: datetime | None = None) -> SaleTerms:
        """The sale's terms on the server's clock (``offset`` = server minus this PC): money made from
        the QR's moment (less the grace) until ``until`` and never after now (plus the leeway). Another
        till's sale began on that till's clock: its moment is put on the server's with that till's offset."""
        latest = self.clock() + FUTURE_LEEWAY
        not_after = latest if until is None else min(until, latest)
        theirs = sale.clock_offset if sale.counter != self.counter and sale.clock_offset is not None else offset
        return SaleTerms(sale.nominal, sale.created_at + theirs, not_after=not_after + offset)

    def claimed(self, since: datetime) -> frozenset[str]:
        """Claims a payment dated from ``since`` on could collide with (all older ones are still
        refused by the journal's UNIQUE constraint, without being loaded)."""
        try:
            return frozenset(self.journal.claimed_since(since - DEFAULT_GRACE))
        except JournalError as exc:  # out of reach: the journal's UNIQUE claim still refuses a second use
            log.warning("claims not read: %s", exc)
            return frozenset()

    def take_in(self, entries: Sequence[MutasiEntry], offset: timedelta = timedelta(0)) -> list[Outcome]:
        """A list of payments from any route: it settles every sale that waits for its money (the
        list is a second way to see it, and a shop's tills share one journal) and, late, the ended
        sales of the watch window. Each payment to one sale at most, the oldest sale first."""
        if not entries:
            return []
        waiting = [s for s in self.journal.open_sales() if s.state is SaleState.AWAITING]
        watched = self.journal.late_watchable(self.clock())
        candidates = [(s.id, self.terms(s, offset)) for s in waiting]
        candidates += [(s.id, self.terms(s, offset, until=s.late_until)) for s in watched]
        if not candidates:
            return []
        claimed = self.claimed(min(s.created_at for s in (*waiting, *watched)))
        return [self.settle(sale_id, entry) for sale_id, entry in match_late(entries, candidates, claimed)]

    def settled_elsewhere(self, sale_id: int, *, after_end: bool) -> Outcome:
        """Another till of the shop wrote to this sale: SETTLED when it is paid now (the till that polls
        for the shop found its money), else UNCHANGED. A journal out of reach is UNCHANGED: this till hears
        everything again once it is back."""
        sale = self.sale_if_known(sale_id)
        if sale is None or sale.state is not SaleState.PAID:
            return Outcome(Kind.UNCHANGED, sale)
        return Outcome(
            Kind.SETTLED, sale, self._paid_message(sale, sale.paid_amount or sale.nominal, after_end), after_end
        )

    def close_abandoned(self, offset: timedelta = timedelta(0)) -> list[Outcome]:
        """Run by the till that polls for the shop: another till's sale still open well after its time
        ran out (that till died, or was renamed, and never came back to end it) is ended here, on the
        server's clock. Left open it would keep its nominal and catch another day's money of that amount."""
        now = self.clock() + offset
        ended = []
        for sale in self._others_open():
            theirs = sale.clock_offset if sale.clock_offset is not None else offset
            if sale.expires_at + theirs + ABANDONED_AFTER > now:
                continue
            state = SaleState.EXPIRED if sale.state is SaleState.AWAITING else SaleState.FAILED
            log.warning("sale %s of %s left open: ended by %s", sale.id, sale.counter or "?", self.counter)
            ended.append(self.end(sale.id, state, "kasir lain tidak menutupnya"))
        return ended

    def _others_open(self) -> list[Sale]:
        try:
            return [s for s in self.journal.open_sales() if s.counter != self.counter]
        except JournalError as exc:
            log.warning("the shop's open sales not read: %s", exc)
            return []

    def receipt_outcome(self, sale_id: int, printed: bool) -> Sale | None:
        """A paid sale's receipt reached the paper, or did not (journaled: the first that reaches it is
        the original). A journal that refuses costs a log line; the print itself happened or not."""
        try:
            return self.journal.mark_receipt(sale_id, printed, self.clock())
        except (KeyError, JournalError) as exc:
            log.warning("receipt outcome of sale %s not journaled: %s", sale_id, exc)
            return None

    def shop_waiting(self) -> list[Sale]:
        """The other tills' sales whose QR is out and in time: the till that polls for the shop asks
        the upstream for their money too (the journal settles each; their tills hear of it)."""
        now = self.clock()
        return [s for s in self._others_open() if s.state is SaleState.AWAITING and s.expires_at > now]

    def record_payments(self, entries: Sequence[MutasiEntry]) -> None:
        """Every mutasi entry seen is journaled (a past day's recap knows its unmatched money), as
        first seen now on this PC's clock; a journal that refuses costs a log line, not the list."""
        try:
            self.journal.record_payments(entries, seen_at=self.clock())
        except JournalError as exc:
            log.warning("mutasi not journaled: %s", exc)

    # ---- after a restart -------------------------------------------------------------

    def resume(self) -> ResumePlan:
        """Nothing that was open may vanish: the newest sale still in time comes back on screen,
        the others get one look for money, and a QR that was never shown is failed."""
        now = self.clock()
        # A shop's tills share the journal: the other tills' open sales are theirs to bring back.
        open_sales = [s for s in self.journal.open_sales() if s.counter == self.counter]
        awaiting = [s for s in open_sales if s.state == SaleState.AWAITING]
        live = [s for s in awaiting if s.expires_at > now and s.payload]
        restore = live[-1] if live else None
        check = tuple(s for s in awaiting if restore is None or s.id != restore.id)
        failed = tuple(s for s in open_sales if s.state == SaleState.GENERATING)
        for sale in failed:
            self.end(sale.id, SaleState.FAILED, "aplikasi tertutup saat membuat QR")
        return ResumePlan(restore, check, failed)

    def after_restart_check(self, sale: Sale, entry: MutasiEntry | None) -> Outcome:
        """One look at a sale whose time ran out while the app was closed: paid in time, or expired."""
        if entry is not None:
            outcome = self.settle(sale.id, entry)
            if outcome.kind is Kind.SETTLED:
                return outcome
        current = self.journal.get(sale.id)
        if not current.is_open:
            return Outcome(Kind.STALE, current)
        try:
            return Outcome(Kind.ENDED, self.journal.mark_ended(sale.id, SaleState.EXPIRED, sale.expires_at))
        except JournalError as exc:
            return Outcome(Kind.STORAGE_FAILED, current, exc.user_message)

    # ---- reads: the screens go through the till, never to the journal ------------------------

    def sale(self, sale_id: int) -> Sale:
        return self.journal.get(sale_id)

    def sales_on(self, day: date) -> list[Sale]:
        return self.journal.sales_on(day)

    def attachable(self) -> list[Sale]:
        return self.journal.attachable(self.clock().astimezone(WIB).date())

    def settled_by(self, keys: Iterable[str]) -> dict[str, Settlement]:
        return self.journal.settled_by(keys)

    def paid_time_known(self, sale: Sale) -> bool:
        """False when the money that settled it had a date nobody could read (attached by hand)."""
        seen_on = (sale.paid_at or sale.created_at).astimezone(WIB).date()
        return not any(p.date_unknown and p.key == sale.issuer_reff for p in self.journal.payments_on(seen_on))

    def reader(self) -> Callable[[], Journal]:
        """For the recap: a journal of its own, opened on its worker."""
        return self.journal.reader()

    def upkeep(self, day: date, *, backup: bool, stop: Callable[[], bool] | None = None) -> str:
        """The journal's upkeep for the day (on a worker: its own connection); a line for the log."""
        return self.journal.upkeep(day, backup=backup, stop=stop)

    @property
    def storage_gone(self) -> bool:
        """The journal can no longer be trusted with a write (its file vanished): a standing fault."""
        return self.journal.gone

    # ---- helpers -----------------------------------------------------------------------

    def sale_if_known(self, sale_id: int) -> Sale | None:
        """The sale, or None when the journal cannot say (out of reach, or no such sale)."""
        try:
            return self.journal.get(sale_id)
        except (KeyError, JournalError):
            return None

    @staticmethod
    def _paid_message(sale: Sale, amount: int, after_end: bool = False) -> str:
        received = format_rupiah(amount)
        if sale.manual:
            difference = amount - sale.nominal
            text = f"Penjualan #{sale.id} ditandai LUNAS dengan pembayaran {received}."
            if difference:
                way = "lebih" if difference > 0 else "kurang"
                bill = format_rupiah(sale.nominal)
                text += f" Pembayaran {way} {format_rupiah(abs(difference))} dari tagihan {bill}."
            return text
        if sale.late:
            return f"Pembayaran terlambat {received} masuk untuk penjualan #{sale.id} — dicatat LUNAS (terlambat)."
        if after_end:  # paid in time, seen only after the QR ended on screen (a quiet route)
            return (
                f"Pembayaran {received} untuk penjualan #{sale.id} dibayar sebelum QR berakhir, baru terdeteksi"
                " sekarang — dicatat LUNAS."
            )
        return f"Penjualan #{sale.id} LUNAS: {received} via {sale.brand or 'QRIS'}."
