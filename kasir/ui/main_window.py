"""The cashier's window: keypad and total, the sale's state, the day's mutasi."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kasir import __version__
from kasir.money import format_rupiah
from kasir.sale_state import SaleState, format_countdown
from kasir.ui.keypad import AmountEntry, Keypad
from kasir.ui.qr_view import QrView
from kasir.ui.qt_flags import (
    KEY_BACKSPACE,
    KEY_ENTER,
    KEY_ESCAPE,
    KEY_F8,
    KEY_F12,
    KEY_RETURN,
    USER_ROLE,
    align_center,
    align_right,
    no_focus,
)

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent
    from PySide6.QtWidgets import QMenu, QTableView

    from kasir.sale_view import SaleView  # the controller's, after the first frame (a dataclass: 1.3 ms)
    from kasir.ui.customer_display import CustomerDisplay

# PySide6 creates a Qt class's Python type on its first use (QMessageBox 2.5 ms, QKeySequence
# 1.8 ms, QAction 0.9 ms here): what only menus, keys and closing use is imported there, after
# the first frame (kasir.ui.qt_flags says the same of the Qt namespace).

QUICK_AMOUNTS = (10_000, 20_000, 50_000, 100_000)
# A pasted total: digits, or rupiah as written ("Rp 25.000", dots between thousands); no decimals.
_PASTED_TOTAL = re.compile(r"(?:Rp\.?)?\s*(\d{1,3}(?:\.\d{3})+|\d+)", re.IGNORECASE)
STATE_COLOR = {
    SaleState.PAID: "#1a7f37",
    SaleState.FAILED: "#cf222e",
    SaleState.EXPIRED: "#9a6700",
    SaleState.AWAITING: "#0a66c2",
}


def _restyle(widget: QWidget, css: str) -> None:
    """A new style sheet re-polishes the widget (~0.3 ms): only when it changes, not every update."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)


def _big(text: str, size: int, bold: bool = True) -> QLabel:
    label = QLabel(text)
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    label.setFont(font)
    return label


PAY_STYLE = "QPushButton { background: #1a7f37; color: white; font-weight: bold; }"
# While a QR waits, Bayar looks off; pressed anyway, it says why (the controller explains).
PAY_WAITING_STYLE = "QPushButton { background: #d0d7de; color: #57606a; }"


# The customer screen's pages, as the preview says them (kasir.ui.customer_display has the large ones).
PREVIEW_PAGE_OF = {SaleState.GENERATING: "preparing", SaleState.FAILED: "idle"}
_PREVIEW_BASE = "font-size: 20pt; border-radius: 6px; padding: 8px;"
PREVIEW_TEXT = {
    "idle": ("Bayar pakai QRIS\nSemua aplikasi bank dan e-wallet", f"{_PREVIEW_BASE} color: #0a66c2;"),
    "preparing": ("Menyiapkan QR…", f"{_PREVIEW_BASE} color: #0a66c2;"),
    "paid": (
        "✓ LUNAS\n{amount}\nTerima kasih!",
        f"{_PREVIEW_BASE} font-weight: bold; color: #1a7f37; background: #e6f4ea;",
    ),
    "expired": ("Kedaluwarsa\nSilakan minta QR baru ke kasir.", f"{_PREVIEW_BASE} color: #9a6700;"),
    "cancelled": ("Dibatalkan", f"{_PREVIEW_BASE} color: #6e7781;"),
}


# A warning or error stays this long before news may take its place (a few seconds to read it).
WARNING_HOLD_MS = 4_000


class MainWindow(QMainWindow):
    typed = Signal()  # the cashier typed or changed the total (keys, keypad, quick amounts)

    def __init__(self, demo: bool = False) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(f"Kasir QRIS {__version__}" + (" — MODE DEMO" if demo else ""))
        # The customer's window is built right after the first paint (``attach_customer``).
        self._customer: CustomerDisplay | None = None
        self.entry = AmountEntry(self)
        self._view: SaleView | None = None  # idle until the controller's first view
        self._notice_sale: int | None = None  # the sale a message is about; it goes when the sale does
        self._notice_open = False  # said while that sale was open ("Esc sekali lagi"): it goes when it ends
        self._notice_passing = False  # true only for a while (Esc's second press): it goes then, or on typing
        self._notice_timer: QTimer | None = None  # made on first use: not part of the first frame
        self._notice_warns_until = 0.0  # monotonic: a warning or error shown now is read before news
        self._held_news: str | None = None  # news that came while a fresh warning stood
        self._close_hooks: list[object] = []
        self.closed = False  # set once the close hooks ran: nothing may start after that
        self._force_close = False  # closing without asking (tests, the self-test): the journal keeps the sale
        self._menus: dict[str, QMenu] = {}
        # On the idle screen, not the notice line: there the account's first news replaced it unread.
        self._idle_hint = "Ketik total lalu tekan Bayar."
        if demo:
            self._idle_hint += "\nMode demo: lalu tekan 'Simulasi bayar (pas)' untuk meniru pelanggan."
        central = QWidget()
        self.setCentralWidget(central)
        columns = QHBoxLayout(central)
        columns.addLayout(self._build_entry(), 4)
        columns.addWidget(self._separator())
        columns.addLayout(self._build_sale(demo), 4)
        columns.addWidget(self._separator())
        columns.addLayout(self._build_mutasi(), 5)
        self.entry.changed.connect(lambda v: self.amount_display.setText(format_rupiah(v)))
        self.entry.refused.connect(self._amount_refused)
        # A note about the total ("maksimal …") goes with the total: after Bayar, Hapus or Esc.
        self.entry.changed.connect(lambda v: None if v else self.amount_note.setText(""))
        self.typed.connect(self._input_changed)
        self._build_status()
        self._render()  # the idle screen's hint from the first frame, not after a sale
        # Fits a 1366x768 shop PC with a taskbar, and works from 1024x600 up.
        self.setMinimumSize(980, 540)
        self.resize(1280, 720)

    @property
    def customer(self) -> CustomerDisplay:
        if self._customer is None:
            raise RuntimeError("the customer display is attached after the first paint")
        return self._customer

    def attach_customer(self, customer: CustomerDisplay) -> None:
        self._customer = customer

    # ---- layout ------------------------------------------------------------------

    @staticmethod
    def _separator() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        return line

    def _build_entry(self) -> QVBoxLayout:
        box = QVBoxLayout()
        box.addWidget(QLabel("Total belanja"))
        self.amount_display = _big(format_rupiah(0), 34)
        self.amount_display.setObjectName("amount_display")
        align_right(self.amount_display)
        self.amount_display.setAccessibleName("Total belanja")
        box.addWidget(self.amount_display)
        quick = QGridLayout()
        for i, value in enumerate(QUICK_AMOUNTS):
            button = QPushButton(f"+{format_rupiah(value)[3:]}")
            button.setObjectName(f"quick_{value}")
            no_focus(button)
            button.clicked.connect(lambda _=False, v=value: self._quick(v))
            quick.addWidget(button, i // 2, i % 2)
        box.addLayout(quick)
        self.amount_note = QLabel("")
        self.amount_note.setObjectName("amount_note")
        self.amount_note.setStyleSheet("color: #9a6700;")
        self.amount_note.setWordWrap(True)
        box.addWidget(self.amount_note)
        self.keypad = Keypad()
        self.keypad.pressed.connect(lambda _key: self.typed.emit())  # first: a refusal note must stay
        self.keypad.pressed.connect(self.entry.press)
        box.addWidget(self.keypad, 1)
        actions = QHBoxLayout()
        self.cancel_button = QPushButton("Batal (Esc)")
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setToolTip("Esc atau F8: hapus total; tekan dua kali untuk membatalkan QR")
        self.pay_button = QPushButton("Bayar (Enter)")
        self.pay_button.setObjectName("pay_button")
        self.pay_button.setToolTip("Enter atau F12")
        self.pay_button.setStyleSheet(PAY_STYLE)
        for button in (self.cancel_button, self.pay_button):
            button.setMinimumHeight(48)
            no_focus(button)
            actions.addWidget(button)
        box.addLayout(actions)
        return box

    def _build_sale(self, demo: bool) -> QVBoxLayout:
        box = QVBoxLayout()
        self.connection_banner = QLabel("")
        self.connection_banner.setObjectName("connection_banner")
        self.connection_banner.setWordWrap(True)
        self.connection_banner.setStyleSheet("background: #fff8c5; color: #4d2d00; padding: 6px; border-radius: 4px;")
        self.connection_banner.hide()
        box.addWidget(self.connection_banner)
        box.addWidget(self._build_late_alert())
        box.addWidget(self._build_receipt_alert())
        self.sale_state = _big(SaleState.IDLE.label, 22)
        self.sale_state.setObjectName("sale_state")
        box.addWidget(self.sale_state)
        self.sale_nominal = _big("", 28)
        self.sale_nominal.setObjectName("sale_nominal")
        box.addWidget(self.sale_nominal)
        self.sale_detail = QLabel("")
        self.sale_detail.setObjectName("sale_detail")
        self.sale_detail.setWordWrap(True)
        box.addWidget(self.sale_detail)
        self.countdown_label = _big("", 16, bold=False)
        self.countdown_label.setObjectName("countdown_label")
        box.addWidget(self.countdown_label)
        self.cadence_label = QLabel("")  # how often the money is looked for, while a QR waits
        self.cadence_label.setObjectName("check_cadence_label")
        self.cadence_label.setStyleSheet("color: #57606a;")
        box.addWidget(self.cadence_label)
        self._cadence = ""
        box.addWidget(QLabel("Pratinjau layar pelanggan:"))
        box.addWidget(self._build_preview(), 1)
        self.print_receipt_button = QPushButton("Cetak struk")  # shown on LUNAS by app._wire (issue 13)
        self.print_receipt_button.setObjectName("print_receipt_button")
        no_focus(self.print_receipt_button)
        self.print_receipt_button.hide()
        box.addWidget(self.print_receipt_button)
        self.notice_label = QLabel("")
        self.notice_label.setObjectName("notice_label")
        self.notice_label.setWordWrap(True)
        box.addWidget(self.notice_label)
        self.simulate_pay_button = QPushButton("Simulasi bayar (pas)")
        self.simulate_pay_button.setObjectName("simulate_pay_button")
        self.simulate_wrong_button = QPushButton("Simulasi bayar nominal salah")
        self.simulate_wrong_button.setObjectName("simulate_wrong_button")
        for button in (self.simulate_pay_button, self.simulate_wrong_button):
            no_focus(button)
            if not demo:
                # hide(), never setVisible(True): a widget shown before it has a parent opens as a
                # window of its own (closed again when laid out, ~6 ms of the first frame).
                button.hide()
            box.addWidget(button)
        return box

    def _build_preview(self) -> QStackedWidget:
        """What the customer's screen says, small: on one monitor this is the customer's screen, so
        it invites to pay at idle and says LUNAS when the money arrives, not only the QR."""
        self.customer_preview = QStackedWidget()
        self.customer_preview.setObjectName("customer_preview")
        self.preview_message = QLabel("")
        self.preview_message.setObjectName("preview_message")
        self.preview_message.setWordWrap(True)
        align_center(self.preview_message)
        self.preview = QrView()
        self.preview.setObjectName("qr_preview")
        self.preview.setMinimumSize(150, 150)
        self.customer_preview.addWidget(self.preview_message)
        self.customer_preview.addWidget(self.preview)
        self._preview_page = ""
        return self.customer_preview

    def preview_page(self) -> str:
        """The customer screen's page the preview shows (idle, preparing, awaiting, paid, expired, cancelled)."""
        return self._preview_page

    def _render_preview(self, view: SaleView | None, unrecorded: str) -> None:
        state = view.state if view is not None else SaleState.IDLE
        page = "paid" if unrecorded else PREVIEW_PAGE_OF.get(state, state.value)
        if page == "awaiting" and view is not None:
            self.preview.show_qr(view.payload, view.matrix)
            self.customer_preview.setCurrentWidget(self.preview)
        else:
            self.preview.clear()
            text, style = PREVIEW_TEXT[page]
            if page == "paid" and view is not None:
                received = view.paid_amount if view.paid_amount is not None else view.nominal
                text = text.format(amount=format_rupiah(received))
            if page != self._preview_page:
                self.preview_message.setStyleSheet(style)
            self.preview_message.setText(text)
            self.customer_preview.setCurrentWidget(self.preview_message)
        self._preview_page = page

    def _build_late_alert(self) -> QFrame:
        """Late money stays on screen until the cashier says they saw it."""
        self.late_alert = QFrame()
        self.late_alert.setObjectName("late_alert")
        self.late_alert.setStyleSheet(
            "#late_alert { background: #ddf4ff; border: 2px solid #0969da; border-radius: 4px; }"
        )
        row = QHBoxLayout(self.late_alert)
        self.late_label = QLabel("")
        self.late_label.setObjectName("late_label")
        self.late_label.setWordWrap(True)
        row.addWidget(self.late_label, 1)
        self.late_dismiss_button = QPushButton("Mengerti")
        self.late_dismiss_button.setObjectName("late_dismiss_button")
        no_focus(self.late_dismiss_button)
        self.late_dismiss_button.clicked.connect(self.dismiss_late)
        row.addWidget(self.late_dismiss_button)
        self.late_alert.hide()
        self._late_lines: list[str] = []
        return self.late_alert

    def _build_receipt_alert(self) -> QFrame:
        """A receipt that did not reach the paper stays said, with one button to print it again,
        until it prints or the cashier puts it away (issue 23)."""
        self.receipt_alert = QFrame()
        self.receipt_alert.setObjectName("receipt_alert")
        self.receipt_alert.setStyleSheet(
            "#receipt_alert { background: #ffebe9; border: 2px solid #cf222e; border-radius: 4px; }"
        )
        column = QVBoxLayout(self.receipt_alert)  # the reason across the whole width, the buttons under it
        self.receipt_alert_label = QLabel("")
        self.receipt_alert_label.setObjectName("receipt_alert_label")
        self.receipt_alert_label.setWordWrap(True)
        column.addWidget(self.receipt_alert_label)
        row = QHBoxLayout()
        row.addStretch(1)
        column.addLayout(row)
        self.receipt_retry_button = QPushButton("Cetak lagi")
        self.receipt_retry_button.setObjectName("receipt_retry_button")
        self.receipt_dismiss_button = QPushButton("Tutup")
        self.receipt_dismiss_button.setObjectName("receipt_dismiss_button")
        for button in (self.receipt_retry_button, self.receipt_dismiss_button):
            no_focus(button)
            row.addWidget(button)
        self.receipt_dismiss_button.clicked.connect(lambda: self.clear_receipt_problem())
        self.receipt_alert.hide()
        self.receipt_problem_sale: int | None = None
        return self.receipt_alert

    def show_receipt_problem(self, sale_id: int, text: str) -> None:
        self.receipt_problem_sale = sale_id
        self.receipt_alert_label.setText(f"Struk penjualan #{sale_id} belum tercetak. {text}")
        self.receipt_alert.show()

    def clear_receipt_problem(self, sale_id: int | None = None) -> None:
        """Put the alert away (``sale_id``: only when it is about that sale)."""
        if sale_id is None or sale_id == self.receipt_problem_sale:
            self.receipt_problem_sale = None
            self.receipt_alert.hide()

    def show_late(self, text: str) -> None:
        self._late_lines.append(text)
        self.late_label.setText("\n".join(self._late_lines[-4:]))
        self.late_alert.show()

    def dismiss_late(self) -> None:
        self._late_lines.clear()
        self.late_alert.hide()

    def _build_mutasi(self) -> QVBoxLayout:
        box = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(_big("Mutasi hari ini", 14))
        head.addStretch(1)
        self.refresh_button = QPushButton("Muat ulang (F5)")
        self.refresh_button.setObjectName("refresh_button")
        no_focus(self.refresh_button)
        head.addWidget(self.refresh_button)
        box.addLayout(head)
        # The table comes after the first paint (``mutasi_view``): it has no rows before the
        # journal and the server answer, and the table, its headers and their Python types
        # (eleven enums) were a tenth of the first frame's own work. Its place is kept meanwhile.
        self._mutasi_box = box
        self._mutasi_table: QTableView | None = None
        self._mutasi_slot = QFrame()
        self._mutasi_slot.setObjectName("mutasi_placeholder")
        # Drawn as the empty table it stands for (white, framed), so nothing seems to change.
        self._mutasi_slot.setStyleSheet(
            "#mutasi_placeholder { background: palette(base); border: 1px solid palette(mid); }"
        )
        box.addWidget(self._mutasi_slot, 1)
        foot = QHBoxLayout()
        self.total_today = _big("Total masuk: Rp 0", 14)
        self.total_today.setObjectName("total_today")
        foot.addWidget(self.total_today, 1)
        self.attach_button = QPushButton("Hubungkan ke penjualan…")
        self.attach_button.setObjectName("attach_button")
        self.attach_button.setToolTip("Tandai penjualan lunas dengan uang masuk yang tidak cocok otomatis")
        no_focus(self.attach_button)
        self.attach_button.setEnabled(False)
        foot.addWidget(self.attach_button)
        box.addLayout(foot)
        return box

    @property
    def mutasi_view(self) -> QTableView:
        """The day's mutasi table, built on first use (``finish_window`` gives it its model)."""
        if self._mutasi_table is None:
            self._mutasi_table = self._build_mutasi_table()
        return self._mutasi_table

    def _build_mutasi_table(self) -> QTableView:
        from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

        table = QTableView()
        table.setObjectName("mutasi_view")
        no_focus(table)  # digits typed go to the total, not a search
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        # Columns as wide as the widest time, amount, wallet name and match note in this font, set
        # once: sizing them to contents read every role of twenty rows at each refresh, half of the
        # GUI thread's work for it (a refresh of 300 entries repainted in 8-18 ms; 6-10 ms without).
        # The buyer's name takes what is left (cut with "…", whole in its tooltip): on a 1366 px
        # screen Keterangan, which says whether the money belongs to a sale, was what got cut.
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.sectionCountChanged.connect(lambda _old, _new: self._size_mutasi_columns())
        self._mutasi_box.replaceWidget(self._mutasi_slot, table)
        self._mutasi_slot.deleteLater()
        return table

    def _size_mutasi_columns(self) -> None:
        """Once the model gives the columns: widths from the font alone, no row read."""
        from PySide6.QtWidgets import QHeaderView

        from kasir.ui.mutasi_model import BUYER_COLUMN, COLUMNS  # the model is set after the first paint

        metrics, header = self.mutasi_view.fontMetrics(), self.mutasi_view.horizontalHeader()
        if header.count() != len(COLUMNS):
            return
        pad = 3 * metrics.averageCharWidth()  # the cell's margins and a gap to the next column
        widest = {"Waktu": "23:59:59", "Nominal": format_rupiah(-99_999_999), "Dompet": "ShopeePay"}
        widest["Keterangan"] = "✓ Penjualan #9999"
        for name, text in widest.items():
            header.resizeSection(COLUMNS.index(name), metrics.horizontalAdvance(text) + pad)
        header.setSectionResizeMode(BUYER_COLUMN, QHeaderView.ResizeMode.Stretch)

    def _build_status(self) -> None:
        """Quiet facts at the bottom: which route served, and a PC clock that is off."""
        self.clock_warning_label = QLabel("")
        self.clock_warning_label.setObjectName("clock_warning_label")
        self.clock_warning_label.setStyleSheet("color: #9a6700; font-weight: bold;")
        self.clock_warning_label.hide()
        self.payment_source_label = QLabel("")
        self.payment_source_label.setObjectName("payment_source_label")
        self.payment_source_label.setStyleSheet("color: #57606a;")
        self.statusBar().addPermanentWidget(self.clock_warning_label)
        self.statusBar().addPermanentWidget(self.payment_source_label)

    def show_sources(self, text: str) -> None:
        self.payment_source_label.setText(text)

    def show_clock_warning(self, text: str) -> None:
        self.clock_warning_label.setText(text)
        self.clock_warning_label.setVisible(bool(text))

    def selected_entry(self) -> object | None:
        """The mutasi entry under the selection, or None."""
        rows = self.mutasi_view.selectionModel().selectedRows() if self.mutasi_view.selectionModel() else []
        return rows[0].data(USER_ROLE) if rows else None

    # ---- rendering ---------------------------------------------------------------

    @property
    def _state(self) -> SaleState:
        return self._view.state if self._view is not None else SaleState.IDLE

    @property
    def _sale_id(self) -> int | None:
        return self._view.sale_id if self._view is not None else None

    def show_sale(self, view: SaleView) -> None:
        self._view = view
        self._render()

    def _render(self) -> None:
        """The current view; none yet is idle, as the first frame shows it before the controller exists."""
        view, state = self._view, self._state
        unrecorded = view.unrecorded if view is not None else ""
        text = view.label if view is not None else state.label
        color = STATE_COLOR.get(state, "#1d2733")
        if unrecorded:  # paid, but not in the journal yet: no longer "Menunggu pembayaran"
            text, color = "Sudah dibayar — belum tercatat", STATE_COLOR[SaleState.FAILED]
        self.sale_state.setText(text)
        _restyle(self.sale_state, f"color: {color};")
        if view is None or state is SaleState.IDLE:
            self.sale_nominal.setText("")
            self.sale_detail.setText(self._idle_hint)
        else:
            self.sale_nominal.setText(format_rupiah(view.nominal))
            code = f"− potongan kode unik {view.code}" if view.discounted else f"+ kode unik {view.code}"
            detail = f"Total {format_rupiah(view.base)} {code}"
            if view.source == "local":
                detail += " · QR lokal"
            if state is SaleState.PAID:
                detail += f" · {view.brand}"
                received = view.paid_amount if view.paid_amount is not None else view.nominal
                if received != view.nominal:  # attached by hand: the cashier sees the difference
                    way = "lebih" if received > view.nominal else "kurang"
                    gap = format_rupiah(abs(received - view.nominal))
                    detail += f"\nDiterima {format_rupiah(received)} ({way} {gap})"
            if view.message and state in (SaleState.FAILED, SaleState.CANCELLED, SaleState.EXPIRED):
                detail += f"\n{view.message}"
            if view.unrecorded:
                detail += f"\n{view.unrecorded}"
            self.sale_detail.setText(detail)
        self._render_preview(view, unrecorded)
        waiting = state.is_open
        _restyle(self.pay_button, PAY_WAITING_STYLE if waiting else PAY_STYLE)
        if waiting:
            self.pay_button.setText("Menunggu pencatatan" if unrecorded else "QR sedang tampil")
        else:  # after a failed QR the one Enter button tries again with the total kept
            self.pay_button.setText("Coba lagi (Enter)" if state is SaleState.FAILED else "Bayar (Enter)")
        self.cancel_button.setText("Batalkan QR (Esc 2×)" if waiting else "Batal (Esc)")
        if view is not None and state is SaleState.FAILED and self.entry.value == 0 and view.base:
            self.entry.set_value(view.base)  # a failed QR keeps the total: Enter tries again
        if self._sale_id is not None and self._sale_id != self._notice_sale:
            self._clear_notice()  # a message about the previous sale goes with it
        elif self._notice_open and not waiting:
            self._clear_notice()  # said while the QR waited ("Esc sekali lagi", "dilanjutkan"): no longer true

    def show_notice(self, level: str, text: str) -> None:
        now = time.monotonic()
        if level not in ("warn", "error") and now < self._notice_warns_until:
            # News ("QRIS toko dibaca dari akun") that came while a warning is fresh waits its turn:
            # 10 ms after "Keyring sistem menolak menyimpan" it replaced it unread.
            self._held_news = text
            QTimer.singleShot(round((self._notice_warns_until - now) * 1000) + 1, self._show_held_news)
            return
        self._held_news = None
        self._notice_warns_until = now + WARNING_HOLD_MS / 1000 if level in ("warn", "error") else 0.0
        color = {"error": "#cf222e", "warn": "#9a6700"}.get(level, "#1d2733")
        _restyle(self.notice_label, f"color: {color};")
        self.notice_label.setText(text)
        self._notice_sale = self._sale_id
        self._notice_open = self._state.is_open
        self._notice_passing = False
        if self._notice_timer is not None:
            self._notice_timer.stop()
        # Not also in the status bar: there it was cut off at 1366 px and said everything twice.

    def _show_held_news(self) -> None:
        # show_notice holds it again when Qt's coarse timer woke a few ms early (it may, by 5 %).
        if self._held_news is not None and not self.closed:
            self.show_notice("info", self._held_news)

    def notice_lasts(self, text: str, ms: int) -> None:
        """The notice just shown is true only ``ms`` long: then it goes (and when the cashier types)."""
        if self.notice_label.text() != text:
            return
        if self._notice_timer is None:
            self._notice_timer = QTimer(self)
            self._notice_timer.setSingleShot(True)
            self._notice_timer.timeout.connect(lambda: self._clear_notice() if self._notice_passing else None)
        self._notice_passing = True
        self._notice_timer.start(ms)

    def _clear_notice(self) -> None:
        self.notice_label.setText("")
        self._notice_sale = self._sale_id
        self._notice_open = False
        self._notice_passing = False
        self._notice_warns_until = 0.0  # the warning went: news that waited behind it shows now
        if self._held_news is not None:
            self.show_notice("info", self._held_news)

    def _input_changed(self) -> None:
        """A message about the input ("ketik total…", the limit) goes once the cashier types."""
        self.amount_note.setText("")
        if not self._state.is_open or self._notice_passing:
            self._clear_notice()

    def _quick(self, value: int) -> None:
        self.typed.emit()
        self.entry.add(value)

    def _amount_refused(self, text: str) -> None:
        self.amount_note.setText(text)

    def show_connection(self, text: str) -> None:
        self.connection_banner.setText(text)
        self.connection_banner.setVisible(bool(text))
        if self._state is SaleState.AWAITING and self._customer is not None:
            self._customer.set_checking("Memeriksa pembayaran…" if text else "")

    def show_countdown(self, left: int) -> None:
        """The controller's one countdown (seconds left on its clock; -1: no QR waits)."""
        self.countdown_label.setText(f"Sisa waktu {format_countdown(left)}" if left >= 0 else "")
        self.cadence_label.setText(self._cadence if left >= 0 else "")

    def show_cadence(self, text: str) -> None:
        """ "Cek pembayaran tiap 10 detik": said under the countdown while a QR waits."""
        self._cadence = text
        if self.countdown_label.text():
            self.cadence_label.setText(text)

    # ---- keyboard ----------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        from PySide6.QtGui import QKeySequence

        # The keys as the ints Qt passes (kasir.ui.qt_flags): a total typed the moment the window is
        # whole must not wait for Qt's enum namespace (16 ms), built soon after a sale can begin.
        key, text = event.key(), event.text()
        if text.isdigit() and len(text) == 1:  # top row and numpad alike
            self._on_key(text)
        elif key == KEY_BACKSPACE:
            self._on_key("backspace")
        elif key in (KEY_ESCAPE, KEY_F8):
            self.cancel_button.click()
        elif key in (KEY_RETURN, KEY_ENTER, KEY_F12):
            self.pay_button.click()  # always: during a sale the controller says why not
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste_total(QGuiApplication.clipboard().text())
        else:
            super().keyPressEvent(event)

    def paste_total(self, text: str) -> None:
        """Ctrl+V: a total copied from a chat or a price list replaces the typed one."""
        found = _PASTED_TOTAL.fullmatch(text.strip())
        value = int(found.group(1).replace(".", "")) if found else 0
        if not found or value == 0:
            self.amount_note.setText("Yang ditempel bukan total belanja. Contoh: 25000 atau Rp 25.000.")
        elif value > self.entry.limit:
            self.amount_note.setText(f"Total maksimal {format_rupiah(self.entry.limit)}; yang ditempel tidak dipakai.")
        else:
            self.typed.emit()
            self.entry.set_value(value)

    def _on_key(self, key: str) -> None:
        self.keypad.pressed.emit(key)  # the keypad's own signal: typed follows from it

    # ---- menus and closing -------------------------------------------------------

    def add_menu_action(self, menu: str, text: str, slot: object, name: str, shortcut: str = "") -> QAction:
        from PySide6.QtGui import QAction

        if menu not in self._menus:
            self._menus[menu] = self.menuBar().addMenu(menu)
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:  # shown beside the menu text; works while any child of the window has focus
            # By property: QKeySequence's overloads touch Qt's enum namespace (16 ms), which the menus,
            # built before a sale can begin, must not (kasir.ui.qt_flags). QAction's default context
            # is already Qt.WindowShortcut.
            action.setProperty("shortcut", shortcut)
        action.triggered.connect(slot)
        self._menus[menu].addAction(action)
        return action

    def on_close(self, hook: object) -> None:
        self._close_hooks.append(hook)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        if self._state is SaleState.AWAITING and not self._force_close:
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Tutup aplikasi?",
                "Masih ada transaksi menunggu pembayaran. Transaksi tersimpan dan akan dilanjutkan saat aplikasi"
                " dibuka lagi. Tutup sekarang?",
                parent=self,
            )
            close = box.addButton("Tutup", QMessageBox.ButtonRole.AcceptRole)
            box.setDefaultButton(box.addButton("Kembali", QMessageBox.ButtonRole.RejectRole))
            box.exec()
            if box.clickedButton() is not close:
                event.ignore()
                return
        self.closed = True
        if self._notice_timer is not None:
            self._notice_timer.stop()
        for hook in self._close_hooks:
            hook()  # type: ignore[operator]
        if self._customer is not None:
            self._customer.allow_close()
            self._customer.close()
        event.accept()

    def force_close(self) -> None:
        """Close without asking (tests, self-test): the journal keeps the open sale."""
        self._force_close = True
        self.close()
