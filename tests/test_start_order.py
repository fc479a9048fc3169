"""A sale first, the journal's bookkeeping after (issue 25): the day's backup copy of a year-old
journal (seconds on a shop PC's disk) never runs ahead of the login or a QR, never on the sale
loop's worker and never on the GUI thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from pytestqt.qtbot import QtBot

from kasir import backup
from kasir.journal_sqlite import SqliteJournal
from kasir.till import Till
from kasir.ui import start_order
from kasir.ui.main_window import MainWindow
from kasir.ui.start_order import JournalUpkeep, when_able_to_sell
from kasir.wib import now
from tests.gui_helpers import OpenApp, controller_of, open_app, start_sale, write_settings

__all__ = ["open_app"]  # fixtures


class SlowCopy:
    """The day's copy of a journal too big to copy quickly: it runs until the test lets it finish,
    and stops at its next step when the app closes, as kasir.backup.copy_in_steps does."""

    def __init__(self) -> None:
        self.began = threading.Event()
        self.release = threading.Event()
        self.thread = ""
        self.order: list[str] = []

    def __call__(self, journal: Path, target: Path, *, stop: Callable[[], bool], pause_s: float) -> None:
        self.thread = QThread.currentThread().objectName()
        self.order.append("backup began")
        self.began.set()
        while not self.release.wait(0.005):
            if stop():
                raise backup.BackupStoppedError("stopped")
        target.write_bytes(b"copy")


@pytest.fixture
def slow_copy(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowCopy]:
    copy = SlowCopy()
    monkeypatch.setattr(backup, "copy_in_steps", copy)
    yield copy
    copy.release.set()  # never leave the upkeep's thread waiting


def open_demo(open_app: OpenApp, tmp_path: Path, slow_copy: SlowCopy) -> MainWindow:
    """The demo on the day's first start: no backup copy of today yet, so the upkeep makes one."""
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    when_able_to_sell(controller_of(window), lambda: slow_copy.order.append("able to sell"))
    return window


def test_the_days_backup_begins_only_once_a_sale_can_begin_on_a_thread_of_its_own(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, slow_copy: SlowCopy
) -> None:
    window = open_demo(open_app, tmp_path, slow_copy)
    qtbot.waitUntil(slow_copy.began.is_set, timeout=10_000)
    assert slow_copy.order == ["able to sell", "backup began"]
    assert slow_copy.thread == "upkeep"  # neither the GUI thread nor the sale's worker ("api")
    assert controller_of(window).can_sell


def test_a_sale_gets_its_qr_while_the_backup_still_runs(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, slow_copy: SlowCopy
) -> None:
    window = open_demo(open_app, tmp_path, slow_copy)
    qtbot.waitUntil(slow_copy.began.is_set, timeout=10_000)
    start_sale(qtbot, window)  # the QR is made and shown: nothing of the upkeep stands before it
    assert controller_of(window).view.payload
    upkeep = controller_of(window).upkeep
    assert upkeep is not None and not upkeep.done
    with qtbot.waitSignal(upkeep.finished, timeout=10_000) as said:
        slow_copy.release.set()
    assert "sales" in said.args[0]  # the log's size line
    assert (tmp_path / "demo" / backup.FOLDER / backup.name_for(controller_of(window).clock().date())).exists()


def test_closing_during_the_backup_stops_it_and_leaves_no_days_copy(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, slow_copy: SlowCopy
) -> None:
    window = open_demo(open_app, tmp_path, slow_copy)
    qtbot.waitUntil(slow_copy.began.is_set, timeout=10_000)
    window.force_close()  # does not wait for the copy: it stops at its next step
    assert not list((tmp_path / "demo" / backup.FOLDER).glob("journal-*.sqlite3"))


class Controller(QObject):
    """What the upkeep asks of the sale loop: whether a sale can begin, and when that may change."""

    started = Signal()
    account_changed = Signal()
    can_sell = False


@pytest.fixture
def till(tmp_path: Path) -> Iterator[Till]:
    journal = SqliteJournal.in_dir(tmp_path)
    yield Till(journal, now)
    journal.close()


@pytest.mark.gui
def test_the_upkeep_runs_all_the_same_when_nobody_logs_in(
    qtbot: QtBot, till: Till, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(start_order, "UPKEEP_AT_THE_LATEST_MS", 50)
    upkeep = JournalUpkeep(till, date(2026, 11, 25), backup=True)
    with qtbot.waitSignal(upkeep.finished, timeout=10_000):
        upkeep.schedule(Controller())  # the login dialog waits for the cashier meanwhile
    assert (tmp_path / backup.FOLDER / "journal-2026-11-25.sqlite3").exists()
    upkeep.stop()


@pytest.mark.gui
def test_the_upkeep_waits_for_a_login_that_comes_later(qtbot: QtBot, till: Till) -> None:
    controller = Controller()
    upkeep = JournalUpkeep(till, date(2026, 11, 25), backup=False)
    upkeep.schedule(controller)
    controller.started.emit()  # the keyring answered, with no account: the login dialog asks
    QCoreApplication.processEvents()  # what that may have queued has run
    assert not upkeep.started
    controller.can_sell = True
    with qtbot.waitSignal(upkeep.finished, timeout=10_000):
        controller.account_changed.emit()  # logged in
    upkeep.stop()


def test_the_demo_starts_as_a_shop_does_every_morning_logged_in_with_no_otp_round_trip(
    open_app: OpenApp, tmp_path: Path
) -> None:
    """A shop's PC finds its token in the keyring; the demo's in-memory keyring holds one from its
    server the same way. The OTP login (Keluar, then Masuk) stays the demo's to show, not every start's."""
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    assert controller_of(window).can_sell  # no wait: nothing was asked of the server first
    sim = window.context.simulator  # type: ignore[attr-defined]
    assert sim.calls.get("/minta-otp", 0) == 0 and sim.calls.get("/valid-otp", 0) == 0


def test_receipts_and_the_warm_up_come_soon_after_a_sale_can_begin_not_ahead_of_it(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """QtPrintSupport and the printer list cost 25 ms of the GUI thread: a Bayar pressed as soon as
    the window is whole must not wait for them."""
    from PySide6.QtGui import QAction

    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    assert controller_of(window).can_sell
    QCoreApplication.processEvents()  # the event-loop turns right after the start
    assert window.findChild(QAction, "reprint_action") is None
    assert not controller_of(window).tasks.busy  # nothing queued ahead of the first QR
    qtbot.waitUntil(lambda: window.findChild(QAction, "reprint_action") is not None, timeout=5_000)


def test_the_first_requests_to_the_server_wait_until_soon_after_a_sale_can_begin(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """The account's name and QRIS and the day's mutasi are not what a Bayar needs. Asked at once,
    their workers import the HTTP client (50 ms of Python) while the GUI thread finishes the window:
    one interpreter, so the first sale waited ~20 ms for them. They go out soon after instead."""
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    assert controller.can_sell
    QCoreApplication.processEvents()  # the event-loop turns right after the start
    assert not controller.account.tasks.busy and not controller.panel.tasks.busy
    with qtbot.waitSignal(controller.panel.listed, timeout=10_000):  # the day's mutasi, soon after
        pass
    qtbot.waitUntil(lambda: bool(controller.account.shop_qris), timeout=10_000)  # read from the account


def test_a_sale_paid_before_receipts_came_is_printed_when_they_come(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kasir.ui import receipt_printing

    monkeypatch.setattr(start_order, "AFTER_ABLE_TO_SELL_MS", 3_000)  # the sale is quicker than that
    printed: list[int] = []
    monkeypatch.setattr(receipt_printing.ReceiptPrinter, "print_sale", lambda self, sale_id: printed.append(sale_id))
    write_settings(tmp_path / "demo", printer_kind="network", printer_target="127.0.0.1:9", auto_print=True)
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    start_sale(qtbot, window)
    controller = controller_of(window)
    window.context.simulator.pay(controller.view.nominal)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert printed == []  # receipts are not there yet
    qtbot.waitUntil(lambda: printed == [controller.view.sale_id], timeout=10_000)


def test_the_demos_server_answers_from_soon_after_a_sale_can_begin(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """The demo's server plays a remote one, there already: its HTTP machinery is built on its own
    thread once the window can sell, and what was asked before waits in its listening queue."""
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    sim = window.context.simulator  # type: ignore[attr-defined]
    assert controller_of(window).can_sell and sim.calls == {}  # the account was asked; nothing answered yet
    qtbot.waitUntil(lambda: sum(sim.calls.values()) > 0, timeout=10_000)
    start_sale(qtbot, window)  # and the first sale gets its QR from it
    assert controller_of(window).view.payload


def test_the_garbage_collector_waits_until_soon_after_a_sale_can_begin(tmp_path: Path) -> None:
    """The start creates ~45,000 objects (Qt's enums, the dataclasses, the widgets) and almost no
    garbage: Python's cyclic collector ran over them again and again (9 ms of the first sale's wait,
    5 ms of the first paint). It is off until soon after a sale can begin; then what the start built
    is set aside (gc.freeze), so a full collection during a sale walks only what came after."""
    import subprocess
    import sys

    code = f"""
import gc
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kasir.__main__ import main
app = QApplication([])
seen = []
def later():
    seen.extend([gc.isenabled(), gc.get_freeze_count() > 10_000])
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "main_window":
            widget.force_close()
    QApplication.quit()
QTimer.singleShot(0, lambda: seen.append(gc.isenabled()))  # the event loop's first turn: the first paint
QTimer.singleShot(3_000, later)
main(["--demo", "--data-dir", {str(tmp_path)!r}])
print("gc", *seen)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.split()[-4:] == ["gc", "False", "True", "True"]


def test_the_log_rotates_from_soon_after_a_sale_can_begin_and_keeps_every_line(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """logging.handlers (with pickle, socket and queue: 3-6 ms) is not what a Bayar needs: the start
    writes to the same file with logging's own FileHandler, and the rotating one takes over soon after."""
    import logging
    import logging.handlers

    from kasir import app

    def kasir_handler() -> logging.Handler:
        (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "kasir_log", False)]
        return handler

    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    assert type(kasir_handler()) is app.StartLog  # logging's own FileHandler
    logging.getLogger("kasir.test").warning("a line from the start")
    qtbot.waitUntil(lambda: isinstance(kasir_handler(), logging.handlers.RotatingFileHandler), timeout=10_000)
    logging.getLogger("kasir.test").warning("a line from the sale")
    kasir_handler().flush()
    text = (tmp_path / "demo" / "logs" / "kasir.log").read_text(encoding="utf-8")
    assert "a line from the start" in text and "a line from the sale" in text
    assert window.isVisible()


# What a Bayar does not need, loaded soon after a sale can begin (or at first use), never before:
# the HTTP client (its workers' import competed with the GUI thread), the rotating log, the keyring
# writer's queue, the daily limit's watch (the day's mutasi comes later) and the paid cue's WAV code.
# (socket.py is the demo server's, on its own thread from the moment a sale can begin: below.)
NOT_BEFORE_A_SALE = ("httpx", "logging.handlers", "queue", "kasir.daily_limit", "kasir.paid_sound", "zoneinfo")


def test_the_demos_server_listens_without_the_socket_modules_enums() -> None:
    """socket.py builds four enums at import (3 ms); the demo's server listens with the bare _socket
    from the start and imports it on its own thread, once it serves."""
    code = (
        "import sys; from kasir.simulator import OrkutSimulator; sim = OrkutSimulator();"
        " print('socket' in sys.modules, sim.url.startswith('http://127.0.0.1:')); sim.stop()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_a_start_loads_nothing_a_bayar_does_not_need_before_a_sale_can_begin(tmp_path: Path) -> None:
    """Also Qt's enum namespace (16 ms): the customer's window flags, the mutasi table's header and
    the menus' shortcuts made it; they come soon after (kasir.ui.qt_flags)."""
    code = f"""
import builtins, sys
import PySide6.QtCore as core
from kasir.__main__ import main
real_print, seen = builtins.print, []
def spy(*args, **kwargs):
    if args == ("READY",):
        seen.extend(m for m in {NOT_BEFORE_A_SALE!r} if m in sys.modules)
        seen.extend(["the Qt namespace"] if "Qt" in vars(core) else [])
    real_print(*args, **kwargs)
builtins.print = spy
main(["--demo", "--data-dir", {str(tmp_path)!r}, "--ready-probe"])
real_print("loaded-at-ready:", *seen)
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, check=True)
    assert out.stdout.split("loaded-at-ready:")[-1].split() == []


def test_the_customers_screen_goes_up_at_once_for_a_sale_begun_before_soon_after(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its window flags are Qt enums, so it goes up soon after a sale can begin; a Bayar pressed
    sooner puts it up with the sale, and the customer sees the QR."""
    monkeypatch.setattr(
        start_order, "AFTER_ABLE_TO_SELL_MS", 10_000
    )  # far longer than the sale takes, even on a slow CI
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    customer = window.customer
    assert not customer.isVisible()
    start_sale(qtbot, window)
    assert customer.isVisible() and customer.state == "awaiting"


def test_a_sale_begun_at_once_with_the_shops_qris_known_asks_for_its_qr_alone(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The day's mutasi and the account's name wait for their time even then: asked with the first
    QR, their workers would compete with it for the interpreter."""
    write_settings(tmp_path / "demo")
    first = open_app(["--demo", "--data-dir", str(tmp_path)])
    qtbot.waitUntil(lambda: bool(controller_of(first).shop_qris), timeout=10_000)  # learned, and kept
    first.force_close()
    monkeypatch.setattr(
        start_order, "AFTER_ABLE_TO_SELL_MS", 10_000
    )  # far longer than the sale takes, even on a slow CI
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    assert controller.shop_qris
    start_sale(qtbot, window)
    sim = window.context.simulator  # type: ignore[attr-defined]
    assert controller.view.payload and sim.calls.get("/mutasi", 0) == 0
    assert not controller.panel.busy and not controller.account.tasks.busy
