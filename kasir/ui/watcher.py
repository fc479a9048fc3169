"""Polls the payment status of the sale awaiting payment, off the GUI thread.

Network trouble slows polling down (backoff) and says so, a rate limit waits out its
cool-down, an expired session pauses polling until a new token arrives. The sale itself
is never dropped by anything that happens here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from kasir.api import MutasiEntry, OrkutClient, Session
from kasir.errors import ApiError, RateLimitedError, SessionExpiredError, UnauthorizedError
from kasir.matching import SaleTerms, find_settlement
from kasir.ui.tasks import ClientFactory, TaskRunner

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class Watch:
    sale_id: int
    nominal: int
    created_at: datetime


class PaymentWatcher(QObject):
    paid = Signal(int, object)  # sale id, MutasiEntry
    trouble = Signal(str)  # cashier-facing message; polling goes on
    recovered = Signal()
    session_expired = Signal()

    def __init__(self, factory: ClientFactory, interval_s: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = TaskRunner("payment-watcher", factory, self)
        self._interval_ms = int(interval_s * 1000)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)
        self._watch: Watch | None = None
        self._session: Session | None = None
        self._claimed: frozenset[str] = frozenset()
        self._failures = 0
        self._paused = False

    @property
    def watching(self) -> int | None:
        return self._watch.sale_id if self._watch else None

    def set_interval(self, seconds: float) -> None:
        self._interval_ms = max(200, int(seconds * 1000))

    def set_session(self, session: Session | None) -> None:
        self._session = session
        if session is not None and self._paused:
            self._paused = False
            self._schedule(0)

    def reconfigure(self, factory: ClientFactory) -> None:
        self._tasks.reconfigure(factory)

    def watch(self, sale_id: int, nominal: int, created_at: datetime, claimed: set[str]) -> None:
        self._watch = Watch(sale_id, nominal, created_at)
        self._claimed = frozenset(claimed)
        self._failures = 0
        self._tasks.forget()
        self._schedule(0)

    def stop(self) -> None:
        self._watch = None
        self._timer.stop()
        self._tasks.forget()

    def shutdown(self) -> None:
        self.stop()
        self._tasks.stop()

    def _schedule(self, delay_ms: int) -> None:
        if self._watch is not None and not self._paused:
            self._timer.start(delay_ms)

    def _poll(self) -> None:
        watch, session = self._watch, self._session
        if watch is None:
            return
        if session is None or self._tasks.busy:
            self._paused = session is None
            if not self._paused:
                self._schedule(self._interval_ms)
            return
        terms, claimed = SaleTerms(watch.nominal, watch.created_at), self._claimed

        def job(client: OrkutClient | None) -> MutasiEntry | None:
            assert client is not None
            return find_settlement(client.payment_status(session, watch.nominal), terms, claimed)

        self._tasks.call(job, lambda entry: self._answered(watch, entry), lambda exc: self._failed(watch, exc))

    def _answered(self, watch: Watch, entry: MutasiEntry | None) -> None:
        if self._watch != watch:
            return
        if self._failures:
            self._failures = 0
            self.recovered.emit()
        if entry is not None:
            self.paid.emit(watch.sale_id, entry)
            return
        self._schedule(self._interval_ms)

    def _failed(self, watch: Watch, exc: Exception) -> None:
        if self._watch != watch:
            return
        if isinstance(exc, SessionExpiredError):
            self._paused = True
            self.session_expired.emit()
            return
        self._failures += 1
        message = getattr(exc, "user_message", "Koneksi bermasalah.")
        if isinstance(exc, RateLimitedError):
            delay_s = exc.cooldown_s
        elif isinstance(exc, UnauthorizedError):
            delay_s = MAX_BACKOFF_S
        else:
            delay_s = min(MAX_BACKOFF_S, self._interval_ms / 1000 * 2 ** min(self._failures, 5))
        if not isinstance(exc, ApiError):
            log.error("payment poll failed: %r", exc)
        self.trouble.emit(message)
        self._schedule(int(delay_s * 1000))
