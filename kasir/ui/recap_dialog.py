"""Rekap harian on screen: pick a day, read it, export it as CSV or print it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
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
from kasir.journal import Journal


class RecapDialog(QDialog):
    def __init__(self, journal: Journal, today: date, shop_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recap_dialog")
        self.setWindowTitle("Rekap harian")
        self.journal, self.shop_name = journal, shop_name
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tanggal:"))
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setObjectName("recap_date")
        self.date_edit.setCalendarPopup(True)
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
        self.recap = recap.for_day(journal, today)
        self.reload()
        self.resize(720, 640)

    @property
    def day(self) -> date:
        picked = self.date_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def reload(self) -> None:
        self.recap = recap.for_day(self.journal, self.day)
        self.view.setHtml(recap.to_html(self.recap, self.shop_name))

    def export_to(self, path: Path) -> None:
        recap.write_csv(self.recap, path)

    def print_to(self, printer: QPrinter) -> None:
        document = QTextDocument()
        document.setHtml(recap.to_html(self.recap, self.shop_name))
        document.print_(printer)

    def print_to_pdf(self, path: Path) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.print_to(printer)

    def _ask_export(self) -> None:
        suggested = f"rekap-{self.day.isoformat()}.csv"
        name, _filter = QFileDialog.getSaveFileName(self, "Ekspor rekap", suggested, "CSV (*.csv)")
        if not name:
            return
        try:
            self.export_to(Path(name))
        except OSError as exc:
            QMessageBox.warning(self, "Ekspor gagal", f"CSV tidak dapat disimpan ke {name} ({type(exc).__name__}).")

    def _ask_print(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
