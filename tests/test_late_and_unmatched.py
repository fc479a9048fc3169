"""Money that comes late or matches nothing is never dropped: late settlement, manual attachment."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir import wib
from kasir.journal import JournalError
from kasir.journal_sqlite import FILENAME
from kasir.matching import DEFAULT_GRACE
from kasir.simulator import OrkutSimulator
from kasir.ui.attach_dialog import AttachDialog
from tests.gui_helpers import (
    MemoryKeyring,
    OpenApp,
    cancel_sale,
    controller_of,
    demo,
    memory_keyring,
    mutasi_notes,
    open_app,
    refresh_mutasi,
    seed_account,
    select_mutasi_row,
    set_clock,
    sim_of,
    start_sale,
    wait_for_polls,
)

__all__ = ["memory_keyring", "open_app"]  # fixtures


def test_money_after_expiry_settles_the_sale_as_late_and_alerts_the_cashier(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    sale_id, nominal, expires = controller.view.sale_id, controller.view.nominal, controller.view.expires_at
    assert expires is not None
    set_clock(controller, lambda: expires + timedelta(seconds=31))  # the QR's time is up
    qtbot.waitUntil(lambda: controller.view.state == "expired", timeout=10_000)
    sim_of(window).pay(nominal, brand="ShopeePay", at=expires + timedelta(seconds=30))  # after the expiry
    refresh_mutasi(qtbot, window)
    sale = controller.till.journal.get(sale_id)
    assert sale.state == "paid" and sale.late and not sale.manual and sale.brand == "ShopeePay"
    assert window.late_alert.isVisible()
    assert f"#{sale_id}" in window.late_label.text() and "terlambat" in window.late_label.text()
    assert f"#{sale_id}" not in window.notice_label.text()  # said once, in the alert that stays (issue 24)
    assert window.sale_state.text() == "LUNAS (terlambat)"
    assert mutasi_notes(window)[0] == f"✓ Penjualan #{sale_id} (terlambat)"
    qtbot.mouseClick(window.late_dismiss_button, Qt.MouseButton.LeftButton)
    assert not window.late_alert.isVisible()


def test_money_after_a_cancel_settles_the_sale_as_late(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    sale_id = controller.view.sale_id
    cancel_sale(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # back to idle: the late alert must not need the sale on screen
    sim_of(window).pay(
        controller.till.journal.get(sale_id).nominal, at=wib.now() + timedelta(seconds=2)
    )  # after the cancel
    refresh_mutasi(qtbot, window)
    assert controller.till.journal.get(sale_id).state == "paid" and controller.till.journal.get(sale_id).late
    assert controller.view.state == "idle"
    assert window.late_alert.isVisible()


def test_an_older_payment_of_the_same_amount_never_settles_an_ended_sale(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    # Older by two hours, but today in WIB where it can be: "Mutasi hari ini" lists today only, so
    # from 00:00 to 00:07 WIB (no room for an older payment today) it is yesterday's and not listed.
    now = wib.now()
    today_so_far = now - wib.day_bounds(now.date())[0] - timedelta(minutes=1)
    older = min(timedelta(hours=2), today_so_far)
    listed = older > DEFAULT_GRACE + timedelta(minutes=1)
    sim_of(window).pay(25_001, at=now - (older if listed else timedelta(hours=2)))
    start_sale(qtbot, window)
    assert controller.view.nominal == 25_001
    cancel_sale(qtbot, window)
    refresh_mutasi(qtbot, window)
    assert controller.till.journal.get(controller.view.sale_id).state == "cancelled"
    assert mutasi_notes(window) == (["Tidak cocok"] if listed else [])
    assert not window.late_alert.isVisible()


def test_one_late_payment_settles_only_one_ended_sale(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    first = controller.view.sale_id
    cancel_sale(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    start_sale(qtbot, window)
    cancel_sale(qtbot, window)
    sim_of(window).pay(controller.till.journal.get(first).nominal)
    refresh_mutasi(qtbot, window)
    refresh_mutasi(qtbot, window)
    states = [s.state for s in controller.till.journal.sales_on(wib.today())]
    assert states == ["paid", "cancelled"]


def test_a_wrong_amount_is_marked_unmatched_and_can_be_attached_by_hand(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    sale_id = controller.view.sale_id
    qtbot.mouseClick(window.simulate_wrong_button, Qt.MouseButton.LeftButton)  # pays Rp 25.000, not 25.001
    wait_for_polls(qtbot, sim, 2)
    refresh_mutasi(qtbot, window)
    assert mutasi_notes(window) == ["Tidak cocok"]
    assert not window.attach_button.isEnabled()
    select_mutasi_row(window, 0)
    assert window.attach_button.isEnabled()
    qtbot.mouseClick(window.attach_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(AttachDialog, "attach_dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.sales_list.count() == 1 and not dialog.ok_button.isEnabled()
    dialog.sales_list.setCurrentRow(0)
    assert "kurang Rp 1" in dialog.summary.text()
    assert not dialog.ok_button.isEnabled()  # choosing is not confirming
    dialog.confirm.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    sale = controller.till.journal.get(sale_id)
    assert sale.state == "paid" and sale.manual and sale.paid_amount == 25_000 and sale.nominal == 25_001
    assert controller.view.state == "paid" and window.customer.property("state") == "paid"
    assert controller.watcher.watching is None
    assert mutasi_notes(window) == [f"✓ Penjualan #{sale_id} (manual)"]
    assert not window.attach_button.isEnabled()


def test_a_cancelled_attachment_changes_nothing(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    cancel_sale(qtbot, window)
    sim_of(window).pay(7_000, brand="OVO")
    refresh_mutasi(qtbot, window)
    select_mutasi_row(window, 0)
    qtbot.mouseClick(window.attach_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(AttachDialog, "attach_dialog")
    assert dialog is not None
    dialog.sales_list.setCurrentRow(0)
    dialog.reject()
    assert controller.till.journal.get(controller.view.sale_id).state == "cancelled"
    assert mutasi_notes(window) == ["Tidak cocok"]


def restart_after(qtbot: QtBot, open_app: OpenApp, tmp_path: Path, sim: OrkutSimulator, paid_in_time: bool):  # type: ignore[no-untyped-def]
    """Start a sale, close the app, pay, and let its expiry pass while closed (time moved in the journal)."""
    first = open_app(["--api-url", sim.url, "--data-dir", str(tmp_path)])
    start_sale(qtbot, first)
    sale_id, nominal = controller_of(first).view.sale_id, controller_of(first).view.nominal
    first.force_close()
    sim.pay(nominal)
    expired = wib.now() + timedelta(seconds=1) if paid_in_time else wib.now() - timedelta(minutes=1)
    with sqlite3.connect(tmp_path / FILENAME) as db:
        db.execute("UPDATE sales SET expires_at = ? WHERE id = ?", (expired.isoformat(), sale_id))
    qtbot.waitUntil(lambda: wib.now() > expired, timeout=5_000)
    second = open_app(["--api-url", sim.url, "--data-dir", str(tmp_path)])
    return second, sale_id


def test_a_sale_that_expired_while_closed_is_settled_by_money_paid_in_time(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with OrkutSimulator() as sim:
        seed_account(memory_keyring, sim, tmp_path)
        second, sale_id = restart_after(qtbot, open_app, tmp_path, sim, paid_in_time=True)
        journal = controller_of(second).till.journal
        qtbot.waitUntil(lambda: journal.get(sale_id).state == "paid", timeout=10_000)
        assert not journal.get(sale_id).late
        assert "sudah dibayar saat aplikasi tertutup" in second.notice_label.text()


def test_a_sale_that_expired_while_closed_and_was_paid_late_is_settled_as_late(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with OrkutSimulator() as sim:
        seed_account(memory_keyring, sim, tmp_path)
        second, sale_id = restart_after(qtbot, open_app, tmp_path, sim, paid_in_time=False)
        journal = controller_of(second).till.journal
        qtbot.waitUntil(lambda: journal.get(sale_id).state == "paid", timeout=10_000)
        assert journal.get(sale_id).late
        assert second.late_alert.isVisible()


def test_money_attached_by_hand_shows_what_was_received_not_the_bill(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window, "15000")
    qtbot.mouseClick(window.simulate_wrong_button, Qt.MouseButton.LeftButton)  # Rp 15.000 for Rp 15.001
    refresh_mutasi(qtbot, window)
    [entry] = controller.mutasi_model.entries
    assert controller.attach(entry, controller.view.sale_id or 0)
    assert window.customer._paid_amount.text() == "Rp 15.000"
    assert "Diterima Rp 15.000 (kurang Rp 1)" in window.sale_detail.text()


def test_a_settle_the_journal_refuses_is_tried_again_and_the_sale_turns_paid(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    real_settle, refusals = controller.till.journal.settle, []

    def locked_once(*args: object, **kwargs: object) -> object:
        if not refusals:
            refusals.append(1)
            raise JournalError("database is locked")
        return real_settle(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(controller.till.journal, "settle", locked_once)
    sim.pay(controller.view.nominal)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert refusals == [1] and window.customer.property("state") == "paid"


def test_the_side_panel_draws_a_row_once_per_refresh_not_at_every_paint(qtbot) -> None:  # type: ignore[no-untyped-def]
    # A repaint asks data() ~13 times a cell; formatting each time cost a frame on the GUI thread.
    from datetime import date

    from kasir.orkut.types import MutasiEntry
    from kasir.ui.mutasi_model import MutasiModel
    from kasir.wib import WIB

    model = MutasiModel()
    at = datetime(2026, 11, 25, 10, 0, tzinfo=WIB)
    model.set_entries([MutasiEntry(at, 25_001, "CR", "static", "DANA", "R1", "NOBU / X", None)], {}, date(2026, 11, 25))
    drawn: list[object] = []
    original = model._drawn
    model._drawn = lambda entry: drawn.append(entry) or original(entry)  # type: ignore[method-assign]
    for _ in range(3):
        for column in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
                model.data(model.index(0, column), role)
    assert len(drawn) == 1
    assert model.data(model.index(0, 4)) == "Tidak cocok"
    assert model.data(model.index(0, 1)) == "Rp 25.001"


def test_money_that_arrives_while_the_journal_cannot_be_written_is_said_plainly(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: journal deleted or disk full, then the customer pays: the screen kept "Menunggu
    # pembayaran" and a generic journal error; the cashier could ask for the money twice.
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    nominal = controller.view.nominal

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise JournalError("database or disk is full")

    monkeypatch.setattr(controller.till.journal, "settle", full_disk)
    sim_of(window).pay(nominal)
    qtbot.waitUntil(lambda: "sudah masuk" in window.notice_label.text(), timeout=10_000)
    assert "Jangan minta pelanggan membayar lagi" in window.notice_label.text()
    assert window.connection_banner.isVisible() and "belum tercatat" in window.connection_banner.text()
    monkeypatch.undo()  # space freed: the next try writes it
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert not window.connection_banner.isVisible()
