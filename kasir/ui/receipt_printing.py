"""Printing struk off the GUI thread: ESC/POS printers and the system printer, auto-print on LUNAS.

Every print runs as a job on this module's own TaskRunner thread, so a printer that is off,
hung or out of paper costs the cashier one message (``failed``) and never a frozen window or a
lost sale: the sale is already journaled before anything here runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QObject, QPointF, QRectF, QSizeF, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPaintDevice, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import QInputDialog, QWidget

from kasir import escpos_out, qris, receipt
from kasir.errors import message_for
from kasir.escpos_out import PrinterError, PrinterNotConfiguredError
from kasir.journal import Sale
from kasir.money import format_rupiah
from kasir.qrcheck import qr_matrix
from kasir.recap import UNKNOWN_TIME
from kasir.receipt import Receipt, ReceiptError, ShopInfo
from kasir.sale_state import SaleState
from kasir.sale_view import SaleView
from kasir.settings import Settings
from kasir.till import Till
from kasir.ui.controller import SaleController
from kasir.ui.main_window import MainWindow
from kasir.ui.tasks import TaskRunner
from kasir.wib import WIB

log = logging.getLogger(__name__)

KINDS = ("network", "device", "system")
CLOSE_WAIT_MS = 2_000  # closing the app waits at most this for a print in progress
PAPER_MM = {32: 58.0, 48: 80.0}


@dataclass(frozen=True)
class PrinterChoice:
    kind: str
    target: str
    width: int

    @classmethod
    def of(cls, settings: Settings) -> PrinterChoice:
        width = settings.printer_width if settings.printer_width in receipt.WIDTHS else 32
        return cls(settings.printer_kind, settings.printer_target.strip(), width)


def shop_of(settings: Settings) -> ShopInfo:
    """The receipt's header and footer, and the QRIS facts from the shop's own QRIS (its merchant
    name and NMID: what an issuer's dispute desk asks for)."""
    facts = qris.inspect(settings.base_qr) if settings.base_qr else None
    return ShopInfo(
        settings.receipt_name or settings.shop_name,
        settings.receipt_address,
        settings.receipt_footer,
        merchant_name=(facts.merchant_name or "") if facts else "",
        nmid=(facts.nmid or "") if facts else "",
    )


# ---- the system printer (Qt print support) ------------------------------------------------


def _font_for(device: QPaintDevice, columns: int, width_px: float) -> QFont:
    font = QFont("Monospace")
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setFixedPitch(True)
    font.setPointSizeF(10.0)
    advance = QFontMetricsF(font, device).horizontalAdvance("M" * columns)
    font.setPointSizeF(10.0 * width_px / advance * 0.98)  # the widest line fills the paper, as on a thermal head
    # Measured again at that size: a hinted font rounds to whole pixels and can come out wider, and a
    # line wider than the paper lost its end (a right-aligned amount) off the receipt.
    for _ in range(5):
        wide = QFontMetricsF(font, device).horizontalAdvance("M" * columns)
        if wide <= width_px:
            break
        font.setPointSizeF(font.pointSizeF() * width_px / wide * 0.99)
    return font


def paint_receipt(painter: QPainter, device: QPaintDevice, slip: Receipt, area: QRectF) -> float:
    """Draw the lines, then the reference as a QR. Returns the height used (device pixels)."""
    font = _font_for(device, slip.width, area.width())
    bold = QFont(font)
    bold.setBold(True)
    painter.setPen(QColor("black"))
    metrics = QFontMetricsF(font, device)
    y = area.top()
    for line in slip.lines:
        y += metrics.lineSpacing()
        painter.setFont(bold if receipt.emphasised(line) else font)
        painter.drawText(QPointF(area.left(), y), line)  # at its baseline, never wrapped
    matrix = qr_matrix(slip.reference)
    module = max(1.0, area.width() * 0.45 * (32 / slip.width) / len(matrix))  # about 23 mm on either paper
    left = area.left() + (area.width() - module * len(matrix)) / 2
    top = y + metrics.lineSpacing()
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                painter.fillRect(QRectF(left + c * module, top + r * module, module, module), QColor("black"))
    return top + module * len(matrix) + metrics.lineSpacing() - area.top()


def print_system(target: str, slip: Receipt) -> None:
    """Print through the OS (any Windows driver). A target ending in ``.pdf`` writes that PDF instead."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if target.lower().endswith(".pdf"):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(target)
    else:
        info = QPrinterInfo.printerInfo(target) if target else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise SystemPrinterMissingError(target or "(default)")
        printer.setPrinterName(info.printerName())
    paper_mm = PAPER_MM[slip.width]
    # Roll paper: as long as the receipt (about 4.2 mm per line plus the QR), never an A4 sheet.
    height_mm = 12.0 + 4.2 * len(slip.lines) + paper_mm * 0.5
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QSizeF(paper_mm, height_mm), QPageSize.Unit.Millimeter, "Struk"),
            QPageLayout.Orientation.Portrait,
            QMarginsF(3, 3, 3, 3),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(printer):
        raise SystemPrinterMissingError(f"cannot start a job on {printer.printerName() or target}")
    try:
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        paint_receipt(painter, printer, slip, QRectF(0, 0, page.width(), page.height()))
    finally:
        painter.end()


def render_image(slip: Receipt, dots_per_column: int = 12) -> QImage:
    """The receipt as a thermal printer would put it on paper (203 dpi, 12-dot font): docs and checks."""
    width = slip.width * dots_per_column
    margin = 16
    image = QImage(width + 2 * margin, 40 * (len(slip.lines) + 14), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    used = paint_receipt(painter, image, slip, QRectF(margin, margin, width, image.height()))
    painter.end()
    return image.copy(0, 0, image.width(), int(used) + 2 * margin)


class SystemPrinterMissingError(PrinterError):
    user_message = "Printer sistem untuk struk tidak ditemukan. Periksa pilihan printer di Pengaturan."


def system_printers() -> list[str]:
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def deliver(choice: PrinterChoice, slip: Receipt) -> None:
    """Blocking: one receipt to one printer. Runs on the printing thread only."""
    if choice.kind == "system":
        print_system(choice.target, slip)
    elif choice.kind in ("network", "device"):
        escpos_out.send(choice.kind, choice.target, escpos_out.encode(slip))
    else:
        raise PrinterNotConfiguredError(f"printer kind {choice.kind!r}")


def message_of(exc: Exception) -> str:
    return message_for(exc, "Struk gagal dicetak (kesalahan tak terduga; rinciannya ada di log).")


def trial_message(exc: Exception) -> str:
    """ "Cetak uji" prints no sale: its failures say nothing about one."""
    return message_of(exc).replace(" Penjualan tetap tersimpan.", "")


class ReceiptPrinter(QObject):
    """The app's one receipt printer. ``reprint(sale_id)`` is the slot other screens call."""

    printed = Signal(int)  # sale id: its receipt reached the paper
    failed = Signal(str)  # cashier-facing message; the sale itself is fine
    not_printed = Signal(int, str)  # sale id, why: it stays said until printed or put away

    def __init__(self, till: Till, settings: Callable[[], Settings], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receipt_printer")
        self._till = till
        self._settings = settings
        self._runner = TaskRunner("receipt-printer", parent=self)
        # Printed this session (the journal says so too; this covers a journal out of reach at that moment).
        self._printed: set[int] = set()
        self._in_flight: set[int] = set()  # one print at a time per sale: a second press waits for the first
        self._auto_tried: set[int] = set()

    @property
    def configured(self) -> bool:
        return self._settings().printer_kind in KINDS

    @property
    def busy(self) -> bool:
        return self._runner.busy

    def print_sale(self, sale_id: int) -> bool:
        """Queue the struk of a paid sale; False (and ``failed``) when it cannot even be built. The
        first receipt that reaches the paper is the original, whenever it is printed (a failed one does
        not count); only later ones say SALINAN."""
        settings = self._settings()
        choice = PrinterChoice.of(settings)
        if choice.kind not in KINDS:
            self.failed.emit(PrinterNotConfiguredError.default_message)
            return False
        if sale_id in self._in_flight:
            self.failed.emit(f"Struk penjualan #{sale_id} sedang dicetak. Tunggu sebentar.")
            return False
        try:
            sale = self._till.sale(sale_id)
            as_copy = sale.receipt == "printed" or sale_id in self._printed
            slip = slip_for(self._till, sale, settings, choice.width, copy=as_copy)
        except (ReceiptError, KeyError) as exc:
            self.failed.emit(message_of(exc) if isinstance(exc, ReceiptError) else "Penjualan tidak ditemukan.")
            return False
        self._in_flight.add(sale_id)
        self._runner.call(
            lambda: deliver(choice, slip), lambda _r: self._done(sale_id), lambda exc: self._fail(sale_id, exc)
        )
        return True

    def reprint(self, sale_id: int) -> bool:
        """Cetak ulang (F4, the menu): SALINAN only when a receipt of it already reached the paper."""
        return self.print_sale(sale_id)

    def print_trial(self, settings: Settings, on_result: Callable[[str | None], None]) -> None:
        """ "Cetak uji" with settings not saved yet: ``on_result(None)`` on success, else the message."""
        choice = PrinterChoice.of(settings)
        if choice.kind not in KINDS:
            on_result(PrinterNotConfiguredError.default_message)
            return
        slip = receipt.trial_page(shop_of(settings), choice.width)
        self._runner.call(
            lambda: deliver(choice, slip), lambda _r: on_result(None), lambda exc: on_result(trial_message(exc))
        )

    # ---- auto-print hooks --------------------------------------------------------------

    def on_sale_view(self, view: SaleView) -> None:
        """Connected to the controller's view: the first time a sale shows LUNAS, print it."""
        if view.state is SaleState.PAID and view.sale_id is not None:
            self._auto(view.sale_id)

    def on_late_payment(self, sale: Sale) -> None:
        self._auto(sale.id)

    def _auto(self, sale_id: int) -> None:
        settings = self._settings()
        if not (settings.auto_print and self.configured) or sale_id in self._auto_tried:
            return
        self._auto_tried.add(sale_id)  # once: a failed auto-print is retried by the button, not by every redraw
        self.print_sale(sale_id)

    def _done(self, sale_id: int) -> None:
        self._in_flight.discard(sale_id)
        self._printed.add(sale_id)
        self._till.receipt_outcome(sale_id, printed=True)
        log.info("receipt printed for sale %s", sale_id)
        self.printed.emit(sale_id)

    def _fail(self, sale_id: int, exc: Exception) -> None:
        self._in_flight.discard(sale_id)
        self._till.receipt_outcome(sale_id, printed=False)
        log.warning("receipt for sale %s not printed: %r", sale_id, exc)
        self.not_printed.emit(sale_id, message_of(exc))

    def stop(self) -> None:
        """Closing never waits long for a printer: a job still hanging is cut (its socket shut down)."""
        escpos_out.abort_all()
        self._runner.stop(wait_ms=CLOSE_WAIT_MS)


def find_printer(widget: QObject | None) -> ReceiptPrinter | None:
    """The app's printer, for dialogs opened on the main window (Pengaturan's "Cetak uji")."""
    while widget is not None:
        found = widget.findChild(ReceiptPrinter, "receipt_printer")
        if found is not None:
            return found
        widget = widget.parent()
    return None


def slip_for(till: Till, sale: Sale, settings: Settings, width: int, *, copy: bool) -> Receipt:
    """The struk of a paid sale; money whose date could not be read prints no invented time."""
    known = till.paid_time_known(sale)
    return receipt.build(sale, shop_of(settings), width, copy=copy, paid_time_known=known)


def choose_and_reprint(parent: QWidget, printer: ReceiptPrinter, till: Till) -> None:
    """ "Laporan → Cetak ulang struk…": pick one of today's paid sales, print it marked SALINAN."""
    from kasir.wib import today as wib_today

    sales = [s for s in till.sales_on(wib_today()) if s.state is SaleState.PAID]
    if not sales:
        printer.failed.emit("Belum ada penjualan LUNAS hari ini.")
        return
    sales.reverse()  # the latest first: a reprint is nearly always for the customer still at the counter
    unknown = {s.id for s in sales if not till.paid_time_known(s)}

    def when(sale: Sale) -> str:
        return UNKNOWN_TIME if sale.id in unknown else f"{(sale.paid_at or sale.created_at).astimezone(WIB):%H:%M}"

    labels = [f"#{s.id}  {when(s)}  {format_rupiah(s.nominal)}  {s.brand or ''}" for s in sales]
    chooser = QInputDialog(parent)  # not getItem(): its buttons say "OK", and no Indonesian Qt ships
    chooser.setWindowTitle("Cetak ulang struk")
    chooser.setLabelText("Penjualan LUNAS hari ini:")
    chooser.setComboBoxItems(labels)
    chooser.setComboBoxEditable(False)
    chooser.setOkButtonText("Cetak")
    chooser.setCancelButtonText("Batal")
    if chooser.exec() == QInputDialog.DialogCode.Accepted and chooser.textValue() in labels:
        printer.reprint(sales[labels.index(chooser.textValue())].id)
    chooser.deleteLater()


def install(window: MainWindow, controller: SaleController) -> ReceiptPrinter:
    """Everything receipts need from the app, in one place so app.py carries a single call."""
    printer = ReceiptPrinter(controller.till, lambda: controller.settings, window)
    button = window.print_receipt_button

    def on_view(view: SaleView) -> None:
        button.setVisible(view.state is SaleState.PAID)
        printer.on_sale_view(view)

    def print_current() -> None:
        if controller.view.state is SaleState.PAID and controller.view.sale_id is not None:
            printer.print_sale(controller.view.sale_id)

    controller.view_changed.connect(on_view)
    controller.late_payment.connect(printer.on_late_payment)
    button.clicked.connect(print_current)
    printer.failed.connect(lambda text: window.show_notice("error", text))
    printer.not_printed.connect(window.show_receipt_problem)
    printer.printed.connect(window.clear_receipt_problem)
    printer.printed.connect(lambda sale_id: window.show_notice("info", f"Struk penjualan #{sale_id} tercetak."))
    window.receipt_retry_button.clicked.connect(
        lambda: printer.print_sale(window.receipt_problem_sale) if window.receipt_problem_sale is not None else None
    )

    def reprint() -> None:
        choose_and_reprint(window, printer, controller.till)

    window.add_menu_action("Laporan", "Cetak ulang struk…", reprint, "reprint_action")
    window.on_close(printer.stop)
    on_view(controller.view)  # installed soon after the start: a sale already LUNAS is caught up
    return printer
