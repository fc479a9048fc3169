"""Penjualan hari ini: today's sales, with the QR of a waiting sale shown again or a new QR for the
same total after one expired or failed (a cashier should not retype a total the customer knows).
In a shop of several tills the list is the shop's, with each sale's till and a filter by till."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kasir import wib
from kasir.journal import Sale
from kasir.money import format_rupiah
from kasir.sale_state import SaleState
from kasir.till import Till

COLUMNS = ("No", "Waktu", "Nominal", "Status", "Sumber QR", "Dompet", "Kasir", "Struk")
COUNTER_COLUMN = 6
RECEIPT_COLUMN = 7
RECEIPT_WORDS = {"printed": "tercetak", "failed": "gagal", None: "belum"}
ALL_TILLS = "Semua kasir"
SOURCE_LABEL = {"server": "server", "local": "QR lokal"}


class SalesDialog(QDialog):
    reshow_requested = Signal(int)  # sale id
    same_total_requested = Signal(int)  # the total (base) to sell again
    reprint_requested = Signal(int)  # sale id: "Cetak ulang" (the receipt says SALINAN)

    def __init__(self, till: Till, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sales_dialog")
        self.setWindowTitle("Penjualan hari ini")
        self.till, self.today = till, today
        self.can_reprint = False  # set when a receipt printer is chosen
        layout = QVBoxLayout(self)
        self.counter_filter = QComboBox()
        self.counter_filter.setObjectName("sales_counter_filter")
        self.counter_filter.setAccessibleName("Saring menurut kasir")
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel("Kasir:"))
        filter_row.addWidget(self.counter_filter)
        filter_row.addStretch(1)
        self._filter_row = QWidget()
        self._filter_row.setLayout(filter_row)
        layout.addWidget(self._filter_row)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("sales_view")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        buttons = QHBoxLayout()
        self.reshow_button = QPushButton("Tampilkan QR lagi")
        self.reshow_button.setObjectName("reshow_qr_button")
        self.same_total_button = QPushButton("QR baru, total sama")
        self.same_total_button.setObjectName("new_qr_same_total_button")
        self.reprint_button = QPushButton("Cetak ulang struk")
        self.reprint_button.setObjectName("reprint_button")
        close = QPushButton("Tutup")
        buttons.addWidget(self.reshow_button)
        buttons.addWidget(self.same_total_button)
        buttons.addWidget(self.reprint_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        close.clicked.connect(self.reject)
        self.reshow_button.clicked.connect(self._reshow)
        self.same_total_button.clicked.connect(self._same_total)
        self.reprint_button.clicked.connect(self._reprint)
        self.table.itemSelectionChanged.connect(self._update)
        self.counter_filter.currentIndexChanged.connect(lambda _i: self._fill())
        self.reload()
        self.resize(640, 420)

    def reload(self) -> None:
        self._sales = list(reversed(self.till.sales_on(self.today)))  # newest first: what a cashier looks for
        counters = sorted({s.counter for s in self._sales if s.counter} | ({self.till.counter} - {""}))
        shop = bool(counters) and counters != [""]
        chosen = self.counter_filter.currentText()
        self.counter_filter.blockSignals(True)
        self.counter_filter.clear()
        self.counter_filter.addItems([ALL_TILLS, *counters])
        self.counter_filter.setCurrentText(chosen if chosen in counters else ALL_TILLS)
        self.counter_filter.blockSignals(False)
        self._filter_row.setVisible(len(counters) > 1)
        self.table.setColumnHidden(COUNTER_COLUMN, not shop)
        self._fill()

    def _fill(self) -> None:
        chosen = self.counter_filter.currentText()
        sales = [s for s in self._sales if chosen in ("", ALL_TILLS) or s.counter == chosen]
        self.table.setRowCount(len(sales))
        for row, sale in enumerate(sales):
            cells = (
                f"#{sale.id}",
                sale.created_at.astimezone(wib.WIB).strftime("%H:%M:%S"),
                format_rupiah(sale.nominal),
                sale.label,
                SOURCE_LABEL.get(sale.source or "", "—"),
                sale.brand or "",
                sale.counter,
                RECEIPT_WORDS.get(sale.receipt, "") if sale.state is SaleState.PAID else "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, sale)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.hint.setText("" if sales else "Belum ada penjualan hari ini.")
        self._update()

    def selected(self) -> Sale | None:
        items = self.table.selectedItems()
        sale = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        return sale if isinstance(sale, Sale) else None

    def _update(self) -> None:
        sale = self.selected()
        state = sale.state if sale else None
        # Another till's waiting QR is for that till's customer: it is shown there, not here.
        mine = sale is not None and sale.counter == self.till.counter
        self.reshow_button.setEnabled(state is SaleState.AWAITING and mine)
        self.same_total_button.setEnabled(state in (SaleState.EXPIRED, SaleState.FAILED, SaleState.CANCELLED))
        self.reprint_button.setEnabled(state is SaleState.PAID and self.can_reprint)

    def _reshow(self) -> None:
        sale = self.selected()
        if sale is not None:
            self.reshow_requested.emit(sale.id)
            self.accept()

    def _reprint(self) -> None:
        sale = self.selected()
        if sale is not None:
            self.reprint_requested.emit(sale.id)

    def _same_total(self) -> None:
        sale = self.selected()
        if sale is not None:
            self.same_total_requested.emit(sale.base)
            self.accept()
