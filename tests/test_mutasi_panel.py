"""The side panel's mutasi table: columns sized once from the font, never by measuring rows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from kasir.money import format_rupiah
from kasir.ui.mutasi_model import COLUMNS
from tests.gui_helpers import OpenApp, controller_of, demo, open_app, refresh_mutasi, sim_of

__all__ = ["open_app"]  # fixtures


def test_the_columns_are_sized_from_the_font_and_keep_their_width_over_refreshes(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    view, sim = window.mutasi_view, sim_of(window)
    header = view.horizontalHeader()
    assert header.count() == len(COLUMNS)
    modes = {header.sectionResizeMode(c) for c in range(header.count())}
    assert QHeaderView.ResizeMode.ResizeToContents not in modes  # it reads rows at every refresh
    metrics = view.fontMetrics()
    for column, widest in ((0, "23:59:59"), (1, format_rupiah(-99_999_999)), (2, "ShopeePay")):
        assert header.sectionSize(column) > metrics.horizontalAdvance(widest), COLUMNS[column]
    fixed = (0, 1, 2, len(COLUMNS) - 1)  # the buyer's column takes what is left
    widths = [header.sectionSize(c) for c in fixed]
    for amount in (1_234, 98_765_432):
        sim.pay(amount, brand="LinkAja")
    refresh_mutasi(qtbot, window)
    assert controller_of(window).mutasi_model.rowCount() >= 2
    assert [header.sectionSize(c) for c in fixed] == widths
    assert header.sectionResizeMode(3) == QHeaderView.ResizeMode.Stretch


def test_whether_money_matched_a_sale_is_whole_on_a_1366_px_screen(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """The picture at 1280 and 1366 px showed 'Tidak' and '✓ Pen': Keterangan, the column that
    says whether the money belongs to a sale, took only what the buyer's name left."""
    window = demo(open_app, qtbot, tmp_path)
    window.showNormal()
    window.resize(1366, 728)
    qtbot.waitUntil(lambda: window.width() == 1366, timeout=5_000)
    sim_of(window).pay(4_000, brand="OVO")
    refresh_mutasi(qtbot, window)
    view = window.mutasi_view
    qtbot.waitUntil(lambda: view.model().rowCount() >= 1, timeout=5_000)
    last = len(COLUMNS) - 1
    assert view.columnViewportPosition(last) + view.columnWidth(last) <= view.viewport().width()
    for text in ("Tidak cocok", "✓ Penjualan #999"):
        assert view.fontMetrics().horizontalAdvance(text) < view.columnWidth(last), text
