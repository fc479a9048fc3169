"""One way to run blocking work: a worker object on its own QThread, results back by signal.

A runner for the server owns one long-lived API client (keep-alive), made on its own thread, and
hands it to the jobs that ask for it (:meth:`TaskRunner.call_api`); other jobs (the printer, the
recap, a QR check) take nothing (:meth:`TaskRunner.call`). Every exception is caught and handed back
to the GUI thread; a worker never dies silently, and a callback that raises is a log line.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from kasir.errors import KasirError, NotLoggedInError
from kasir.orkut.client import OrkutClient

log = logging.getLogger(__name__)

ClientFactory = Callable[[], OrkutClient | None]
Job = Callable[[OrkutClient | None], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[Exception], None]
T = TypeVar("T")


def client_required(client: OrkutClient | None) -> OrkutClient:
    """The worker's client, or the cashier's "not logged in" error when no API key is stored."""
    if client is None:
        raise NotLoggedInError("no API key stored")
    return client


@dataclass(frozen=True)
class _Outcome:
    # One wrapper object per answer: PySide6 mis-counts references when a bare None
    # crosses threads as an ``object`` signal argument (fatal "none_dealloc").
    result: Any
    error: Exception | None


class _Worker(QObject):
    done = Signal(int, object)  # request id, _Outcome

    def __init__(self, factory: ClientFactory) -> None:
        super().__init__()
        self._factory = factory
        self._client: OrkutClient | None = None
        self._client_made = False

    @Slot(int, object)
    def run(self, request_id: int, job: Job) -> None:
        try:
            if not self._client_made:
                self._client = self._factory()
                self._client_made = True
            result = job(self._client)
        except Exception as exc:
            if isinstance(exc, KasirError):  # told to the cashier; the log says what it was, no secret in it
                log.warning("%s: %r", self.thread().objectName() or "worker", exc)
            else:  # a bug, not a told failure: keep its traceback
                log.exception("background job failed")
            self.done.emit(request_id, _Outcome(None, exc))
            return
        self.done.emit(request_id, _Outcome(result, None))

    @Slot(object)
    def reconfigure(self, factory: ClientFactory) -> None:
        self.close_client()
        self._factory = factory

    def abort(self) -> None:
        """Called from the GUI thread at shutdown: cut a request that hangs on the network."""
        client = self._client
        if client is not None:
            client.abort()

    @Slot()
    def close_client(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None
        self._client_made = False


class TaskRunner(QObject):
    """Runs jobs one after another on a dedicated thread; callbacks run on the GUI thread."""

    succeeded = Signal()  # a job whose answer is still wanted finished without an error
    _submit = Signal(int, object)
    _reconfigure = Signal(object)
    _close = Signal()

    def __init__(
        self,
        name: str,
        factory: ClientFactory = lambda: None,
        parent: QObject | None = None,
        *,
        priority: QThread.Priority = QThread.Priority.InheritPriority,
    ) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._pending: dict[int, tuple[OnDone, OnError | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker(factory)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._reconfigure.connect(self._worker.reconfigure)
        self._close.connect(self._worker.close_client)
        self._worker.done.connect(self._finished)
        self._thread.start(priority)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def call(self, job: Callable[[], T], on_done: Callable[[T], None], on_error: OnError | None = None) -> int:
        """Run ``job`` on the worker; ``on_done`` gets its result, typed as the job returns it."""
        return self.call_api(lambda _client: job(), on_done, on_error)

    def call_api(
        self, job: Callable[[OrkutClient | None], T], on_done: Callable[[T], None], on_error: OnError | None = None
    ) -> int:
        """As :meth:`call`, for a job that talks to the server: it gets the worker's client (None
        when no API key is stored: :func:`client_required` says so to the cashier)."""
        request_id = next(self._ids)
        self._pending[request_id] = (on_done, on_error)
        self._submit.emit(request_id, job)
        return request_id

    def forget(self) -> None:
        """Drop the callbacks of jobs still running: their answers no longer matter."""
        self._pending.clear()

    def reconfigure(self, factory: ClientFactory) -> None:
        self._reconfigure.emit(factory)

    @Slot(int, object)
    def _finished(self, request_id: int, outcome: _Outcome) -> None:
        callbacks = self._pending.pop(request_id, None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        try:
            if outcome.error is None:
                self.succeeded.emit()
                on_done(outcome.result)
            elif on_error is not None:
                on_error(outcome.error)
            else:
                log.error("unhandled background error: %r", outcome.error)
        except Exception:
            # A bug in what handles an answer: Qt would print it to stderr only and the work behind it
            # (the day's refresh) would silently stop. It goes to the log with its traceback instead.
            log.exception("handling the answer of a %s job failed", self._thread.objectName() or "background")

    def stop(self, wait_ms: int = 2_000) -> bool:
        """End the thread: a job hung on the network is cut (its socket shut down), the client is
        closed, and the wait is bounded, so closing the app never waits for a server."""
        self.forget()
        self._worker.abort()
        self._close.emit()
        self._thread.quit()
        finished = self._thread.wait(wait_ms)
        if not finished:
            log.error("thread %s did not stop in %d ms", self._thread.objectName(), wait_ms)
        return bool(finished)


# ---- letting go of many objects without a stall -----------------------------------------

PER_TURN = 500  # objects freed per event-loop turn: well under a millisecond for a sale and its fields
_releasing: list[object] = []


def release_in_pieces(items: Iterable[object]) -> None:
    """On the GUI thread: let go of many objects a few hundred per event-loop turn.

    Dropping a busy day's 10,000 sales in one go (a closed Rekap harian) freed every one of them and
    their fields in that turn: ~7 ms of GUI thread. Whatever else still refers to an item keeps it."""
    idle = not _releasing
    _releasing.extend(items)
    if idle and _releasing:
        QTimer.singleShot(0, _release_some)


def _release_some() -> None:
    del _releasing[-PER_TURN:]
    if _releasing:
        QTimer.singleShot(0, _release_some)
