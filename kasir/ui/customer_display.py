"""The screen that faces the customer: one state machine, rendered large.

States (Qt property ``state``): idle, awaiting, paid, expired, cancelled. The window never
takes focus from the cashier's window.
"""

from __future__ import annotations

from PySide6 import QtCore  # Qt's enum namespace (16 ms) is touched only once a sale can begin
from PySide6.QtCore import Property, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QStackedLayout, QVBoxLayout, QWidget

from kasir import wib
from kasir.money import format_rupiah
from kasir.sale_state import SaleState, format_countdown
from kasir.sale_view import IDLE, SaleView
from kasir.ui.qr_view import QrView
from kasir.ui.qt_flags import align_center, no_focus

CANCELLED_HOLD_MS = 3_000
# LUNAS stays until the next sale starts (the cashier typing the next total puts it away): a
# customer who looks up a few seconds late still sees that the money arrived.
_PAGES = ("idle", "awaiting", "paid", "expired", "cancelled", "preparing")  # also the Qt property ``state``
# The customer is shown no failure (nothing to pay): a QR being made is "preparing", a failed one idle.
_PAGE_OF = {SaleState.GENERATING: "preparing", SaleState.FAILED: "idle"}
# Sizes are chosen for a monitor this large; a smaller window scales every line down with it
# (a 1024x600 customer monitor, the one-monitor window beside the keypad).
FULL_SIZE = (1000, 700)
BASE_POINTS = "base_points"  # the QLabel property holding a line's full-size point size
SMALL_HEIGHT = 450  # px: below it the how-to lines beside the QR give way


def _label(text: str = "", *, size: int = 24, bold: bool = False, color: str = "#1d2733") -> QLabel:
    label = QLabel(text)
    align_center(label)
    label.setWordWrap(True)
    font = QFont()
    font.setPointSize(size)
    font.setBold(bold)
    label.setFont(font)
    label.setStyleSheet(f"color: {color};")
    label.setProperty(BASE_POINTS, size)
    return label


class CustomerDisplay(QWidget):
    state_changed = Signal(str)

    def __init__(self, shop_name: str = "", demo: bool = False) -> None:
        super().__init__(None)
        self.setObjectName("customer_display")
        self.setWindowTitle("Kasir QRIS — Layar Pelanggan")
        self._one_monitor = False
        no_focus(self)
        self.setStyleSheet("CustomerDisplay { background: #ffffff; }")
        self.setAutoFillBackground(True)
        self._state = "idle"
        self._view = IDLE
        self._allow_close = False
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.timeout.connect(lambda: self.show_sale(IDLE))
        self._stack = QStackedLayout(self)
        # Any size: on one monitor its own window lies over the cashier's preview (smaller than its
        # pages' natural size); the lines shrink with the window (resizeEvent), the QR with its side.
        self._stack.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._build_idle(shop_name)
        self._build_awaiting()
        self._build_paid()
        self._expired_page = self._message_page(
            "Kedaluwarsa", "Waktu pembayaran habis. Silakan minta QR baru ke kasir.", "#9a6700"
        )
        self._cancelled_page = self._message_page("Dibatalkan", "Transaksi dibatalkan kasir.", "#6e7781")
        self._preparing_page = self._message_page("Menyiapkan QR…", "Sebentar, QR pembayaran sedang dibuat.", "#0a66c2")
        self._demo_mark.setVisible(demo)
        self.show_sale(self._view)  # the idle page complete (its date) before the first sale
        self.resize(960, 600)

    def keep_keys_away(self) -> None:
        """Never takes the keyboard, whatever the window manager does: keys stay with the cashier.
        Set before it is first shown (not when built: these are Qt enums, and their namespace is
        not the first sale's to wait for); a window already shown keeps what it has."""
        qt = QtCore.Qt
        if self.testAttribute(qt.WidgetAttribute.WA_ShowWithoutActivating):
            return
        self.setWindowFlags(self.windowFlags() | qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(qt.WidgetAttribute.WA_ShowWithoutActivating)

    # ---- state property ----------------------------------------------------------

    def _get_state(self) -> str:
        return self._state

    state = Property(str, _get_state, notify=state_changed)

    @property
    def qr_view(self) -> QrView:
        return self._qr

    # ---- pages -------------------------------------------------------------------

    def _build_idle(self, shop_name: str) -> None:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(2)
        self._shop = _label(shop_name or "Selamat datang", size=44, bold=True)
        box.addWidget(self._shop)
        box.addWidget(_label("Bayar pakai QRIS", size=28, color="#0a66c2"))
        box.addWidget(_label("Semua aplikasi bank dan e-wallet", size=18, color="#57606a"))
        box.addStretch(1)
        self._clock = _label("", size=20, color="#57606a")
        box.addWidget(self._clock)
        box.addStretch(1)
        self._stack.addWidget(page)

    def _build_awaiting(self) -> None:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(24, 24, 24, 24)
        self._qr = QrView()
        row.addWidget(self._qr, 3)
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(_label("Total bayar", size=22, color="#57606a"))
        self._amount = _label("", size=64, bold=True)
        self._amount.setWordWrap(False)  # "Rp" and the digits on one line: the font shrinks instead
        side.addWidget(self._amount)
        self._code_note = _label("", size=18, color="#57606a")
        self._code_note.setObjectName("code_note")
        side.addWidget(self._code_note)
        side.addSpacing(24)
        self._merchant = _label("", size=22, bold=True)
        side.addWidget(self._merchant)
        self._nmid = _label("", size=14, color="#57606a")
        side.addWidget(self._nmid)
        side.addSpacing(24)
        # A demo QR must not look payable: a customer could try.
        self._demo_mark = _label("DEMO — jangan dibayar", size=26, bold=True, color="#cf222e")
        self._demo_mark.setObjectName("demo_mark")
        side.addWidget(self._demo_mark)
        self._countdown = _label("", size=22, color="#0a66c2")
        side.addWidget(self._countdown)
        self._checking = _label("", size=16, color="#57606a")
        side.addWidget(self._checking)
        how = "Scan dengan aplikasi bank\natau e-wallet apa pun.\nBayar tepat sesuai nominal."
        self._how = _label(how, size=16)
        side.addWidget(self._how)
        side.addStretch(1)
        row.addLayout(side, 2)
        self._stack.addWidget(page)

    def _build_paid(self) -> None:
        page = QWidget()
        page.setStyleSheet("background: #e6f4ea;")
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(_label("✓ LUNAS", size=96, bold=True, color="#1a7f37"))
        self._paid_amount = _label("", size=48, bold=True, color="#1a7f37")
        box.addWidget(self._paid_amount)
        self._paid_detail = _label("", size=22, color="#1d2733")
        box.addWidget(self._paid_detail)
        box.addWidget(_label("Terima kasih!", size=28))
        box.addStretch(1)
        self._stack.addWidget(page)

    def _message_page(self, title: str, text: str, color: str) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(_label(title, size=64, bold=True, color=color))
        box.addWidget(_label(text, size=24))
        box.addStretch(1)
        self._stack.addWidget(page)
        return page

    # ---- rendering ---------------------------------------------------------------

    def set_shop_name(self, name: str) -> None:
        self._shop.setText(name or "Selamat datang")

    def set_checking(self, text: str) -> None:
        """A neutral line while status cannot be fetched: never red, never "unpaid"."""
        self._checking.setText(text)

    def show_sale(self, view: SaleView) -> None:
        page = _PAGE_OF.get(view.state, view.state.value)
        if view.unrecorded:  # the money arrived (only the shop's journal lags): no QR to pay twice
            page = "paid"
        self._view = view
        self._hold.stop()
        if page == "awaiting":
            self._qr.show_qr(view.payload, view.matrix)
            self._amount.setText(format_rupiah(view.nominal))
            self._fit_amount()
            way = "sudah dipotong" if view.discounted else "termasuk"  # a discount is not "included"
            self._code_note.setText(f"{way} kode unik {view.code}")
            self._merchant.setText(view.merchant_name)
            self._nmid.setText(f"NMID {view.nmid}" if view.nmid else "")
            self._checking.setText("")
        else:
            self._qr.clear()
        if page == "paid":
            # What was received, not what was asked: money attached by hand may differ.
            self._paid_amount.setText(format_rupiah(view.paid_amount if view.paid_amount is not None else view.nominal))
            when = view.paid_at.astimezone(wib.WIB).strftime("%H:%M:%S") if view.paid_at else ""
            self._paid_detail.setText(" · ".join(p for p in (view.brand, when) if p))
        elif page == "cancelled":
            self._hold.start(CANCELLED_HOLD_MS)
        elif page == "idle":
            self._clock.setText(wib.now().strftime("%d/%m/%Y"))
        self._stack.setCurrentIndex(_PAGES.index(page))
        if page != self._state:
            self._state = page
            self.state_changed.emit(page)

    def show_countdown(self, left: int) -> None:
        """Seconds left on the controller's clock (-1: no QR waits); the display keeps no clock."""
        self._countdown.setText(f"Berlaku {format_countdown(left)}" if left >= 0 else "")

    # ---- window behaviour --------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        # Shrink the text, never the QR.
        scale = min(1.0, self.width() / FULL_SIZE[0], self.height() / FULL_SIZE[1])
        for label in self.findChildren(QLabel):
            base = label.property(BASE_POINTS)
            if isinstance(base, int) and label is not self._amount:
                font = label.font()
                font.setPointSize(max(9, round(base * scale)))
                label.setFont(font)
        self._fit_amount()
        # In a small window (one monitor, laid over the cashier's preview) the QR, the amount and the
        # merchant come first; the how-to lines, cut off there, make room.
        self._how.setVisible(self.height() >= SMALL_HEIGHT)
        super().resizeEvent(event)

    def _fit_amount(self) -> None:
        """The amount as large as the height allows, on one line in the column beside the QR."""
        room = (self.width() - 48) * 2 // 5 - 16  # the side column: 2 of 5 parts, less margins
        font = self._amount.font()
        size = max(20, min(96, self.height() // 12))
        font.setPointSize(size)
        while size > 14 and QFontMetrics(font).horizontalAdvance(self._amount.text()) > room:
            size -= 2
            font.setPointSize(size)
        self._amount.setFont(font)

    def set_one_monitor(self, one: bool) -> None:
        self._one_monitor = one

    def allow_close(self) -> None:
        self._allow_close = True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        # The customer screen lives as long as the cashier's window; closing it alone would
        # leave the customer with nothing to scan.
        if self._allow_close:
            self._hold.stop()
            event.accept()
            return
        if self._one_monitor:  # a separate window on the cashier's monitor: closing it docks the view
            self.hide()
        else:
            event.ignore()
