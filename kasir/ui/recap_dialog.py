"""Rekap harian on screen: pick a day, read it, export it as CSV or print it.

The day is read once per opening (and once per day picked), on a worker with its own read-only
connection: a busy day of a year-old journal takes longer than a frame to sum. Its page (every
text the cashier reads) is made there too; the GUI thread only hands the rows to a table view,
which lays out and draws the rows on screen alone, each of one height, in columns of set widths.
As rich text the same page cost 10-25 ms of layout and paint on the GUI thread. CSV export runs
on the worker as well.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QStandardPaths, QThread, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kasir import recap
from kasir.errors import os_reason
from kasir.journal import Journal
from kasir.journal_sqlite import SqliteJournal
from kasir.ui.qt_words import INDONESIAN
from kasir.ui.tasks import TaskRunner, release_in_pieces


def documents_folder() -> Path:
    """The user's Documents (where a shop owner looks for a file), else home; never the start folder."""
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    return documents if documents.is_dir() else Path.home()


COLUMNS = 4  # the widest section: Waktu, Nominal, Dompet, Pembeli
SPANNING = ("section", "none")  # a line of one text across the page
ALL_TILLS = "Semua kasir"
_HEAD_BACKGROUND = QColor("#eaeef2")


@dataclass(frozen=True)
class Page:
    """A day's page, ready for the view: made on the worker, handed to the GUI thread."""

    recap: recap.DayRecap | None
    title: str
    model: QStandardItemModel
    spanning: tuple[int, ...]  # the rows of one text across the page


def make_page(shown: recap.Shown | None, lines: tuple[recap.Line, ...], to_thread: QThread) -> Page:
    """On the worker: the lines as Qt's own item model, then moved to ``to_thread``.

    A model written in Python is asked for its cells by every paint, each time taking the
    interpreter from whatever the worker is doing (a CSV export made one repaint wait 50-300 ms);
    this one answers in C++, and it is filled here, so no row of a busy day costs the GUI thread."""
    bold, italic = QFont(), QFont()
    bold.setBold(True)
    italic.setItalic(True)
    head = QBrush(_HEAD_BACKGROUND)
    model = QStandardItemModel(len(lines), COLUMNS)
    for row, line in enumerate(lines):
        for column, text in enumerate(line.cells):
            item = QStandardItem(text)
            item.setEditable(False)
            if column:
                item.setToolTip(text)  # a long buyer's name is cut in its column
            if line.kind in ("section", "head"):
                item.setFont(bold)
            elif line.kind == "none":
                item.setFont(italic)
            if line.kind == "head":
                item.setBackground(head)
            model.setItem(row, column, item)
        if line.kind == "head":
            for column in range(len(line.cells), COLUMNS):
                filler = QStandardItem("")
                filler.setBackground(head)
                model.setItem(row, column, filler)
    model.moveToThread(to_thread)
    spanning = tuple(row for row, line in enumerate(lines) if line.kind in SPANNING)
    return Page(shown.recap if shown else None, shown.title if shown else "", model, spanning)


def _built(open_journal: Callable[[], Journal], day: date, shop_name: str, counter: str, to_thread: QThread) -> Page:
    shown = recap.build_shown(open_journal, day, shop_name, counter)
    return make_page(shown, shown.lines, to_thread)


class RecapDialog(QDialog):
    loaded = Signal()  # the recap of the chosen day is on screen
    exported = Signal(str)  # the CSV's path, once written

    def __init__(
        self,
        journal: Callable[[], Journal] | Path,
        today: date,
        shop_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        """``journal``: how the worker opens a journal of its own (the till's reader), or the path of a
        journal file."""
        super().__init__(parent)
        self.setObjectName("recap_dialog")
        self.setWindowTitle("Rekap harian")
        self._open = journal if callable(journal) else partial(SqliteJournal, journal, read_only=True)
        self.shop_name = shop_name
        self.recap: recap.DayRecap | None = None
        self.page: Page | None = None
        self._asked = 0  # reloads asked for: only the last one's reading is started
        self._tasks = TaskRunner("recap", parent=self)
        self.finished.connect(lambda _code: self._closed())
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tanggal:"))
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setObjectName("recap_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setLocale(INDONESIAN)  # the calendar's days and months: Sen, Sel…, Agustus
        self.date_edit.calendarWidget().setLocale(INDONESIAN)
        self.date_edit.setDisplayFormat("dd-MM-yyyy")
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        top.addWidget(self.date_edit)
        # A shop of several tills: the whole shop, or one till (shown once the day has two).
        self.counter_label = QLabel("Kasir:")
        self.counter_filter = QComboBox()
        self.counter_filter.setObjectName("recap_counter_filter")
        self.counter_filter.setAccessibleName("Saring menurut kasir")
        self.counter_filter.addItem(ALL_TILLS)
        for widget in (self.counter_label, self.counter_filter):
            widget.setVisible(False)
            top.addWidget(widget)
        top.addStretch(1)
        self.export_button = QPushButton("Ekspor CSV…")
        self.export_button.setObjectName("export_csv_button")
        self.print_button = QPushButton("Cetak…")
        self.print_button.setObjectName("print_button")
        top.addWidget(self.export_button)
        top.addWidget(self.print_button)
        layout.addLayout(top)
        self.title = QLabel("")
        self.title.setObjectName("recap_title")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        layout.addWidget(self.title)
        self.view = QTableView()
        self.view.setObjectName("recap_view")
        self._lay_out_view()
        layout.addWidget(self.view, 1)
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        self.counter_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.export_button.clicked.connect(self._ask_export)
        self.print_button.clicked.connect(self._ask_print)
        self.reload()
        self.resize(720, 640)

    def _closed(self) -> None:
        """The worker ends; the day's sales are let go of a few hundred per turn, not all at once
        wherever this dialog happens to be deleted."""
        self._tasks.stop()
        day_recap, self.recap, self.page = self.recap, None, None
        if day_recap is not None:
            release_in_pieces([*day_recap.sales, *day_recap.unmatched])

    def _lay_out_view(self) -> None:
        """Sizes that never read a row: one row height, money columns as wide as a large amount."""
        view = self.view
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.horizontalHeader().hide()
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        columns = view.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        columns.setStretchLastSection(False)  # the columns' widths come with each page (_show_page)

    def _size_columns(self) -> None:
        """The labels' column takes what the money columns leave. Set again for every page: a new
        model resets each column to Qt's default 100 px (the labels were cut off: 'Penjualan lun…')."""
        columns = self.view.horizontalHeader()
        columns.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        money = self.view.fontMetrics().horizontalAdvance("Rp 999.999.999") + 24
        for column in range(1, COLUMNS):
            columns.resizeSection(column, money)

    def _show_page(self, page: Page) -> None:
        self.page = page  # the model lives as long as it is shown
        self.title.setText(page.title)
        self.view.setModel(page.model)
        self._size_columns()
        self.view.clearSpans()  # a new model keeps the last page's spans, row for row
        for row in page.spanning:
            self.view.setSpan(row, 0, 1, COLUMNS)

    def _say(self, text: str) -> None:
        """One line in place of the page: loading, or why there is none."""
        self._show_page(make_page(None, (recap.Line("none", (text,)),), self.thread()))

    @property
    def day(self) -> date:
        picked = self.date_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    @property
    def is_loaded(self) -> bool:
        return self.recap is not None and self.recap.day == self.day

    @property
    def counter(self) -> str:
        """The till chosen ("" = the whole shop)."""
        text = self.counter_filter.currentText()
        return "" if text == ALL_TILLS else text

    def reload(self) -> None:
        opener, day, shop, counter = self._open, self.day, self.shop_name, self.counter
        self.recap = None
        self._say("Memuat rekap…")
        self._set_busy(True)
        self._tasks.forget()  # an answer for a day no longer chosen does not matter
        self._asked += 1
        asked, gui = self._asked, self.thread()

        def ask() -> None:
            if asked == self._asked:  # no other day was picked meanwhile
                self._tasks.call(lambda: _built(opener, day, shop, counter, gui), self._show, self._failed)

        # Once the window is drawn: the worker's reading holds the interpreter most of the time, and
        # the GUI thread would wait for it between every piece of Python it runs while opening.
        QTimer.singleShot(0, self, ask)

    def _show(self, page: Page) -> None:
        self.recap = page.recap
        if page.recap is not None:
            self._offer_counters(page.recap.counters)
        self._show_page(page)
        self._set_busy(False)
        # Laid out and drawn now, while the worker is idle: ``loaded`` says the page is on screen,
        # and a CSV export started from it never shares its first paint with the worker's writing.
        self.view.doItemsLayout()
        # The new title's and scroll bar's sizes settled now, not by layout requests in later turns.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        self.repaint()
        self.loaded.emit()

    def _offer_counters(self, counters: tuple[str, ...]) -> None:
        chosen = self.counter_filter.currentText()
        wanted = [ALL_TILLS, *counters, *([chosen] if chosen not in (ALL_TILLS, *counters) else [])]
        if [self.counter_filter.itemText(i) for i in range(self.counter_filter.count())] != wanted:
            self.counter_filter.blockSignals(True)  # the same day again: no second reading
            self.counter_filter.clear()
            self.counter_filter.addItems(wanted)
            self.counter_filter.setCurrentText(chosen)
            self.counter_filter.blockSignals(False)
        shown = len(counters) > 1 or chosen != ALL_TILLS
        self.counter_label.setVisible(shown)
        self.counter_filter.setVisible(shown)

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self._say("Rekap tidak dapat dibaca dari jurnal. Tutup lalu buka lagi.")

    def _set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.print_button.setEnabled(not busy)

    def export_to(self, path: Path) -> None:
        """Write the CSV on the worker; ``exported`` says when it is there."""
        if self.recap is None:
            return
        day_recap = self.recap

        def written(_none: object) -> None:
            self.exported.emit(str(path))

        def failed(exc: Exception) -> None:
            reason = os_reason(exc) if isinstance(exc, OSError) else "kesalahan disk"
            QMessageBox.warning(self, "Ekspor gagal", f"CSV tidak dapat disimpan ke {path}: {reason}.")

        self._tasks.call(lambda: recap.write_csv(day_recap, path), written, failed)

    def print_to(self, printer: QPrinter) -> None:
        if self.recap is None:
            return
        document = QTextDocument()
        document.setHtml(recap.to_html(self.recap, self.shop_name))
        document.print_(printer)

    def print_to_pdf(self, path: Path) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.print_to(printer)

    def _ask_export(self) -> None:
        suggested = str(documents_folder() / f"rekap-{self.day.isoformat()}.csv")
        dialog = QFileDialog(self, "Ekspor rekap ke CSV", suggested, "CSV (*.csv)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # Qt's own labels would be English
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.selectFile(suggested)
        for label, text in (
            (QFileDialog.DialogLabel.LookIn, "Simpan di:"),
            (QFileDialog.DialogLabel.FileName, "Nama berkas:"),
            (QFileDialog.DialogLabel.FileType, "Jenis:"),
            (QFileDialog.DialogLabel.Accept, "Simpan"),
            (QFileDialog.DialogLabel.Reject, "Batal"),
        ):
            dialog.setLabelText(label, text)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return
        self.export_to(Path(dialog.selectedFiles()[0]))

    def _ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
