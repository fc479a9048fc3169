"""The sale loop, wired: keypad total -> till -> QR worker -> watcher -> LUNAS.

Every money decision is the till's (:mod:`kasir.till`: guards, kode unik, settling, late money,
attaching, restarts); this object only holds the signals, timers and workers that connect the
till to the network and the screens. Every state change is committed to the journal (by the
till) before any screen shows it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kasir import qris, shop_qris, sources
from kasir import settings as settings_io
from kasir.credentials import API_KEY, AUTH_TOKEN, CredentialStore, Loaded, SecretVault
from kasir.errors import ApiError, ConfigError, RateLimitedError, SessionExpiredError, UnauthorizedError, message_for
from kasir.journal import Journal, JournalError, Sale
from kasir.kode_unik import KodeUnikRange
from kasir.matching import find_settlement
from kasir.money import format_rupiah
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import AccountSummary, MerchantCode, MutasiEntry, Session
from kasir.qrcheck import CheckedQr, prepare
from kasir.settings import Settings
from kasir.sources import Served, Source, SourceChoice, SourceFailedError
from kasir.till import Kind, Outcome, SaleState, Till, TillRules, seconds_left
from kasir.ui.mutasi_model import MutasiModel
from kasir.ui.tasks import ClientFactory, TaskRunner, client_required
from kasir.ui.viewmodel import IDLE, SaleView
from kasir.ui.watcher import PaymentWatcher
from kasir.wib import WIB, Clock, ServerClock
from kasir.wib import now as wib_now

CLOCK_WARN_AFTER = timedelta(minutes=2)
CANCEL_CONFIRM = timedelta(seconds=4)  # a second Esc within this cancels a live QR
# A QR that takes longer than this shows "Membuat QR" first; 0.1 s still reads as instant.
PREPARING_DELAY_MS = 100
# A new QR's first payment check: nobody has scanned it yet, and a check sent at once would hold
# the interpreter while both windows paint the QR (~3 ms later on screen, measured).
FIRST_CHECK_MS = 250

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generated:
    qr: CheckedQr
    source: Source
    fallback_reason: str = ""
    missing: tuple[Source, ...] = ()

    @property
    def journal_source(self) -> str:
        return "local" if self.source is Source.LOCAL else "server"


@dataclass(frozen=True)
class LearnedQris:
    found: shop_qris.ShopQris | None
    problem: str = ""


class SaleController(QObject):
    view_changed = Signal(object)  # SaleView
    notice = Signal(str, str)  # level (info, warn, error), cashier-facing text
    input_note = Signal(str)  # a note about the typed total, said beside it; it goes when the cashier types
    connection = Signal(str)  # "" when fine, else a quiet banner text
    login_needed = Signal(str)  # why the account is asked for ("" when there is nothing more to say)
    key_needed = Signal()  # the server refused the API key: the login dialog must ask for it again
    account_changed = Signal()
    sources_changed = Signal(str)  # the quiet "which route served" text
    clock_warning = Signal(str)  # "" when the PC clock agrees with the server's
    mutasi_changed = Signal()
    late_payment = Signal(object)  # Sale settled after it had ended: the cashier must see it
    # The one countdown of the open QR, on the injected clock: seconds left, or -1 when no QR waits.
    countdown = Signal(int)
    started = Signal()  # the keyring answered (or was given up on): the sale loop runs
    _secrets_loaded = Signal(object)  # Loaded, from the keyring's thread
    _keyring_refused = Signal(str)  # from the keyring's writer thread

    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        credentials: CredentialStore,
        journal: Journal,
        clock: Clock = wib_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.data_dir, self.settings, self.journal = data_dir, settings, journal
        # Read once, on a thread of its own, and written there: the keyring never blocks the window.
        self.credentials = SecretVault(credentials)
        self.clock = clock
        self.till = Till(journal, clock, _rules(settings))
        self._view: SaleView = IDLE
        self.server_clock = ServerClock()
        cooldowns: dict[str, datetime] = {}  # by route: the history's pause holds for panel and payments
        self.qr_choice = SourceChoice("QR", sources.QR_ORDER, clock, routes=sources.QR_ROUTES)
        self.panel_choice = SourceChoice(
            "mutasi", sources.PANEL_ORDER, clock, routes=sources.PANEL_ROUTES, cooldowns=cooldowns
        )
        payment_choice = SourceChoice(
            "pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES, cooldowns=cooldowns
        )
        self.tasks = TaskRunner("api", self._factory(), self)
        # The side panel has its own worker: a hung refresh must never hold up a QR or a payment poll.
        self.panel_tasks = TaskRunner("mutasi", self._factory(), self)
        # The account and its QRIS image: a slow image host holds up neither a QR nor the panel.
        self.account_tasks = TaskRunner("akun", self._factory(), self)
        self.watcher = PaymentWatcher(
            self._factory(),
            settings.poll_interval_s,
            self,
            choice=payment_choice,
            history_interval_s=settings.history_interval,
            server_clock=self.server_clock,
            clock=clock,
        )
        self.watcher.paid.connect(self._on_paid)
        self.watcher.trouble.connect(self._trouble)
        self.watcher.recovered.connect(lambda: self._trouble(""))
        # Any good answer to a payment check, not only the first after the watcher's own trouble:
        # a panel refresh that timed out is not the connection's state while payments are answered.
        self.watcher.answered.connect(lambda: self._trouble(""))
        self.watcher.session_expired.connect(self._on_session_expired)
        self.watcher.key_refused.connect(self._on_key_refused)
        self.watcher.source_changed.connect(self._announce_sources)
        self.watcher.entries_seen.connect(self._history_seen)
        self._history_at: datetime | None = None  # when the watcher last brought the history
        self._cancel_armed_at: datetime | None = None  # a first Esc on a live QR
        self._clock_text = ""
        self.mutasi_model = MutasiModel()
        self.preparing_delay_ms = PREPARING_DELAY_MS
        self._preparing = QTimer(self)
        self._preparing.setSingleShot(True)
        self._preparing.timeout.connect(self._show_preparing)
        self._expiry = QTimer(self)
        self._expiry.setInterval(500)
        self._expiry.timeout.connect(self._check_expiry)
        self._mutasi_timer = QTimer(self)
        self._mutasi_timer.timeout.connect(self.refresh_mutasi)
        self._mutasi_busy = False
        self._seconds_left = -1
        # The banner's two kinds of text: a standing one (session ended, key refused, journal gone)
        # until login or restart, and a passing one (a slow or failed request) until a good answer
        # or the end of the sale whose checks were troubled.
        self._standing_text = ""
        self._trouble_text = ""
        # Money for a sale that arrived while the journal refused the settle: sale id -> what the
        # cashier reads. Said on the sale and in the banner until the settle is written.
        self._unrecorded: dict[int, str] = {}
        # Sales attached by hand to money whose date could not be read: no paid time on the screens.
        self._paid_time_unknown: set[int] = set()
        self._stored_qris_refused = False
        self._closed = False
        self._secrets_applied = False  # the keyring's answer is in: the sale loop may begin
        self._qris_reading = False  # the account's QRIS image is being read
        self._after_qris_read: list[Callable[[], None]] = []  # sales begun meanwhile: their QR waits
        self._sources_text = ""
        # Keys of the last list that is already in the journal: only the rows the server still
        # lists (the day's), so an app left open for a month holds no more than a day's keys.
        self._recorded: set[str] = set()
        self.watcher.set_session(self.session)

    # ---- state -------------------------------------------------------------------

    @property
    def view(self) -> SaleView:
        return self._view

    @property
    def ready(self) -> bool:
        """The keyring has answered (or been given up on) and its secrets are in use."""
        return self._secrets_applied

    @property
    def session(self) -> Session | None:
        token, merchant = self.credentials.get(AUTH_TOKEN), self._merchant()
        if not (token and self.settings.username and merchant):
            return None
        return Session(self.settings.username, token, merchant)

    def _merchant(self) -> MerchantCode | None:
        """The account's merchant code; None when none is set or the settings file holds one that
        is no code at all (edited by hand): then there is no session, and the cashier is told."""
        try:
            return MerchantCode.parse(self.settings.merchant) if self.settings.merchant else None
        except ConfigError:
            return None

    @property
    def logged_in(self) -> bool:
        return self.session is not None and bool(self.credentials.get(API_KEY))

    def _factory(self) -> ClientFactory:
        url, key = self.settings.api_url, self.credentials.get(API_KEY) or ""
        server_clock = getattr(self, "server_clock", None)

        def make() -> OrkutClient | None:
            if not key:
                return None
            return OrkutClient(url, key, connect_timeout=5.0, read_timeout=10.0, server_clock=server_clock)

        return make

    @property
    def shop_qris(self) -> str | None:
        """The shop's static QRIS (from the account, a picture or Pengaturan), or None; never one that
        does not carry the account's id (kept by an earlier version: :meth:`_check_stored_qris`)."""
        return self.settings.base_qr if self.settings.base_qr and not self._stored_qris_refused else None

    def _check_stored_qris(self) -> None:
        """The kept QRIS is checked against the account as Pengaturan would check it now."""
        base, self._stored_qris_refused = self.settings.base_qr, False
        if not base or not self.settings.merchant:
            return
        merchant = self._merchant()
        try:
            if merchant is None:
                raise shop_qris.ShopQrisError("kode merchant akun tidak valid, jadi QRIS tidak dapat dicek")
            shop_qris.check_static(base, merchant=merchant)
        except shop_qris.ShopQrisError as exc:
            self._stored_qris_refused = True
            log.warning("stored shop QRIS not used: %s", exc)
            self.notice.emit("warn", f"QRIS toko yang tersimpan tidak dipakai: {message_for(exc, str(exc))}")

    def _show(self, view: SaleView) -> None:
        if view.sale_id != self._view.sale_id or not SaleState(view.state).is_open:
            self._cancel_armed_at = None
        was = self._view
        self._view = view
        self._preparing.stop()
        if view.state == SaleState.GENERATING and not (was.sale_id == view.sale_id and was.state == view.state):
            # "Membuat QR" / "Menyiapkan QR" only if the QR takes a moment: a fast server's QR then
            # replaces the entry at once, with no flash of a screen nobody can read, and the two
            # windows are not painted twice between Bayar and the QR (~5 ms of it, measured).
            self._preparing.start(self.preparing_delay_ms)
        else:
            self.view_changed.emit(view)
        self._tell_countdown()

    def _show_preparing(self) -> None:
        if self._view.state == SaleState.GENERATING:
            self.view_changed.emit(self._view)

    def _view_of(self, sale: Sale, **extra: object) -> SaleView:
        base = SaleView(
            state=sale.state,
            sale_id=sale.id,
            base=sale.base,
            code=sale.code,
            nominal=sale.nominal,
            expires_at=sale.expires_at,
            source=sale.source or "",
            paid_at=None if sale.id in self._paid_time_unknown else sale.paid_at,
            brand=sale.brand or "",
            late=sale.late,
            paid_amount=sale.paid_amount,
            manual=sale.manual,
            unrecorded=self._unrecorded.get(sale.id, "") if sale.state == SaleState.AWAITING else "",
        )
        same_sale = self._view.sale_id == sale.id
        if same_sale:
            base = replace(
                base,
                payload=self._view.payload,
                matrix=self._view.matrix,
                merchant_name=self._view.merchant_name,
                nmid=self._view.nmid,
            )
        return replace(base, **extra)  # type: ignore[arg-type]

    # ---- start and stop ----------------------------------------------------------

    def start(self) -> None:
        if self.settings.merchant and self._merchant() is None:
            log.error("merchant code in the settings is not a merchant code: %r", self.settings.merchant[:40])
            self.notice.emit(
                "error",
                f"Kode merchant di pengaturan tidak valid ({self.settings.merchant[:40]!r}). Masukkan kode merchant"
                " yang benar (contoh: OK1234567) lalu masuk lagi.",
            )
        self._check_stored_qris()
        self._restart_mutasi_timer()
        self._expiry.start()
        self._back_up()
        self._announce_sources()
        self._secrets_loaded.connect(self._with_secrets)
        self._keyring_refused.connect(lambda text: self.notice.emit("warn", text))
        self.credentials.on_problem = self._keyring_refused.emit
        self.credentials.load((API_KEY, AUTH_TOKEN), self._secrets_loaded.emit)

    def _with_secrets(self, loaded: Loaded) -> None:
        """The keyring answered (or is treated as empty): the rest of the start needs the secrets."""
        if self._closed:  # the window closed before the keyring answered
            return
        self._secrets_applied = True
        if loaded.notice:
            self.notice.emit("warn", loaded.notice)
        self._reconfigure()
        self._resume_open_sales()
        self.started.emit()
        if self.logged_in:
            self.refresh_account()
            self.refresh_mutasi()
            return
        reason = ""
        if self.settings.has_account and self._merchant() is not None:
            reason = (
                loaded.notice
                if not loaded.answered
                else "API key atau token akun ini tidak ada di keyring (tidak tersimpan saat terakhir masuk)."
            ) + " Masukkan API key lalu masuk lagi dengan OTP."
        self.login_needed.emit(reason)

    def _back_up(self) -> None:
        """Journal upkeep at start, on the worker (a year of sales takes longer than a frame):
        statistics and checkpoint, a size line in the log, and today's backup copy."""
        from kasir import backup

        path, day, wanted = self.journal.path, self.clock().date(), self.settings.daily_backup

        def job(_client: OrkutClient | None) -> str:
            line = backup.maintain(path)
            if wanted:
                backup.daily(path, day)
            return line

        self.tasks.call(job, lambda line: log.info("%s", line), lambda exc: log.warning("journal upkeep: %r", exc))

    def shutdown(self) -> None:
        self._closed = True
        self._mutasi_timer.stop()
        self._expiry.stop()
        self.watcher.shutdown()
        self.panel_tasks.stop()
        self.account_tasks.stop()
        self.tasks.stop()

    def _restart_mutasi_timer(self) -> None:
        # The history is the upstream's rate-limited "QRIS merchant" menu: never faster than its floor.
        seconds = self.settings.mutasi_interval_s
        if self.panel_choice.current in sources.HISTORY_SHAPED:
            seconds = max(seconds, self.settings.history_interval)
        self._mutasi_timer.start(int(seconds * 1000))

    def _resume_open_sales(self) -> None:
        """After a crash or power cut: nothing that was open may vanish."""
        plan = self.till.resume()
        for sale in plan.check:
            self._check_then_expire(sale)
        if plan.restore is not None:
            self._restore(plan.restore)

    def _restore(self, sale: Sale) -> None:
        payload, nominal, base = sale.payload or "", sale.nominal, self.settings.base_qr or None

        def job(_client: OrkutClient | None) -> CheckedQr:
            return prepare(payload, nominal, base)

        def restored(qr: CheckedQr) -> None:
            self._show(
                self._view_of(sale, payload=qr.payload, matrix=qr.matrix, merchant_name=qr.merchant_name, nmid=qr.nmid)
            )
            self._watch(sale)
            self.notice.emit("info", f"Penjualan #{sale.id} dilanjutkan setelah aplikasi dibuka ulang.")

        def unsafe(exc: Exception) -> None:
            self._end(sale.id, SaleState.FAILED, message_for(exc, "QR tidak lolos pemeriksaan."))

        self.tasks.call(job, restored, unsafe)

    def _check_then_expire(self, sale: Sale) -> None:
        """A sale that expired while the app was down: one look, then expired unless paid."""
        session = self.session
        if session is None:
            self.till.after_restart_check(sale, None)
            return
        claimed = self.till.claimed(sale.created_at)
        terms = self.till.terms(sale, self.server_clock.offset, until=sale.expires_at)
        candidates = self.watcher.choice.candidates()

        def job(client: OrkutClient | None) -> MutasiEntry | None:
            client = client_required(client)
            served = sources.first_served(
                candidates, lambda source: sources.payments_from(client, session, source, sale.nominal)
            )
            return find_settlement(served.value, terms, claimed)

        def answered(entry: MutasiEntry | None) -> None:
            outcome = self.till.after_restart_check(sale, entry)
            if outcome.kind is Kind.SETTLED:
                self._announce_settled(outcome)
                self.notice.emit("info", f"Penjualan #{sale.id} ternyata sudah dibayar saat aplikasi tertutup.")
            elif outcome.kind is Kind.ENDED:
                # The panel (its own worker) may have brought the money before this look ended.
                self._take_in_outcomes(self.till.take_in(self.mutasi_model.entries, None, self.server_clock.offset))

        self.tasks.call(job, answered, lambda _exc: answered(None))

    # ---- the sale loop -----------------------------------------------------------

    def pay(self, base: int) -> None:
        if not self.ready:
            self.input_note.emit("Sebentar: kunci akun sedang dibaca dari keyring sistem…")
            return
        can_local = bool(self.shop_qris) and self.settings.generate_mode == "local"
        outcome = self.till.begin(
            base,
            on_counter=self._sale_on_counter(),
            can_make_qr=self.logged_in or can_local,
            offset=self.server_clock.offset,
        )
        if outcome.kind is Kind.BUSY:
            self.notice.emit("warn", outcome.message)
            return
        if outcome.kind is Kind.NEEDS_LOGIN:
            self.notice.emit("error", outcome.message)
            self.login_needed.emit("")
            return
        if outcome.sale is None or outcome.kind is not Kind.STARTED:
            self._error(outcome.message)
            return
        sale = outcome.sale
        self._show(self._view_of(sale))
        if self.shop_qris is None and self._qris_reading and self.settings.generate_mode != "local":
            # The account's QRIS is being read right now: without it only the seed's route can make a
            # QR, which today's service no longer serves. The sale waits ("Menyiapkan QR") for the read.
            self._after_qris_read.append(lambda: self._make_qr(sale))
            return
        self._make_qr(sale)

    def _make_qr(self, sale: Sale) -> None:
        self.tasks.call(
            self._generate_job(sale), lambda g: self._generated(sale.id, g), lambda e: self._generate_failed(sale.id, e)
        )

    def _sale_on_counter(self) -> Sale | None:
        sale_id = self._view.sale_id
        return self.journal.get(sale_id) if sale_id is not None and SaleState(self._view.state).is_open else None

    def _generate_job(self, sale: Sale) -> Callable[[OrkutClient | None], Generated]:
        session, nominal = self.session, sale.nominal
        base = self.shop_qris
        candidates = (Source.LOCAL,) if self.settings.generate_mode == "local" else self.qr_choice.candidates()

        def job(client: OrkutClient | None) -> Generated:
            try:
                served = sources.first_served(
                    candidates, lambda source: sources.qr_from(client, session, source, nominal, base)
                )
            except SourceFailedError as exc:
                # The server failed (not "not served"): the shop's own QRIS still makes a good QR.
                if base is None or exc.source is Source.LOCAL:
                    raise exc.error from None
                said = f" (server: {exc.error.server_message})" if exc.error.server_message else ""
                log.warning("QR refused: %s%s; made here from the shop's QRIS", exc.error.detail, said)
                payload = qris.to_dynamic(base, nominal)
                return Generated(prepare(payload, nominal, base), Source.LOCAL, exc.user_message, exc.missing)
            except sources.NoSourceError as exc:
                if session is None and base is None:
                    raise SessionExpiredError("no session") from None
                raise sources.ShopQrisMissingError("no static QRIS") if base is None else exc from None
            # A payload that fails the gate is refused outright, never replaced silently.
            try:
                qr = prepare(served.value.qr_string, nominal, base)
            except qris.QrisError as exc:
                raise sources.RefusedQrError(exc, served.source, served.value.qr_string) from None
            return Generated(qr, served.source, "", served.missing)

        return job

    def _generated(self, sale_id: int, generated: Generated) -> None:
        self._learn_qr_sources(generated)
        outcome = self.till.qr_ready(sale_id, generated.qr.payload, generated.journal_source)
        if outcome.kind is Kind.STALE or outcome.sale is None:
            return  # cancelled while the QR was being made
        if outcome.kind is not Kind.SHOWN:
            if self._view.sale_id == sale_id:
                self._show_ended(outcome, SaleState.FAILED)
            self.notice.emit("error", outcome.message)
            return
        sale, qr = outcome.sale, generated.qr
        self._show(
            self._view_of(sale, payload=qr.payload, matrix=qr.matrix, merchant_name=qr.merchant_name, nmid=qr.nmid)
        )
        if generated.fallback_reason:
            self.notice.emit("warn", f"QR dibuat lokal dari QRIS toko (server: {generated.fallback_reason})")
        self._watch(sale, delay_ms=FIRST_CHECK_MS)

    def _learn_qr_sources(self, generated: Generated) -> None:
        if self.settings.generate_mode == "local":
            return
        self.qr_choice.record_missing(generated.missing)
        if not generated.fallback_reason and self.qr_choice.record(Served(None, generated.source, generated.missing)):
            self._announce_sources()

    def _generate_failed(self, sale_id: int, exc: Exception) -> None:
        if isinstance(exc, qris.QrisError):
            message = f"QR dari server ditolak karena tidak aman ditampilkan: {exc}"
        else:
            message = message_for(exc, "Gagal membuat QR.")
        self._end(sale_id, SaleState.FAILED, message)
        self.notice.emit("error", message)
        if isinstance(exc, SessionExpiredError):
            self.login_needed.emit("")
        elif isinstance(exc, UnauthorizedError):
            self.key_needed.emit()

    def _watch(self, sale: Sale, delay_ms: int = 0) -> None:
        self.watcher.set_interval(self.settings.poll_interval_s, self.settings.history_interval)
        self.watcher.watch(
            sale.id, sale.nominal, sale.created_at, set(self.till.claimed(sale.created_at)), delay_ms=delay_ms
        )

    # ---- the counter's two keys: Bayar (Enter) and Batal (Esc) -----------------------

    def press_pay(self, typed: int) -> bool:
        """Enter / Bayar. An outcome on screen is acknowledged first; True when a sale began."""
        state = SaleState(self._view.state)
        if state.is_finished:
            self.acknowledge()
            if typed == 0:
                return False
        if typed == 0 and not state.is_open:
            self.input_note.emit("Ketik total belanja dulu, lalu tekan Bayar.")
            return False
        self.pay(typed)
        return SaleState(self._view.state) is SaleState.GENERATING

    def press_cancel(self, typed: int) -> str:
        """Esc / Batal: a typed total is cleared first ("clear"); a live QR needs a second press
        within a few seconds ("armed", then "cancelled"); an outcome on screen is put away ("idle")."""
        state = SaleState(self._view.state)
        if typed:
            return "clear"
        if self._refuse_cancel_of_paid():
            return "refused"
        if state.is_open:
            now = self.clock()
            if self._cancel_armed_at is not None and now - self._cancel_armed_at <= CANCEL_CONFIRM:
                self._cancel_armed_at = None
                self.cancel()
                return "cancelled"
            self._cancel_armed_at = now
            self.notice.emit("warn", "Tekan Esc (Batal) sekali lagi untuk membatalkan QR yang sedang tampil.")
            return "armed"
        self.acknowledge()
        return "idle"

    def reshow(self, sale_id: int) -> bool:
        """Put a sale that still waits back on the customer screen (its QR checked again)."""
        sale = self.journal.get(sale_id)
        if sale.state != SaleState.AWAITING or self.till.due_to_expire(sale) or not sale.payload:
            self.notice.emit("warn", f"Penjualan #{sale_id} tidak sedang menunggu pembayaran.")
            return False
        if self._view.sale_id == sale_id and self._view.payload:
            self._show(self._view)
            return True
        self._restore(sale)
        return True

    def _refuse_cancel_of_paid(self) -> bool:
        """A sale whose money arrived (not yet written) is paid: it is not cancelled."""
        if self._view.sale_id not in self._unrecorded:
            return False
        self.notice.emit("warn", "Pembayaran untuk QR ini sudah masuk, jadi tidak dibatalkan. Tunggu sampai tercatat.")
        return True

    def cancel(self) -> None:
        if self._refuse_cancel_of_paid():
            return
        if SaleState(self._view.state).is_open and self._view.sale_id is not None:
            self._end(self._view.sale_id, SaleState.CANCELLED, "dibatalkan kasir")
        elif SaleState(self._view.state).is_finished:
            self._show(IDLE)

    def acknowledge(self) -> None:
        """The cashier saw the outcome; the next sale may start."""
        if SaleState(self._view.state).is_finished:
            self._show(IDLE)

    def _end(self, sale_id: int, state: SaleState, reason: str) -> None:
        if self.watcher.watching == sale_id:
            self.watcher.stop()
            self._trouble("")  # nothing is asked for it any more: its slow checks are no longer news
        outcome = self.till.end(sale_id, state, reason)
        if outcome.kind is Kind.STORAGE_FAILED:
            self._error(outcome.message)
        if self._view.sale_id == sale_id:
            self._show_ended(outcome, state, reason)

    def _show_ended(self, outcome: Outcome, state: SaleState, reason: str = "") -> None:
        """The screens follow the till; when the journal refused, they still leave the open state
        (the journal keeps the sale open, so a restart looks at it again) and say why."""
        sale = outcome.sale
        if sale is None:
            return
        if outcome.kind is Kind.STORAGE_FAILED and SaleState(sale.state).is_open:
            message = " — ".join(part for part in (reason, outcome.message) if part)
            self._show(self._view_of(sale, state=state.value, message=message))
        else:
            self._show(self._view_of(sale, message=reason or outcome.message))

    def _check_expiry(self) -> None:
        self._check_clock()
        self._tick_sources()
        view = self._view
        # Money that arrived in time and waits to be written keeps its sale open: it is paid, not expired.
        waiting = view.state == SaleState.AWAITING and not view.unrecorded
        if waiting and view.sale_id and view.expires_at and self.clock() >= view.expires_at:
            self._end(view.sale_id, SaleState.EXPIRED, "waktu habis")
        self._tell_countdown()

    def _tell_countdown(self) -> None:
        view = self._view
        left = -1
        if view.state == SaleState.AWAITING and view.expires_at is not None and not view.unrecorded:
            left = seconds_left(view.expires_at, self.clock())
        if left != self._seconds_left:
            self._seconds_left = left
            self.countdown.emit(left)

    def _on_paid(self, sale_id: int, entry: MutasiEntry) -> None:
        outcome = self.till.settle(sale_id, entry)
        if outcome.kind in (Kind.SETTLED, Kind.ALREADY_PAID):
            self._announce_settled(outcome)
            self.refresh_mutasi()
            return
        sale = outcome.sale
        if sale is None or sale.state != SaleState.AWAITING:
            return
        if outcome.kind is Kind.STORAGE_FAILED:
            # The money is there; the disk is not. Keep watching and try again, never drop the sale,
            # and never let the cashier ask the customer to pay twice.
            self._unrecorded_money(sale, entry.amount, outcome.message)
            self._watch(sale, delay_ms=2_000)
        else:  # claimed by another sale: this one keeps waiting for its own payment
            log.warning("payment already claimed; sale %s keeps waiting", sale_id)
            self._watch(sale, delay_ms=self.watcher.interval_ms())

    def _unrecorded_money(self, sale: Sale, amount: int, reason: str) -> None:
        """Money for the sale on the counter arrived and the journal refused the settle. The sale
        says so instead of "Menunggu pembayaran" (its QR off both screens), and the banner keeps it
        above anything else, until a later try writes it (:meth:`_announce_settled`)."""
        text = (
            f"Pembayaran {format_rupiah(amount)} sudah masuk tetapi belum tercatat (jurnal tidak dapat ditulis)."
            " Jangan minta pelanggan membayar lagi."
        )
        self._unrecorded[sale.id] = text
        if self._view.sale_id == sale.id:
            self._show(self._view_of(sale))
        self.notice.emit("error", f"{text} {reason}")
        self._banner()

    def _banner(self) -> None:
        """Money that arrived and is not yet written first, then the standing text, then trouble."""
        parts = [*self._unrecorded.values(), self._standing_text, self._trouble_text]
        self.connection.emit("\n".join(dict.fromkeys(p for p in parts if p)))

    def _standing(self, text: str) -> None:
        self._standing_text = text
        self._banner()

    def _trouble(self, text: str) -> None:
        if text != self._trouble_text:
            self._trouble_text = text
            self._banner()

    def _error(self, message: str) -> None:
        self.notice.emit("error", message)
        if self.journal.gone:  # not a passing fault: the banner stays until the app is restarted
            self._standing(message)

    def _announce_settled(self, outcome: Outcome) -> None:
        sale = outcome.sale
        if sale is None:
            return
        if self.watcher.watching == sale.id:
            self.watcher.stop()
        self._unrecorded.pop(sale.id, None)  # written at last
        self._trouble_text = ""
        self._banner()
        if self._view.sale_id == sale.id:
            self._show(self._view_of(sale))
        if (sale.late or outcome.after_end) and not sale.manual:  # the cashier saw this sale end
            self.notice.emit("warn", outcome.message)
            self.late_payment.emit(sale)
        if self.settings.sound and outcome.kind is Kind.SETTLED:
            from kasir.ui.sound import paid_cue

            paid_cue()

    # ---- the day's money: late payments and payments attached by hand ---------------

    def _take_in(self, entries: list[MutasiEntry]) -> None:
        fresh = [e for e in entries if e.key not in self._recorded]
        try:
            self.journal.record_payments(fresh, seen_at=self.clock())
            self._recorded = {e.key for e in entries}
        except JournalError as exc:
            log.warning("mutasi not journaled: %s", exc)
        self._take_in_outcomes(self.till.take_in(entries, self._sale_on_counter(), self.server_clock.offset))
        self._refresh_model(entries)

    def _take_in_outcomes(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.kind is Kind.SETTLED:
                self._announce_settled(outcome)
            elif outcome.kind is Kind.STORAGE_FAILED:
                sale = outcome.sale
                if sale is not None and sale.id == self._view.sale_id and sale.state == SaleState.AWAITING:
                    # The list brought the money of the sale on the counter (an automatic settle is
                    # for its exact nominal): the same "paid, not written" as the watcher's.
                    self._unrecorded_money(sale, sale.nominal, outcome.message)
                else:
                    self._error(outcome.message)

    def _history_seen(self, entries: list[MutasiEntry]) -> None:
        """The watcher brought the history anyway: the panel uses it instead of asking again."""
        self._history_at = self.clock()
        if self.panel_choice.current in sources.HISTORY_SHAPED or self.panel_choice.current is None:
            self._take_in(entries)

    def _refresh_model(self, entries: list[MutasiEntry] | None = None) -> None:
        current = self.mutasi_model.entries if entries is None else entries
        today = self.clock().date()
        shown = [e for e in current if e.date.astimezone(WIB).date() == today]
        # Marks for the rows on screen only: a year of settlements is never loaded for a refresh.
        self.mutasi_model.set_entries(shown, self.journal.settled_by(e.key for e in shown), today)
        self.mutasi_changed.emit()

    def attach(self, entry: MutasiEntry, sale_id: int) -> bool:
        """The cashier confirmed that this payment is for this sale: settle it by hand."""
        if entry.date_unknown:
            self._paid_time_unknown.add(sale_id)
        outcome = self.till.attach(entry, sale_id)
        if outcome.kind is not Kind.SETTLED or outcome.sale is None:
            self.notice.emit("error", outcome.message)
            return False
        self._announce_settled(outcome)
        self._refresh_model()
        self.notice.emit("info", outcome.message)
        return True

    def attachable_sales(self) -> list[Sale]:
        return self.journal.attachable(self.clock().date())

    # ---- account, login, settings ------------------------------------------------

    def _on_session_expired(self) -> None:
        self.credentials.delete(AUTH_TOKEN)
        self._standing("Sesi login berakhir — masuk lagi untuk melanjutkan. Transaksi tetap tersimpan.")
        self.login_needed.emit("")

    def _on_key_refused(self) -> None:
        self._standing("API key ditolak server — masukkan API key lagi (Akun → Masuk lagi). Transaksi tetap tersimpan.")
        self.key_needed.emit()

    # ---- which route served, and the PC's clock ------------------------------------

    def source_text(self) -> str:
        pay = self.watcher.choice
        serving, resting = pay.serving(), pay.resting()
        if serving is None:  # every route rests: nothing is asked meanwhile, so never claim a cadence
            parts = [f"Cek pembayaran: dijeda server ({_clock_text(pay.cooldown_left())})"]
        elif pay.current is None:
            parts = ["Cek pembayaran: belum"]
        else:
            every = _seconds(pay.interval_s(self.settings.poll_interval_s, self.settings.history_interval))
            paused = "".join(f"; {sources.LABEL[s]} dijeda {_clock_text(left)}" for s, left in resting)
            parts = [f"Cek pembayaran: {sources.LABEL[serving]} (tiap {every}{paused})"]
        qr = Source.LOCAL if self.settings.generate_mode == "local" else self.qr_choice.current
        if qr is not None:
            parts.append(f"QR: {sources.LABEL[qr]}")
        if not self.panel_choice.ready():
            parts.append(f"Mutasi: dijeda server ({_clock_text(self.panel_choice.cooldown_left())})")
        elif self.panel_choice.current is not None:
            parts.append(f"Mutasi: {sources.LABEL[self.panel_choice.serving() or self.panel_choice.current]}")
        return " · ".join(parts)

    def _announce_sources(self) -> None:
        text = self.source_text()
        log.info("sources: %s", text)
        self._sources_text = text
        self.sources_changed.emit(text)

    def _tick_sources(self) -> None:
        """A server's pause counts down on the label, and goes the moment it ends."""
        text = self.source_text()
        if text != self._sources_text:
            self._sources_text = text
            self.sources_changed.emit(text)

    def refresh_mutasi_now(self) -> None:
        """F5 / Muat ulang: as refresh_mutasi, but the cashier is told why when nothing can be asked."""
        resting = {
            "mutasi": self.panel_choice.cooldown_left(),
            "pembayaran": self.watcher.choice.cooldown_left() if self.watcher.watching else timedelta(0),
        }
        paused = [what for what, left in resting.items() if left > timedelta(0)]
        if self.session is not None and paused:
            left = min(resting[what] for what in paused)
            self.notice.emit("warn", f"Server meminta jeda, cek {' dan '.join(paused)} lagi dalam {_wait_text(left)}.")
        if not self.refresh_mutasi() and self.session is not None and "mutasi" not in paused:
            every = _seconds(self.settings.history_interval)
            self.notice.emit(
                "info",
                "Mutasi sedang dimuat…"
                if self._mutasi_busy
                else f"Mutasi baru saja dimuat; riwayat dicek paling cepat tiap {every}.",
            )

    def _check_clock(self) -> None:
        if not self.server_clock.known:
            return
        offset = self.server_clock.offset
        text = ""
        if abs(offset) > CLOCK_WARN_AFTER:
            minutes = round(abs(offset).total_seconds() / 60)
            way = "terlambat" if offset > timedelta(0) else "terlalu cepat"
            text = f"Jam komputer selisih {minutes} menit ({way}) dari jam server. Perbaiki jam Windows."
        if text != self._clock_text:
            self._clock_text = text
            if text:
                log.warning("PC clock is off the server's by %.0f s", offset.total_seconds())
            self.clock_warning.emit(text)

    def apply_login(self, api_key: str, username: str, token: str, merchant: MerchantCode, name: str | None) -> None:
        self.credentials.set(API_KEY, api_key)
        self.credentials.set(AUTH_TOKEN, token)
        changes: dict[str, object] = {"username": username, "merchant": merchant.with_ok}
        if name and not self.settings.shop_name:
            changes["shop_name"] = name
        self._update_settings(self.settings.with_changes(**changes))
        self._check_stored_qris()  # another account's login must not inherit this one's QRIS
        self._reconfigure()
        for choice in (self.qr_choice, self.panel_choice, self.watcher.choice):
            choice.reprobe()  # a new login may mean a new server: every route gets another chance
        self._standing_text = self._trouble_text = ""
        self._banner()
        self.account_changed.emit()
        self.refresh_account()
        self.refresh_mutasi()

    def logout(self) -> None:
        self.credentials.delete(AUTH_TOKEN)
        self.credentials.delete(API_KEY)
        self._reconfigure()
        self.account_changed.emit()
        self.login_needed.emit("")

    def apply_settings(self, new: Settings) -> None:
        self._update_settings(new)
        self._check_stored_qris()
        self.till.rules = _rules(new)
        self._reconfigure()
        self._restart_mutasi_timer()
        self.watcher.set_interval(new.poll_interval_s, new.history_interval)
        self._announce_sources()

    def remember(self, **changes: object) -> None:
        """Keep a detail of the counter (the window's place) without touching anything else."""
        self._update_settings(self.settings.with_changes(**changes))

    def _update_settings(self, new: Settings) -> None:
        self.settings = new
        try:
            settings_io.save(self.data_dir, new)
        except OSError as exc:
            self.notice.emit("error", f"Pengaturan tidak dapat disimpan: {_os_reason(exc)}.")

    def _reconfigure(self) -> None:
        self.tasks.reconfigure(self._factory())
        self.panel_tasks.reconfigure(self._factory())
        self.account_tasks.reconfigure(self._factory())
        self.watcher.reconfigure(self._factory())
        self.watcher.set_session(self.session)

    def refresh_account(self) -> None:
        """The account's name and, when the shop's QRIS is not known yet, its QRIS image."""
        session = self.session
        if session is None:
            return
        want_qris = not self.shop_qris

        def job(client: OrkutClient | None) -> tuple[AccountSummary, LearnedQris | None]:
            client = client_required(client)
            summary = client.account_summary(session)
            account = summary.account
            if not (want_qris and account is not None and account.qris_image_url):
                return summary, None
            from kasir.ui.images import decode_qr_image  # Qt's image readers, usable off the GUI thread

            try:
                texts = decode_qr_image(api_download(account.qris_image_url))
                return summary, LearnedQris(shop_qris.adopt_from_account(texts, account, session.merchant))
            except (shop_qris.ShopQrisError, ApiError, ValueError) as exc:
                return summary, LearnedQris(None, message_for(exc, str(exc)))

        def done(answer: tuple[AccountSummary, LearnedQris | None]) -> None:
            summary, learned = answer
            account = summary.account
            if account is not None and account.qris_name and account.qris_name != self.settings.shop_name:
                self._update_settings(self.settings.with_changes(shop_name=account.qris_name))
                self.account_changed.emit()
            if learned is not None:
                self._adopt_shop_qris(learned)
            read_done()

        def failed(exc: Exception) -> None:
            log.info("account summary unavailable: %r", exc)
            read_done()

        def read_done() -> None:
            self._qris_reading = False
            waiting, self._after_qris_read = self._after_qris_read, []
            for make_qr in waiting:
                make_qr()

        self._qris_reading = self._qris_reading or want_qris
        self.account_tasks.call(job, done, failed)

    def _adopt_shop_qris(self, learned: LearnedQris) -> None:
        if learned.found is None:
            log.warning("shop QRIS from the account not used: %s", learned.problem)
            self.notice.emit("warn", f"QRIS toko dari akun tidak dapat dipakai: {learned.problem}")
            return
        if self.shop_qris:
            return  # set meanwhile (Pengaturan): the shop owner's choice wins
        self._update_settings(self.settings.with_changes(base_qr=learned.found.payload))
        self._stored_qris_refused = False  # checked against the account just now
        log.info("shop QRIS learned from the account: %s", learned.found.summary)
        self.notice.emit("info", f"QRIS toko dibaca dari akun: {learned.found.summary}.")
        self.account_changed.emit()

    def refresh_mutasi(self) -> bool:
        """Ask for the panel's list; False when nothing was asked (busy, just read, or paused)."""
        session = self.session
        if session is None or self._mutasi_busy:
            return False
        history_age = self.clock() - self._history_at if self._history_at else None
        if (
            self.panel_choice.current in sources.HISTORY_SHAPED
            and history_age is not None
            and history_age.total_seconds() < self.settings.history_interval
        ):
            return False  # the watcher brought the history a moment ago; asking again invites "terlalu sering"
        candidates = self.panel_choice.ready()  # a route the server paused is left alone
        if not candidates:
            self._announce_sources()
            return False
        self._mutasi_busy = True

        def job(client: OrkutClient | None) -> Served[list[MutasiEntry]]:
            client = client_required(client)
            return sources.first_served(candidates, lambda source: sources.panel_from(client, session, source))

        def done(served: Served[list[MutasiEntry]]) -> None:
            self._mutasi_busy = False
            self._trouble("")
            if self.panel_choice.record(served):
                self._restart_mutasi_timer()
                self._announce_sources()
            if served.source in sources.HISTORY_SHAPED:
                self._history_at = self.clock()
            self._take_in(served.value)

        def failed(exc: Exception) -> None:
            self._mutasi_busy = False
            error = exc.error if isinstance(exc, SourceFailedError) else exc
            if isinstance(exc, SourceFailedError):
                self.panel_choice.record_missing(exc.missing)
                if isinstance(error, RateLimitedError):
                    self.panel_choice.cool_down(exc.source, error.cooldown_s)
                    self._announce_sources()
            if isinstance(error, SessionExpiredError):
                self._on_session_expired()
            elif isinstance(error, UnauthorizedError):
                self._on_key_refused()
            else:
                self._trouble(message_for(error, "Mutasi gagal dimuat."))

        self.panel_tasks.call(job, done, failed)
        return True


def _os_reason(exc: OSError) -> str:
    """An operating-system failure in a shop owner's words, not an exception class name."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk penuh"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "folder data tidak boleh ditulis (izin ditolak)"
    return exc.strerror or "kesalahan disk"


def _rules(settings: Settings) -> TillRules:
    return TillRules(
        expiry=timedelta(seconds=settings.expiry_s),
        kode_unik=KodeUnikRange(settings.kode_unik_low, settings.kode_unik_high),
    )


def _clock_text(left: timedelta) -> str:
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


def _wait_text(left: timedelta) -> str:
    """A wait in whole minutes, rounded up (seconds under one minute): "10 menit", "25 detik"."""
    seconds = math.ceil(left.total_seconds())
    return f"{math.ceil(seconds / 60)} menit" if seconds >= 60 else f"{seconds} detik"


def _seconds(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")  # Indonesian decimal comma
    return f"{text} detik"


def api_download(url: str) -> bytes:
    from kasir.orkut.client import download

    return download(url)
