"""Assembles the application exactly as the ``kasir`` command does.

``create_window(argv)`` is the testing seam: inside a running QApplication it opens the first
frame (``kasir/ui/first_frame.py``: the plan, the data folder, the two windows) and finishes it
(the context, the controller, the wiring and, when needed, the login dialog), and returns the
main window without entering the event loop. ``python -m kasir`` does the same in two steps,
with the first frame painted in between.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # its Qt namespace is touched where used: never ahead of the first sale
from PySide6.QtCore import QPoint, QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow

from kasir import settings as settings_io
from kasir.cli import StartupError, parse_args
from kasir.credentials import API_KEY, AUTH_TOKEN, CredentialStore, MemoryStore
from kasir.errors import ConfigError, os_reason
from kasir.journal import Journal, JournalCorruptError, JournalError, Sale
from kasir.journal_sqlite import FILENAME as JOURNAL_FILENAME
from kasir.journal_sqlite import SqliteJournal, keep_damaged
from kasir.money import format_rupiah
from kasir.orkut.client import OrkutClient, check_base_url
from kasir.orkut.types import LoginResult, MerchantCode, MutasiEntry
from kasir.sale_state import SaleState
from kasir.settings import Settings
from kasir.ui.controller import SaleController
from kasir.ui.customer_display import CustomerDisplay
from kasir.ui.first_frame import STORAGE_HINT, FirstFrame, open_first_frame
from kasir.ui.main_window import MainWindow
from kasir.ui.screens import choose_screen, place
from kasir.ui.single_instance import InstanceLock
from kasir.ui.start_order import soon_after_able_to_sell, when_able_to_sell
from kasir.wib import WIB

# Imported where first used, and warmed on the worker after the first paint (warm_up): the first
# frame needs none of them, and together they were a third of the start.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QMessageBox  # their types: 1.6 ms, for dialogs only

    from kasir.daily_limit import DailyLimitWatch
    from kasir.sale_view import SaleView
    from kasir.simulator import OrkutSimulator
    from kasir.ui.attach_dialog import AttachDialog
    from kasir.ui.recap_dialog import RecapDialog
    from kasir.ui.sales_dialog import SalesDialog

log = logging.getLogger(__name__)


LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5


class StartLog(logging.FileHandler):
    """logging's own FileHandler: the log until the rotating handler takes over (setup_logging).

    A record a worker was already handing to it then is passed on to its successor, so the file is
    never opened again behind the rotating handler's back (FileHandler reopens a closed file on the
    next record; on Windows that open handle blocks the rotation's rename, and every record after)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8")
        self.successor: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.successor is not None:
            self.successor.handle(record)
        else:
            super().emit(record)

    def hand_over(self, successor: logging.Handler) -> None:
        self.acquire()  # after a record being written now, before the next
        try:
            self.successor = successor
        finally:
            self.release()
        self.close()


def setup_logging(data_dir: Path, *, rotating: bool = True) -> logging.Handler:
    """The log in ``data_dir/logs``; takes the place of the handler of an earlier start in this
    process, or of the start's own plain one (``rotating=False``, :class:`StartLog`).

    The start writes with logging's own FileHandler: logging.handlers brings pickle, socket and queue
    (3-6 ms) that a Bayar does not need. The rotating handler takes over the same file soon after a
    sale can begin (:func:`_after_first_paint`), in the root logger's list in one step (a record sees
    one of them, never neither, never both); no line is lost."""
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler: logging.FileHandler
    if rotating:
        from logging.handlers import RotatingFileHandler

        handler = RotatingFileHandler(
            logs / "kasir.log", maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    else:
        handler = StartLog(logs / "kasir.log")
    handler.kasir_log = True  # type: ignore[union-attr]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    olds = [h for h in root.handlers if getattr(h, "kasir_log", False)]
    if olds:
        root.handlers[root.handlers.index(olds[0])] = handler
        for old in olds[1:]:
            root.removeHandler(old)
    else:
        root.addHandler(handler)
    for old in olds:
        if isinstance(old, StartLog):
            old.hand_over(handler)
        else:
            old.close()
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # our client logs each call once, without secrets
    return handler


@dataclass
class Context:
    data_dir: Path
    settings: Settings
    credentials: CredentialStore
    journal: Journal
    demo: bool
    simulator: OrkutSimulator | None
    screen_override: int | None
    counter: str = ""  # this till's name ("" on a PC of its own with none given)
    journal_password: LaterSecret | None = None  # a shared journal's, once the account's vault has it
    settings_problem: str = ""  # the settings file was broken: the cashier is told at start
    instance: InstanceLock | None = None


def build_context(frame: FirstFrame) -> Context:
    """What the first frame did not need: the demo's server, the secrets, the log and the journal."""
    plan, args = frame.plan, frame.args
    simulator: OrkutSimulator | None = None
    credentials: CredentialStore
    settings = plan.settings
    if plan.demo:
        from kasir.simulator import OrkutSimulator  # demo only

        # The demo's server remembers its day in the demo's data folder: restarted, its list of
        # payments agrees with the journal's recap (Rp 30.002 beside Rp 102.006 before).
        memory = plan.data_dir / "demo-server.json"
        # Listening now; it serves once a sale can begin (finish_window), as a remote server would
        # be there already: its HTTP machinery is not the first sale's to wait for.
        simulator = OrkutSimulator(profile=args.demo_profile, shapes=tuple(args.demo_shape), memory=memory)
        # The demo starts as a shop does every morning, its account already in the keyring (an
        # in-memory one: no real entry is touched): it can sell at once, with no OTP round trip
        # first. The OTP login is the demo's to show after Keluar, through the login dialog.
        credentials = MemoryStore({API_KEY: simulator.api_key, AUTH_TOKEN: simulator.issue_token()})
        settings = settings.with_changes(
            api_url=simulator.url,
            username=simulator.username,
            merchant=f"OK{simulator.account_id}",
            shop_name=simulator.shop_name,
        )
        if simulator.profile == "gateway":
            # The gateway alone has no account route to learn the shop's QRIS from: the shop
            # would pick its QRIS picture in Pengaturan; the demo has it already.
            settings = settings.with_changes(base_qr=settings.base_qr or simulator.base_qr)
    else:
        from kasir.credentials import KeyringStore

        credentials = KeyringStore()
        if args.api_url:
            settings = settings.with_changes(api_url=args.api_url)
    if args.journal:
        settings = settings.with_changes(journal_url=args.journal)
    if args.counter:
        settings = settings.with_changes(counter_name=args.counter)
    counter = settings.counter_name
    if settings.journal_url and not counter:
        from kasir.shop_tills import default_counter

        counter = default_counter()
    password = LaterSecret() if settings.journal_url else None
    try:
        check_base_url(settings.api_url)
        journal = _open_storage(plan.data_dir, settings, password, counter)
    except (ConfigError, StartupError) as exc:
        if simulator:
            simulator.stop()
        frame.instance.release()
        raise exc if isinstance(exc, StartupError) else StartupError(str(exc)) from exc
    return Context(
        plan.data_dir,
        settings,
        credentials,
        journal,
        plan.demo,
        simulator,
        args.customer_screen,
        counter,
        password,
        plan.problem,
        frame.instance,
    )


class LaterSecret:
    """A shared journal's password as the account's vault holds it: read from memory on whichever
    thread connects, never from the OS keyring there (one that hangs would hold the connection)."""

    def __init__(self) -> None:
        self.read: Callable[[str], str | None] = lambda _name: None  # until the controller's vault exists

    def __call__(self) -> str | None:
        from kasir.shop_tills import JOURNAL_PASSWORD

        return self.read(JOURNAL_PASSWORD)


def _open_storage(data_dir: Path, settings: Settings, password: LaterSecret | None, counter: str) -> Journal:
    try:
        setup_logging(data_dir, rotating=False)  # until soon after a sale can begin
        settings_io.save(data_dir, settings)
        if settings.journal_url and password is not None:
            return _open_shared(settings, password, counter)
        return SqliteJournal.in_dir(data_dir)
    except JournalCorruptError as exc:
        return _replace_damaged_journal(data_dir, exc)
    except JournalError as exc:
        raise StartupError(f"{exc.user_message} ({data_dir})") from exc
    except OSError as exc:
        raise StartupError(f"Folder data {data_dir} tidak dapat ditulis ({os_reason(exc)}).{STORAGE_HINT}") from exc


def _open_shared(settings: Settings, password: Callable[[], str | None], counter: str) -> Journal:
    """A shop of several tills: the shared journal, reached on a worker after the first frame
    (``ShopLink``); psycopg is loaded only here."""
    from kasir.shop_tills import ONE_PC_PACKAGE, account_id_of, check_journal_url

    url = check_journal_url(settings.journal_url)
    try:
        from kasir.journal_pg import PostgresJournal
    except ImportError as exc:  # the one-PC package carries no PostgreSQL driver
        raise StartupError(ONE_PC_PACKAGE) from exc
    log.info("shared journal %s, this till: %s", url.split("@")[-1], counter)
    return PostgresJournal(
        url,
        password,  # read on the worker that connects
        counter=counter,
        merchant=account_id_of(settings.merchant),
        connect_now=False,
    )


def _replace_damaged_journal(data_dir: Path, error: JournalCorruptError) -> Journal:
    """A damaged journal is kept aside (renamed, never deleted) and, if the shop agrees, a new one begins."""
    from datetime import datetime

    path = data_dir / JOURNAL_FILENAME
    log.error("journal damaged: %s", error)
    question = (
        f"{error.user_message}\n\nBerkas lama akan disimpan dengan nama baru (tidak dihapus) dan jurnal baru"
        " dimulai. Penjualan lama tetap ada di berkas itu untuk diperiksa teknisi.\n\nMulai jurnal baru?"
    )
    from PySide6.QtWidgets import QMessageBox

    if not _ask_yes(QMessageBox.Icon.Warning, "Jurnal penjualan rusak", question, "Mulai jurnal baru", "Keluar"):
        raise StartupError(f"{error.user_message} Berkas tidak diubah: {path}") from error
    kept = keep_damaged(path, datetime.now())
    log.warning("damaged journal kept as %s; a new one begins", kept.name)
    try:
        return SqliteJournal(path)
    except JournalError as exc:
        raise StartupError(f"{exc.user_message} ({data_dir})") from exc


def _ask_yes(icon: QMessageBox.Icon, title: str, text: str, yes: str, no: str) -> bool:
    """A yes/no question with our own Indonesian buttons; headless (CI, self-test) it answers no."""
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return False
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(icon, title, text)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(no, QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is accept


# How long a thread running Python keeps the interpreter before another may have it. The default
# 5 ms let a worker writing a CSV or parsing a day's mutasi hold the GUI thread off for 75-120 ms
# in a row (the GUI thread needs the interpreter for every slot it runs); at 1 ms the same export
# stalls it 5.5 ms (benchmarks: Rekap CSV export of 10,000 sales). The workers wait on the network
# and the disk, so they lose nothing that matters.
SWITCH_INTERVAL_S = 0.001


def create_window(argv: list[str]) -> QMainWindow:
    """The whole start at once (tests, the self-test); ``python -m kasir`` paints the first frame
    before :func:`finish_window` (see ``kasir/__main__.py``)."""
    frame = open_first_frame(parse_args(argv))
    try:
        return finish_window(frame)
    except StartupError:
        frame.window.force_close()
        raise


def finish_window(frame: FirstFrame) -> MainWindow:
    """Everything the first frame did not need; raises StartupError (the window is the caller's)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    ctx = build_context(frame)
    from kasir.ui import qt_words

    qt_words.install()  # Qt's own right-click menus and standard buttons in Indonesian
    controller = SaleController(ctx.data_dir, ctx.settings, ctx.credentials, ctx.journal, counter=ctx.counter)
    if ctx.journal_password is not None:
        ctx.journal_password.read = controller.account.credentials.get  # loaded before the first election
    window = frame.window
    # Built after the first paint: it waits for the journal anyway, and the cashier's window
    # is what the first frame is for (issue 14).
    customer = CustomerDisplay(ctx.settings.shop_name, demo=ctx.demo)
    window.attach_customer(customer)
    window.controller = controller  # type: ignore[attr-defined]
    window.context = ctx  # type: ignore[attr-defined]
    _wire(window, controller, customer, ctx)
    _place_customer_soon(customer, window, ctx, controller)
    frame.after_first_paint(lambda: soon_after_able_to_sell(controller, lambda: _after_first_paint(window, controller)))
    if ctx.instance is not None:
        ctx.instance.raise_requested.connect(lambda: _bring_to_front(window))
    controller.start()
    if ctx.settings_problem:
        log.error("settings unreadable: %s", ctx.settings_problem)
        controller.notice.emit("error", ctx.settings_problem)
        if not ctx.demo:
            _open_login(window, controller, reason=ctx.settings_problem)
    if ctx.demo and ctx.simulator is not None:
        sim = ctx.simulator
        when_able_to_sell(controller, lambda: QTimer.singleShot(0, sim.start))  # on its own thread
        # After Keluar or an ended session the demo asks again, with its credentials at hand.
        controller.login_needed.connect(lambda reason: _open_login(window, controller, reason, demo=sim))
    return window


def _after_first_paint(window: MainWindow, controller: SaleController) -> None:
    """What waits until soon after a sale can begin (kasir.ui.start_order), never ahead of it, in
    turns of the event loop of their own, so a key typed meanwhile waits for one of them at most:
    the mutasi table and the rotating log, then receipts and the warm-up."""
    if window.closed:  # closed on its first frame (the start-up probe): start no thread now
        return
    _show_mutasi_table(window, controller)
    try:
        setup_logging(window.context.data_dir)  # type: ignore[attr-defined]  # rotating from here on
    except OSError as exc:  # the start's plain handler keeps writing
        log.warning("rotating log not opened: %s", os_reason(exc))
    QTimer.singleShot(0, lambda: _install_receipts(window, controller))


def _install_receipts(window: MainWindow, controller: SaleController) -> None:
    # QtPrintSupport and the printer list: 25 ms of the GUI thread. A sale paid before is caught up.
    if window.closed:
        return
    from kasir.ui.receipt_printing import install as install_receipts

    install_receipts(window, controller)  # struk: auto-print on LUNAS, button, Cetak ulang (issue 13)
    warm_up(controller)


# What the first sale and the first dialog need but the first frame does not. Loaded on the worker
# right after the first paint, so neither the start nor the first Bayar pays for the import.
WARM_MODULES = (
    "zxingcpp",
    "kasir.recap",
    "kasir.ui.attach_dialog",
    "kasir.ui.recap_dialog",
    "kasir.ui.login_dialog",
    "kasir.ui.settings_dialog",
    "kasir.paid_sound",
)


def warm_up(controller: SaleController) -> int:
    """Import :data:`WARM_MODULES` and draw one QR on the worker; returns the task's id."""

    def job() -> None:
        import importlib

        for name in WARM_MODULES:
            importlib.import_module(name)
        from kasir.qrcheck import qr_matrix

        qr_matrix("warm-up")  # the encoder's first call also builds its tables

    # A failure here is only a slower first use: log it, never bother the cashier.
    return controller.tasks.call(job, lambda _r: None, lambda exc: log.warning("warm-up failed: %r", exc))


def _watch_money_in(window: MainWindow, controller: SaleController) -> Callable[[], None]:
    """What runs as the day's mutasi changes: "Total masuk", and a warning as it nears the upstream's
    daily limit for the account, said once per threshold per WIB day."""
    watch: DailyLimitWatch | None = None  # made with the day's first mutasi: nothing a Bayar needs

    def changed() -> None:
        nonlocal watch
        from kasir.daily_limit import DailyLimitWatch, reached

        watch = watch or DailyLimitWatch()
        money_in, limit = controller.mutasi_model.total_in(), controller.settings.daily_limit
        near = reached(money_in, limit)  # stays on the line: a notice goes when the cashier types on
        window.total_today.setText(
            f"Total masuk: {format_rupiah(money_in)}" + (f" · {near}% batas harian" if near else "")
        )
        warning = watch.check(controller.clock().astimezone(WIB).date(), money_in, limit)
        if warning is not None:
            window.show_notice(warning.level, warning.text)

    return changed


def _wire(window: MainWindow, controller: SaleController, customer: CustomerDisplay, ctx: Context) -> None:
    # The customer's screen first: its repaint is queued, and so drawn, before the cashier's preview.
    controller.view_changed.connect(customer.show_sale)
    controller.view_changed.connect(window.show_sale)
    controller.countdown.connect(window.show_countdown)
    controller.countdown.connect(customer.show_countdown)
    controller.notice.connect(window.show_notice)
    controller.notice_lasts.connect(window.notice_lasts)
    controller.input_note.connect(window.amount_note.setText)
    controller.connection.connect(window.show_connection)
    controller.sources_changed.connect(window.show_sources)
    controller.cadence_changed.connect(window.show_cadence)
    window.show_cadence(controller.cadence_text())
    controller.clock_warning.connect(window.show_clock_warning)
    controller.account_changed.connect(lambda: customer.set_shop_name(controller.settings.shop_name))
    controller.mutasi_changed.connect(_watch_money_in(window, controller))
    window.pay_button.clicked.connect(lambda: _pay_or_acknowledge(window, controller))
    window.cancel_button.clicked.connect(lambda: _cancel_or_clear(window, controller))
    window.refresh_button.clicked.connect(controller.refresh_mutasi_now)
    window.typed.connect(controller.acknowledge)  # the cashier moved on to the next customer
    if not ctx.demo:
        controller.login_needed.connect(lambda reason: _open_login(window, controller, reason))
    controller.key_needed.connect(
        lambda: _open_login(
            window, controller, reason="API key ditolak server. Masukkan API key lagi.", key_refused=True
        )
    )
    window.add_menu_action(
        "Akun", "Masuk lagi…", lambda: _open_login(window, controller, demo=ctx.simulator), "login_action"
    )
    window.add_menu_action("Akun", "Keluar", controller.logout, "logout_action")
    window.add_menu_action("Pengaturan", "Pengaturan…", lambda: _open_settings(window, controller), "settings_action")
    menus = (
        ("Laporan", "Penjualan hari ini…", lambda: open_sales(window, controller), "sales_action", "F4"),
        ("Laporan", "Rekap harian…", lambda: open_recap(window, controller), "recap_action", "F6"),
        ("Laporan", "Muat ulang mutasi", controller.refresh_mutasi_now, "refresh_action", "F5"),
        (
            "Tampilan",
            "Layar pelanggan terpisah",
            lambda: _toggle_customer(customer, window, ctx, controller),
            "customer_action",
            "F7",
        ),
    )
    for menu, text, slot, name, key in menus:
        window.add_menu_action(menu, text, slot, name, key)
    controller.late_payment.connect(lambda sale: window.show_late(_late_text(sale)))
    window.attach_button.clicked.connect(lambda: open_attach(window, controller))
    controller.mutasi_changed.connect(lambda: _update_attach_button(window, controller))
    if ctx.simulator is not None:
        sim = ctx.simulator
        window.simulate_pay_button.clicked.connect(lambda: _simulate(sim, controller, exact=True))
        window.simulate_wrong_button.clicked.connect(lambda: _simulate(sim, controller, exact=False))
    window.on_close(lambda: _remember_geometry(window, controller))
    window.on_close(lambda: _close_dialogs(window))
    window.on_close(lambda: _shutdown(controller, ctx))


def _pay_or_acknowledge(window: MainWindow, controller: SaleController) -> None:
    if controller.press_pay(window.entry.value):
        window.entry.set_value(0)


def _cancel_or_clear(window: MainWindow, controller: SaleController) -> None:
    if controller.press_cancel(window.entry.value) == "clear":
        window.entry.press("clear")


def _late_text(sale: Sale) -> str:
    paid = sale.paid_at.astimezone(WIB).strftime("%H:%M") if sale.paid_at else "?"
    if not sale.late:  # paid in time, but seen only after the QR had ended on screen
        return (
            f"Pembayaran baru terdeteksi: penjualan #{sale.id} {format_rupiah(sale.nominal)} dibayar pukul {paid}"
            f" via {sale.brand or 'QRIS'}, sebelum QR berakhir — LUNAS."
        )
    return (
        f"Pembayaran terlambat: penjualan #{sale.id} {format_rupiah(sale.nominal)} dibayar pukul {paid}"
        f" via {sale.brand or 'QRIS'} — LUNAS (terlambat)."
    )


def _unmatched_selection(window: MainWindow, controller: SaleController) -> MutasiEntry | None:
    """The selected mutasi entry when it is money that settled no sale, else None."""
    entry = window.selected_entry()
    return entry if isinstance(entry, MutasiEntry) and controller.mutasi_model.is_unmatched(entry) else None


def _update_attach_button(window: MainWindow, controller: SaleController) -> None:
    window.attach_button.setEnabled(_unmatched_selection(window, controller) is not None)


def open_attach(window: MainWindow, controller: SaleController) -> AttachDialog | None:
    from kasir.ui.attach_dialog import AttachDialog

    entry = _unmatched_selection(window, controller)
    if entry is None:
        controller.notice.emit("warn", "Pilih uang masuk bertanda 'Tidak cocok' di daftar mutasi.")
        return None
    dialog = AttachDialog(entry, controller.attachable_sales(), window)
    _delete_on_close(dialog)

    def accepted() -> None:
        sale = dialog.chosen()
        if sale is not None:
            controller.attach(entry, sale.id)

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog


def open_sales(window: MainWindow, controller: SaleController) -> SalesDialog:
    """Penjualan hari ini (F4): show a waiting QR again, or a new QR for an expired sale's total."""
    from kasir.ui.sales_dialog import SalesDialog

    dialog = SalesDialog(controller.till, controller.clock().date(), window)
    _delete_on_close(dialog)
    dialog.reshow_requested.connect(controller.reshow)

    def same_total(base: int) -> None:
        controller.acknowledge()
        if controller.press_pay(base):
            window.entry.set_value(0)

    dialog.same_total_requested.connect(same_total)
    from kasir.ui.receipt_printing import find_printer

    printer = find_printer(window)
    if printer is not None and printer.configured:
        dialog.reprint_requested.connect(printer.reprint)
        dialog.can_reprint = True
    dialog.open()
    return dialog


def open_recap(window: MainWindow, controller: SaleController) -> RecapDialog:
    from kasir.ui.recap_dialog import RecapDialog

    existing = window.findChild(RecapDialog, "recap_dialog")
    if existing is not None:
        existing.reload()
        existing.raise_()
        return existing
    dialog = RecapDialog(controller.till.reader(), controller.clock().date(), controller.settings.shop_name, window)
    _delete_on_close(dialog)
    dialog.show()
    return dialog


def _simulate(sim: OrkutSimulator, controller: SaleController, *, exact: bool) -> None:
    view = controller.view
    if view.state is not SaleState.AWAITING:
        controller.notice.emit("warn", "Belum ada QR yang menunggu pembayaran.")
        return
    amount = view.nominal if exact else view.base  # the classic mistake: paying without the kode unik
    sim.pay(amount, brand="DANA" if exact else "OVO")
    controller.notice.emit("info", f"Simulator: pelanggan membayar {format_rupiah(amount)}.")


def _demo_login(controller: SaleController, sim: OrkutSimulator) -> None:
    """Demo mode logs in through the simulator's real OTP endpoints, like a cashier would."""

    def job() -> LoginResult:
        # Its own client: after Keluar the app has no API key, and the demo's is known.
        with OrkutClient(sim.url, sim.api_key) as client:
            challenge = client.request_otp(sim.username, sim.password)
            return challenge.login or client.verify_otp(sim.username, sim.otp)

    def done(login: LoginResult) -> None:  # the demo's hint stands on the idle screen (MainWindow)
        controller.apply_login(sim.api_key, sim.username, login.token, MerchantCode(sim.account_id), sim.shop_name)

    controller.tasks.call(job, done, lambda exc: controller.notice.emit("error", str(exc)))


def _open_login(
    window: MainWindow,
    controller: SaleController,
    reason: str = "",
    demo: OrkutSimulator | None = None,
    *,
    key_refused: bool = False,
) -> None:
    from kasir.ui.login_dialog import Credentials, LoginDialog

    existing = window.findChild(LoginDialog, "login_dialog")
    if existing is not None and existing.isVisible():
        if reason:
            existing.show_reason(reason)
        existing.raise_()
        return
    hint = ""
    if demo is not None:
        hint = (
            f"Mode demo: tekan Masuk demo, atau ketik API key {demo.api_key}, nama pengguna {demo.username},"
            f" kata sandi {demo.password}, OTP {demo.otp}."
        )
    dialog = LoginDialog(
        controller.settings.api_url,
        controller.settings.username,
        controller.settings.merchant,
        window,
        reason=reason,
        demo_hint=hint,
        stored_key="" if key_refused else controller.account.credentials.get(API_KEY) or "",
    )
    if demo is not None:
        dialog.demo_requested.connect(lambda: _demo_login(controller, demo))
    _delete_on_close(dialog)
    dialog.logged_in.connect(
        lambda c: (
            controller.apply_login(c.api_key, c.username, c.token, c.merchant, c.name)
            if isinstance(c, Credentials)
            else None
        )
    )
    dialog.open()


def _open_settings(window: MainWindow, controller: SaleController) -> None:
    from PySide6.QtWidgets import QDialog

    from kasir.shop_tills import JOURNAL_PASSWORD
    from kasir.ui.journal_settings import RESTART_NOTE
    from kasir.ui.settings_dialog import SettingsDialog

    before = controller.settings
    dialog = SettingsDialog(before, window, stored_secret=controller.account.credentials.get)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    new = dialog.result_settings()
    password = dialog.journal_settings.new_password()
    if password:
        controller.account.credentials.set(JOURNAL_PASSWORD, password)  # the keyring, never settings.json
    controller.apply_settings(new)
    if (new.journal_url, new.counter_name) != (before.journal_url, before.counter_name) or password:
        controller.notice.emit("info", RESTART_NOTE)


def _delete_on_close(dialog: QDialog) -> None:
    dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, True)


def _show_mutasi_table(window: MainWindow, controller: SaleController) -> None:
    """The day's mutasi table takes the place held for it, soon after a sale can begin: its rows
    come from the server then, and its header is what first makes PySide build the ~90 Python
    enums of Qt's namespace (16 ms; a Python headerData is called with a Qt.Orientation)."""
    view = window.mutasi_view
    view.setModel(controller.mutasi_model)
    view.selectionModel().selectionChanged.connect(lambda *_: _update_attach_button(window, controller))


def _place_customer_soon(
    customer: CustomerDisplay, window: MainWindow, ctx: Context, controller: SaleController
) -> None:
    """The customer's screen goes up soon after a sale can begin, or at once when a sale shows
    sooner (Bayar pressed at once, or a sale still open from before a restart). Its window flags
    are Qt enums, whose namespace (16 ms) the first sale must not wait for."""
    placed = False

    def place_once() -> None:
        nonlocal placed
        if placed or window.closed:
            return
        placed = True
        controller.view_changed.disconnect(at_a_sale)
        _place_customer(customer, window, ctx, controller)
        window.activateWindow()  # the customer's screen, shown just now, never takes the keys

    def at_a_sale(view: SaleView) -> None:
        if view.state is not SaleState.IDLE:
            place_once()

    controller.view_changed.connect(at_a_sale)
    soon_after_able_to_sell(controller, place_once)


def _place_customer(customer: CustomerDisplay, window: MainWindow, ctx: Context, controller: SaleController) -> None:
    customer.keep_keys_away()

    def replace_display() -> None:
        screen = choose_screen(controller.settings.customer_screen, ctx.screen_override)
        customer.set_one_monitor(screen is None)
        place(customer, screen, separate=customer.isVisible() and screen is None, **_one_monitor_place(window))

    replace_display()
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):
        # A monitor plugged in late, or unplugged: follow it instead of staying where Qt left us.
        app.screenAdded.connect(lambda _s: replace_display())
        # On removal Qt still lists the leaving screen; decide once it is gone.
        app.screenRemoved.connect(lambda _s: QTimer.singleShot(0, replace_display))


def _toggle_customer(customer: CustomerDisplay, window: MainWindow, ctx: Context, controller: SaleController) -> None:
    """F7: on one monitor, a separate customer window (or back to the docked preview)."""
    customer.keep_keys_away()
    screen = choose_screen(controller.settings.customer_screen, ctx.screen_override)
    if screen is not None:
        place(customer, screen)  # two monitors: it belongs full screen on the second
    elif customer.isVisible():
        customer.hide()
    else:
        place(customer, None, separate=True, **_one_monitor_place(window))


def _one_monitor_place(window: MainWindow) -> dict[str, Any]:
    """The separate customer window on one monitor: owned by the cashier's, laid over the preview."""
    preview = window.customer_preview
    corner = preview.mapToGlobal(QPoint(0, 0))
    return {"owner": window, "over": QRect(corner, preview.size()) if preview.isVisible() else None}


def _remember_geometry(window: MainWindow, controller: SaleController) -> None:
    geometry = bytes(window.saveGeometry().toHex().data()).decode("ascii")
    controller.remember(window_geometry=geometry)


def _close_dialogs(window: MainWindow) -> None:
    """Dialogs with their own worker thread (login, recap) end it before the window goes."""
    from PySide6.QtWidgets import QDialog

    for dialog in window.findChildren(QDialog):
        if dialog.isVisible():
            dialog.reject()


def _bring_to_front(window: MainWindow) -> None:
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def _shutdown(controller: SaleController, ctx: Context) -> None:
    controller.shutdown()
    if ctx.simulator is not None:
        ctx.simulator.stop()
    ctx.journal.close()
    if ctx.instance is not None:
        ctx.instance.release()


def show_startup_error(error: StartupError) -> None:
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return  # headless (CI, self-test): nobody could dismiss a modal box; stderr has the reason
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, "Kasir QRIS tidak dapat dimulai", str(error))
