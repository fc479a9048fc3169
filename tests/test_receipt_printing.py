"""Struk through the app: auto-print on LUNAS against a loopback network printer, the paid screen's
button, Cetak ulang, the system printer path (to PDF), Cetak uji in Pengaturan, and dead printers."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from kasir import escpos_out, wib
from kasir.journal import Journal
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from kasir.settings import Settings
from kasir.till import Till
from kasir.ui.main_window import MainWindow
from kasir.ui.receipt_printing import ReceiptPrinter, find_printer, render_image, system_printers
from kasir.ui.settings_dialog import SettingsDialog
from kasir.wib import WIB
from tests.gui_helpers import OpenApp, controller_of, demo, memory_keyring, open_app, start_sale
from tests.test_receipt import (
    SHOP,
    EarlyClosingPrinter,
    HungPrinter,
    LoopbackPrinter,
    NeverReadingPrinter,
    hung_printer,
    loopback_printer,
    paid_sale,
    refused_target,
)

__all__ = ["hung_printer", "loopback_printer", "memory_keyring", "open_app"]  # fixtures used by name


def pay_in_demo(qtbot: QtBot, window: MainWindow, digits: str = "25000") -> int:
    """A whole demo sale to LUNAS through the cashier's keys and the simulator's pay button."""
    start_sale(qtbot, window, digits)
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    sale_id = controller.view.sale_id
    assert sale_id is not None
    return sale_id


def printer_of(window: MainWindow) -> ReceiptPrinter:
    printer = find_printer(window)
    assert printer is not None
    return printer


def text_of(job: bytes) -> str:
    return "\n".join(escpos_out.decode(job))


@pytest.mark.usefixtures("memory_keyring")
def test_a_demo_sale_prints_its_receipt_automatically_on_the_network_printer(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    window = demo(open_app, qtbot, tmp_path, printer_kind="network", printer_target=loopback_printer.target)
    sale_id = pay_in_demo(qtbot, window)
    (job,) = loopback_printer.wait_for_jobs()
    sale = controller_of(window).till.journal.get(sale_id)
    tokens = escpos_out.decode(job)
    assert tokens[:2] == ["STATUS?", "INIT"] and tokens[-2:] == ["CUT", "STATUS?"]  # asked again behind the job
    assert f"Dibayar{f'Rp {sale.nominal:,}'.replace(',', '.'):>25}" in tokens
    assert sale.issuer_reff and any(t.startswith("No. Ref") and t.endswith(sale.issuer_reff) for t in tokens)
    assert f"No. penjualan{f'#{sale_id}':>19}" in tokens
    assert "SALINAN" not in text_of(job)
    assert window.print_receipt_button.isVisible()


@pytest.mark.usefixtures("memory_keyring")
def test_the_paid_screen_button_prints_again_as_salinan(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    window = demo(open_app, qtbot, tmp_path, printer_kind="network", printer_target=loopback_printer.target)
    with qtbot.waitSignal(printer_of(window).printed, timeout=10_000):
        pay_in_demo(qtbot, window)
    with qtbot.waitSignal(printer_of(window).printed, timeout=10_000):
        qtbot.mouseClick(window.print_receipt_button, Qt.MouseButton.LeftButton)
    copy = loopback_printer.wait_for_jobs(2)[1]
    assert "*** SALINAN ***" in text_of(copy)


@pytest.mark.usefixtures("memory_keyring")
def test_no_printer_chosen_means_no_auto_print_and_the_button_says_where_to_choose(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    pay_in_demo(qtbot, window)
    assert not printer_of(window).busy
    qtbot.mouseClick(window.print_receipt_button, Qt.MouseButton.LeftButton)
    assert "Printer struk belum dipilih" in window.notice_label.text()


@pytest.mark.usefixtures("memory_keyring")
def test_a_printer_that_is_off_costs_one_message_and_the_sale_stays_paid(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path, printer_kind="network", printer_target=refused_target())
    with qtbot.waitSignal(printer_of(window).not_printed, timeout=10_000) as failed:
        sale_id = pay_in_demo(qtbot, window)
    assert failed.args[0] == sale_id and failed.args[1].startswith("Printer struk tidak terhubung")
    assert window.receipt_alert.isVisibleTo(window) and failed.args[1] in window.receipt_alert_label.text()
    sale = controller_of(window).till.journal.get(sale_id)
    assert sale.state == "paid" and sale.receipt == "failed"
    start_sale(qtbot, window, "1000")  # the next customer is served at once
    assert window.receipt_alert.isVisibleTo(window)  # the typing did not wipe it


@pytest.mark.usefixtures("memory_keyring")
def test_a_hung_printer_never_blocks_the_next_sale(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, hung_printer: HungPrinter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(escpos_out, "CONNECT_TIMEOUT_S", 1.5)
    window = demo(open_app, qtbot, tmp_path, printer_kind="network", printer_target=hung_printer.target)
    printer = printer_of(window)
    first = pay_in_demo(qtbot, window)
    assert printer.busy  # still trying to reach the printer ...
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # ... while the cashier closes the paid sale
    start_sale(qtbot, window, "2000")  # and starts the next one
    with qtbot.waitSignal(printer.not_printed, timeout=10_000) as failed:
        pass
    assert failed.args[0] == first and "Printer struk tidak menjawab" in failed.args[1]
    assert controller_of(window).till.journal.get(first).state == "paid"
    assert controller_of(window).view.state == "awaiting"


def paid_in_journal(journal: Journal, code: int = 137) -> int:
    at = datetime(2026, 11, 25, 10, 14, tzinfo=WIB)
    sale = journal.create_sale(Allocation(25_000, code, 25_000 + code), at, at + timedelta(minutes=10))
    journal.mark_awaiting(sale.id, "000201", "server")
    entry = MutasiEntry(at + timedelta(minutes=1), 25_000 + code, "CR", "dinamis", "DANA", f"REF-{code}", "BUDI", None)
    return journal.settle(sale.id, entry, at + timedelta(minutes=1)).id


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = SqliteJournal.in_dir(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def make_printer() -> Iterator[Callable[[Journal, Settings], ReceiptPrinter]]:
    made: list[ReceiptPrinter] = []

    def factory(journal: Journal, settings: Settings) -> ReceiptPrinter:
        made.append(ReceiptPrinter(Till(journal, wib.now), lambda: settings))
        return made[-1]

    yield factory
    for printer in made:
        printer.stop()


def test_the_system_printer_path_prints_the_receipt_to_a_pdf_on_58_mm_roll_paper(
    qtbot: QtBot, tmp_path: Path, journal: Journal, make_printer: Callable[[Journal, Settings], ReceiptPrinter]
) -> None:
    pdf = tmp_path / "struk.pdf"
    settings = Settings(shop_name="Warung Bu Sri", printer_kind="system", printer_target=str(pdf))
    printer = make_printer(journal, settings)
    sale_id = paid_in_journal(journal)
    with qtbot.waitSignal(printer.printed, timeout=10_000) as printed:
        assert printer.print_sale(sale_id)
    assert printed.args == [sale_id]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    width_pt = 58 / 25.4 * 72
    media = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert media is not None and abs(float(media.group(1)) - width_pt) < 1.0
    assert width_pt < float(media.group(2)) < 297 / 25.4 * 72  # a roll slip, not an A4 sheet
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Rp 25.137" in text and "DANA-REF-77" in text and "LUNAS" in text


def test_reprint_says_salinan_only_once_a_receipt_of_the_sale_reached_the_paper(
    qtbot: QtBot,
    journal: Journal,
    make_printer: Callable[[Journal, Settings], ReceiptPrinter],
    loopback_printer: LoopbackPrinter,
) -> None:
    settings = Settings(printer_kind="network", printer_target=loopback_printer.target, printer_width=48)
    printer = make_printer(journal, settings)
    sale_id = paid_in_journal(journal)
    for _ in range(2):
        with qtbot.waitSignal(printer.printed, timeout=10_000):
            assert printer.reprint(sale_id)
    first, second = loopback_printer.wait_for_jobs(2)
    salinan = "*** SALINAN ***".center(48).rstrip()
    assert salinan not in escpos_out.decode(first) and salinan in escpos_out.decode(second)
    assert journal.get(sale_id).receipt == "printed"


def test_a_sale_that_is_not_paid_gets_no_receipt_and_a_reason(
    qtbot: QtBot, journal: Journal, make_printer: Callable[[Journal, Settings], ReceiptPrinter]
) -> None:
    printer = make_printer(journal, Settings(printer_kind="network", printer_target="127.0.0.1:9"))
    at = datetime(2026, 11, 25, 10, 14, tzinfo=WIB)
    open_sale = journal.create_sale(Allocation(5_000, 1, 5_001), at, at + timedelta(minutes=10))
    with qtbot.waitSignal(printer.failed, timeout=1_000) as failed:
        assert not printer.print_sale(open_sale.id)
    assert "sudah LUNAS" in failed.args[0]


@pytest.mark.usefixtures("memory_keyring")
def test_cetak_uji_in_pengaturan_prints_a_trial_page_and_saves_the_printer_choice(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    dialog = SettingsDialog(controller_of(window).settings, window)
    box = dialog.printer_settings
    box.kind.setCurrentIndex(box.kind.findData("network"))
    box.target.setEditText(loopback_printer.target)
    box.width_choice.setCurrentIndex(box.width_choice.findData(48))
    box.footer.setText("Buka 07.00-21.00")
    qtbot.mouseClick(box.trial_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "berhasil" in box.status.text(), timeout=10_000)
    tokens = escpos_out.decode(loopback_printer.wait_for_jobs()[0])
    assert "CETAK UJI".center(48).rstrip() in tokens and "".join(str(i % 10) for i in range(1, 49)) in tokens
    result = dialog.result_settings()
    assert (result.printer_kind, result.printer_width) == ("network", 48)
    assert result.printer_target == loopback_printer.target
    assert result.receipt_footer == "Buka 07.00-21.00" and result.auto_print


@pytest.mark.usefixtures("memory_keyring")
def test_cetak_uji_against_a_printer_that_is_off_shows_why_in_the_dialog(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    dialog = SettingsDialog(controller_of(window).settings.with_changes(printer_kind="network"), window)
    dialog.printer_settings.target.setEditText(refused_target())
    qtbot.mouseClick(dialog.printer_settings.trial_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "tidak terhubung" in dialog.printer_settings.status.text(), timeout=10_000)
    assert dialog.printer_settings.trial_button.isEnabled()


def test_render_image_is_a_narrow_white_slip(qtbot: QtBot) -> None:
    from kasir import receipt

    image = render_image(receipt.build(paid_sale(), SHOP, 32))
    assert image.width() == 32 * 12 + 32
    assert image.height() > image.width()


@pytest.mark.usefixtures("memory_keyring")
def test_laporan_cetak_ulang_offers_todays_paid_sales_latest_first_and_prints_salinan(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    window = demo(open_app, qtbot, tmp_path, printer_kind="network", printer_target=loopback_printer.target)
    printer = printer_of(window)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        first = pay_in_demo(qtbot, window, "10000")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        pay_in_demo(qtbot, window, "20000")
    offered: list[str] = []

    def pick_the_older() -> None:
        from PySide6.QtWidgets import QApplication, QInputDialog

        [chooser] = [w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible()]
        offered.extend(chooser.comboBoxItems())
        chooser.setTextValue(offered[-1])
        chooser.accept()

    QTimer.singleShot(0, pick_the_older)  # the chooser is modal: answered once it shows
    with qtbot.waitSignal(printer.printed, timeout=10_000) as printed:
        action = window.findChild(QAction, "reprint_action")
        assert action is not None
        action.trigger()
    assert printed.args == [first]
    assert offered[0].startswith("#2 ") and offered[1].startswith(f"#{first} ")
    job = loopback_printer.wait_for_jobs(3)[2]
    assert "*** SALINAN ***" in text_of(job) and "Rp 10." in text_of(job)


# ---- a receipt is printed when the printer says so (issue 23) --------------------------------------


def test_only_a_receipt_the_printer_confirms_counts_and_the_next_print_of_the_others_is_the_original(
    qtbot: QtBot,
    journal: Journal,
    make_printer: Callable[[Journal, Settings], ReceiptPrinter],
    loopback_printer: LoopbackPrinter,
) -> None:
    never_reads, closes, no_paper = NeverReadingPrinter(), EarlyClosingPrinter(200), LoopbackPrinter(status=0x72)
    printers = {"prints": loopback_printer, "never reads": never_reads, "closes": closes, "paper out": no_paper}
    outcomes: dict[str, str | None] = {}
    sales: dict[str, int] = {}
    try:
        for code, (name, fake) in enumerate(printers.items(), start=1):
            settings = Settings(printer_kind="network", printer_target=fake.target, printer_width=32)
            printer = make_printer(journal, settings)
            sales[name] = paid_in_journal(journal, code)
            started = time.monotonic()
            printer.print_sale(sales[name])
            sale_id = sales[name]
            qtbot.waitUntil(lambda s=sale_id: journal.get(s).receipt is not None, timeout=5_000)
            assert time.monotonic() - started < 5  # the cashier knows within 5 s
            outcomes[name] = journal.get(sale_id).receipt
    finally:
        for fake in (never_reads, closes, no_paper):
            fake.close()
    assert outcomes == {"prints": "printed", "never reads": "failed", "closes": "failed", "paper out": "failed"}
    good = make_printer(journal, Settings(printer_kind="network", printer_target=loopback_printer.target))
    for name in ("never reads", "closes", "paper out"):
        with qtbot.waitSignal(good.printed, timeout=5_000):
            good.print_sale(sales[name])
    jobs = loopback_printer.wait_for_jobs(4)
    assert not any("SALINAN" in line for job in jobs[1:] for line in escpos_out.decode(job))  # originals all
    assert {journal.get(sale).receipt for sale in sales.values()} == {"printed"}


def test_a_second_press_while_the_receipt_is_printing_prints_nothing_more(
    qtbot: QtBot, journal: Journal, make_printer: Callable[[Journal, Settings], ReceiptPrinter]
) -> None:
    hung = NeverReadingPrinter()
    try:
        printer = make_printer(journal, Settings(printer_kind="network", printer_target=hung.target))
        sale_id = paid_in_journal(journal)
        assert printer.print_sale(sale_id)
        with qtbot.waitSignal(printer.failed, timeout=1_000) as said:
            assert not printer.print_sale(sale_id)  # a double click
        assert "sedang dicetak" in said.args[0]
        with qtbot.waitSignal(printer.not_printed, timeout=5_000):
            pass
    finally:
        hung.close()


def test_closing_the_app_during_a_hung_print_waits_at_most_two_seconds(
    qtbot: QtBot, journal: Journal, make_printer: Callable[[Journal, Settings], ReceiptPrinter]
) -> None:
    hung = NeverReadingPrinter()
    try:
        printer = make_printer(journal, Settings(printer_kind="network", printer_target=hung.target))
        printer.print_sale(paid_in_journal(journal))
        qtbot.waitUntil(lambda: bool(hung.connections), timeout=2_000)
        started = time.monotonic()
        printer.stop()
        assert time.monotonic() - started < 2.0
        assert journal.get(1).receipt != "printed"
    finally:
        hung.close()


@pytest.mark.usefixtures("memory_keyring")
def test_cetak_uji_prints_the_header_and_footer_and_says_nothing_of_a_sale_when_it_fails(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, loopback_printer: LoopbackPrinter
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    qtbot.waitUntil(lambda: bool(controller_of(window).settings.base_qr), timeout=10_000)  # read from the account
    dialog = SettingsDialog(controller_of(window).settings.with_changes(printer_kind="network"), window)
    box = dialog.printer_settings
    box.target.setEditText(loopback_printer.target)
    box.name.setText("Warung Bu Sri")
    box.address.setText("Jl. Melati — Bandung")
    box.footer.setText("Terima kasih ’ya’")
    box.print_trial()
    qtbot.waitUntil(lambda: "berhasil" in box.status.text(), timeout=10_000)
    text = text_of(loopback_printer.wait_for_jobs()[0])
    assert "Warung Bu Sri" in text and "Jl. Melati - Bandung" in text and "Terima kasih 'ya'" in text
    assert "NMID ID2025000000001" in text  # the demo shop's QRIS
    box.target.setEditText(refused_target())
    box.print_trial()
    qtbot.waitUntil(lambda: "tidak terhubung" in box.status.text(), timeout=10_000)
    assert "Penjualan" not in box.status.text()


@pytest.mark.usefixtures("memory_keyring")
def test_closing_pengaturan_while_cetak_uji_runs_raises_nothing(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    hung = NeverReadingPrinter()
    try:
        window = demo(open_app, qtbot, tmp_path)
        dialog = SettingsDialog(controller_of(window).settings.with_changes(printer_kind="network"), window)
        dialog.printer_settings.target.setEditText(hung.target)
        dialog.printer_settings.print_trial()
        printer = printer_of(window)
        dialog.deleteLater()
        qtbot.waitUntil(lambda: not isValid(dialog), timeout=2_000)
        qtbot.waitUntil(lambda: not printer.busy, timeout=10_000)  # the answer came to a closed dialog
    finally:
        hung.close()


@pytest.mark.usefixtures("memory_keyring")
def test_another_kind_of_printer_does_not_keep_the_old_address(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    settings = controller_of(window).settings.with_changes(printer_kind="network", printer_target="192.168.1.50")
    dialog = SettingsDialog(settings, window)
    box = dialog.printer_settings
    assert box.target.currentText() == "192.168.1.50"
    box.kind.setCurrentIndex(box.kind.findData("system"))
    assert dialog.result_settings().printer_target in ("", *system_printers())
    assert dialog.result_settings().printer_target != "192.168.1.50"


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize("width_px", [384.0, 401.5, 576.0, 1234.7])
def test_a_receipt_line_as_wide_as_the_paper_is_drawn_whole(qtbot: QtBot, columns: int, width_px: float) -> None:
    """A hinted font rounds to whole pixels and came out wider than measured: the right-aligned amounts
    fell off the system printer's receipt ("Total  Rp" with no number)."""
    from PySide6.QtGui import QFontMetricsF, QImage

    from kasir.ui.receipt_printing import _font_for

    image = QImage(10, 10, QImage.Format.Format_RGB32)
    font = _font_for(image, columns, width_px)
    assert QFontMetricsF(font, image).horizontalAdvance("M" * columns) <= width_px
