"""Polls for the payment of the sale awaiting it, off the GUI thread, through whichever route serves.

The route is chosen by :class:`kasir.sources.SourceChoice` (seed status → gateway history →
``/mutasi`` history); each has its own cadence, and only one request is ever in flight.
Network trouble slows polling down (backoff) and says so, a rate limit pauses its route for the
(clamped) cool-down and shows it while the next route is asked (when every route rests, polling
waits for the first to wake), an expired session or a refused API key pauses polling until the
cashier logs in again. A request that takes longer than one interval shows the banner while
it is still running. The sale itself is never dropped by anything that happens here.

In a shop of several tills only the till that polls for the shop asks the upstream (``set_polling``);
it also asks for the other tills' waiting sales (``watch_shop``) and hands what it got to the
checkout (``shop_entries``), which settles them in the shared journal.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from kasir import sources
from kasir.errors import ApiError, RateLimitedError, SessionExpiredError, UnauthorizedError, message_for
from kasir.matching import FUTURE_LEEWAY, SaleTerms, find_settlement
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MutasiEntry, Session
from kasir.settings import MIN_HISTORY_INTERVAL_S
from kasir.sources import Served, Source, SourceChoice, SourceFailedError
from kasir.ui.tasks import ClientFactory, TaskRunner, client_required
from kasir.wib import Clock, ServerClock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Watch:
    sale_id: int
    nominal: int
    created_at: datetime


@dataclass(frozen=True)
class PollResult:
    served: Served[list[MutasiEntry]]
    match: MutasiEntry | None  # the payment of this till's own sale


class PaymentWatcher(QObject):
    paid = Signal(int, object)  # sale id, MutasiEntry
    trouble = Signal(str)  # cashier-facing message; polling goes on
    recovered = Signal()
    answered = Signal()  # any good answer to a check: passing trouble about the connection is over
    session_expired = Signal()
    key_refused = Signal()  # HTTP 401/403: the API key must be entered again
    source_changed = Signal()  # the route serving payment detection changed
    entries_seen = Signal(object)  # list[MutasiEntry] from a history-shaped route: the panel can use it
    shop_entries = Signal(object)  # list[MutasiEntry] asked for the other tills' sales: settle what they pay

    def __init__(
        self,
        factory: ClientFactory,
        interval_s: float,
        parent: QObject | None = None,
        *,
        choice: SourceChoice | None = None,
        history_interval_s: float = MIN_HISTORY_INTERVAL_S,
        server_clock: ServerClock | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        from kasir.wib import now

        self._clock = clock or now
        self._tasks = TaskRunner("payment-watcher", factory, self)
        self._tasks.succeeded.connect(self.answered)
        self.choice = choice or SourceChoice("pembayaran", sources.PAYMENT_ORDER, now)
        self.server_clock = server_clock or ServerClock()
        self._fast_s = interval_s
        self._history_s = history_interval_s
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        self._slow = QTimer(self)  # fires when a request outlives one interval
        self._slow.setSingleShot(True)
        self._slow.timeout.connect(self._still_waiting)
        self._watch: Watch | None = None
        self._shop: tuple[Watch, ...] = ()  # the other tills' waiting sales (only the polling till asks)
        self._polling = True  # False on a till of a shop that another till polls for
        self._session: Session | None = None
        self._claimed: frozenset[str] = frozenset()
        self._failures = 0
        self._troubled = False  # a trouble message is on screen: the next answer clears it
        self._paused = False

    @property
    def watching(self) -> int | None:
        return self._watch.sale_id if self._watch else None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def polling(self) -> bool:
        return self._polling

    @property
    def failures(self) -> int:
        """Failed checks in a row (0 after any good answer)."""
        return self._failures

    def set_polling(self, polling: bool) -> None:
        """This till asks the upstream (it holds the shop's poller lock), or leaves that to another."""
        if polling == self._polling:
            return
        self._polling = polling
        if polling:
            self._failures = 0
            self._schedule(0)
        else:
            self._timer.stop()
            self._slow.stop()
            self._tasks.forget()

    def watch_shop(self, watches: tuple[Watch, ...]) -> None:
        """The other tills' sales waiting for money; asked for with this till's own, at its cadence."""
        idle = not self._shop and self._watch is None
        self._shop = watches
        if watches and idle and not self._timer.isActive() and not self._tasks.busy:
            self._schedule(0)

    def interval_ms(self) -> int:
        return max(200, int(self.choice.interval_s(self._fast_s, self._history_s) * 1000))

    def set_interval(self, seconds: float, history_seconds: float | None = None) -> None:
        self._fast_s = seconds
        if history_seconds is not None:
            self._history_s = history_seconds

    def set_session(self, session: Session | None) -> None:
        self._session = session
        if session is not None and self._paused:
            self._paused = False
            self._schedule(0)

    def reconfigure(self, factory: ClientFactory) -> None:
        self._tasks.reconfigure(factory)

    def watch(self, sale_id: int, nominal: int, created_at: datetime, claimed: set[str], *, delay_ms: int = 0) -> None:
        """Watch this sale (again): a settle the journal refused is retried by watching anew."""
        self._watch = Watch(sale_id, nominal, created_at)
        self._claimed = frozenset(claimed)
        self._failures = 0
        self._tasks.forget()
        self._schedule(delay_ms)

    def stop(self) -> None:
        """This till's own sale is no longer watched (the shop's waiting sales still are)."""
        self._watch = None
        self._timer.stop()
        self._slow.stop()
        self._tasks.forget()
        self._schedule(self.interval_ms())

    def shutdown(self) -> None:
        self._shop = ()
        self.stop()
        self._tasks.stop()

    def _schedule(self, delay_ms: int) -> None:
        if (self._watch is not None or self._shop) and not self._paused and self._polling:
            self._timer.start(delay_ms)

    def _poll(self) -> None:
        watch, shop, session = self._watch, self._shop, self._session
        if (watch is None and not shop) or not self._polling:
            return
        if session is None or self._tasks.busy:
            self._paused = session is None
            if not self._paused:
                self._schedule(self.interval_ms())
            return
        # A route the server paused is left alone; the next route of the order is asked meanwhile.
        candidates = self.choice.ready()
        if not candidates:
            self._schedule(int(self.choice.cooldown_left().total_seconds() * 1000) + 50)
            return
        # Payment times are the server's: compare them with the QR's moment on the server's clock, and
        # never take one stamped later than now there (plus the leeway): a row dated tomorrow is no payment.
        offset = self.server_clock.offset
        not_after = self._clock() + offset + FUTURE_LEEWAY
        terms = SaleTerms(watch.nominal, watch.created_at + offset, not_after=not_after) if watch else None
        claimed = self._claimed
        nominals = [w.nominal for w in (watch, *shop) if w is not None]
        gateway = self.choice.gateway if self.choice.current is Source.GATEWAY and self.choice.gateway.due() else None

        def job(client: OrkutClient | None) -> PollResult:
            client = client_required(client)
            try:
                served = sources.first_served(
                    candidates, lambda source: sources.payments_for(client, session, source, nominals)
                )
            finally:  # after the payments, whatever they gave: the label shows the gateway's own word
                if gateway is not None:
                    gateway.check(client, session)
            return PollResult(served, find_settlement(served.value, terms, claimed) if terms else None)

        self._tasks.call_api(job, lambda result: self._answered(watch, result), lambda exc: self._failed(watch, exc))
        self._slow.start(max(self.interval_ms(), 3000))

    def _still_waiting(self) -> None:
        if (self._watch is not None or self._shop) and self._tasks.busy:
            self._troubled = True
            self.trouble.emit("Server lambat menjawab. Pembayaran tetap diperiksa…")

    def _answered(self, watch: Watch | None, result: PollResult) -> None:
        self._slow.stop()
        if self.choice.record(result.served):
            self.source_changed.emit()
        if result.served.source in sources.HISTORY_SHAPED:
            self.entries_seen.emit(result.served.value)
        if self._failures or self._troubled:  # any answer, even for a sale that ended, clears it
            self._failures = 0
            self._troubled = False
            self.recovered.emit()
        if self._shop and result.served.value:
            self.shop_entries.emit(result.served.value)
        if watch is not None and self._watch == watch and result.match is not None:
            self.paid.emit(watch.sale_id, result.match)
            return
        if self._superseded(watch):
            return
        self._schedule(self.interval_ms())

    def _superseded(self, watch: Watch | None) -> bool:
        """The answer is for a watch replaced meanwhile: the newer one has its own schedule (or, with
        no sale of the shop left to ask for, nothing is scheduled)."""
        return self._watch != watch and (self._timer.isActive() or not self._shop)

    def _failed(self, watch: Watch | None, exc: Exception) -> None:
        self._slow.stop()
        source: Source | None = None
        error: Exception = exc
        if isinstance(exc, SourceFailedError):
            self.choice.record_missing(exc.missing)
            source, error = exc.source, exc.error
        if self._superseded(watch):
            return
        if isinstance(error, SessionExpiredError):
            self._paused = True
            self.session_expired.emit()
            return
        if isinstance(error, UnauthorizedError):
            self._paused = True  # retrying with the same key can only fail again
            self.key_refused.emit()
            return
        self._failures += 1
        message = message_for(error, "Koneksi bermasalah.")
        if isinstance(error, RateLimitedError):
            self.choice.cool_down(source or self.choice.order[0], error.cooldown_s)
            self.source_changed.emit()  # the label shows the cool-down
        # Another route may still be asked, at its own cadence; else wait for the first to wake.
        resting_s = self.choice.cooldown_left().total_seconds()
        interval_s = self.interval_ms() / 1000
        delay_s = sources.next_check_s(error, interval_s=interval_s, failures=self._failures, resting_s=resting_s)
        if not isinstance(error, ApiError):
            log.error("payment poll failed: %r", error)
        self._troubled = True
        self.trouble.emit(message)
        self._schedule(int(delay_s * 1000))
