"""Messages on the cashier's screen say what is true, and go when it no longer is (QA, round "msgs")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kasir import recap, wib
from kasir import settings as settings_io
from kasir.app import _demo_login, open_attach
from kasir.journal import JournalError
from kasir.journal_sqlite import FILENAME
from kasir.ui.main_window import MainWindow
from kasir.ui.receipt_printing import slip_for
from tests.gui_helpers import (
    OpenApp,
    cancel_sale,
    controller_of,
    demo,
    mutasi_notes,
    open_app,
    refresh_mutasi,
    select_mutasi_row,
    sim_of,
    start_sale,
    type_total,
    wait_for_polls,
    write_settings,
)

__all__ = ["open_app"]  # fixture

UNRECORDED = "Pembayaran Rp 13.001 sudah masuk tetapi belum tercatat"


def test_money_in_that_the_journal_cannot_take_stays_said_until_it_is_written(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # QA: disk full while a QR waits, then the customer pays: the screen kept "Menunggu pembayaran"
    # with the QR, and the panel's next refresh put a generic journal error over the warning.
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window, "13000")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise JournalError("database or disk is full")

    monkeypatch.setattr(controller.till.journal, "settle", full_disk)
    sim_of(window).pay(controller.view.nominal)
    qtbot.waitUntil(lambda: UNRECORDED in window.sale_detail.text(), timeout=10_000)

    def still_said() -> None:
        assert window.sale_state.text() != "Menunggu pembayaran" and "belum tercatat" in window.sale_state.text()
        assert "Jangan minta pelanggan membayar lagi." in window.sale_detail.text()
        assert window.preview.property("payload") == ""  # no QR to pay a second time
        assert window.customer.property("state") != "awaiting"
        assert window.connection_banner.isVisible() and UNRECORDED in window.connection_banner.text()

    still_said()
    refresh_mutasi(qtbot, window)  # the panel sees the same money and the journal refuses again
    still_said()
    controller.watcher.recovered.emit()  # a later good answer from the server
    still_said()  # (the QR's time running out changes nothing either: tests/test_checkout.py)
    monkeypatch.undo()  # space freed
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)  # the next try writes it
    assert window.sale_state.text() == "LUNAS"
    assert "belum tercatat" not in window.sale_detail.text() + window.notice_label.text()
    assert not window.connection_banner.isVisible()


def test_money_in_after_the_journal_file_vanished_is_said_over_the_generic_error(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window, "13000")
    (tmp_path / "demo" / FILENAME).unlink()
    sim_of(window).pay(controller.view.nominal)
    qtbot.waitUntil(lambda: UNRECORDED in window.sale_detail.text(), timeout=10_000)
    refresh_mutasi(qtbot, window)
    assert "belum tercatat" in window.sale_state.text()
    assert UNRECORDED in window.connection_banner.text()
    assert "(jurnal tidak dapat ditulis)" in window.sale_detail.text()


@pytest.mark.parametrize(("written", "kept"), [(0, 600), (-5, 600), (10**12, 3600)])
def test_a_qr_validity_out_of_range_in_the_settings_file_never_makes_an_absurd_qr(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, written: int, kept: int
) -> None:
    # QA: expiry_s 0 or negative was clamped to 1 s and saved back: every QR expired at once.
    window = demo(open_app, qtbot, tmp_path, expiry_s=written)
    controller = controller_of(window)
    start_sale(qtbot, window, "13000")
    sale = controller.till.journal.get(controller.view.sale_id or 0)
    assert (sale.expires_at - sale.created_at).total_seconds() == kept >= 60
    saved = json.loads((tmp_path / "demo" / "settings.json").read_text(encoding="utf-8"))
    assert saved["expiry_s"] == kept


@pytest.mark.parametrize(
    ("key", "written", "kept"),
    [
        # A negative kode unik is no value (Pengaturan offers 0-9999): the default, not the edge 0,
        # which would hand out the bare total, the amount a customer who forgets the code pays.
        ("kode_unik_low", -5, 1),
        ("kode_unik_high", -5, 999),
        # The paper is 58 mm (32 columns) or 80 mm (48): anything else is no width at all.
        ("printer_width", 40, 32),
        ("printer_width", 10**6, 32),
        ("printer_width", 0, 32),
    ],
)
def test_other_numbers_out_of_range_in_the_settings_file_take_a_sane_value(
    tmp_path: Path, key: str, written: int, kept: int
) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({key: written}), encoding="utf-8")
    assert getattr(settings_io.load(tmp_path), key) == kept


def test_a_payment_whose_date_cannot_be_read_is_attached_without_an_invented_time(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    # QA: the panel said "? … tanggal tidak terbaca" but the attach dialog "Rp 21.001 via DANA pukul
    # 13:50:40" (when it was fetched); once attached, the customer screen, the receipt and the recap
    # took that fetch time as the time it was paid.
    write_settings(tmp_path / "demo")
    window = open_app(["--demo", "--demo-shape", "date_garbage", "--data-dir", str(tmp_path)])
    controller, sim = controller_of(window), sim_of(window)
    # Logged in at once; the mutasi table takes its place soon after, as the cashier sees it.
    qtbot.waitUntil(lambda: controller.logged_in and window.mutasi_view.model() is not None, timeout=10_000)
    start_sale(qtbot, window, "21000")
    sale_id = controller.view.sale_id or 0
    sim.pay(controller.view.nominal)
    refresh_mutasi(qtbot, window)
    assert mutasi_notes(window) == ["Tidak cocok — tanggal tidak terbaca"]
    select_mutasi_row(window, 0)
    dialog = open_attach(window, controller)
    assert dialog is not None
    said = dialog.findChildren(QLabel)[0].text()
    assert "Rp 21.001 via DANA waktu tidak diketahui" in said and "pukul" not in said
    dialog.sales_list.setCurrentRow(0)
    dialog.confirm.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    sale = controller.till.journal.get(sale_id)
    invented = sale.paid_at.astimezone(wib.WIB).strftime("%H:%M") if sale.paid_at else "?"
    assert window.customer._paid_detail.text() == "DANA"  # the customer's screen: no invented time
    slip = slip_for(controller.till, sale, controller.settings, 32, copy=False)
    assert not any(invented in line for line in slip.lines)
    assert any(line.startswith("Jam") and line.endswith("tidak diketahui") for line in slip.lines)
    day = recap.for_day(controller.till.journal, controller.clock().date())
    [row] = [r for r in recap.iter_csv_rows(day) if r[0] == "penjualan"]
    assert row[8] == "waktu tidak diketahui"


def test_the_second_esc_prompt_goes_when_the_qr_is_cancelled(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window, "13000")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert "sekali lagi" in window.notice_label.text()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert controller_of(window).view.state == "cancelled"
    assert "sekali lagi" not in window.notice_label.text()


def test_the_limit_note_goes_when_bayar_takes_the_total(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    type_total(qtbot, window, "99999999")  # the eighth digit is refused
    assert "Total maksimal" in window.amount_note.text()
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller_of(window).view.state == "awaiting", timeout=10_000)
    assert window.amount_display.text() == "Rp 0"
    assert window.amount_note.text() == ""


def test_the_slow_server_banner_goes_once_the_server_answers_again(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    sim = sim_of(window)
    start_sale(qtbot, window, "13000")
    sim.inject("hang", count=1, path="/kasir/orkut/status-pembayaran")
    qtbot.waitUntil(lambda: "lambat" in window.connection_banner.text(), timeout=10_000)
    cancel_sale(qtbot, window)  # the watcher stops asking: its complaint must not stay for good
    refresh_mutasi(qtbot, window)  # a later good answer
    assert not window.connection_banner.isVisible()


def test_the_panel_timeout_banner_goes_when_payment_checks_answer(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    sim.inject("drop", count=1, path="/kasir/orkut/mutasi")
    with qtbot.waitSignal(controller.connection, timeout=10_000):
        controller.refresh_mutasi()
    assert window.connection_banner.isVisible()
    start_sale(qtbot, window, "13000")
    wait_for_polls(qtbot, sim, 2)  # the server answers the payment checks
    qtbot.waitUntil(lambda: not window.connection_banner.isVisible(), timeout=10_000)


def reopened_with_a_sale_waiting(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> MainWindow:
    """A sale left waiting when the app closed, the app opened again and logged in."""
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window, "13000")
    window.force_close()
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    qtbot.waitUntil(lambda: "dilanjutkan" in window.notice_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: controller_of(window).logged_in, timeout=10_000)
    return window


def test_the_resumed_sale_note_goes_when_that_sale_is_paid(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = reopened_with_a_sale_waiting(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    sim_of(window).pay(controller.view.nominal)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert "dilanjutkan" not in window.notice_label.text()


def test_the_demo_greeting_never_hides_the_resumed_sale_note(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    # The demo logs in on the worker while the open sale is restored: whichever ends last, the
    # cashier must still read that the sale on screen is the one from before the restart.
    window = reopened_with_a_sale_waiting(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    with qtbot.waitSignal(controller.account_changed, timeout=10_000):
        _demo_login(controller, sim_of(window))  # the login that ends after the restore
    assert "dilanjutkan" in window.notice_label.text()


def test_bayar_with_no_total_says_what_to_do_next_to_the_total(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.amount_note.text() == "Ketik total belanja dulu, lalu tekan Bayar."
    assert controller_of(window).view.state == "idle"
    type_total(qtbot, window, "5")
    assert window.amount_note.text() == ""


@pytest.mark.parametrize(
    ("pasted", "shown"), [("Rp 25.000", "Rp 25.000"), ("25000", "Rp 25.000"), (" 7.500 ", "Rp 7.500")]
)
def test_a_pasted_total_is_taken(open_app: OpenApp, qtbot: QtBot, tmp_path: Path, pasted: str, shown: str) -> None:
    window = demo(open_app, qtbot, tmp_path)
    QGuiApplication.clipboard().setText(pasted)
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.amount_display.text() == shown
    assert window.amount_note.text() == ""


@pytest.mark.parametrize("pasted", ["abc", "25.000,50", "99999999999", "-5000"])
def test_a_paste_that_is_no_total_is_said_and_changes_nothing(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, pasted: str
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    type_total(qtbot, window, "12000")
    QGuiApplication.clipboard().setText(pasted)
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.amount_display.text() == "Rp 12.000"
    assert window.amount_note.text() != ""


def test_the_reprint_chooser_speaks_indonesian(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog

    from kasir.ui.receipt_printing import ReceiptPrinter, choose_and_reprint

    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window, "13000")
    sim_of(window).pay(controller.view.nominal)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    printer = ReceiptPrinter(controller.till, lambda: controller.settings, window)
    seen: list[str] = []

    def answer() -> None:
        [chooser] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()]
        seen.extend(b.text() for b in chooser.findChild(QDialogButtonBox).buttons())
        chooser.reject()

    QTimer.singleShot(0, answer)
    try:
        choose_and_reprint(window, printer, controller.till)
    finally:
        printer.stop()
    assert sorted(seen) == ["Batal", "Cetak"]


def test_news_never_hides_a_warning_the_moment_it_shows_it_waits_its_turn(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in the suite: "Keyring sistem menolak menyimpan … sesi ini saja" was replaced 10 ms later
    by "QRIS toko dibaca dari akun", so the cashier never read that the key would not be kept."""
    from kasir.ui import main_window

    monkeypatch.setattr(main_window, "WARNING_HOLD_MS", 300)
    window = main_window.MainWindow()
    qtbot.addWidget(window)
    window.show_notice("warn", "Keyring sistem menolak menyimpan.")
    window.show_notice("info", "QRIS toko dibaca dari akun.")
    assert window.notice_label.text() == "Keyring sistem menolak menyimpan."
    qtbot.waitUntil(lambda: window.notice_label.text() == "QRIS toko dibaca dari akun.", timeout=5_000)


def test_a_newer_warning_replaces_a_warning_at_once(qtbot: QtBot) -> None:
    from kasir.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_notice("warn", "Satu.")
    window.show_notice("error", "Dua.")
    assert window.notice_label.text() == "Dua."


def test_news_held_behind_a_warning_shows_as_soon_as_that_warning_goes(qtbot: QtBot) -> None:
    from kasir.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show_notice("warn", "Tekan Esc sekali lagi.")
    window.show_notice("info", "Struk penjualan #1 tercetak.")
    window._clear_notice()  # the warning's time is up, or the cashier typed
    assert window.notice_label.text() == "Struk penjualan #1 tercetak."
