"""Everything a shop owner may change, except secrets (those go through the login dialog)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kasir import settings as settings_rules
from kasir import shop_qris
from kasir.errors import ConfigError
from kasir.orkut.types import MerchantCode
from kasir.settings import Settings
from kasir.ui.journal_settings import JournalSettings
from kasir.ui.printer_settings import PrinterSettings


def qris_picture_folder() -> str:
    """Where a shop's QRIS picture usually is: Downloads (sent by WhatsApp or mail, saved from the
    OrderKuota app's site), else the home folder. Not Pictures: empty, or missing, on most shop PCs."""
    for location in (QStandardPaths.StandardLocation.DownloadLocation, QStandardPaths.StandardLocation.HomeLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder and Path(folder).is_dir():
            return folder
    return str(Path.home())


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        stored_secret: Callable[[str], str | None] | None = None,
    ) -> None:
        """``stored_secret``: a secret by name from the keyring (the shared journal's password, for its test)."""
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle("Pengaturan")
        self._settings = settings
        self.api_url = QLineEdit(settings.api_url)
        self.merchant = QLineEdit(settings.merchant)
        self.poll = self._seconds(settings.poll_interval_s, 1, 60)
        self.mutasi = self._seconds(settings.mutasi_interval_s, 10, 600)
        self.history = self._seconds(settings.history_interval_s, 10, 600)
        self.history.setToolTip("Riwayat mutasi dibatasi server: terlalu sering bertanya membuat akun dijeda 5 menit.")
        self.expiry = QSpinBox()
        self.expiry.setRange(1, 60)
        self.expiry.setSuffix(" menit")
        self.expiry.setValue(max(1, settings.expiry_s // 60))
        self.code_low, self.code_high = QSpinBox(), QSpinBox()
        for box, value in ((self.code_low, settings.kode_unik_low), (self.code_high, settings.kode_unik_high)):
            box.setRange(0, 9999)
            box.setValue(value)
        # Added (the customer pays a few rupiah more) or a discount the shop absorbs (no surcharge on QRIS).
        self.code_mode = QComboBox()
        self.code_mode.setObjectName("code_mode_combo")
        self.code_mode.addItem("Tambahkan ke total", "add")
        self.code_mode.addItem("Kurangi dari total (potongan)", "subtract")
        self.code_mode.setCurrentIndex(max(0, self.code_mode.findData(settings.kode_unik_mode)))
        self.screen_choice = QComboBox()
        self.screen_choice.addItem("Otomatis (monitor kedua)", "")
        for screen in QGuiApplication.screens():
            self.screen_choice.addItem(screen.name(), screen.name())
        index = self.screen_choice.findData(settings.customer_screen)
        self.screen_choice.setCurrentIndex(max(0, index))
        self.sound = QCheckBox("Bunyikan, volume")
        self.sound.setChecked(settings.sound)
        self.sound_volume = QSpinBox()
        self.sound_volume.setObjectName("sound_volume")
        self.sound_volume.setRange(0, 100)
        self.sound_volume.setSingleStep(10)
        self.sound_volume.setSuffix(" %")
        self.sound_volume.setValue(settings.sound_volume)
        self.sound_volume.setEnabled(settings.sound)
        self.sound.toggled.connect(self.sound_volume.setEnabled)
        self.sound_test_button = QPushButton("Coba bunyi")
        self.sound_test_button.setObjectName("sound_test_button")
        self.sound_test_button.clicked.connect(self._try_sound)
        self.mode = QComboBox()
        self.mode.addItem("Server dulu, QR lokal bila server gagal", "server")
        self.mode.addItem("Hanya QR lokal (tanpa server)", "local")
        self.mode.setCurrentIndex(max(0, self.mode.findData(settings.generate_mode)))
        self.base_qr = QPlainTextEdit(settings.base_qr)
        self.base_qr.setObjectName("shop_qris_input")
        self.base_qr.setPlaceholderText("Tempel teks QRIS statis toko, atau pilih gambarnya")
        self.base_qr.setFixedHeight(70)
        self.base_qr.textChanged.connect(self._describe_qris)
        self.qris_image_button = QPushButton("Pilih gambar QRIS…")
        self.qris_image_button.setObjectName("shop_qris_image_button")
        self.qris_image_button.clicked.connect(self._pick_qris_image)
        self.qris_summary = QLabel("")
        self.qris_summary.setObjectName("shop_qris_summary")
        self.qris_summary.setWordWrap(True)
        self.error = QLabel("")
        self.error.setObjectName("settings_error")
        self.error.setStyleSheet("color: #cf222e;")
        self.error.setWordWrap(True)
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Its room is kept from the start, three lines: a refusal neither grows the dialog (Simpan
        # slid under a 1366x768 PC's taskbar) nor moves Simpan under the owner's pointer.
        self.error.setFixedHeight(3 * self.error.fontMetrics().lineSpacing() + 4)
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

        form = QFormLayout()
        form.addRow("Alamat API", self.api_url)
        form.addRow("Kode merchant", self.merchant)
        form.addRow("Cek pembayaran tiap", self.poll)
        form.addRow("Muat mutasi tiap", self.mutasi)
        form.addRow("Cek riwayat mutasi tiap", self.history)
        form.addRow("QR berlaku", self.expiry)
        form.addRow("Kode unik dari", self.code_low)
        form.addRow("Kode unik sampai", self.code_high)
        form.addRow("Kode unik", self.code_mode)
        form.addRow("Layar pelanggan", self.screen_choice)
        cue_row = QHBoxLayout()  # one row: the dialog must fit a 1080 px monitor without scrolling
        cue_row.addWidget(self.sound)
        cue_row.addWidget(self.sound_volume)
        cue_row.addWidget(self.sound_test_button)
        cue_row.addStretch(1)
        form.addRow("Tanda lunas", cue_row)
        form.addRow("Pembuatan QR", self.mode)
        qris_box = QVBoxLayout()
        qris_box.addWidget(self.base_qr)
        qris_row = QHBoxLayout()
        qris_row.addWidget(self.qris_image_button)
        qris_row.addWidget(self.qris_summary, 1)
        qris_box.addLayout(qris_row)
        form.addRow("QRIS toko", qris_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settings_save_button")
        self.save_button.setText("Simpan")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")  # Qt's own text is English
        buttons.accepted.connect(self._validate_and_accept)
        buttons.rejected.connect(self.reject)
        # The fields scroll when the screen is short (1024x600): Simpan and Batal stay in view.
        content = QWidget()
        fields = QVBoxLayout(content)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addLayout(form)
        self.printer_settings = PrinterSettings(settings, parent)  # receipts (issue 13)
        fields.addWidget(self.printer_settings)
        from kasir.shop_tills import JOURNAL_PASSWORD

        stored = (lambda: stored_secret(JOURNAL_PASSWORD)) if stored_secret is not None else None
        self.journal_settings = JournalSettings(settings, parent, stored)  # several tills (issue 22)
        fields.addWidget(self.journal_settings)
        self.finished.connect(lambda _code: self.journal_settings.stop())
        self.fields_scroll = QScrollArea()
        self.fields_scroll.setObjectName("settings_scroll")
        self.fields_scroll.setWidget(content)
        self._fields = content
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.fields_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields_scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._buttons = buttons
        self._describe_qris()
        self._clear_error_on_change(content)
        screen = parent.screen() if parent is not None else QGuiApplication.primaryScreen()
        self.fit_height(screen.availableGeometry().height())

    def _clear_error_on_change(self, content: QWidget) -> None:
        """A refusal speaks of the input it refused: it goes as soon as the owner changes any field."""
        clear = lambda *_: self._say_error("")  # noqa: E731 - one slot for every kind of field
        for line in content.findChildren(QLineEdit):
            line.textEdited.connect(clear)
        for box in content.findChildren(QAbstractSpinBox):
            box.editingFinished.connect(clear)
            if isinstance(box, (QSpinBox, QDoubleSpinBox)):
                box.valueChanged.connect(clear)
        for combo in content.findChildren(QComboBox):
            combo.activated.connect(clear)
        for check in content.findChildren(QCheckBox):
            check.toggled.connect(clear)
        self.base_qr.textChanged.connect(clear)

    def _say_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setToolTip(text)  # whole, should it ever need more than its three lines

    def fit_height(self, available: int) -> None:
        """All fields at once when ``available`` px are enough; else as many as fit, the rest scroll."""
        self._available = available
        content = self._fields.sizeHint()
        chrome = self._buttons.sizeHint().height() + self.error.sizeHint().height() + 60  # margins, title bar
        self.fields_scroll.setMinimumHeight(max(120, min(content.height(), available - chrome)))
        bar = self.fields_scroll.verticalScrollBar().sizeHint().width()
        self.fields_scroll.setMinimumWidth(content.width() + bar)
        self.resize(self.minimumSizeHint())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        # Again before the window is mapped: shown (styled), the fields ask for more room than before.
        self.fit_height(self._available)
        super().showEvent(event)

    @staticmethod
    def _seconds(value: float, low: float, high: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))  # "3,5 detik", not "3.50"
        box.setDecimals(1)
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
            history_interval_s=self.history.value(),
            expiry_s=self.expiry.value() * 60,
            kode_unik_low=self.code_low.value(),
            kode_unik_high=self.code_high.value(),
            kode_unik_mode=self.code_mode.currentData(),
            customer_screen=self.screen_choice.currentData() or "",
            sound=self.sound.isChecked(),
            sound_volume=self.sound_volume.value(),
            generate_mode=self.mode.currentData(),
            # Only what a copy adds around it goes; spaces inside ("TOKO DEMO KASIR") are the payload.
            base_qr=shop_qris.normalise(self.base_qr.toPlainText()),
            **self.printer_settings.values(),
            **self.journal_settings.values(),
        )

    def problem(self) -> str | None:
        return settings_rules.problem(self.result_settings(), self._settings)

    def _validate_and_accept(self) -> None:
        problem = self.problem()
        if problem:
            self._say_error(problem)
            return
        self.accept()

    def _try_sound(self) -> None:
        """The owner hears the cue at the volume chosen, before saving it (never waited on)."""
        from kasir.paid_sound import CuePlayer

        CuePlayer().play("paid", self.sound_volume.value())

    def _merchant(self) -> MerchantCode | None:
        try:
            return MerchantCode.parse(self.merchant.text()) if self.merchant.text().strip() else None
        except ConfigError:
            return None

    def _describe_qris(self) -> None:
        text = shop_qris.normalise(self.base_qr.toPlainText())
        if not text:
            self.qris_summary.setText("Belum ada. QR lokal dan gateway membutuhkannya.")
            return
        before = self._settings.base_qr
        known = shop_qris.nmid_of(before) if before and before != text else None
        try:
            found = shop_qris.check_static(text, merchant=self._merchant(), known_nmid=known)
        except shop_qris.ShopQrisError as exc:
            self.qris_summary.setText(f"⚠ {exc}")
            return
        checked = " · ID akun cocok" if found.matches_account else ""
        self.qris_summary.setText(f"{found.summary}{checked}")

    def _pick_qris_image(self) -> None:
        dialog = QFileDialog(
            self, "Pilih gambar QRIS toko", qris_picture_folder(), "Gambar (*.png *.jpg *.jpeg *.gif *.bmp)"
        )
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # so our Indonesian labels show
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setLabelText(QFileDialog.DialogLabel.LookIn, "Cari di:")
        dialog.setLabelText(QFileDialog.DialogLabel.FileName, "Nama berkas:")
        dialog.setLabelText(QFileDialog.DialogLabel.FileType, "Jenis:")
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Pilih")
        dialog.setLabelText(QFileDialog.DialogLabel.Reject, "Batal")
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        self.load_qris_image(Path(dialog.selectedFiles()[0]))

    def load_qris_image(self, path: Path) -> bool:
        """Decode a picture of the shop's QRIS into the field; the reason when it cannot."""
        from kasir.ui.images import decode_qr_file

        try:
            before = self._settings.base_qr
            found = shop_qris.from_texts(
                decode_qr_file(path), merchant=self._merchant(), known_nmid=shop_qris.nmid_of(before)
            )
        except shop_qris.ShopQrisError as exc:
            self._say_error(f"Gambar QRIS tidak dapat dipakai: {exc}")
            return False
        self.base_qr.setPlainText(found.payload)  # which puts away a previous refusal
        return True
