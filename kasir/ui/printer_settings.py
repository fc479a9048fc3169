"""The "Printer struk" part of Pengaturan: which printer, paper width, header/footer, Cetak uji."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from shiboken6 import isValid

from kasir.settings import Settings
from kasir.ui.receipt_printing import ReceiptPrinter, find_printer, system_printers

KIND_LABELS = (
    ("", "Tidak ada"),
    ("network", "Printer thermal jaringan (LAN/Wi-Fi, port 9100)"),
    ("device", "Printer thermal USB/serial (port)"),
    ("system", "Printer Windows/sistem"),
)
TARGET_HINTS = {
    "network": "mis. 192.168.1.50 atau 192.168.1.50:9100",
    "device": "mis. COM3, /dev/usb/lp0, /dev/ttyUSB0",
    "system": "kosong = printer default; atau nama printer",
}


class PrinterSettings(QGroupBox):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__("Printer struk", parent)
        self.setObjectName("printer_settings")
        self._settings = settings
        self._printer: ReceiptPrinter | None = find_printer(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("printer_kind")
        for value, label in KIND_LABELS:
            self.kind.addItem(label, value)
        self.kind.setCurrentIndex(max(0, self.kind.findData(settings.printer_kind)))
        self.target = QComboBox()
        self.target.setObjectName("printer_target")
        self.target.setEditable(True)
        self.target.setEditText(settings.printer_target)
        self.width_choice = QComboBox()
        self.width_choice.setObjectName("printer_width")
        self.width_choice.addItem("58 mm (32 kolom)", 32)
        self.width_choice.addItem("80 mm (48 kolom)", 48)
        self.width_choice.setCurrentIndex(max(0, self.width_choice.findData(settings.printer_width)))
        self.name = QLineEdit(settings.receipt_name)
        self.name.setObjectName("receipt_name")
        self.name.setPlaceholderText(settings.shop_name or "Nama toko di struk")
        self.address = QLineEdit(settings.receipt_address)
        self.address.setObjectName("receipt_address")
        self.address.setPlaceholderText("Alamat / no. telepon toko (opsional)")
        self.footer = QLineEdit(settings.receipt_footer)
        self.footer.setObjectName("receipt_footer")
        self.auto_print = QCheckBox("Cetak struk otomatis saat LUNAS")
        self.auto_print.setObjectName("auto_print")
        self.auto_print.setChecked(settings.auto_print)
        self.trial_button = QPushButton("Cetak uji")
        self.trial_button.setObjectName("trial_print_button")
        self.status = QLabel("")
        self.status.setObjectName("printer_status")
        self.status.setWordWrap(True)

        form = QFormLayout(self)
        form.addRow("Printer", self.kind)
        form.addRow("Alamat / port", self.target)
        form.addRow("Lebar kertas", self.width_choice)
        form.addRow("Nama toko", self.name)
        form.addRow("Baris alamat", self.address)
        form.addRow("Baris penutup", self.footer)
        form.addRow("", self.auto_print)
        form.addRow(self.trial_button, self.status)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed(switched=True))
        self.trial_button.clicked.connect(self.print_trial)
        self._kind_changed()

    def _kind_changed(self, *, switched: bool = False) -> None:
        kind = self.kind.currentData() or ""
        # Another kind of printer: the old address means nothing to it (an IP is no system printer's name).
        text = "" if switched else self.target.currentText()
        self.target.clear()
        if kind == "system":
            self.target.addItems(system_printers())
        self.target.setEditText(text)
        line = self.target.lineEdit()
        if line is not None:
            line.setPlaceholderText(TARGET_HINTS.get(kind, ""))
        for widget in (self.target, self.width_choice, self.auto_print, self.trial_button):
            widget.setEnabled(bool(kind))
        self.trial_button.setEnabled(bool(kind) and self._printer is not None)

    def values(self) -> dict[str, Any]:
        """The fields of :class:`Settings` this box owns, for ``Settings.with_changes``."""
        return {
            "printer_kind": self.kind.currentData() or "",
            "printer_target": self.target.currentText().strip(),
            "printer_width": int(self.width_choice.currentData()),
            "receipt_name": self.name.text().strip(),
            "receipt_address": self.address.text().strip(),
            "receipt_footer": self.footer.text().strip(),
            "auto_print": self.auto_print.isChecked(),
        }

    def print_trial(self) -> None:
        if self._printer is None:
            return
        self.trial_button.setEnabled(False)
        self.status.setStyleSheet("")
        self.status.setText("Mencetak…")
        self._printer.print_trial(self._settings.with_changes(**self.values()), self._trial_result)

    def _trial_result(self, problem: str | None) -> None:
        if not isValid(self.trial_button):  # Pengaturan was closed while it printed
            return
        self.trial_button.setEnabled(True)
        self.status.setStyleSheet("color: #cf222e;" if problem else "color: #1a7f37;")
        self.status.setText(problem or "Cetak uji berhasil. Periksa kertasnya: 1234… harus pas selebar kertas.")
