"""Rekap harian on screen: pick a day, read it, export it as CSV or print it.

The day is read once per opening (and once per day picked), on a worker with its own read-only
connection: a busy day of a year-old journal takes longer than a frame to sum. CSV export runs
there too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QStandardPaths, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kasir import recap
from kasir.ui.qt_words import INDONESIAN
from kasir.ui.tasks import TaskRunner


def documents_folder() -> Path:
    """The user's Documents (where a shop owner looks for a file), else home; never the start folder."""
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    return documents if documents.is_dir() else Path.home()


class RecapDialog(QDialog):
    loaded = Signal()  # the recap of the chosen day is on screen
    exported = Signal(str)  # the CSV's path, once written

    def __init__(self, journal_path: Path, today: date, shop_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recap_dialog")
        self.setWindowTitle("Rekap harian")
        self.journal_path, self.shop_name = journal_path, shop_name
        self.recap: recap.DayRecap | None = None
        self._tasks = TaskRunner("recap", lambda: None, self)
        self.finished.connect(lambda _code: self._tasks.stop())
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
        top.addStretch(1)
        self.export_button = QPushButton("Ekspor CSV…")
        self.export_button.setObjectName("export_csv_button")
        self.print_button = QPushButton("Cetak…")
        self.print_button.setObjectName("print_button")
        top.addWidget(self.export_button)
        top.addWidget(self.print_button)
        layout.addLayout(top)
        self.view = QTextBrowser()
        self.view.setObjectName("recap_view")
        layout.addWidget(self.view, 1)
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        self.export_button.clicked.connect(self._ask_export)
        self.print_button.clicked.connect(self._ask_print)
        self.reload()
        self.resize(720, 640)

    @property
    def day(self) -> date:
        picked = self.date_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    @property
    def is_loaded(self) -> bool:
        return self.recap is not None and self.recap.day == self.day

    def reload(self) -> None:
        path, day, shop = self.journal_path, self.day, self.shop_name
        self.recap = None
        self.view.setHtml("<p><i>Memuat rekap…</i></p>")
        self._set_busy(True)
        self._tasks.forget()  # an answer for a day no longer chosen does not matter
        self._tasks.call(lambda _c: recap.build_shown(path, day, shop), self._show, self._failed)

    def _show(self, shown: recap.Shown) -> None:
        self.recap = shown.recap
        self.view.setHtml(shown.html)
        self._set_busy(False)
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.view.setHtml("<p>Rekap tidak dapat dibaca dari jurnal. Tutup lalu buka lagi.</p>")

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
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "kesalahan disk"
            QMessageBox.warning(self, "Ekspor gagal", f"CSV tidak dapat disimpan ke {path}: {reason}.")

        self._tasks.call(lambda _c: recap.write_csv(day_recap, path), written, failed)

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
