"""The Rekap harian page: the same figures as the printout, shown by an item view that lays out
only the rows on screen (a busy day's page is never laid out whole on the GUI thread)."""

from __future__ import annotations

import weakref
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from kasir import recap
from kasir.journal_sqlite import SqliteJournal
from kasir.ui.recap_dialog import COLUMNS, RecapDialog
from kasir.ui.tasks import PER_TURN, release_in_pieces
from tests.test_recap import DAY, pay, sale


def seeded_journal(tmp_path: Path) -> Path:
    """Paid at 09 (DANA) and twice at 11 (OVO, and DANA late), one cancelled, money without a sale."""
    journal = SqliteJournal.in_dir(tmp_path)
    a = sale(journal, 25_000, DAY)
    journal.settle(a, pay(25_001, DAY + timedelta(minutes=1), "A"), DAY)
    b = sale(journal, 10_000, DAY + timedelta(hours=2))
    journal.settle(b, pay(10_001, DAY + timedelta(hours=2, minutes=1), "B", "OVO"), DAY)
    c = sale(journal, 50_000, DAY + timedelta(hours=2, minutes=10))
    journal.mark_ended(c, "expired", DAY + timedelta(hours=2, minutes=15))
    journal.settle(c, pay(50_001, DAY + timedelta(hours=2, minutes=30), "C"), DAY)
    d = sale(journal, 7_000, DAY + timedelta(hours=3))
    journal.mark_ended(d, "cancelled", DAY + timedelta(hours=3))
    journal.record_payments([pay(12_345, DAY + timedelta(hours=5), "S", "GoPay")])
    path = journal.path
    journal.close()
    return path


def page(dialog: RecapDialog) -> list[tuple[str, ...]]:
    """Every row of the recap as the cashier reads it, empty cells dropped."""
    model = dialog.view.model()
    rows = []
    for row in range(model.rowCount()):
        cells = (model.index(row, column).data(Qt.ItemDataRole.DisplayRole) for column in range(model.columnCount()))
        rows.append(tuple(c for c in cells if c))
    return rows


def section(rows: list[tuple[str, ...]], title: str) -> list[tuple[str, ...]]:
    """The rows under a section's title and column heads, up to the next section."""
    start = rows.index((title,)) + 2
    titles = {s.title for s in recap.sections(recap.DayRecap(DAY.date(), (), ()))}
    end = next((i for i in range(start, len(rows)) if rows[i] in {(t,) for t in titles}), len(rows))
    return rows[start:end]


def opened(qtbot: QtBot, tmp_path: Path) -> RecapDialog:
    dialog = RecapDialog(seeded_journal(tmp_path), DAY.date(), "Warung Bu Sri")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    return dialog


def test_the_page_shows_the_totals_per_wallet_per_hour_and_money_without_a_sale(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = opened(qtbot, tmp_path)
    assert dialog.view.objectName() == "recap_view"
    assert dialog.title.text() == "Rekap harian Warung Bu Sri — 24-11-2026"
    rows = page(dialog)
    summary = section(rows, "Ringkasan")
    assert ("Penjualan lunas", "3 transaksi", "Rp 85.003") in summary
    assert ("↳ di antaranya terlambat", "1", "Rp 50.001") in summary
    assert ("Uang masuk tanpa penjualan", "1", "Rp 12.345") in summary
    assert ("Dibatalkan", "1") in summary
    assert section(rows, "Per dompet") == [("DANA", "2", "Rp 75.002"), ("OVO", "1", "Rp 10.001")]
    assert section(rows, "Per jam") == [("09:00–09:59", "1", "Rp 25.001"), ("11:00–11:59", "2", "Rp 60.002")]
    assert section(rows, "Uang masuk tanpa penjualan") == [("14:00:00", "Rp 12.345", "GoPay", "NOBU / SITI")]
    dialog.reject()


def test_an_empty_section_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    journal.close()
    dialog = RecapDialog(journal.path, DAY.date())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    rows = page(dialog)
    assert rows[rows.index(("Per jam",)) + 1] == ("Tidak ada.",)
    dialog.reject()


def test_no_row_is_measured_to_lay_the_page_out(qtbot: QtBot, tmp_path: Path) -> None:
    """Rows of one height and columns of set widths: showing a day costs what the screen shows."""
    dialog = opened(qtbot, tmp_path)
    assert isinstance(dialog.view, QTableView)
    rows, columns = dialog.view.verticalHeader(), dialog.view.horizontalHeader()
    assert rows.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
    modes = {columns.sectionResizeMode(c) for c in range(dialog.view.model().columnCount())}
    assert QHeaderView.ResizeMode.ResizeToContents not in modes
    dialog.reject()


def test_the_printout_has_the_same_figures(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = opened(qtbot, tmp_path)
    assert dialog.recap is not None
    html = recap.to_html(dialog.recap, "Warung Bu Sri")
    for row in page(dialog):
        for cell in row:
            assert cell in html
    dialog.reject()


def test_days_picked_in_a_row_read_the_journal_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reading starts once the window is drawn, and only for the day chosen last."""
    read: list[object] = []
    real = recap.for_day
    monkeypatch.setattr(recap, "for_day", lambda journal, day, *rest: read.append(day) or real(journal, day, *rest))
    dialog = RecapDialog(seeded_journal(tmp_path), DAY.date())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
        dialog.date_edit.setDate(dialog.date_edit.date().addDays(-1))
        dialog.date_edit.setDate(dialog.date_edit.date().addDays(1))
    assert read == [DAY.date()]
    assert dialog.is_loaded and dialog.recap is not None and dialog.recap.paid.count == 3
    dialog.reject()


def test_a_closed_recap_lets_go_of_its_sales_after_it_closes(qtbot: QtBot, tmp_path: Path) -> None:
    """A busy day's sales are freed a few hundred per event-loop turn, not all in one."""
    dialog = opened(qtbot, tmp_path)
    assert dialog.recap is not None
    sales = [weakref.ref(s) for s in dialog.recap.sales]
    dialog.reject()
    assert dialog.recap is None and dialog.page is None
    qtbot.waitUntil(lambda: all(s() is None for s in sales), timeout=5_000)


class Piece:
    pass


def test_release_in_pieces_frees_nothing_at_once_and_everything_soon(qtbot: QtBot) -> None:
    pieces = [Piece() for _ in range(3 * PER_TURN + 1)]
    refs = [weakref.ref(p) for p in pieces]
    release_in_pieces(pieces)
    del pieces
    assert all(r() is not None for r in refs)  # nothing freed by the call itself
    qtbot.waitUntil(lambda: all(r() is None for r in refs), timeout=5_000)


class PaintWatch(QObject):
    """Which model the view had at each paint of its rows."""

    def __init__(self, view: QTableView) -> None:
        super().__init__()
        self.view, self.models = view, list[object]()
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            self.models.append(self.view.model())
        return False


def test_loaded_says_the_page_is_drawn(qtbot: QtBot, tmp_path: Path) -> None:
    """Whatever the cashier does next (Ekspor CSV) never waits for the page's first paint."""
    dialog = RecapDialog(seeded_journal(tmp_path), DAY.date())
    qtbot.addWidget(dialog)
    watch = PaintWatch(dialog.view)
    drawn_when_loaded: list[bool] = []
    dialog.loaded.connect(lambda: drawn_when_loaded.append(dialog.view.model() in watch.models))
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    assert drawn_when_loaded == [True]
    dialog.reject()


def test_a_day_picked_after_another_keeps_no_line_of_the_other_days_page(qtbot: QtBot, tmp_path: Path) -> None:
    """An empty day's page runs its "Tidak ada." lines across the table; the next day's figures
    at those rows are rows of cells again."""
    dialog = opened(qtbot, tmp_path)
    for days in (-1, 1):
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            dialog.date_edit.setDate(dialog.date_edit.date().addDays(days))
    rows = page(dialog)
    assert ("Penjualan lunas", "3 transaksi", "Rp 85.003") in rows
    for row, cells in enumerate(rows):
        assert dialog.view.columnSpan(row, 0) == (1 if len(cells) > 1 else COLUMNS), cells
    dialog.reject()
