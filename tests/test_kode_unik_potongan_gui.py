"""Kode unik as a discount on the screens and in Pengaturan (issue 25, item 3), through the demo app."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from kasir import qris
from kasir.settings import Settings
from kasir.ui.settings_dialog import SettingsDialog
from tests.gui_helpers import OpenApp, controller_of, demo, open_app, start_sale

__all__ = ["open_app"]  # fixtures


def code_note(window: object) -> str:
    label = window.customer.findChild(QLabel, "code_note")  # type: ignore[attr-defined]
    assert label is not None
    return str(label.text())


def test_a_discounted_sale_asks_total_minus_code_on_both_screens_and_the_simulator_pays_it(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path, kode_unik_mode="subtract")
    start_sale(qtbot, window, "25000")
    view = controller_of(window).view
    assert (view.base, view.code, view.nominal) == (25_000, 1, 24_999)
    assert qris.parse(window.customer.qr_view.property("payload")).amount == "24999"
    assert code_note(window) == "sudah dipotong kode unik 1"
    assert window.sale_detail.text().startswith("Total Rp 25.000 − potongan kode unik 1")
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.customer.property("state") == "paid", timeout=10_000)
    assert controller_of(window).till.journal.get(view.sale_id).paid_amount == 24_999


def test_an_added_code_still_reads_termasuk_kode_unik(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window, "25000")
    assert code_note(window) == "termasuk kode unik 1"
    assert window.sale_detail.text().startswith("Total Rp 25.000 + kode unik 1")


def test_choosing_the_discount_in_pengaturan_applies_to_the_next_sale(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    controller.apply_settings(controller.settings.with_changes(kode_unik_mode="subtract"))
    start_sale(qtbot, window, "25000")
    assert controller.view.nominal == 24_999


def test_pengaturan_offers_adding_or_taking_off_the_code(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "code_mode_combo")
    assert combo is not None
    assert [combo.itemText(i) for i in range(combo.count())] == ["Tambahkan ke total", "Kurangi dari total (potongan)"]
    assert combo.currentData() == "add"
    combo.setCurrentIndex(combo.findData("subtract"))
    assert dialog.result_settings().kode_unik_mode == "subtract"


def test_pengaturan_shows_the_shops_chosen_code_mode(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(kode_unik_mode="subtract"))
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "code_mode_combo")
    assert combo is not None and combo.currentData() == "subtract"
    assert dialog.result_settings().kode_unik_mode == "subtract"
