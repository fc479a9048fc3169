"""Everything a shop owner may change, except secrets (those go through the login dialog)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kasir import qris
from kasir.api import ConfigError, MerchantCode, check_base_url
from kasir.settings import Settings
from kasir.ui.printer_settings import PrinterSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Pengaturan")
        self._settings = settings
        self.api_url = QLineEdit(settings.api_url)
        self.merchant = QLineEdit(settings.merchant)
        self.poll = self._seconds(settings.poll_interval_s, 1, 60)
        self.mutasi = self._seconds(settings.mutasi_interval_s, 10, 600)
        self.expiry = QSpinBox()
        self.expiry.setRange(1, 60)
        self.expiry.setSuffix(" menit")
        self.expiry.setValue(max(1, settings.expiry_s // 60))
        self.code_low, self.code_high = QSpinBox(), QSpinBox()
        for box, value in ((self.code_low, settings.kode_unik_low), (self.code_high, settings.kode_unik_high)):
            box.setRange(0, 9999)
            box.setValue(value)
        self.screen_choice = QComboBox()
        self.screen_choice.addItem("Otomatis (monitor kedua)", "")
        for screen in QGuiApplication.screens():
            self.screen_choice.addItem(screen.name(), screen.name())
        index = self.screen_choice.findData(settings.customer_screen)
        self.screen_choice.setCurrentIndex(max(0, index))
        self.sound = QCheckBox("Bunyikan tanda saat lunas")
        self.sound.setChecked(settings.sound)
        self.mode = QComboBox()
        self.mode.addItem("Server dulu, QR lokal bila server gagal", "server")
        self.mode.addItem("Hanya QR lokal (tanpa server)", "local")
        self.mode.setCurrentIndex(max(0, self.mode.findData(settings.generate_mode)))
        self.base_qr = QPlainTextEdit(settings.base_qr)
        self.base_qr.setPlaceholderText("Tempel teks QRIS statis toko (opsional)")
        self.base_qr.setFixedHeight(70)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Alamat API", self.api_url)
        form.addRow("Kode merchant", self.merchant)
        form.addRow("Cek pembayaran tiap", self.poll)
        form.addRow("Muat mutasi tiap", self.mutasi)
        form.addRow("QR berlaku", self.expiry)
        form.addRow("Kode unik dari", self.code_low)
        form.addRow("Kode unik sampai", self.code_high)
        form.addRow("Layar pelanggan", self.screen_choice)
        form.addRow("", self.sound)
        form.addRow("Pembuatan QR", self.mode)
        form.addRow("QRIS toko", self.base_qr)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("Simpan")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")  # Qt's own text is English
        buttons.accepted.connect(self._validate_and_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.printer_settings = PrinterSettings(settings, parent)  # receipts (issue 13)
        layout.addWidget(self.printer_settings)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @staticmethod
    def _seconds(value: float, low: float, high: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(low, high)
        box.setSuffix(" detik")
        box.setValue(value)
        return box

    def result_settings(self) -> Settings:
        return self._settings.with_changes(
            api_url=self.api_url.text().strip(),
            merchant=self.merchant.text().strip(),
            poll_interval_s=self.poll.value(),
            mutasi_interval_s=self.mutasi.value(),
            expiry_s=self.expiry.value() * 60,
            kode_unik_low=self.code_low.value(),
            kode_unik_high=self.code_high.value(),
            customer_screen=self.screen_choice.currentData() or "",
            sound=self.sound.isChecked(),
            generate_mode=self.mode.currentData(),
            base_qr="".join(self.base_qr.toPlainText().split()),
            **self.printer_settings.values(),
        )

    def problem(self) -> str | None:
        candidate = self.result_settings()
        try:
            check_base_url(candidate.api_url)
            if candidate.merchant:
                MerchantCode.parse(candidate.merchant)
        except ConfigError as exc:
            return str(exc)
        if candidate.kode_unik_low > candidate.kode_unik_high:
            return "Rentang kode unik terbalik."
        if candidate.base_qr:
            try:
                qris.parse(candidate.base_qr)
            except qris.QrisError as exc:
                return f"QRIS toko tidak valid: {exc}"
        if candidate.generate_mode == "local" and not candidate.base_qr:
            return "Mode QR lokal membutuhkan QRIS toko."
        return None

    def _validate_and_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            return
        self.accept()
