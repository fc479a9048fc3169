"""The Rekap harian window, opened from the menu of the running app."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from kasir.sale_state import SaleState
from kasir.ui.recap_dialog import RecapDialog
from tests.gui_helpers import OpenApp, cancel_sale, controller_of, demo, open_app, refresh_mutasi, sim_of, start_sale

__all__ = ["open_app"]  # fixtures


def test_the_days_recap_is_one_menu_away_and_exports_and_prints(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    start_sale(qtbot, window)
    qtbot.mouseClick(window.simulate_pay_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    start_sale(qtbot, window, "10000")
    cancel_sale(qtbot, window)
    sim.pay(4_000, brand="OVO")
    refresh_mutasi(qtbot, window)
    action = window.findChild(QAction, "recap_action")
    assert action is not None
    action.trigger()
    dialog = window.findChild(RecapDialog, "recap_dialog")
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    assert dialog.recap is not None
    assert dialog.recap.paid.count == 1 and dialog.recap.paid.total == 25_001
    assert dialog.recap.count(SaleState.CANCELLED) == 1 and dialog.recap.unmatched_in.total == 4_000
    model = dialog.view.model()
    shown = " ".join(str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount()))
    assert "Rp 25.001" in shown and "Rp 4.000" in shown and "DANA" in shown
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.export_to(tmp_path / "rekap.csv")
    with (tmp_path / "rekap.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle, delimiter=";"))) == 3
    dialog.print_to_pdf(tmp_path / "rekap.pdf")
    assert (tmp_path / "rekap.pdf").read_bytes().startswith(b"%PDF")


def test_an_earlier_day_can_be_picked(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    cancel_sale(qtbot, window)
    window.findChild(QAction, "recap_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(RecapDialog, "recap_dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    assert dialog.recap is not None and dialog.recap.count(SaleState.CANCELLED) == 1
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.date_edit.setDate(dialog.date_edit.date().addDays(-1))
    assert dialog.recap is not None
    assert dialog.recap.sales == () and dialog.recap.day < controller_of(window).clock().date()


def test_the_recap_is_built_once_per_opening(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kasir import recap

    window = demo(open_app, qtbot, tmp_path)
    builds: list[object] = []
    real = recap.for_day
    monkeypatch.setattr(recap, "for_day", lambda journal, day, *rest: builds.append(day) or real(journal, day, *rest))
    window.findChild(QAction, "recap_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(RecapDialog, "recap_dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    assert len(builds) == 1


def test_the_csv_export_offers_the_documents_folder_in_indonesian(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    window = demo(open_app, qtbot, tmp_path)
    window.findChild(QAction, "recap_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(RecapDialog, "recap_dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    seen: list[QFileDialog] = []

    def look(file_dialog: QFileDialog) -> int:
        seen.append(file_dialog)
        return 0  # the cashier closes it

    monkeypatch.setattr(QFileDialog, "exec", look)
    dialog._ask_export()
    [asked] = seen
    assert asked.directory().absolutePath() == str(home / "Documents")
    assert asked.labelText(QFileDialog.DialogLabel.Accept) == "Simpan"
    assert asked.labelText(QFileDialog.DialogLabel.FileName) == "Nama berkas:"
