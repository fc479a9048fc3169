"""The sale loop, wired: keypad total -> checkout -> QR worker -> watcher -> LUNAS.

Every decision about the sale is the checkout's (:mod:`kasir.checkout`), every money rule the till's
(:mod:`kasir.till`); this object holds the signals, timers and workers that connect them to the
network and the screens, and applies each :class:`~kasir.checkout.Step` in one place
(:meth:`SaleController._apply`). It never touches the journal.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kasir import sources
from kasir.checkout import Answer, Checkout, MadeQr, Step
from kasir.credentials import CredentialStore
from kasir.journal import Journal, JournalError, Sale
from kasir.kode_unik import KodeUnikRange
from kasir.matching import find_settlement
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MerchantCode, MutasiEntry, Session
from kasir.qrcheck import CheckedQr, prepare
from kasir.sale_state import SaleState
from kasir.sale_view import SaleView
from kasir.settings import Settings
from kasir.source_status import cadence_text, clock_warning, shop_text, source_text
from kasir.sources import Generated, Served, Source, SourceChoice
from kasir.till import Till, TillRules
from kasir.ui.account_link import AccountLink
from kasir.ui.mutasi_model import MutasiModel
from kasir.ui.panel import MutasiPanel
from kasir.ui.start_order import JournalUpkeep, soon_after_able_to_sell
from kasir.ui.tasks import TaskRunner, client_required
from kasir.ui.watcher import PaymentWatcher, Watch
from kasir.wib import Clock, ServerClock
from kasir.wib import now as wib_now

if TYPE_CHECKING:
    from kasir.paid_sound import CuePlayer
    from kasir.ui.shop_link import ShopLink

# A QR that takes longer than this shows "Membuat QR" first; 0.1 s still reads as instant.
PREPARING_DELAY_MS = 100
# The till polling for a shop whose checks failed this many times in a row lets another till poll.
HAND_OVER_AFTER_FAILURES = 3

log = logging.getLogger(__name__)


class SaleController(QObject):
    view_changed = Signal(object)  # SaleView
    notice = Signal(str, str)  # level (info, warn, error), cashier-facing text
    notice_lasts = Signal(str, int)  # the notice just said is true only this many ms (Esc's second press)
    input_note = Signal(str)  # a note about the typed total, said beside it; it goes when the cashier types
    connection = Signal(str)  # "" when fine, else a quiet banner text
    login_needed = Signal(str)  # why the account is asked for ("" when there is nothing more to say)
    key_needed = Signal()  # the server refused the API key: the login dialog must ask for it again
    account_changed = Signal()
    sources_changed = Signal(str)  # the quiet "which route served" text
    cadence_changed = Signal(str)  # "Cek pembayaran tiap 10 detik", beside a waiting QR's countdown
    clock_warning = Signal(str)  # "" when the PC clock agrees with the server's
    mutasi_changed = Signal()
    late_payment = Signal(object)  # Sale settled after it had ended: the cashier must see it
    countdown = Signal(int)  # seconds left of the open QR, or -1 when no QR waits
    started = Signal()  # the keyring answered (or was given up on): the sale loop runs

    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        credentials: CredentialStore,
        journal: Journal,
        clock: Clock = wib_now,
        parent: QObject | None = None,
        *,
        counter: str = "",
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.server_clock = ServerClock()
        self.account = AccountLink(data_dir, settings, credentials, self.server_clock, self)
        self.till = Till(journal, clock, _rules(settings), counter=counter)
        self.checkout = Checkout(self.till, clock)
        cooldowns: dict[str, datetime] = {}  # by route: the history's pause holds for panel and payments
        self.qr_choice = SourceChoice("QR", sources.QR_ORDER, clock, routes=sources.QR_ROUTES)
        panel_choice = SourceChoice(
            "mutasi", sources.PANEL_ORDER, clock, routes=sources.PANEL_ROUTES, cooldowns=cooldowns
        )
        payment_choice = SourceChoice(
            "pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES, cooldowns=cooldowns
        )
        factory = self.account.client_factory()
        self.tasks = TaskRunner("api", factory, self)  # QRs, QR checks, the look after a restart
        self.panel = MutasiPanel(
            panel_choice, lambda: self.settings, lambda: self.session, self.till.settled_by, clock, factory, self
        )
        self.watcher = PaymentWatcher(
            factory,
            settings.poll_interval_s,
            self,
            choice=payment_choice,
            history_interval_s=settings.history_interval,
            server_clock=self.server_clock,
            clock=clock,
        )
        listener = journal.listener()  # a shop of several tills on one shared journal
        self.shop: ShopLink | None = None
        if listener is not None:
            from kasir.ui.shop_link import ShopLink  # a till of its own never loads it

            self.shop = ShopLink(journal, listener, counter, self)
        self._resume_pending = False  # the shared journal was out of reach when the sale loop began
        self._panel_reload = QTimer(self)  # news of the other tills comes in bursts: one read for each
        self._panel_reload.setSingleShot(True)
        self._panel_reload.setInterval(250)
        self._panel_reload.timeout.connect(self.refresh_mutasi)
        self._shown_view = self.checkout.view  # what the screens were last given
        self._standing_text = ""  # session ended, key refused, journal gone: until login or restart
        self._shop_text = ""  # the shared journal's server is out of reach
        self._trouble_text = ""  # a slow or failed request: until a good answer or the sale's end
        self._sources_text = ""
        self._cadence_text = ""
        self._cues: CuePlayer | None = None  # the paid cue's player, made at the first LUNAS
        self.cue_thread: threading.Thread | None = None  # the last cue being played (tests wait on it)
        self._clock_text = ""
        self.preparing_delay_ms = PREPARING_DELAY_MS
        self._preparing = QTimer(self)
        self._preparing.setSingleShot(True)
        self._preparing.timeout.connect(self._show_preparing)
        self._tick = QTimer(self)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._on_tick)
        self.upkeep: JournalUpkeep | None = None  # the journal's, once a sale can begin (start)
        self._first_requests_due = False  # the account and the mutasi, asked soon after a sale can begin
        self._wire()

    def _wire(self) -> None:
        watcher, panel, account = self.watcher, self.panel, self.account
        watcher.paid.connect(lambda sale_id, entry: self._apply(self.checkout.payment_seen(sale_id, entry)))
        watcher.trouble.connect(self._trouble)
        watcher.recovered.connect(lambda: self._trouble(""))
        # Any good answer to a payment check, not only the first after the watcher's own trouble:
        # a panel refresh that timed out is not the connection's state while payments are answered.
        watcher.answered.connect(lambda: self._trouble(""))
        watcher.session_expired.connect(self._session_expired)
        watcher.key_refused.connect(self._key_refused)
        watcher.source_changed.connect(self._announce_sources)
        watcher.entries_seen.connect(lambda entries: self._take_in(entries) if panel.history_seen(entries) else None)
        panel.listed.connect(self._take_in)
        panel.changed.connect(self.mutasi_changed)
        panel.trouble.connect(self._trouble)
        panel.notice.connect(self.notice)
        panel.sources_changed.connect(self._announce_sources)
        panel.session_expired.connect(self._session_expired)
        panel.key_refused.connect(self._key_refused)
        account.notice.connect(self.notice)
        account.account_changed.connect(self.account_changed)
        account.login_needed.connect(self.login_needed)
        account.reconfigured.connect(self._reconfigure)
        account.started.connect(self._with_secrets)
        if self.shop is not None:
            self._wire_shop(self.shop)

    def _wire_shop(self, shop: ShopLink) -> None:
        # Only the till holding the shop's poller lock asks the upstream; every till may hold it
        # while it is logged in. One that keeps failing hands it over for a while.
        shop.may_poll = lambda: self.logged_in
        shop.changed.connect(self._shop_changed)
        shop.elected.connect(self._after_election)
        shop.heard.connect(self._heard)
        self.watcher.shop_entries.connect(
            lambda entries: self._apply(self.checkout.take_in(entries, self.server_clock.offset, listing=False))
        )
        self.watcher.trouble.connect(lambda _text: self._maybe_hand_over(shop))
        self.watcher.set_polling(False)  # until the first election says this till polls
        self.panel.polling = False
        self.panel.from_journal = self._journal_payments

    # ---- what the window and the tests read ---------------------------------------------------

    @property
    def view(self) -> SaleView:
        return self.checkout.view

    @property
    def settings(self) -> Settings:
        return self.account.settings

    @property
    def session(self) -> Session | None:
        return self.account.session

    @property
    def logged_in(self) -> bool:
        return self.account.logged_in

    @property
    def ready(self) -> bool:
        """The keyring has answered (or been given up on) and its secrets are in use."""
        return self.account.ready

    @property
    def shop_qris(self) -> str | None:
        return self.account.shop_qris

    @property
    def can_sell(self) -> bool:
        """Bayar would begin a sale now: the keyring has answered and a QR can be made."""
        return self.ready and self._can_make_qr()

    @property
    def mutasi_model(self) -> MutasiModel:
        return self.panel.model

    # ---- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        self.panel.start()
        self._tick.start()
        self._back_up()
        self._announce_sources()
        self.account.start()

    def _with_secrets(self) -> None:
        """The keyring's answer is in: open sales come back, and the day's money is asked for."""
        # The account and the day's mutasi are not what a Bayar needs. Asked at once, their workers'
        # first import of the HTTP client (50 ms of Python) shared the one interpreter with the GUI
        # thread finishing the window. Due from here: a sale coming back now may need them sooner.
        self._first_requests_due = self.logged_in
        if self.shop is not None:
            self.shop.start()  # the shared journal's password may be in the keyring
        if self.shop is not None and not self.shop.reachable:
            self._resume_pending = True  # the shared journal's server is away: once it is back
        else:
            self._resume()
        self.started.emit()
        if self._first_requests_due:
            soon_after_able_to_sell(self, self._first_requests)

    def _cue_player(self) -> CuePlayer:
        """The paid cue's player (kasir.paid_sound is loaded by the warm-up, soon after the start)."""
        if self._cues is None:
            from kasir.paid_sound import CuePlayer

            self._cues = CuePlayer()  # plays on a thread of its own
        return self._cues

    def _first_requests(self) -> None:
        """The account's name and QRIS, and the day's mutasi: soon after a sale can begin, or with a
        QR before that whose shop QRIS is not known yet (it may be the account's)."""
        if not self._first_requests_due or self.account.closed or not self.logged_in:
            return
        self._first_requests_due = False
        self.account.refresh_account()
        self.refresh_mutasi()

    def _resume(self) -> None:
        self._resume_pending = False
        try:
            self._apply(self.checkout.resume())
        except JournalError as exc:  # the shared journal went away meanwhile: again once it is back
            log.warning("resume postponed: %s", exc)
            self._resume_pending = True

    def _back_up(self) -> None:
        """Journal upkeep at start (statistics and checkpoint, a size line in the log, and today's
        backup copy: seconds for a year of sales) on a low-priority thread of its own once a sale
        can begin: never ahead of the login, the account or a QR on ``self.tasks``."""
        self.upkeep = JournalUpkeep(self.till, self.clock().date(), backup=self.settings.daily_backup, parent=self)
        self.upkeep.schedule(self)

    def shutdown(self) -> None:
        for timer in (self._tick, self._preparing, self._panel_reload):  # a QR still being made, news in a burst
            timer.stop()
        if self.shop is not None:
            self.shop.stop()
        self.account.shutdown()
        if self.upkeep is not None:
            self.upkeep.stop()
        self.panel.stop()
        self.watcher.shutdown()
        self.tasks.stop()

    def _reconfigure(self) -> None:
        factory = self.account.client_factory()
        self.tasks.reconfigure(factory)
        self.panel.tasks.reconfigure(factory)
        self.watcher.reconfigure(factory)
        self.watcher.set_session(self.session)

    # ---- the counter's keys ---------------------------------------------------------------------

    def press_pay(self, typed: int) -> bool:
        """Enter / Bayar; True when a sale began (the typed total is taken)."""
        if not self.ready:
            self.input_note.emit("Sebentar: kunci akun sedang dibaca dari keyring sistem…")
            return False
        if self.shop is not None and not self.shop.reachable:
            self.notice.emit("error", self.shop.state.banner)
            return False
        step = self.checkout.press_pay(typed, can_make_qr=self._can_make_qr(), offset=self.server_clock.offset)
        self._apply(step)
        return step.answer is Answer.BEGAN

    def pay(self, base: int) -> None:
        if not self.ready:
            self.input_note.emit("Sebentar: kunci akun sedang dibaca dari keyring sistem…")
            return
        self._apply(self.checkout.pay(base, can_make_qr=self._can_make_qr(), offset=self.server_clock.offset))

    def press_cancel(self, typed: int) -> str:
        """Esc / Batal; the answer ("clear", "armed", "cancelled", "idle", "refused")."""
        step = self.checkout.press_cancel(typed)
        self._apply(step)
        return step.answer.value

    def cancel(self) -> None:
        self._apply(self.checkout.cancel())

    def acknowledge(self) -> None:
        self._apply(self.checkout.acknowledge())

    def reshow(self, sale_id: int) -> bool:
        step = self.checkout.reshow(sale_id)
        self._apply(step)
        return not step.notices

    def attach(self, entry: MutasiEntry, sale_id: int) -> bool:
        step = self.checkout.attach(entry, sale_id)
        self._apply(step)
        return step.answer is Answer.ATTACHED

    def attachable_sales(self) -> list[Sale]:
        return self.checkout.attachable()

    def _can_make_qr(self) -> bool:
        return self.logged_in or (bool(self.shop_qris) and self.settings.generate_mode == "local")

    # ---- the one place a step becomes signals, workers and timers ------------------------------

    def _apply(self, step: Step) -> None:
        if step.stop_watching is not None and self.watcher.watching == step.stop_watching:
            self.watcher.stop()
            self._trouble_text = ""  # nothing is asked for it any more: its slow checks are no longer news
            self._banner()
        if step.view is not None:
            self._show(step.view)
        if step.countdown is not None:
            self.countdown.emit(step.countdown)
        for notice in step.notices:
            self.notice.emit(notice.level, notice.text)
            if notice.lasts is not None:
                self.notice_lasts.emit(notice.text, round(notice.lasts.total_seconds() * 1000))
        if step.input_note:
            self.input_note.emit(step.input_note)
        if step.storage_gone:
            self._standing(step.notices[-1].text if step.notices else "")
        if step.banner_changed:
            self._banner()
        if step.make_qr is not None:
            self._make_qr_when_possible(step.make_qr)
        if step.recheck_qr is not None:
            self._recheck_qr(step.recheck_qr)
        for sale in step.look_for_money:
            self._look_for_money(sale)
        if step.watch is not None:
            self.watcher.set_interval(self.settings.poll_interval_s, self.settings.history_interval)
            delay = self.watcher.interval_ms() if step.watch.delay_ms is None else step.watch.delay_ms
            order = step.watch
            self.watcher.watch(order.sale_id, order.nominal, order.created_at, set(order.claimed), delay_ms=delay)
        if step.late is not None:
            self.late_payment.emit(step.late)
        if step.paid_cue and self.settings.sound:
            # Late money has its own cue: the cashier must not take it for the sale now at the counter.
            self.cue_thread = self._cue_player().play(
                "late" if step.late is not None else "paid", self.settings.sound_volume
            )
        if step.refresh_panel:
            self.panel.show()  # the rows on the table get their new marks now, from the journal
            self.refresh_mutasi()
        if step.retake:
            self._take_in(self.panel.model.entries)
        if step.login_needed:
            self.login_needed.emit("")
        if step.key_needed:
            self.key_needed.emit()

    def _show(self, view: SaleView) -> None:
        was = self._shown_view
        self._shown_view = view
        self._preparing.stop()
        self.panel.set_awaiting(view.state is SaleState.AWAITING)
        if view.state is SaleState.GENERATING and not (was.sale_id == view.sale_id and was.state is view.state):
            # "Membuat QR" / "Menyiapkan QR" only if the QR takes a moment: a fast server's QR then
            # replaces the entry at once, with no flash of a screen nobody can read, and the two
            # windows are not painted twice between Bayar and the QR (~5 ms of it, measured).
            self._preparing.start(self.preparing_delay_ms)
        else:
            self.view_changed.emit(view)

    def _show_preparing(self) -> None:
        if self.view.state is SaleState.GENERATING:
            self.view_changed.emit(self.view)

    def _on_tick(self) -> None:
        self._check_clock()
        self._tick_sources()
        self._apply(self.checkout.tick())

    # ---- the QR ---------------------------------------------------------------------------

    def _make_qr_when_possible(self, sale: Sale) -> None:
        if self.shop_qris is None:
            self._first_requests()  # the account's QRIS may be what this QR is made from: asked now
        if (
            self.shop_qris is None
            and self.settings.generate_mode != "local"
            and self.account.after_qris_read(lambda: self._make_qr(sale))
        ):
            # The account's QRIS is being read right now: without it only the seed's route can make a
            # QR, which today's service no longer serves. The sale waits ("Menyiapkan QR") for the read.
            return
        self._make_qr(sale)

    def _make_qr(self, sale: Sale) -> None:
        session, nominal, base = self.session, sale.nominal, self.shop_qris
        local = self.settings.generate_mode == "local"
        candidates = (Source.LOCAL,) if local else self.qr_choice.candidates()

        label = self.till.counter if self.shop is not None else ""  # which till sold, in a shop of several

        def job(client: OrkutClient | None) -> Generated:
            return sources.make_qr(client, session, candidates, nominal, base, label)

        def made(generated: Generated) -> None:
            if not local:
                self.qr_choice.record_missing(generated.missing)
                if not generated.fallback_reason and self.qr_choice.record(
                    Served(None, generated.source, generated.missing)
                ):
                    self._announce_sources()
            made_qr = MadeQr(generated.qr, generated.source is not Source.LOCAL, generated.fallback_reason)
            self._apply(self.checkout.qr_made(sale.id, made_qr))

        self.tasks.call_api(job, made, lambda exc: self._apply(self.checkout.qr_failed(sale.id, exc)))

    def _recheck_qr(self, sale: Sale) -> None:
        """A stored QR goes back on screen only through the gate again."""
        payload, nominal, base = sale.payload or "", sale.nominal, self.shop_qris
        merchant = self.account.merchant()
        account_id = merchant.account_id if merchant is not None else ""

        def job() -> CheckedQr:
            return prepare(payload, nominal, base, account_id)

        self.tasks.call(
            job,
            lambda qr: self._apply(self.checkout.qr_rechecked(sale, qr)),
            lambda exc: self._apply(self.checkout.qr_recheck_failed(sale, exc)),
        )

    def _look_for_money(self, sale: Sale) -> None:
        """A sale that expired while the app was down: one look, then expired unless paid."""
        session = self.session
        if session is None:
            self._apply(self.checkout.looked_for_money(sale, None))
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
            self._apply(self.checkout.looked_for_money(sale, entry))

        self.tasks.call_api(job, answered, lambda _exc: answered(None))

    # ---- the day's money ----------------------------------------------------------------------

    def _take_in(self, entries: list[MutasiEntry]) -> None:
        self._apply(self.checkout.take_in(entries, self.server_clock.offset))
        self.panel.show(entries)

    def refresh_mutasi(self) -> bool:
        return self.panel.refresh()

    def refresh_mutasi_now(self) -> None:
        self.panel.refresh_now(self.watcher.choice if self.watcher.watching else None)

    # ---- a shop of several tills ------------------------------------------------------------

    def _shop_changed(self) -> None:
        shop = self.shop
        if shop is None:
            return
        state = shop.state
        self.watcher.set_polling(state.polling)
        self.panel.polling = state.polling
        self._shop_text = state.banner
        self._banner()
        if state.reachable:
            self._heard("back")
        self._announce_sources()

    def _after_election(self) -> None:
        """After every election (changed or not): a postponed restart, and the polling till's care of
        the other tills' sales (the ones to ask for, the ones left open by a till that never came back)."""
        shop = self.shop
        if shop is None or not shop.reachable:
            return
        if self._resume_pending and self.ready:
            self._resume()
        if shop.polling:
            for outcome in self.till.close_abandoned(self.server_clock.offset):
                log.info("%s", outcome.message)
            self._watch_shop()

    def _heard(self, news: str) -> None:
        """What another till wrote to the shared journal (ids only: the truth is read from it)."""
        if news == "lost":
            if self.shop is not None:
                self.shop.lost()
            return
        if news.startswith("sale:") and news[5:].isdigit():
            self._apply(self.checkout.heard(int(news[5:])))
        elif news == "back" and self.view.sale_id is not None:
            self._apply(self.checkout.heard(self.view.sale_id))  # what was said meanwhile was not heard
        self._watch_shop()
        if self.shop is not None and not self.shop.polling:
            self._panel_reload.start()  # new rows, or a row's mark (settled by the polling till)

    def _watch_shop(self) -> None:
        """The polling till asks for the other tills' waiting sales too."""
        if self.shop is None or not self.shop.polling:
            self.watcher.watch_shop(())
            return
        try:
            waiting = self.till.shop_waiting()
        except JournalError as exc:
            log.warning("shop's waiting sales unread: %s", exc)
            return
        self.watcher.watch_shop(tuple(Watch(s.id, s.nominal, s.created_at) for s in waiting))

    def _maybe_hand_over(self, shop: ShopLink) -> None:
        if shop.polling and self.watcher.failures >= HAND_OVER_AFTER_FAILURES:
            shop.step_down()

    def _journal_payments(self) -> list[MutasiEntry]:
        """Today's payments as the shared journal holds them (on the panel's worker, its own connection)."""
        journal = self.till.reader()()
        try:
            return journal.payments_on(self.clock().date())
        finally:
            journal.close()

    # ---- the banner, the label and the clock ---------------------------------------------------

    def _banner(self) -> None:
        """Money that arrived and is not yet written first, then the standing text, then trouble."""
        parts = [*self.checkout.unrecorded, self._shop_text, self._standing_text, self._trouble_text]
        self.connection.emit("\n".join(dict.fromkeys(p for p in parts if p)))

    def _standing(self, text: str) -> None:
        self._standing_text = text
        self._banner()

    def _trouble(self, text: str) -> None:
        if text != self._trouble_text:
            self._trouble_text = text
            self._banner()

    def _session_expired(self) -> None:
        self._standing("Sesi login berakhir — masuk lagi untuk melanjutkan. Transaksi tetap tersimpan.")
        self.account.session_ended()

    def _key_refused(self) -> None:
        self._standing("API key ditolak server — masukkan API key lagi (Akun → Masuk lagi). Transaksi tetap tersimpan.")
        self.key_needed.emit()

    def source_text(self) -> str:
        qr = Source.LOCAL if self.settings.generate_mode == "local" else self.qr_choice.current
        text = source_text(
            self.watcher.choice,
            qr,
            self.panel.choice,
            poll_s=self.settings.poll_interval_s,
            history_s=self.settings.history_interval,
            asks=self.shop is None or self.shop.polling,
        )
        if self.shop is None:
            return text
        state = self.shop.state
        shop = shop_text(
            reachable=state.reachable, polling=state.polling, poller=state.poller, counter=self.till.counter
        )
        return " · ".join(part for part in (shop, text) if part)

    def _announce_sources(self) -> None:
        text = self.source_text()
        log.info("sources: %s", text)
        self._sources_text = text
        self.sources_changed.emit(text)
        self._tell_cadence()

    def cadence_text(self) -> str:
        if self.shop is not None and not self.shop.polling:
            poller = self.shop.state.poller
            return f"Pembayaran diperiksa oleh {poller}" if poller else ""
        return cadence_text(
            self.watcher.choice, poll_s=self.settings.poll_interval_s, history_s=self.settings.history_interval
        )

    def _tell_cadence(self) -> None:
        text = self.cadence_text()
        if text != self._cadence_text:
            self._cadence_text = text
            self.cadence_changed.emit(text)

    def _tick_sources(self) -> None:
        """A server's pause counts down on the label, and goes the moment it ends."""
        text = self.source_text()
        if text != self._sources_text:
            self._sources_text = text
            self.sources_changed.emit(text)
        self._tell_cadence()

    def _check_clock(self) -> None:
        if not self.server_clock.known:
            return
        text = clock_warning(self.server_clock.offset)
        if text != self._clock_text:
            self._clock_text = text
            if text:
                log.warning("PC clock is off the server's by %.0f s", self.server_clock.offset.total_seconds())
            self.clock_warning.emit(text)

    # ---- account and settings ------------------------------------------------------------------

    def apply_login(self, api_key: str, username: str, token: str, merchant: MerchantCode, name: str | None) -> None:
        self._first_requests_due = False  # a login asks for the account and the mutasi itself
        self.account.apply_login(api_key, username, token, merchant, name)
        for choice in (self.qr_choice, self.panel.choice, self.watcher.choice):
            choice.reprobe()  # a new login may mean a new server: every route gets another chance
        self._standing_text = self._trouble_text = ""
        self._banner()
        self.refresh_mutasi()

    def logout(self) -> None:
        self.account.logout()

    def apply_settings(self, new: Settings) -> None:
        self.account.apply_settings(new)
        self.till.rules = _rules(new)
        self.panel.restart_timer()
        self.watcher.set_interval(new.poll_interval_s, new.history_interval)
        self._announce_sources()

    def remember(self, **changes: object) -> None:
        """Keep a detail of the counter (the window's place) without touching anything else."""
        self.account.update_settings(self.settings.with_changes(**changes))


def _rules(settings: Settings) -> TillRules:
    return TillRules(
        expiry=timedelta(seconds=settings.expiry_s),
        kode_unik=KodeUnikRange.of(settings),
    )
