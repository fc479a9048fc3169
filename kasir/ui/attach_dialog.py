"""Attach an unmatched payment to a sale by hand, with an explicit confirmation.

The confirmation is a checkbox inside the dialog rather than a second modal box: the
cashier sees the payment, the chosen sale and the difference together, and confirms there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kasir import wib
from kasir.journal import Sale
from kasir.money import format_rupiah
from kasir.orkut.types import MutasiEntry


def describe_sale(sale: Sale) -> str:
    made = sale.created_at.astimezone(wib.WIB).strftime("%H:%M")
    return f"#{sale.id} · {format_rupiah(sale.nominal)} · {made} · {sale.state.word}"


def describe_entry(entry: MutasiEntry) -> str:
    at = entry.when_text
    who = f" dari {entry.buyer_reff}" if entry.buyer_reff else ""
    when = at if "tidak" in at else f"pukul {at}"
    return f"{format_rupiah(entry.amount)} via {entry.brand_name or 'QRIS'} {when}{who}"


class AttachDialog(QDialog):
    def __init__(self, entry: MutasiEntry, sales: list[Sale], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attach_dialog")
        self.setWindowTitle("Hubungkan pembayaran ke penjualan")
        self.entry = entry
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Pembayaran: <b>{describe_entry(entry)}</b>"))
        layout.addWidget(QLabel("Pilih penjualan yang dibayar dengan uang ini:"))
        self.sales_list = QListWidget()
        self.sales_list.setObjectName("attach_sales")
        for sale in sales:
            item = QListWidgetItem(describe_sale(sale))
            item.setData(Qt.ItemDataRole.UserRole, sale)
            self.sales_list.addItem(item)
        layout.addWidget(self.sales_list, 1)
        self.summary = QLabel("")
        self.summary.setObjectName("attach_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.confirm = QCheckBox("Saya sudah memeriksa: pembayaran ini memang untuk penjualan tersebut")
        self.confirm.setObjectName("attach_confirm")
        layout.addWidget(self.confirm)
        buttons = QDialogButtonBox()
        cancel = QPushButton("Batal")  # Qt's standard button would say "Cancel": the UI speaks Indonesian
        cancel.setObjectName("attach_cancel_button")
        buttons.addButton(cancel, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button = QPushButton("Tandai lunas")
        self.ok_button.setObjectName("attach_ok_button")
        buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.sales_list.currentItemChanged.connect(lambda *_: self._update())
        self.confirm.toggled.connect(lambda _on: self._update())
        if not sales:
            self.summary.setText("Tidak ada penjualan hari ini yang dapat dihubungkan.")
        self._update()
        self.resize(520, 420)

    def chosen(self) -> Sale | None:
        item = self.sales_list.currentItem()
        sale = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return sale if isinstance(sale, Sale) else None

    def _update(self) -> None:
        sale = self.chosen()
        if sale is not None:
            difference = self.entry.amount - sale.nominal
            text = f"Penjualan #{sale.id} akan dicatat LUNAS (manual) dengan {format_rupiah(self.entry.amount)}."
            if difference:
                sign = "lebih" if difference > 0 else "kurang"
                text += f" <b>Perhatian: pembayaran {sign} {format_rupiah(abs(difference))} dari tagihan.</b>"
            self.summary.setText(text)
        self.ok_button.setEnabled(sale is not None and self.confirm.isChecked())
