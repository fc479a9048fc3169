"""Whole sales through the GUI against the service as it answers today (issue 9), over real HTTP.

Profiles of the simulator: ``today`` (``/kasir/*`` answers 404, the ``/mutasi`` history remains)
and ``gateway`` (only the operator's ``/orkut/pg-hidepulsa``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir import qris, wib
from kasir.simulator import DEMO_API_KEY, OrkutSimulator, qr_png
from kasir.sources import Source
from kasir.ui.login_dialog import LoginDialog
from kasir.ui.main_window import MainWindow
from kasir.ui.settings_dialog import SettingsDialog
from tests.gui_helpers import (
    OpenApp,
    controller_of,
    demo,
    open_app,
    refresh_mutasi,
    sim_of,
    start_sale,
    type_total,
    write_settings,
)

__all__ = ["open_app"]  # fixture

FAST_HISTORY = {"history_interval_s": 0.3}


def demo_on(profile: str, open_app: OpenApp, qtbot: QtBot, tmp_path: Path, **settings: object) -> MainWindow:
    write_settings(tmp_path / "demo", **{**FAST_HISTORY, **settings})
    window = open_app(["--demo", "--demo-profile", profile, "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.logged_in, timeout=10_000)
    # The shop's static QRIS is learned from the account (today) or known to the demo (gateway).
    qtbot.waitUntil(lambda: bool(controller.shop_qris), timeout=10_000)
    return window


def history_polls(sim: OrkutSimulator) -> int:
    return sim.calls.get("/mutasi", 0) + sim.calls.get("/orkut/pg-hidepulsa", 0)


def wait_for_history_polls(qtbot: QtBot, sim: OrkutSimulator, count: int) -> None:
    start = history_polls(sim)
    qtbot.waitUntil(lambda: history_polls(sim) >= start + count, timeout=10_000)


def test_with_kasir_routes_gone_a_sale_shows_the_shops_qr_and_turns_paid_from_the_history(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_on("today", open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    assert controller.shop_qris == sim.base_qr  # read from the account's QRIS image
    start_sale(qtbot, window)
    shown = qris.parse(window.customer.qr_view.property("payload"))
    assert shown.is_dynamic and shown.amount == "25001"
    assert shown.merchant_identity() == qris.parse(sim.base_qr).merchant_identity()
    assert sim.calls.get("/kasir/orkut/generate") == 1  # asked once, answered 404, not again
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.customer.property("state") == "paid", timeout=10_000)
    assert "riwayat mutasi" in window.payment_source_label.text()
    assert "QR lokal" in window.payment_source_label.text()


def test_on_the_gateway_alone_a_sale_turns_paid(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_on("gateway", open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    sale = controller.till.journal.get(controller.view.sale_id or 0)
    assert sale.source == "server"  # made by the gateway's qris_generate
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert "server pembayaran" in window.payment_source_label.text()
    assert sim.calls.get("/mutasi", 0) <= 1  # probed, found missing, left alone


def test_the_account_image_is_fetched_with_no_api_key_or_token(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo_on("today", open_app, qtbot, tmp_path)
    sim = sim_of(window)
    [headers] = sim.image_requests
    assert "authorization" not in headers
    assert not any(sim.api_key in value or (":" in value and sim.account_id in value) for value in headers.values())


def test_an_older_same_amount_row_and_an_outgoing_row_never_settle_a_history_sale(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_on("today", open_app, qtbot, tmp_path)
    sim = sim_of(window)
    sim.pay(25_001, at=wib.now() - timedelta(minutes=30))  # yesterday's customer, same nominal
    start_sale(qtbot, window)
    sim.withdraw(25_001)  # the owner withdraws the same amount: money out
    wait_for_history_polls(qtbot, sim, 3)
    assert controller_of(window).view.state == "awaiting"


def test_a_pc_clock_ten_minutes_ahead_is_shown_and_payments_still_settle(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    write_settings(tmp_path / "demo", **FAST_HISTORY)
    window = open_app(["--demo", "--demo-profile", "today", "--data-dir", str(tmp_path)])
    sim = sim_of(window)
    sim.skew_s = -600.0  # the server is ten minutes behind this PC: its stamps look "old"
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.logged_in and bool(controller.shop_qris), timeout=10_000)
    qtbot.waitUntil(lambda: "selisih 10 menit" in window.clock_warning_label.text(), timeout=10_000)
    assert window.clock_warning_label.isVisible()
    start_sale(qtbot, window)
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)


def test_a_refused_api_key_asks_for_the_key_again_and_the_sale_waits(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)  # fast polling, logged in
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    sim.inject("http401", count=100, path="/kasir/orkut/status-pembayaran")
    qtbot.waitUntil(lambda: window.findChild(LoginDialog, "login_dialog") is not None, timeout=10_000)
    dialog = window.findChild(LoginDialog, "login_dialog")
    assert dialog is not None and "API key" in dialog.status_label.text()
    assert "Masuk lagi" in window.connection_banner.text()
    assert controller.view.state == "awaiting" and controller.watcher.paused


def test_the_payment_list_settles_the_waiting_sale_when_the_status_route_fails(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)  # fast polling, logged in
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    sim.inject("drop", count=1000, path="/kasir/orkut/status-pembayaran")
    sim.pay(controller.view.nominal)
    refresh_mutasi(qtbot, window)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert "Tidak cocok" not in [
        controller.mutasi_model.index(r, 4).data() for r in range(controller.mutasi_model.rowCount())
    ]


def test_settings_keep_the_spaces_of_the_shops_qris_and_save_after_a_sale(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_on("today", open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    dialog = SettingsDialog(controller_of(window).settings, window)
    qtbot.addWidget(dialog)
    dialog.base_qr.setPlainText("\n" + sim_of(window).base_qr + "  \n")  # pasted with line breaks around
    assert dialog.problem() is None
    assert dialog.result_settings().base_qr == sim_of(window).base_qr  # "TOKO DEMO KASIR" keeps its spaces
    assert "TOKO DEMO KASIR" in dialog.qris_summary.text()


def test_settings_read_the_shops_qris_from_a_picture(qtbot: QtBot, tmp_path: Path) -> None:
    from kasir.settings import Settings
    from kasir.simulator import DEMO_BASE_QR

    picture = tmp_path / "qris.png"
    picture.write_bytes(qr_png(DEMO_BASE_QR))
    dialog = SettingsDialog(Settings(merchant="OK1234567"), None)
    qtbot.addWidget(dialog)
    assert dialog.findChild(type(dialog.qris_image_button), "shop_qris_image_button") is dialog.qris_image_button
    assert dialog.load_qris_image(picture)
    assert dialog.base_qr.toPlainText() == DEMO_BASE_QR
    assert dialog.problem() is None


def test_a_picture_of_a_dynamic_qr_is_refused_as_the_shops_qris(qtbot: QtBot, tmp_path: Path) -> None:
    from kasir.settings import Settings
    from kasir.simulator import DEMO_BASE_QR

    picture = tmp_path / "paid-once.png"
    picture.write_bytes(qr_png(qris.to_dynamic(DEMO_BASE_QR, 25_001)))
    dialog = SettingsDialog(Settings(), None)
    qtbot.addWidget(dialog)
    assert not dialog.load_qris_image(picture)
    assert "dinamis" in dialog.error.text()
    assert dialog.base_qr.toPlainText() == ""


def test_a_payment_whose_date_cannot_be_read_is_listed_as_unmatched(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--demo-shape", "date_garbage", "--data-dir", str(tmp_path)])
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: controller.logged_in, timeout=10_000)
    sim.pay(12_345)
    refresh_mutasi(qtbot, window)
    model = controller.mutasi_model
    assert [model.index(r, 4).data() for r in range(model.rowCount())] == ["Tidak cocok — tanggal tidak terbaca"]
    assert model.index(0, 0).data() == "?"


def test_a_stuck_status_request_shows_the_banner_within_one_interval(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)  # fast polling, logged in
    sim = sim_of(window)
    sim.inject("trickle", count=1, path="/kasir/orkut/status-pembayaran")
    start_sale(qtbot, window)
    # The watcher's slow-request timer is max(interval, 3 s): the banner shows while the request runs.
    qtbot.waitUntil(lambda: "lambat" in window.connection_banner.text(), timeout=5_000)
    assert window.customer.property("state") == "awaiting"


def test_a_panel_refresh_that_hangs_does_not_hold_up_the_payment(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)  # fast polling, logged in
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    sim.inject("hang", count=5, path="/kasir/orkut/mutasi")
    qtbot.mouseClick(window.refresh_button, Qt.MouseButton.LeftButton)
    assert controller.panel.busy
    start_sale(qtbot, window)
    sim.pay(controller.view.nominal)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=5_000)
    assert controller.panel.busy  # the panel is still waiting for its hung answer


def test_settings_show_seconds_with_a_decimal_comma(qtbot: QtBot) -> None:
    from kasir.settings import Settings

    dialog = SettingsDialog(Settings(poll_interval_s=3.5), None)
    qtbot.addWidget(dialog)
    assert dialog.poll.text() == "3,5 detik"


def test_closing_the_app_with_a_hung_request_takes_under_two_seconds(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    import time

    window = demo(open_app, qtbot, tmp_path)  # fast polling, logged in
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    start_sale(qtbot, window)
    sim.inject("hang", count=100, path="/kasir/orkut/status-pembayaran")
    sim.inject("hang", count=100, path="/kasir/orkut/mutasi")
    controller.refresh_mutasi()
    qtbot.waitUntil(lambda: sim.calls.get("/kasir/orkut/mutasi", 0) >= 2, timeout=5_000)
    polls = sim.calls.get("/kasir/orkut/status-pembayaran", 0)
    qtbot.waitUntil(lambda: sim.calls.get("/kasir/orkut/status-pembayaran", 0) > polls, timeout=5_000)
    started = time.monotonic()
    window.force_close()
    assert time.monotonic() - started < 2.0


STATUS = "/kasir/orkut/status-pembayaran"


def test_a_pause_on_the_status_route_leaves_payments_detected_through_the_history(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    # QA: one Retry-After: 86400 on status-pembayaran stopped every status and mutasi request for
    # the 10-minute cool-down; the customer's Rp 16.001 was never seen and the sale expired on screen.
    window = demo(open_app, qtbot, tmp_path, **FAST_HISTORY)
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    start_sale(qtbot, window, "16000")
    assert controller.view.nominal == 16_001
    sim.inject("retry_day", count=1, path=STATUS)
    qtbot.waitUntil(lambda: controller.watcher.choice.cooldown_left(Source.SEED).total_seconds() > 0, timeout=10_000)
    asked = sim.calls.get(STATUS, 0)
    sim.pay(16_001)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert sim.calls.get(STATUS, 0) == asked  # the paused route was left alone
    assert sim.calls.get("/mutasi", 0) >= 1  # the next route of PAYMENT_ORDER saw the money
    sale = controller.till.journal.get(controller.view.sale_id or 0)
    assert not sale.late
    label = window.payment_source_label.text()
    assert label.startswith("Cek pembayaran: riwayat mutasi (tiap 0,3 detik")  # its own cadence
    assert "cek langsung per QR dijeda" in label  # and the paused route is named as paused
    assert "Mutasi: cek langsung per QR" in label  # the panel's own route was never paused


def test_a_pause_on_every_payment_route_is_said_on_the_label_on_f5_and_goes_when_it_ends(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    # QA: "server kasir (tiap 3 detik) · jeda server 9:55" while nothing was asked, F5 silent,
    # and "jeda server 0:25" still on the label after the pause had ended.
    window = demo(open_app, qtbot, tmp_path, **FAST_HISTORY)
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy and sim.calls.get("/mutasi", 0) >= 1, timeout=10_000)
    sim.inject("retry_day", count=1, path=STATUS)
    sim.inject("retry_day", count=1, path="/mutasi")  # the history answers the same
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: "Cek pembayaran: dijeda server (" in window.payment_source_label.text(), timeout=10_000)
    assert "tiap" not in window.payment_source_label.text().split("·")[0]  # nothing is asked: no cadence
    asked = sim.calls.get(STATUS, 0) + sim.calls.get("/mutasi", 0)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert "Server meminta jeda, cek pembayaran lagi dalam 10 menit" in window.notice_label.text()
    assert sim.calls.get(STATUS, 0) + sim.calls.get("/mutasi", 0) == asked
    controller.watcher.choice.cooldowns.clear()  # the pause ends
    qtbot.waitUntil(lambda: "jeda" not in window.payment_source_label.text(), timeout=5_000)


def test_f5_while_the_panels_routes_rest_says_when_the_next_check_comes(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path, **FAST_HISTORY)
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy and sim.calls.get("/mutasi", 0) >= 1, timeout=10_000)
    sim.inject("retry_day", count=1, path="/kasir/orkut/mutasi")
    refresh_mutasi_failing(qtbot, window)
    sim.inject("retry_day", count=1, path="/mutasi")
    refresh_mutasi_failing(qtbot, window)
    assert "Mutasi: dijeda server (" in window.payment_source_label.text()
    asked = sim.calls.get("/kasir/orkut/mutasi", 0) + sim.calls.get("/mutasi", 0)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert "Server meminta jeda, cek mutasi lagi dalam 10 menit" in window.notice_label.text()
    assert sim.calls.get("/kasir/orkut/mutasi", 0) + sim.calls.get("/mutasi", 0) == asked


def test_f5_right_after_the_history_was_read_says_why_it_is_not_asked_again(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo_on("today", open_app, qtbot, tmp_path, history_interval_s=60.0)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy and controller.panel.history_at is not None, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert "Mutasi baru saja dimuat" in window.notice_label.text()  # never silent


def refresh_mutasi_failing(qtbot: QtBot, window: MainWindow) -> None:
    controller = controller_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    assert controller.refresh_mutasi()  # asked: the refresh is under way
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)


@pytest.mark.parametrize(
    ("fault", "path", "said"),
    [
        ("wrong_shape", "/kasir/orkut/status-pembayaran", "status-pembayaran: HTTP 200"),
        ("html", "/kasir/orkut/status-pembayaran", "HTML page"),
        ("bad_qr_crc", "/kasir/orkut/generate", "CRC"),
        ("foreign_qr", "/kasir/orkut/generate", "merchant lain"),
    ],
)
def test_every_refused_answer_leaves_a_log_line_saying_why(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture, fault: str, path: str, said: str
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    qtbot.waitUntil(lambda: bool(controller_of(window).shop_qris), timeout=10_000)  # another merchant is known
    sim_of(window).inject(fault, count=1, path=path)
    caplog.set_level(logging.WARNING)
    type_total(qtbot, window, "25000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(said in r.getMessage() for r in caplog.records), timeout=10_000)
    assert all(DEMO_API_KEY not in r.getMessage() for r in caplog.records)


def test_a_look_alike_qris_on_the_account_is_not_adopted_and_no_sale_pays_it(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """The account's QRIS image carries the shop's name but another account's id and NMID (issue 20, 2)."""
    write_settings(tmp_path / "demo", **FAST_HISTORY)
    window = open_app(
        ["--demo", "--demo-profile", "today", "--demo-shape", "qris_look_alike", "--data-dir", str(tmp_path)]
    )
    controller = controller_of(window)
    qtbot.waitUntil(lambda: "tidak dapat dipakai" in window.notice_label.text(), timeout=10_000)
    assert "tidak memuat ID akun OK1234567" in window.notice_label.text()
    assert controller.shop_qris is None and controller.settings.base_qr == ""
    type_total(qtbot, window, "14000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.view.state == "failed", timeout=10_000)
    assert window.customer.qr_view.property("payload") in ("", None)


def test_settings_refuse_another_accounts_qris_pasted_for_this_account(qtbot: QtBot) -> None:
    from kasir.settings import Settings
    from kasir.simulator import OTHER_BASE_QR

    dialog = SettingsDialog(Settings(username="demo", merchant="OK1234567"))
    qtbot.addWidget(dialog)
    dialog.base_qr.setPlainText(OTHER_BASE_QR)
    assert "tidak memuat ID akun OK1234567" in dialog.qris_summary.text()
    assert dialog.problem() is not None and "OK1234567" in (dialog.problem() or "")


def test_a_look_alike_qris_kept_by_an_earlier_version_is_not_used(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    from kasir.simulator import LOOK_ALIKE_QR

    write_settings(tmp_path / "demo", base_qr=LOOK_ALIKE_QR, generate_mode="local")
    window = open_app(["--demo", "--demo-profile", "today", "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    assert controller.shop_qris is None  # never a local QR from it, not even before the account answers
    assert "QRIS toko yang tersimpan tidak dipakai" in window.notice_label.text()
    qtbot.waitUntil(lambda: controller.shop_qris == sim_of(window).base_qr, timeout=10_000)  # the account's own


def test_hostile_rows_in_the_history_do_not_stop_the_days_money(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """A 23-digit amount and a row dated 31/12/9999 are listed, and later money still settles (issue 20, 4)."""
    from datetime import datetime

    window = demo_on("today", open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    sim.pay(10**23, brand="X")
    sim.pay(15_000, brand="Y", at=datetime(9999, 12, 31, 23, 59, tzinfo=wib.WIB))
    start_sale(qtbot, window, "14000")
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    with qtbot.waitSignal(controller.mutasi_changed, timeout=10_000):  # the next read of the history
        qtbot.waitUntil(controller.refresh_mutasi, timeout=10_000)
    notes = [controller.mutasi_model.index(r, 4).data() for r in range(controller.mutasi_model.rowCount())]
    assert sum("tidak terbaca" in note for note in notes) == 2, notes


def test_bayar_right_after_login_waits_for_the_accounts_qris_instead_of_failing(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """/kasir is gone and the account's QRIS image is still being read: the sale waits for it, showing
    "Menyiapkan QR", and then shows a QR made from it (issue 20, item 9)."""
    write_settings(tmp_path / "demo", **FAST_HISTORY)
    window = open_app(["--demo", "--demo-profile", "today", "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    sim_of(window).image_delay_s = 1.5
    qtbot.waitUntil(lambda: controller.logged_in, timeout=10_000)
    assert controller.shop_qris is None
    type_total(qtbot, window, "14000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.view.state != "generating", timeout=10_000)
    assert controller.view.state == "awaiting", window.notice_label.text()
    assert controller.view.source == "local" and controller.shop_qris == sim_of(window).base_qr
