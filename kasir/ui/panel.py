"""The side panel's list of today's payments, refreshed off the GUI thread through whichever route serves.

The list goes to the checkout first (it journals every payment and settles what it pays: a second
way to see the money) and then onto the table, with each row's mark from the till. The history is
the upstream's rate-limited menu: it is never asked again sooner than its cadence allows, and what
the payment watcher brought anyway is used instead of asking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from kasir import sources
from kasir.errors import RateLimitedError, SessionExpiredError, UnauthorizedError, message_for
from kasir.journal import Settlement
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MutasiEntry, Session
from kasir.settings import Settings
from kasir.source_status import seconds_text, wait_text
from kasir.sources import Served, SourceChoice, SourceFailedError
from kasir.ui.mutasi_model import MutasiModel
from kasir.ui.tasks import ClientFactory, TaskRunner, client_required
from kasir.wib import WIB, Clock

log = logging.getLogger(__name__)


# While a QR waits on a route that lists only its exact nominal, the day's list is read this often.
AWAITING_LIST_S = 10.0


class MutasiPanel(QObject):
    listed = Signal(object)  # list[MutasiEntry]: a fresh list, before it is shown
    changed = Signal()  # the table shows a new list
    trouble = Signal(str)  # "" when the last refresh answered
    notice = Signal(str, str)
    sources_changed = Signal()
    session_expired = Signal()
    key_refused = Signal()

    def __init__(
        self,
        choice: SourceChoice,
        settings: Callable[[], Settings],
        session: Callable[[], Session | None],
        marks: Callable[[Iterable[str]], dict[str, Settlement]],
        clock: Clock,
        factory: ClientFactory,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.choice, self._settings, self._session, self._marks, self.clock = choice, settings, session, marks, clock
        self.model = MutasiModel()
        # Its own worker: a hung refresh must never hold up a QR or a payment poll.
        self.tasks = TaskRunner("mutasi", factory, self)
        self.busy = False
        self.history_at: datetime | None = None  # when the history was last read (by anyone)
        # In a shop of several tills only the polling one asks the upstream; the others show what the
        # shared journal holds (the polling till writes every row it sees there).
        self.polling = True
        self.from_journal: Callable[[], list[MutasiEntry]] | None = None
        self._read_again = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self.awaiting = False  # a QR waits at the counter: money near its nominal is news (see restart_timer)

    def start(self) -> None:
        self.restart_timer()

    def stop(self) -> None:
        self._timer.stop()
        self.tasks.stop()

    def restart_timer(self) -> None:
        # The history is the upstream's rate-limited "QRIS merchant" menu: never faster than its floor.
        settings = self._settings()
        seconds = settings.mutasi_interval_s
        if self.choice.current in sources.HISTORY_SHAPED:
            seconds = max(seconds, settings.history_interval)
        elif self.awaiting:
            # The payment route asks for the exact nominal only: money paid without the kode unik is
            # seen in this list alone, and the cashier should hear of it while the customer is there.
            seconds = min(seconds, AWAITING_LIST_S)
        self._timer.start(int(seconds * 1000))

    def set_awaiting(self, awaiting: bool) -> None:
        if awaiting != self.awaiting:
            self.awaiting = awaiting
            if self._timer.isActive():
                self.restart_timer()

    def refresh(self) -> bool:
        """Ask for the list; False when nothing was asked (busy, just read, or paused)."""
        if not self.polling and self.from_journal is not None:
            return self._read_journal(self.from_journal)
        session = self._session()
        if session is None or self.busy:
            return False
        history_age = self.clock() - self.history_at if self.history_at else None
        if (
            self.choice.current in sources.HISTORY_SHAPED
            and history_age is not None
            and history_age.total_seconds() < self._settings().history_interval
        ):
            return False  # the history was read a moment ago; asking again invites "terlalu sering"
        candidates = self.choice.ready()  # a route the server paused is left alone
        if not candidates:
            self.sources_changed.emit()
            return False
        self.busy = True

        def job(client: OrkutClient | None) -> Served[list[MutasiEntry]]:
            client = client_required(client)
            return sources.first_served(candidates, lambda source: sources.panel_from(client, session, source))

        self.tasks.call_api(job, self._served, self._failed)
        return True

    def _read_journal(self, read: Callable[[], list[MutasiEntry]]) -> bool:
        if self.busy:
            self._read_again = True  # news came while reading: one more read, not a lost one
            return False
        self.busy = True

        def shown(entries: list[MutasiEntry]) -> None:
            self.busy = False
            self.trouble.emit("")
            self.show(entries)
            if self._read_again:
                self._read_again = False
                self._read_journal(read)

        def failed(exc: Exception) -> None:
            self.busy = False
            self.trouble.emit(message_for(exc, "Mutasi gagal dimuat dari jurnal bersama."))

        self.tasks.call(read, shown, failed)
        return True

    def refresh_now(self, payments: SourceChoice | None) -> None:
        """F5 / Muat ulang: as :meth:`refresh`, and the cashier is told why when nothing can be asked."""
        resting = {"mutasi": self.choice.cooldown_left()}
        if payments is not None:  # payments are being watched: their routes' pauses count too
            resting["pembayaran"] = payments.cooldown_left()
        paused = [what for what, left in resting.items() if left > timedelta(0)]
        signed_in = self._session() is not None
        if signed_in and paused:
            left = min(resting[what] for what in paused)
            self.notice.emit("warn", f"Server meminta jeda, cek {' dan '.join(paused)} lagi dalam {wait_text(left)}.")
        if not self.refresh() and signed_in and "mutasi" not in paused:
            every = seconds_text(self._settings().history_interval)
            self.notice.emit(
                "info",
                "Mutasi sedang dimuat…"
                if self.busy
                else f"Mutasi baru saja dimuat; riwayat dicek paling cepat tiap {every}.",
            )

    def _served(self, served: Served[list[MutasiEntry]]) -> None:
        self.busy = False
        self.trouble.emit("")
        if self.choice.record(served):
            self.restart_timer()
            self.sources_changed.emit()
        if served.source in sources.HISTORY_SHAPED:
            self.history_at = self.clock()
        self.listed.emit(served.value)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        error = exc.error if isinstance(exc, SourceFailedError) else exc
        if isinstance(exc, SourceFailedError):
            self.choice.record_missing(exc.missing)
            if isinstance(error, RateLimitedError):
                self.choice.cool_down(exc.source, error.cooldown_s)
                self.sources_changed.emit()
        if isinstance(error, SessionExpiredError):
            self.session_expired.emit()
        elif isinstance(error, UnauthorizedError):
            self.key_refused.emit()
        else:
            self.trouble.emit(message_for(error, "Mutasi gagal dimuat."))

    def history_seen(self, entries: list[MutasiEntry]) -> bool:
        """The watcher brought the history anyway: True when the panel uses it instead of asking."""
        self.history_at = self.clock()
        return self.choice.current in sources.HISTORY_SHAPED or self.choice.current is None

    def show(self, entries: list[MutasiEntry] | None = None) -> None:
        """Today's rows on the table, each with the sale it settled (marks for the rows shown only)."""
        current = self.model.entries if entries is None else entries
        today = self.clock().astimezone(WIB).date()
        shown = [e for e in current if e.date.astimezone(WIB).date() == today]
        self.model.set_entries(shown, self._marks(e.key for e in shown), today)
        self.changed.emit()
