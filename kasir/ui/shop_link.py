"""A till in a shop of several, wired: which till polls, what the other tills wrote, the server's reach.

Only with a shared journal (PostgreSQL; :mod:`kasir.journal_pg`). Every couple of seconds, on a
worker of its own (each call may wait for the network), the link reaches the journal's server,
holds the shop's poller lock when this till may poll (logged in, and its checks of the upstream
not failing again and again) and asks which till holds it. The listener's news ("sale:12",
"payments", "lost", "back") comes to the GUI thread as :attr:`ShopLink.heard`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kasir.journal import Journal, JournalError, JournalUnreachableError, Listener, PollerLock
from kasir.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

ELECTION_INTERVAL_MS = 2_000  # a dead poller is replaced within this (plus the server noticing)
STEP_DOWN_S = 30.0  # a till whose checks keep failing leaves the polling to another this long
CONNECTING = "Menghubungi jurnal bersama (PostgreSQL)…"


@dataclass(frozen=True)
class ShopState:
    reachable: bool
    polling: bool  # this till holds the poller lock
    poller: str  # the name of the till that polls ("" when none does, or it cannot be told)
    problem: str = ""  # why the journal is out of reach, for the banner

    @property
    def banner(self) -> str:
        return "" if self.reachable else self.problem or JournalUnreachableError.default_message


NAMESAKE = (
    "Nama kasir '{name}' sudah dipakai kasir lain yang sedang berjalan. Tiap kasir perlu nama sendiri:"
    " ganti di Pengaturan → Jurnal bersama (Nama kasir ini), lalu buka lagi Kasir QRIS. Penjualan di kasir"
    " ini dijeda."
)


class ShopLink(QObject):
    changed = Signal()  # reachable, polling or poller changed
    elected = Signal()  # an election's answer is in (changed or not): the sale loop's chance to catch up
    heard = Signal(str)  # what another till wrote, on the GUI thread

    def __init__(self, journal: Journal, listener: Listener, counter: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journal = journal
        self._counter = counter
        self._listener = listener
        self._lock: PollerLock = journal.poller_lock()
        self._tasks = TaskRunner("shop", parent=self)
        self._timer = QTimer(self)
        self._timer.setInterval(ELECTION_INTERVAL_MS)
        self._timer.timeout.connect(self.elect)
        # Until the first election has reached the server (on the worker, never at the first frame).
        self.state = ShopState(journal.reachable, polling=False, poller="", problem=CONNECTING)
        self.may_poll: Callable[[], bool] = lambda: True
        self._stepped_down_until = 0.0

    @property
    def reachable(self) -> bool:
        return self.state.reachable

    @property
    def polling(self) -> bool:
        return self.state.polling

    def start(self) -> None:
        """Once the keyring has answered (the journal's password may be there)."""
        if self._timer.isActive():
            return
        self._listener.start(self._hear)
        self._timer.start()
        self.elect()

    def _hear(self, news: str) -> None:
        """On the listener's thread: Qt queues the signal to this object's (the GUI) thread."""
        with contextlib.suppress(RuntimeError):  # the link went with its window while the listener stopped
            self.heard.emit(news)

    def step_down(self) -> None:
        """This till's checks of the upstream keep failing: another till polls for a while."""
        log.warning("polling for the shop handed over: the upstream keeps failing here")
        self._stepped_down_until = time.monotonic() + STEP_DOWN_S
        self.elect()

    def lost(self) -> None:
        """The listener lost the server: the journal refuses at once from now on (no call waits on a
        dead connection), and the counter says so (the next elections tell when it is back)."""
        self._journal.mark_down()
        if self.state.reachable:
            self._apply(ShopState(False, polling=False, poller=""))

    def elect(self) -> None:
        if self._tasks.busy:
            return
        journal, lock, name = self._journal, self._lock, self._counter
        wants = self.may_poll() and time.monotonic() >= self._stepped_down_until

        def job() -> ShopState:
            try:
                reached = journal.probe()
            except JournalError as exc:  # reached and refused: a password, another shop's journal, a newer schema
                lock.release()
                return ShopState(False, polling=False, poller="", problem=exc.user_message)
            if not reached:
                lock.release()
                return ShopState(False, polling=False, poller="")
            if lock.namesake_running():  # two tills of one name would take each other's sales for their own
                lock.release()
                return ShopState(False, polling=False, poller=lock.holder(), problem=NAMESAKE.format(name=name))
            if wants:
                lock.try_hold()
            else:
                lock.release()
            return ShopState(True, polling=lock.held, poller=lock.holder())

        self._tasks.call(job, self._set, lambda exc: log.warning("shop election failed: %r", exc))

    def _set(self, state: ShopState) -> None:
        self._apply(state)
        self.elected.emit()

    def _apply(self, state: ShopState) -> None:
        if state != self.state:
            if state.reachable != self.state.reachable:
                log.warning("shared journal %s", "reachable again" if state.reachable else "NOT reachable")
            if state.polling != self.state.polling:
                log.info("this till %s for the shop", "polls" if state.polling else "no longer polls")
            self.state = state
            self.changed.emit()

    def stop(self) -> None:
        self._timer.stop()
        self._listener.stop(timeout_s=1.0)
        if self._tasks.stop():  # an election still waiting on a dead server keeps the lock: not touched
            self._lock.close()  # the session ends: another till takes over at its next election
