"""First start, and whenever the server refuses the token: API key, OTP login, merchant code.

The password is sent once and cleared from the field; nothing here is written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kasir.errors import ConfigError, UnauthorizedError, message_for
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import LoginResult, MerchantCode, OtpChallenge
from kasir.ui.tasks import TaskRunner, client_required


@dataclass(frozen=True)
class Credentials:
    api_key: str = field(repr=False)
    username: str
    token: str = field(repr=False)
    merchant: MerchantCode
    name: str | None


class LoginDialog(QDialog):
    logged_in = Signal(object)  # Credentials
    demo_requested = Signal()  # "Masuk demo": the demo's own account, no typing

    def __init__(
        self,
        api_url: str,
        username: str = "",
        merchant: str = "",
        parent: QWidget | None = None,
        *,
        reason: str = "",
        demo_hint: str = "",
        stored_key: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle("Masuk ke akun OrderKuota")
        self._api_url = api_url
        self._login: LoginResult | None = None
        self._tasks = TaskRunner("login", parent=self)
        self.finished.connect(lambda _code: self._tasks.stop())

        self.api_key_input = self._input("api_key_input", "API key dari penyedia API", secret=True)
        # A key the server never refused is not asked again (a session that ended). It stays out of
        # the widget too: the field says it is kept, and is used when the field is left empty.
        self._stored_key = stored_key
        if stored_key:
            self.api_key_input.setPlaceholderText("(tersimpan — isi hanya untuk mengganti)")
            self.api_key_input.setToolTip("API key tersimpan. Isi hanya jika penyedia memberi key baru.")
        self.username_input = self._input("username_input", "Nama pengguna OrderKuota")
        self.username_input.setText(username)
        self.password_input = self._input("password_input", "Kata sandi OrderKuota", secret=True)
        self.request_otp_button = QPushButton("Kirim OTP")
        self.request_otp_button.setObjectName("request_otp_button")
        self.otp_input = self._input("otp_input", "Kode OTP dari email/SMS")
        self.verify_otp_button = QPushButton("Verifikasi OTP")
        self.verify_otp_button.setObjectName("verify_otp_button")
        self.merchant_input = self._input("merchant_input", "Kode merchant, mis. OK1234567")
        self.merchant_input.setText(merchant)
        self.status_label = QLabel("Masukkan API key, nama pengguna dan kata sandi, lalu minta OTP.")
        self.status_label.setObjectName("login_status")
        self.status_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow("API key", self.api_key_input)
        form.addRow("Nama pengguna", self.username_input)
        form.addRow("Kata sandi", self.password_input)
        form.addRow("", self.request_otp_button)
        form.addRow("Kode OTP", self.otp_input)
        form.addRow("", self.verify_otp_button)
        form.addRow("Kode merchant", self.merchant_input)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # A button of its own, not Qt's standard Save: Qt renames those when the app's words are
        # installed, and at the first start the button read "Simpan", later "Simpan dan mulai".
        self.save_button = buttons.addButton("Simpan dan mulai", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("login_save_button")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Batal")
        self.save_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self._finish)
        layout = QVBoxLayout(self)
        if demo_hint:  # demo mode never dead-ends: one press, or the credentials to type
            hint = QLabel(demo_hint)
            hint.setObjectName("demo_hint")
            hint.setWordWrap(True)
            layout.addWidget(hint)
            self.demo_button = QPushButton("Masuk demo")
            self.demo_button.setObjectName("demo_login_button")
            self.demo_button.clicked.connect(self._demo)
            layout.addWidget(self.demo_button)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.otp_input.setEnabled(False)
        self.verify_otp_button.setEnabled(False)
        self.request_otp_button.clicked.connect(self._request_otp)
        self.verify_otp_button.clicked.connect(self._verify_otp)
        # Enter does the next step of the field it is pressed in: the owner never needs the mouse.
        for edit in (self.api_key_input, self.username_input, self.password_input):
            edit.returnPressed.connect(self._request_otp)
        self.otp_input.returnPressed.connect(self._verify_otp)
        self.merchant_input.returnPressed.connect(self._finish)
        for button in (self.request_otp_button, self.verify_otp_button, self.save_button):
            button.setAutoDefault(False)  # Enter in a field is that field's step, not a dialog button's
        self.resize(460, 360)
        if reason:
            self.show_reason(reason)

    def _demo(self) -> None:
        self.demo_requested.emit()
        self.accept()

    def show_reason(self, reason: str) -> None:
        """Why the account is asked for again (a refused API key, a broken settings file)."""
        self._say(reason, error=True)
        self.api_key_input.setFocus()

    def _input(self, name: str, placeholder: str, *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _api_key(self) -> str:
        """The key typed, or else the stored one."""
        return self.api_key_input.text().strip() or self._stored_key

    def _client_factory(self) -> Callable[[], OrkutClient]:
        """Read the key here, on the GUI thread: the factory itself runs on the worker."""
        url, key = self._api_url, self._api_key()
        return lambda: OrkutClient(url, key, read_timeout=20.0)

    def _say(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #cf222e;" if error else "")

    def _request_otp(self) -> None:
        username, password = self.username_input.text().strip(), self.password_input.text()
        if not (self._api_key() and username and password):
            self._say("API key, nama pengguna dan kata sandi wajib diisi.", error=True)
            return
        self.request_otp_button.setEnabled(False)
        self._say("Meminta OTP…")
        self._tasks.reconfigure(self._client_factory())
        self._tasks.call_api(
            lambda c: client_required(c).request_otp(username, password), self._otp_sent, self._otp_failed
        )

    def _otp_sent(self, challenge: OtpChallenge) -> None:
        self.password_input.clear()  # used once, then forgotten; kept only while it may be sent again
        if challenge.login is not None:  # some accounts get their token at once: no OTP to type
            self.request_otp_button.setEnabled(True)
            self._verified(challenge.login)
            return
        where = f" ke {challenge.destination}" if challenge.destination else ""
        self._say(f"OTP telah dikirim{where}. Masukkan kodenya.")
        self.request_otp_button.setEnabled(True)
        self.otp_input.setEnabled(True)
        self.verify_otp_button.setEnabled(True)
        self.otp_input.setFocus()

    def _otp_failed(self, exc: Exception) -> None:
        self.request_otp_button.setEnabled(True)
        if isinstance(exc, UnauthorizedError):  # said for this dialog: the key field is right above
            self._say("API key ditolak server. Periksa API key di kolom paling atas, lalu tekan Enter.", error=True)
            self.api_key_input.setFocus()
            self.api_key_input.selectAll()
            return
        self._say(message_for(exc, "Gagal meminta OTP."), error=True)
        self.password_input.setFocus()
        self.password_input.selectAll()

    def _verify_otp(self) -> None:
        username, otp = self.username_input.text().strip(), self.otp_input.text().strip()
        if not otp:
            self._say("Masukkan kode OTP.", error=True)
            return
        self.verify_otp_button.setEnabled(False)
        self._say("Memverifikasi OTP…")
        self._tasks.call_api(
            lambda c: client_required(c).verify_otp(username, otp), self._verified, self._verify_failed
        )

    def _verified(self, login: LoginResult) -> None:
        self._login = login
        self.otp_input.clear()
        if login.account_id and not self.merchant_input.text().strip():
            self.merchant_input.setText(f"OK{login.account_id}")
        self.save_button.setEnabled(True)
        self.verify_otp_button.setEnabled(True)
        self._say(f"Berhasil masuk. Periksa kode merchant, lalu tekan {self.save_button.text()}.")
        self.save_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _verify_failed(self, exc: Exception) -> None:
        self.verify_otp_button.setEnabled(True)
        self._say(message_for(exc, "OTP ditolak."), error=True)
        self.otp_input.setFocus()
        self.otp_input.selectAll()

    def _finish(self) -> None:
        if self._login is None:
            return
        try:
            merchant = MerchantCode.parse(self.merchant_input.text())
        except ConfigError as exc:
            self._say(str(exc), error=True)
            return
        self.logged_in.emit(
            Credentials(
                api_key=self._api_key(),
                username=self.username_input.text().strip(),
                token=self._login.token,
                merchant=merchant,
                name=self._login.name,
            )
        )
        self.accept()
