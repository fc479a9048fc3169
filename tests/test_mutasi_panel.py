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
    widths = [header.sectionSize(c) for c in range(header.count() - 1)]
    for amount in (1_234, 98_765_432):
        sim.pay(amount, brand="LinkAja")
    refresh_mutasi(qtbot, window)
    assert controller_of(window).mutasi_model.rowCount() >= 2
    assert [header.sectionSize(c) for c in range(header.count() - 1)] == widths
    assert header.stretchLastSection()
