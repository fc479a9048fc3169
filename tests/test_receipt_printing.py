"""Struk through the app: auto-print on LUNAS against a loopback network printer, the paid screen's
button, Cetak ulang, the system printer path (to PDF), Cetak uji in Pengaturan, and dead printers."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from kasir import escpos_out, wib
from kasir.journal import Journal
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from kasir.settings import Settings
from kasir.till import Till
from kasir.ui.main_window import MainWindow
from kasir.ui.receipt_printing import ReceiptPrinter, find_printer, render_image
from kasir.ui.settings_dialog import SettingsDialog
from kasir.wib import WIB
from tests.gui_helpers import OpenApp, controller_of, demo, memory_keyring, open_app, start_sale
from tests.test_receipt import (
    SHOP,
    HungPrinter,
    LoopbackPrinter,
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
    assert tokens[:2] == ["STATUS?", "INIT"] and tokens[-1] == "CUT"
    assert f"Dibayar{f'Rp {sale.nominal:,}'.replace(',', '.'):>25}" in tokens
    assert sale.issuer_reff and any(t.startswith("Ref") and t.endswith(sale.issuer_reff) for t in tokens)
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
    with qtbot.waitSignal(printer_of(window).failed, timeout=10_000) as failed:
        sale_id = pay_in_demo(qtbot, window)
    assert failed.args[0].startswith("Printer struk tidak terhubung")
    assert window.notice_label.text() == failed.args[0]
    assert controller_of(window).till.journal.get(sale_id).state == "paid"
    start_sale(qtbot, window, "1000")  # the next customer is served at once


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
    with qtbot.waitSignal(printer.failed, timeout=10_000) as failed:
        pass
    assert "Printer struk tidak menjawab" in failed.args[0]
    assert controller_of(window).till.journal.get(first).state == "paid"
    assert controller_of(window).view.state == "awaiting"


def paid_in_journal(journal: Journal) -> int:
    at = datetime(2026, 11, 25, 10, 14, tzinfo=WIB)
    sale = journal.create_sale(Allocation(25_000, 137, 25_137), at, at + timedelta(minutes=10))
    journal.mark_awaiting(sale.id, "000201", "server")
    entry = MutasiEntry(at + timedelta(minutes=1), 25_137, "CR", "dinamis", "DANA", "DANA-REF-77", "BUDI", None)
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


def test_reprint_is_the_slot_other_screens_call_and_it_says_salinan(
    qtbot: QtBot,
    journal: Journal,
    make_printer: Callable[[Journal, Settings], ReceiptPrinter],
    loopback_printer: LoopbackPrinter,
) -> None:
    settings = Settings(printer_kind="network", printer_target=loopback_printer.target, printer_width=48)
    printer = make_printer(journal, settings)
    sale_id = paid_in_journal(journal)
    with qtbot.waitSignal(printer.printed, timeout=10_000):
        assert printer.reprint(sale_id)
    (job,) = loopback_printer.wait_for_jobs()
    assert "*** SALINAN ***".center(48).rstrip() in escpos_out.decode(job)


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
