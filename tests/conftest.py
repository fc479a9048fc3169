from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Two offscreen screens, so the customer display has a second monitor to go to.
_SCREENS = Path(__file__).parent / "data" / "screens.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREENS}"

from kasir.journal_sql import SqlJournal  # noqa: E402
from kasir.journal_sqlite import SqliteJournal  # noqa: E402
from kasir.orkut.client import OrkutClient  # noqa: E402 - after QT_QPA_PLATFORM
from kasir.orkut.types import MerchantCode, Session  # noqa: E402
from kasir.simulator import DEMO_API_KEY, OrkutSimulator  # noqa: E402
from tests.postgres import PostgresServer, binaries  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _workers_follow_the_tracer() -> None:
    """Branch coverage of code that runs in background jobs: coverage installs its tracer with
    ``threading.settrace``, which a QThread (not started by ``threading``) never sees. Each job
    adopts it on its worker, here in the tests: in a shop there is no tracer, and the app carries no
    code for one. (The job is data handed to the worker's own slot, so it runs on the worker.)"""
    import sys
    import threading

    from kasir.ui import tasks

    tracer = threading.gettrace()
    if tracer is None:
        return
    call_api = tasks.TaskRunner.call_api

    def call_api_traced(self: tasks.TaskRunner, job: tasks.Job, *args: Any, **kwargs: Any) -> int:
        def traced(client: object) -> object:
            if sys.gettrace() is None:
                sys.settrace(tracer)
            return job(client)  # type: ignore[arg-type]

        return call_api(self, traced, *args, **kwargs)

    tasks.TaskRunner.call_api = call_api_traced  # type: ignore[method-assign]


_workers_follow_the_tracer()
VECTORS = ROOT.parent / "shared" / "qris" / "vectors.json"
LOCAL_VECTORS = Path(__file__).parent / "data" / "qris_vectors.json"


def load_vectors() -> list[dict[str, Any]]:
    """The shared vectors when the checkout sits beside shared/, else the copy kept in tests/data."""
    path = VECTORS if VECTORS.exists() else LOCAL_VECTORS
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL for the whole run (tests/postgres.py); never skipped under CI."""
    bindir = binaries()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing; .ci/run installs it (Debian: postgresql)")
        pytest.skip("needs PostgreSQL (Debian: apt-get install postgresql); .ci/run installs it")
    server = PostgresServer(bindir).start()
    yield server
    server.drop()


@pytest.fixture
def pg_dsn(postgres_server: PostgresServer) -> str:
    """A new, empty database of the test's own on the tests' PostgreSQL server."""
    return postgres_server.dsn(postgres_server.create_database())


# ---- the journal on every engine: one parametrized fixture ----------------------------------

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_journal(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], SqlJournal]]:
    """Opens (and opens again: a restart) one journal on the test's engine; all closed afterwards."""
    opened: list[SqlJournal] = []
    if engine == "sqlite":

        def factory() -> SqlJournal:
            opened.append(SqliteJournal.in_dir(tmp_path))
            return opened[-1]

    else:
        from kasir.journal_pg import PostgresJournal

        dsn = request.getfixturevalue("pg_dsn")

        def factory() -> SqlJournal:
            opened.append(PostgresJournal(dsn, merchant="1234567"))
            return opened[-1]

    yield factory
    for journal in opened:
        journal.close()


@pytest.fixture
def journal(open_journal: Callable[[], SqlJournal]) -> SqlJournal:
    """A new, empty journal on each engine (modules that need a file of their own define their own)."""
    return open_journal()


@pytest.fixture
def sim() -> Iterator[OrkutSimulator]:
    with OrkutSimulator() as server:
        yield server


@pytest.fixture
def client(sim: OrkutSimulator) -> Iterator[OrkutClient]:
    with OrkutClient(sim.url, DEMO_API_KEY, connect_timeout=1.0, read_timeout=1.0) as c:
        yield c


@pytest.fixture
def session(sim: OrkutSimulator) -> Session:
    return Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))


# ---- a GUI test must not leave a thread or a timer running (napari's leak-catching conftest) -----


@pytest.fixture(autouse=True)
def _no_running_threads_or_timers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails a GUI test that leaves a QThread running or a QTimer active once its windows closed.

    Set up before every other fixture, so it checks after open_app and qtbot have closed theirs.
    A test that must leave one running says why with ``@pytest.mark.leaves_threads``.
    """
    if "qtbot" not in request.fixturenames and "open_app" not in request.fixturenames:
        yield
        return
    import weakref

    import shiboken6
    from PySide6.QtCore import QThread, QTimer

    threads: weakref.WeakSet[QThread] = weakref.WeakSet()
    timers: weakref.WeakSet[QTimer] = weakref.WeakSet()
    thread_start, timer_start = QThread.start, QTimer.start

    def track_thread(self: QThread, *args: Any) -> None:
        threads.add(self)
        thread_start(self, *args)

    def track_timer(self: QTimer, *args: Any) -> None:
        timers.add(self)
        timer_start(self, *args)

    QThread.start = track_thread  # type: ignore[method-assign]
    QTimer.start = track_timer  # type: ignore[method-assign]
    try:
        yield
    finally:
        QThread.start = thread_start  # type: ignore[method-assign]
        QTimer.start = timer_start  # type: ignore[method-assign]
    if request.node.get_closest_marker("leaves_threads"):
        return
    running = [t.objectName() or "QThread" for t in threads if shiboken6.isValid(t) and t.isRunning()]
    active = [
        f"{t.parent().__class__.__name__ if t.parent() else '?'} timer"
        for t in timers
        if shiboken6.isValid(t) and t.isActive()
    ]
    assert not running, f"threads still running after the test: {running}"
    assert not active, f"timers still active after the test: {active}"
