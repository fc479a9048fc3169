"""Today's incoming payments as a table model, for the side panel."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from PySide6 import QtCore
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QColor

from kasir import matching, wib
from kasir.journal import Settlement
from kasir.money import format_rupiah
from kasir.orkut.types import MutasiEntry
from kasir.ui import qt_flags

COLUMNS = ("Waktu", "Nominal", "Dompet", "Pembeli", "Keterangan")
BUYER_COLUMN = COLUMNS.index("Pembeli")  # gives way on a narrow screen; it and the note have tooltips
Index = QModelIndex | QPersistentModelIndex

# Roles as the ints Qt passes (kasir.ui.qt_flags): the model is built before a sale can begin,
# and Qt's enum namespace is not the first sale's to wait for.
_DISPLAY, _ALIGNMENT, _TOOLTIP = qt_flags.DISPLAY_ROLE, qt_flags.TEXT_ALIGNMENT_ROLE, qt_flags.TOOLTIP_ROLE
_FOREGROUND, _BACKGROUND, _USER = qt_flags.FOREGROUND_ROLE, qt_flags.BACKGROUND_ROLE, qt_flags.USER_ROLE
_RIGHT = qt_flags.ALIGN_RIGHT_VCENTER
_OUTGOING, _SETTLED, _UNMATCHED = QColor("#6e7781"), QColor("#e6f4ea"), QColor("#fff8c5")


class _Row(NamedTuple):
    texts: tuple[str, ...]
    foreground: QColor | None
    background: QColor | None


class MutasiModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MutasiEntry] = []
        self._settled: dict[str, Settlement] = {}
        # Each row is drawn once per refresh, when first shown, not at every data() call: a
        # repaint asks ~13 times a cell, and formatting there cost a frame on the GUI thread. Rows
        # never scrolled to are never drawn, so a day of 5,000 payments costs what the screen shows.
        self._cells: list[_Row | None] = []

    @property
    def entries(self) -> list[MutasiEntry]:
        return list(self._rows)

    def total_in(self) -> int:
        return sum(e.amount for e in self._rows if e.is_incoming)

    def is_unmatched(self, entry: MutasiEntry) -> bool:
        return matching.is_unmatched(entry, self._settled)

    def set_entries(self, entries: list[MutasiEntry], settled: dict[str, Settlement], day: date) -> None:
        rows = [e for e in entries if e.date.astimezone(wib.WIB).date() == day]
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda e: e.date, reverse=True)
        self._settled = dict(settled)
        self._cells = [None] * len(self._rows)
        self.endResetModel()

    def _cell(self, row: int) -> _Row:
        cell = self._cells[row]
        if cell is None:
            cell = self._cells[row] = self._drawn(self._rows[row])
        return cell

    def _drawn(self, entry: MutasiEntry) -> _Row:
        texts = tuple(self._text(entry, column) for column in range(len(COLUMNS)))
        background = None
        if entry.key in self._settled:
            background = _SETTLED
        elif self.is_unmatched(entry):
            background = _UNMATCHED  # money with no sale: the cashier should look at it
        return _Row(texts, None if entry.is_incoming else _OUTGOING, background)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if role == _DISPLAY and orientation == QtCore.Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == _DISPLAY or (role == _TOOLTIP and column >= BUYER_COLUMN):
            return self._cell(row).texts[column]  # the buyer and the note in full, where cut
        if role == _ALIGNMENT:
            return _RIGHT if column == 1 else None
        if role == _FOREGROUND:
            return self._cell(row).foreground
        if role == _BACKGROUND:
            return self._cell(row).background
        if role == _USER:
            return self._rows[row]
        return None

    def _text(self, entry: MutasiEntry, column: int) -> str:
        if column == 0:
            return "?" if entry.date_unknown else entry.when_text  # a narrow column
        if column == 1:
            return format_rupiah(entry.amount if entry.is_incoming else -entry.amount)
        if column == 2:
            return entry.brand_name
        if column == 3:
            return entry.buyer_reff
        if not entry.is_incoming:
            return "Keluar"
        mark = self._settled.get(entry.key)
        if mark is None:
            # A row that could not be read whole is shown, never hidden: the cashier decides.
            return f"Tidak cocok — {entry.problem_text}" if entry.problems else "Tidak cocok"
        how = " (terlambat)" if mark.late else ""
        how += " (manual)" if mark.manual else ""
        return f"✓ Penjualan #{mark.sale_id}{how}"
