"""The counter as a cashier lives it (issue 12): focus, keys, messages, limits, small screens."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kasir.ui.login_dialog import LoginDialog
from kasir.ui.sales_dialog import SalesDialog
from tests.gui_helpers import (
    OpenApp,
    cancel_sale,
    controller_of,
    demo,
    open_app,
    set_clock,
    sim_of,
    start_sale,
    type_total,
)

__all__ = ["open_app"]  # fixture


def test_keys_reach_the_cashier_window_at_start_not_the_customer_screen(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    assert window.customer.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)
    type_total(qtbot, window, "77000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller_of(window).view.state == "awaiting", timeout=10_000)
    assert controller_of(window).view.base == 77_000


def test_the_f_keys_are_on_the_menus(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    keys = {name: window.findChild(QAction, name).shortcut().toString() for name in ("sales_action", "recap_action")}  # type: ignore[union-attr]
    assert keys == {"sales_action": "F4", "recap_action": "F6"}


def test_esc_clears_a_typed_total_before_it_touches_a_live_qr(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    type_total(qtbot, window, "5000")  # the next customer's total, typed while the QR waits
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.entry.value == 0 and controller_of(window).view.state == "awaiting"


def test_bayar_during_an_open_sale_looks_off_and_says_why(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    assert window.pay_button.text() == "QR sedang tampil"
    type_total(qtbot, window, "5000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert "Selesaikan atau batalkan" in window.notice_label.text()
    assert controller_of(window).view.state == "awaiting"


def test_a_message_about_the_previous_sale_is_gone_during_the_next(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    cancel_sale(qtbot, window)
    window.show_notice("warn", "pesan tentang penjualan pertama")
    start_sale(qtbot, window, "30000")
    assert "penjualan pertama" not in window.notice_label.text()


def test_typing_clears_an_input_message(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_Return)  # Bayar with nothing typed
    assert "Ketik total" in window.amount_note.text()  # beside the total, where the cashier looks
    type_total(qtbot, window, "1")
    assert window.amount_note.text() == ""


def test_digits_past_the_limit_are_refused_with_a_note_not_dropped_silently(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    type_total(qtbot, window, "9999999")
    type_total(qtbot, window, "9")
    assert window.entry.value == 9_999_999
    assert "maksimal Rp 9.999.999" in window.amount_note.text()
    window.findChild(QPushButton, "quick_100000").click()  # type: ignore[union-attr]
    assert window.entry.value == 9_999_999 and "tidak ditambahkan" in window.amount_note.text()


def test_a_failed_qr_says_its_reason_once_and_offers_one_enter_button(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """The reason stood twice (the sale and the notice line) and "Coba lagi (Enter)" stood beside "Bayar (Enter)"."""
    from tests.test_app import without_the_shops_qris

    window = without_the_shops_qris(open_app, qtbot, tmp_path)
    sim_of(window).inject("bad_qr_amount", path="/kasir/orkut/generate")
    type_total(qtbot, window, "64000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller_of(window).view.state == "failed", timeout=10_000)
    assert "ditolak" in window.sale_detail.text() and "ditolak" not in window.notice_label.text()
    enter_buttons = [b for b in window.findChildren(QPushButton) if "(Enter)" in b.text() and b.isVisible()]
    assert enter_buttons == [window.pay_button] and window.pay_button.text() == "Coba lagi (Enter)"


def test_a_failed_qr_keeps_the_total_and_enter_tries_again(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    from tests.test_app import without_the_shops_qris

    window = without_the_shops_qris(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    sim.inject("bad_qr_amount", path="/kasir/orkut/generate")
    type_total(qtbot, window, "64000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.view.state == "failed", timeout=10_000)
    assert window.entry.value == 64_000 and window.pay_button.text() == "Coba lagi (Enter)"
    assert "Rp 65.001" in window.sale_detail.text()
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.view.state == "awaiting", timeout=10_000)
    assert controller.view.base == 64_000


def test_the_customer_sees_the_qr_being_prepared_and_lunas_stays(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    sim.set_latency(0.5)
    type_total(qtbot, window, "25000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.customer.property("state") == "preparing", timeout=1_000)
    assert window.sale_state.text() == "Membuat QR…"
    qtbot.waitUntil(lambda: controller.view.state == "awaiting", timeout=10_000)
    sim.set_latency(0)
    sim.pay(controller.view.nominal)
    qtbot.waitUntil(lambda: window.customer.property("state") == "paid", timeout=10_000)
    assert not window.customer._hold.isActive()  # no timer takes LUNAS away
    type_total(qtbot, window, "1")  # the next customer: now it may go
    assert window.customer.property("state") == "idle"


def test_a_qr_that_comes_at_once_is_shown_without_a_flash_of_preparing(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    controller.preparing_delay_ms = 10_000  # "at once", however loaded the test machine is
    states: list[str] = []
    window.customer.state_changed.connect(states.append)
    shown: list[str] = []
    controller.view_changed.connect(lambda view: shown.append(view.state))
    type_total(qtbot, window, "25000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert controller.view.state == "generating"  # the sale began at once; only its screen waits
    qtbot.waitUntil(lambda: window.customer.property("state") == "awaiting", timeout=10_000)
    assert "preparing" not in states and "generating" not in shown


def test_a_demo_qr_says_it_must_not_be_paid(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    assert window.customer._demo_mark.isVisible()
    assert window.customer._demo_mark.text() == "DEMO — jangan dibayar"


def test_the_window_fits_a_small_shop_screen(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= 1024 and hint.height() <= 600


def test_sales_of_today_offer_a_new_qr_with_the_same_total(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window, "42000")
    cancel_sale(qtbot, window)
    window.findChild(QAction, "sales_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(SalesDialog, "sales_dialog")
    assert dialog is not None and dialog.table.rowCount() == 1
    dialog.table.selectRow(0)
    assert dialog.same_total_button.isEnabled() and not dialog.reshow_button.isEnabled()
    qtbot.mouseClick(dialog.same_total_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.view.state == "awaiting", timeout=10_000)
    assert controller.view.base == 42_000 and controller.view.nominal == 42_002


def test_a_waiting_sale_can_be_shown_again(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    window.findChild(QAction, "sales_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(SalesDialog, "sales_dialog")
    assert dialog is not None
    dialog.table.selectRow(0)
    assert dialog.reshow_button.isEnabled()
    qtbot.mouseClick(dialog.reshow_button, Qt.MouseButton.LeftButton)
    assert window.customer.property("state") == "awaiting"
    assert window.customer.qr_view.property("payload") == controller.view.payload


def test_the_demo_never_dead_ends_after_keluar(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    window.findChild(QAction, "logout_action").trigger()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.findChild(LoginDialog, "login_dialog") is not None, timeout=5_000)
    dialog = window.findChild(LoginDialog, "login_dialog")
    assert dialog is not None and "demo-api-key" in dialog.findChild(type(dialog.status_label), "demo_hint").text()  # type: ignore[union-attr]
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.logged_in, timeout=10_000)
    start_sale(qtbot, window)


def test_the_window_remembers_its_place(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    first = demo(open_app, qtbot, tmp_path)
    first.showNormal()
    first.setGeometry(40, 50, 1100, 640)
    first.force_close()
    second = open_app(["--demo", "--data-dir", str(tmp_path)])  # demo() would rewrite the settings
    assert not second.isMaximized()
    assert abs(second.geometry().width() - 1100) <= 4 and abs(second.geometry().height() - 640) <= 4


def test_both_screens_count_down_on_the_controllers_clock_not_the_wall_clock(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    controller = controller_of(window)
    expires = controller.view.expires_at
    assert expires is not None
    set_clock(controller, lambda: expires - timedelta(seconds=65))  # the injected clock, not datetime.now()
    qtbot.waitUntil(lambda: window.countdown_label.text() == "Sisa waktu 01:05", timeout=5_000)
    assert window.customer._countdown.text() == "Berlaku 01:05"


def test_the_countdown_goes_blank_on_both_screens_when_the_qr_ends(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: window.countdown_label.text().startswith("Sisa waktu"), timeout=5_000)
    cancel_sale(qtbot, window)
    qtbot.waitUntil(lambda: window.countdown_label.text() == "", timeout=5_000)
    assert window.customer._countdown.text() == ""


def test_the_first_screen_says_what_to_do(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """Under X the window opened on "Siap" and an empty line: the hint came only after a first sale."""
    window = demo(open_app, qtbot, tmp_path)
    assert window.sale_detail.text().startswith("Ketik total lalu tekan Bayar.")


def test_the_demo_hint_stays_on_the_idle_screen_of_a_fresh_demo_folder(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """On a fresh data folder "QRIS toko dibaca dari akun" replaced the demo's hint before anyone read it."""
    window = demo(open_app, qtbot, tmp_path)
    qtbot.waitUntil(lambda: "QRIS toko dibaca dari akun" in window.notice_label.text(), timeout=10_000)
    assert "Simulasi bayar" in window.sale_detail.text()


def test_the_esc_hint_goes_when_the_qr_is_cancelled(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert "sekali lagi" in window.notice_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert controller_of(window).view.state == "cancelled"
    assert "sekali lagi" not in window.notice_label.text()


def test_the_esc_hint_goes_when_its_time_to_press_again_is_over(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It stayed after its 4 s: the next Esc only armed again, and the screen still said "sekali lagi"."""
    monkeypatch.setattr("kasir.checkout.CANCEL_CONFIRM", timedelta(milliseconds=300))
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert "sekali lagi" in window.notice_label.text()
    qtbot.waitUntil(lambda: window.notice_label.text() == "", timeout=3_000)
    assert controller_of(window).view.state == "awaiting"


def test_the_esc_hint_goes_when_the_cashier_types_a_new_total(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert "sekali lagi" in window.notice_label.text()
    type_total(qtbot, window, "5000")
    assert window.notice_label.text() == ""


def test_a_note_about_the_total_goes_when_bayar_takes_the_total(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    type_total(qtbot, window, "9999999")
    qtbot.keyClick(window, Qt.Key.Key_9)  # past the limit: refused with a note
    assert window.amount_note.text()
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller_of(window).view.state == "awaiting", timeout=10_000)
    assert window.entry.value == 0 and window.amount_note.text() == ""


def test_a_failed_panel_refresh_banner_goes_with_the_next_good_answer(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    sim_of(window).inject("http500", count=1, path="/kasir/orkut/mutasi")
    controller.refresh_mutasi()
    qtbot.waitUntil(lambda: window.connection_banner.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    controller.refresh_mutasi()  # the server answers again
    qtbot.waitUntil(lambda: not window.connection_banner.isVisible(), timeout=10_000)


def test_beside_the_countdown_the_cashier_reads_how_often_payments_are_checked(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """Only F5 explained the cadence: a cashier waited on a 10 s history check with no word of it."""
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: window.cadence_label.text().startswith("Cek pembayaran tiap"), timeout=5_000)
    assert window.cadence_label.isVisible()
    cancel_sale(qtbot, window)
    assert window.cadence_label.text() == ""
