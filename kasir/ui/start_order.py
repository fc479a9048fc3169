"""What runs when after the first paint: a sale first, everything it does not need soon after (issue 25).

Soon after (:func:`soon_after_able_to_sell`), or at once when a sale needs it sooner: the day's first
requests, the customer's screen and the mutasi table (Qt's enum namespace), receipts and the
warm-up, the rotating log, the garbage collector, and the journal's upkeep.

The journal's daily upkeep (statistics, checkpoint, the day's backup copy: a year of sales is 80 MB,
seconds on a shop PC's disk) ran on the sale loop's one worker, queued at start ahead of the login,
the account and the first QR. It now waits until a sale can begin and runs on a low-priority thread
of its own, with connections of its own, the copy in small steps (:mod:`kasir.backup`): it never
stands in the way of a QR, never on the GUI thread, and never holds the journal's write lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from kasir.backup import BackupStoppedError
from kasir.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kasir.till import Till
    from kasir.ui.controller import SaleController

log = logging.getLogger(__name__)

# Nobody logs in (the login dialog waits for the cashier, or the shop only reads its recap): the
# upkeep runs this long after the start all the same.
UPKEEP_AT_THE_LATEST_MS = 60_000
# What the first sale does not need (the list above) waits this long once a sale can begin: the
# cashier is reading the screen, and a Bayar pressed at once finds the event loop and the
# interpreter free.
AFTER_ABLE_TO_SELL_MS = 300


def when_able_to_sell(controller: SaleController, then: Callable[[], object]) -> None:
    """Call ``then`` once, on the GUI thread, as soon as Bayar would begin a sale: the keyring has
    answered and a QR can be made (logged in, or the shop's own QRIS for local QRs)."""
    if controller.can_sell:
        then()
        return
    called = False

    def check() -> None:
        nonlocal called
        if called or not controller.can_sell:
            return
        called = True
        controller.started.disconnect(check)
        controller.account_changed.disconnect(check)
        then()

    controller.started.connect(check)  # the keyring's answer: a stored account sells from here
    controller.account_changed.connect(check)  # a login (the demo's, or the cashier's)


def soon_after_able_to_sell(
    controller: SaleController, then: Callable[[], object], *, latest_ms: int | None = None
) -> None:
    """Call ``then`` :data:`AFTER_ABLE_TO_SELL_MS` after a sale can begin, or ``latest_ms`` after now
    (four times that by default) when nobody logs in (the login dialog waits for the cashier): once
    either way."""
    latest_ms = AFTER_ABLE_TO_SELL_MS * 4 if latest_ms is None else latest_ms
    done = False

    def once() -> None:
        nonlocal done
        if not done:
            done = True
            then()

    when_able_to_sell(controller, lambda: QTimer.singleShot(AFTER_ABLE_TO_SELL_MS, once))
    QTimer.singleShot(latest_ms, once)


class JournalUpkeep(QObject):
    """The day's upkeep of the journal, once, on a low-priority thread of its own (``upkeep``)."""

    finished = Signal(str)  # the line for the log; "" when it failed or was stopped

    def __init__(self, till: Till, day: date, *, backup: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._till, self._day, self._backup = till, day, backup
        self._stop = threading.Event()
        self._runner: TaskRunner | None = None
        self.done = False

    @property
    def started(self) -> bool:
        return self._runner is not None

    def schedule(self, controller: SaleController) -> None:
        """Start soon after a sale can begin, or :data:`UPKEEP_AT_THE_LATEST_MS` after now."""
        soon_after_able_to_sell(controller, self.start, latest_ms=UPKEEP_AT_THE_LATEST_MS)

    def start(self) -> None:
        if self._runner is not None or self._stop.is_set():  # stopped: the app closed meanwhile
            return
        self._runner = TaskRunner("upkeep", parent=self, priority=QThread.Priority.LowPriority)
        till, day, backup, stop = self._till, self._day, self._backup, self._stop.is_set

        def job() -> str:
            try:
                return till.upkeep(day, backup=backup, stop=stop)
            except BackupStoppedError:
                return "journal backup left unfinished: the app is closing"

        self._runner.call(job, self._finished, self._failed)

    def stop(self, wait_ms: int = 2_000) -> None:
        """At close: the copy stops at its next step (a few ms), its thread ends."""
        self._stop.set()
        if self._runner is not None:
            self._runner.stop(wait_ms)

    def _finished(self, line: str) -> None:
        self.done = True
        log.info("%s", line)
        self.finished.emit(line)

    def _failed(self, exc: Exception) -> None:
        self.done = True
        log.warning("journal upkeep: %r", exc)
        self.finished.emit("")
