"""Today's incoming payments as a table model, for the side panel."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from kasir import matching, wib
from kasir.api import MutasiEntry
from kasir.journal import Settlement
from kasir.money import format_rupiah

COLUMNS = ("Waktu", "Nominal", "Dompet", "Pembeli", "Keterangan")
Index = QModelIndex | QPersistentModelIndex


class MutasiModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[MutasiEntry] = []
        self._settled: dict[str, Settlement] = {}

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
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not entry.is_incoming:
            return QColor("#6e7781")
        if role == Qt.ItemDataRole.BackgroundRole and entry.key in self._settled:
            return QColor("#e6f4ea")
        if role == Qt.ItemDataRole.BackgroundRole and self.is_unmatched(entry):
            return QColor("#fff8c5")  # money with no sale: the cashier should look at it
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None

    def _text(self, entry: MutasiEntry, column: int) -> str:
        if column == 0:
            if "tanggal" in entry.problem:
                return "?"
            minute_only = entry.precision.total_seconds() >= 60  # "18:02" must not read as 18:02:00
            return entry.date.astimezone(wib.WIB).strftime("%H:%M" if minute_only else "%H:%M:%S")
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
            return f"Tidak cocok — {entry.problem}" if entry.problem else "Tidak cocok"
        how = " (terlambat)" if mark.late else ""
        how += " (manual)" if mark.manual else ""
        return f"✓ Penjualan #{mark.sale_id}{how}"
