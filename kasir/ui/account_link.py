"""The account, wired: settings, secrets, login and logout, and the account's name and QRIS image.

What is decided here is the core's (:mod:`kasir.shop_qris` judges a QRIS, :mod:`kasir.credentials`
keeps the secrets off the GUI thread, :mod:`kasir.settings` saves atomically); this object holds the
signals, the worker and the current settings that connect them to the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kasir import settings as settings_io
from kasir import shop_qris
from kasir.credentials import API_KEY, AUTH_TOKEN, CredentialStore, Loaded, SecretVault
from kasir.errors import ApiError, ConfigError, message_for, os_reason
from kasir.orkut.client import OrkutClient, download
from kasir.orkut.types import AccountSummary, MerchantCode, Session
from kasir.settings import Settings
from kasir.shop_tills import JOURNAL_PASSWORD
from kasir.ui.tasks import ClientFactory, TaskRunner, client_required
from kasir.wib import ServerClock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LearnedQris:
    found: shop_qris.ShopQris | None
    problem: str = ""


class AccountLink(QObject):
    notice = Signal(str, str)  # level, cashier-facing text
    account_changed = Signal()
    login_needed = Signal(str)  # why ("" when there is nothing more to say)
    reconfigured = Signal()  # the API key, the token or the server changed: workers get new clients
    started = Signal()  # the keyring answered (or was given up on): the secrets are in use
    _secrets_loaded = Signal(object)  # Loaded, from the keyring's thread
    _keyring_refused = Signal(str)  # from the keyring's writer thread

    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        credentials: CredentialStore,
        server_clock: ServerClock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir, self.settings, self.server_clock = data_dir, settings, server_clock
        # Read once, on a thread of its own, and written there: the keyring never blocks the window.
        self.credentials = SecretVault(credentials)
        self.credentials.on_problem = self._keyring_refused.emit
        self._secrets_loaded.connect(self._with_secrets)
        self._keyring_refused.connect(lambda text: self.notice.emit("warn", text))
        self.ready = False  # the keyring's answer is in
        self._closed = False
        self._stored_qris_refused = False
        self.qris_reading = False  # the account's QRIS image is being read
        self._after_qris_read: list[Callable[[], None]] = []  # what waits for that read (a sale's QR)
        # The account and its QRIS image: a slow image host holds up neither a QR nor the panel.
        self.tasks = TaskRunner("akun", self.client_factory(), self)

    # ---- who we are ------------------------------------------------------------------------

    def merchant(self) -> MerchantCode | None:
        """The account's merchant code; None when none is set or the settings file holds one that
        is no code at all (edited by hand): then there is no session, and the cashier is told."""
        try:
            return MerchantCode.parse(self.settings.merchant) if self.settings.merchant else None
        except ConfigError:
            return None

    @property
    def session(self) -> Session | None:
        token, merchant = self.credentials.get(AUTH_TOKEN), self.merchant()
        if not (token and self.settings.username and merchant):
            return None
        return Session(self.settings.username, token, merchant)

    @property
    def logged_in(self) -> bool:
        return self.session is not None and bool(self.credentials.get(API_KEY))

    def client_factory(self) -> ClientFactory:
        """Clients for the workers, made on their threads: the key is read here, on the GUI thread."""
        url, key, server_clock = self.settings.api_url, self.credentials.get(API_KEY) or "", self.server_clock

        def make() -> OrkutClient | None:
            if not key:
                return None
            return OrkutClient(url, key, connect_timeout=5.0, read_timeout=10.0, server_clock=server_clock)

        return make

    @property
    def shop_qris(self) -> str | None:
        """The shop's static QRIS (from the account, a picture or Pengaturan), or None; never one that
        does not carry the account's id (kept by an earlier version: :meth:`check_stored_qris`)."""
        return self.settings.base_qr if self.settings.base_qr and not self._stored_qris_refused else None

    # ---- start -----------------------------------------------------------------------------

    def start(self) -> None:
        if self.settings.merchant and self.merchant() is None:
            log.error("merchant code in the settings is not a merchant code: %r", self.settings.merchant[:40])
            self.notice.emit(
                "error",
                f"Kode merchant di pengaturan tidak valid ({self.settings.merchant[:40]!r}). Masukkan kode merchant"
                " yang benar (contoh: OK1234567) lalu masuk lagi.",
            )
        self.check_stored_qris()
        self.credentials.load((API_KEY, AUTH_TOKEN, JOURNAL_PASSWORD), self._secrets_loaded.emit)

    def _with_secrets(self, loaded: Loaded) -> None:
        if self._closed:  # the window closed before the keyring answered
            return
        self.ready = True
        if loaded.notice:
            self.notice.emit("warn", loaded.notice)
        self.tasks.reconfigure(self.client_factory())
        self.reconfigured.emit()
        self.started.emit()
        if self.logged_in:
            return  # its first refresh is the controller's to time: soon after a sale can begin
        reason = ""
        if self.settings.has_account and self.merchant() is not None:
            missing = "API key atau token akun ini tidak ada di keyring (tidak tersimpan saat terakhir masuk)."
            reason = f"{loaded.notice if not loaded.answered else missing} Masukkan API key lalu masuk lagi dengan OTP."
        self.login_needed.emit(reason)

    def check_stored_qris(self) -> None:
        """The kept QRIS is checked against the account as Pengaturan would check it now."""
        base, self._stored_qris_refused = self.settings.base_qr, False
        if not base or not self.settings.merchant:
            return
        merchant = self.merchant()
        try:
            if merchant is None:
                raise shop_qris.ShopQrisError("kode merchant akun tidak valid, jadi QRIS tidak dapat dicek")
            shop_qris.check_static(base, merchant=merchant)
        except shop_qris.ShopQrisError as exc:
            self._stored_qris_refused = True
            log.warning("stored shop QRIS not used: %s", exc)
            self.notice.emit("warn", f"QRIS toko yang tersimpan tidak dipakai: {message_for(exc, str(exc))}")

    @property
    def closed(self) -> bool:
        return self._closed

    def shutdown(self) -> None:
        self._closed = True
        self.tasks.stop()

    # ---- login, logout, settings -----------------------------------------------------------

    def apply_login(self, api_key: str, username: str, token: str, merchant: MerchantCode, name: str | None) -> None:
        self.credentials.set(API_KEY, api_key)
        self.credentials.set(AUTH_TOKEN, token)
        changes: dict[str, object] = {"username": username, "merchant": merchant.with_ok}
        if name and not self.settings.shop_name:
            changes["shop_name"] = name
        self.update_settings(self.settings.with_changes(**changes))
        self.check_stored_qris()  # another account's login must not inherit this one's QRIS
        self.tasks.reconfigure(self.client_factory())
        self.reconfigured.emit()
        self.account_changed.emit()
        self.refresh_account()

    def logout(self) -> None:
        self.credentials.delete(AUTH_TOKEN)
        self.credentials.delete(API_KEY)
        self.tasks.reconfigure(self.client_factory())
        self.reconfigured.emit()
        self.account_changed.emit()
        self.login_needed.emit("")

    def session_ended(self) -> None:
        self.credentials.delete(AUTH_TOKEN)
        self.reconfigured.emit()
        self.login_needed.emit("")

    def apply_settings(self, new: Settings) -> None:
        self.update_settings(new)
        self.check_stored_qris()
        self.tasks.reconfigure(self.client_factory())
        self.reconfigured.emit()

    def update_settings(self, new: Settings) -> None:
        self.settings = new
        try:
            settings_io.save(self.data_dir, new)
        except OSError as exc:
            self.notice.emit("error", f"Pengaturan tidak dapat disimpan: {os_reason(exc)}.")

    # ---- the account's name and QRIS -------------------------------------------------------

    def after_qris_read(self, then: Callable[[], None]) -> bool:
        """Run ``then`` once the account's QRIS image has been read; False (and nothing kept) when
        no read is running."""
        if not self.qris_reading:
            return False
        self._after_qris_read.append(then)
        return True

    def refresh_account(self) -> None:
        """The account's name and, when the shop's QRIS is not known yet, its QRIS image."""
        session = self.session
        if session is None:
            return
        want_qris = not self.shop_qris
        if want_qris:
            from kasir.ui.images import warm_image_readers

            warm_image_readers()  # on this (the GUI) thread: the job below decodes the account's picture

        def job(client: OrkutClient | None) -> tuple[AccountSummary, LearnedQris | None]:
            summary = client_required(client).account_summary(session)
            account = summary.account
            if not (want_qris and account is not None and account.qris_image_url):
                return summary, None
            from kasir.ui.images import decode_qr_image  # Qt's image readers, usable off the GUI thread

            try:
                texts = decode_qr_image(download(account.qris_image_url))
                return summary, LearnedQris(shop_qris.adopt_from_account(texts, account, session.merchant))
            except (shop_qris.ShopQrisError, ApiError, ValueError) as exc:
                return summary, LearnedQris(None, message_for(exc, str(exc)))

        def done(answer: tuple[AccountSummary, LearnedQris | None]) -> None:
            summary, learned = answer
            account = summary.account
            if account is not None and account.qris_name and account.qris_name != self.settings.shop_name:
                self.update_settings(self.settings.with_changes(shop_name=account.qris_name))
                self.account_changed.emit()
            if learned is not None:
                self._adopt_shop_qris(learned)
            read_done()

        def failed(exc: Exception) -> None:
            log.info("account summary unavailable: %r", exc)
            read_done()

        def read_done() -> None:
            self.qris_reading = False
            waiting, self._after_qris_read = self._after_qris_read, []
            for then in waiting:
                then()

        self.qris_reading = self.qris_reading or want_qris
        self.tasks.call_api(job, done, failed)

    def _adopt_shop_qris(self, learned: LearnedQris) -> None:
        if learned.found is None:
            log.warning("shop QRIS from the account not used: %s", learned.problem)
            self.notice.emit("warn", f"QRIS toko dari akun tidak dapat dipakai: {learned.problem}")
            return
        if self.shop_qris:
            return  # set meanwhile (Pengaturan): the shop owner's choice wins
        self.update_settings(self.settings.with_changes(base_qr=learned.found.payload))
        self._stored_qris_refused = False  # checked against the account just now
        log.info("shop QRIS learned from the account: %s", learned.found.summary)
        self.notice.emit("info", f"QRIS toko dibaca dari akun: {learned.found.summary}.")
        self.account_changed.emit()
