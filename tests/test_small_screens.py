"""What the real-X screenshots (scripts/screenshots_x.py) showed on small screens, kept fixed."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QLocale, QObject, QPoint, QRect, QStandardPaths, Qt
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QSpinBox, QTreeView
from pytestqt.qtbot import QtBot

from kasir import wib
from kasir.sale_view import SaleView
from kasir.settings import Settings
from kasir.ui.customer_display import CustomerDisplay
from kasir.ui.settings_dialog import SettingsDialog
from tests.gui_helpers import OpenApp, demo, open_app

__all__ = ["open_app"]  # fixture


def _global_rect(widget: QLabel | object) -> QRect:
    assert hasattr(widget, "mapToGlobal") and hasattr(widget, "rect")
    rect: QRect = widget.rect()
    return QRect(widget.mapToGlobal(QPoint(0, 0)), rect.size())


def test_the_separate_customer_window_leaves_the_keypad_visible(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One monitor, F7: the customer's own window went to the top left, over the keypad."""
    monkeypatch.setattr("kasir.app.choose_screen", lambda *_args: None)  # one monitor
    window = demo(open_app, qtbot, tmp_path)
    assert not window.customer.isVisible()  # docked: the preview in the cashier's window
    window.findChild(QAction, "customer_action").trigger()  # type: ignore[union-attr]
    qtbot.waitUntil(window.customer.isVisible, timeout=5_000)
    assert not window.customer.frameGeometry().intersects(_global_rect(window.keypad))
    assert window.screen().availableGeometry().contains(window.customer.frameGeometry())


def _awaiting(nominal: int) -> SaleView:
    return SaleView(
        "awaiting",
        sale_id=1,
        base=nominal - 1,
        code=1,
        nominal=nominal,
        payload="000201" + "0" * 200,
        merchant_name="TOKO DEMO KASIR",
        nmid="ID2025000000001",
        expires_at=datetime.now(UTC) + timedelta(minutes=10),
    )


def _side_labels(display: CustomerDisplay) -> list[QLabel]:
    page = display._amount.parentWidget()
    return [label for label in page.findChildren(QLabel) if label.isVisible() and label.text()]


def test_the_customer_sees_every_line_whole_on_a_small_monitor(qtbot: QtBot) -> None:
    """1024x600 and the one-monitor window: lines ran into each other, a big amount broke after "Rp"."""
    display = CustomerDisplay("TOKO DEMO KASIR", demo=True)
    qtbot.addWidget(display)
    display.show()
    qtbot.waitExposed(display)
    for width, height in ((1024, 600), (683, 485)):  # a small second monitor; F7's window on 1366x768
        display.resize(width, height)
        display.show_sale(_awaiting(10_000_000))
        qtbot.waitUntil(lambda w=width, h=height: display.size().width() == w and display.size().height() == h)
        QApplication.processEvents()
        amount = display._amount
        assert QFontMetrics(amount.font()).horizontalAdvance(amount.text()) <= amount.contentsRect().width()
        labels = sorted(_side_labels(display), key=lambda label: label.geometry().top())
        for label in labels:
            assert label.height() >= label.heightForWidth(label.width()) or not label.wordWrap(), label.text()
            assert label.geometry().bottom() < height, label.text()
        for upper, lower in itertools.pairwise(labels):
            assert upper.geometry().bottom() < lower.geometry().top(), (upper.text(), lower.text())
    display.allow_close()
    display.close()


def test_the_settings_fit_a_small_screen(qtbot: QtBot) -> None:
    """Pengaturan was about 730 px tall: on a 1024x600 shop PC Simpan was below the screen."""
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.fit_height(560)  # a 600 px screen less its taskbar
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.frameGeometry().height() <= 560
    save = dialog.save_button
    assert save.isVisible() and dialog.rect().contains(QRect(save.mapTo(dialog, QPoint(0, 0)), save.size()))
    assert dialog.fields_scroll.verticalScrollBar().maximum() > 0  # the rest is a scroll away, not cut off


def _shown_settings(qtbot: QtBot, available: int) -> SettingsDialog:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.fit_height(available)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_refusal_in_the_settings_neither_grows_the_dialog_nor_moves_simpan(qtbot: QtBot) -> None:
    """At 1366x768 the red line grew the dialog and Simpan slid under the taskbar or off the screen."""
    dialog = _shown_settings(qtbot, 728)  # 768 px less a 40 px taskbar
    size, save_at = dialog.size(), dialog.save_button.mapTo(dialog, QPoint(0, 0))
    dialog.api_url.setText("ftp://bukan-alamat-api " * 6)  # a long refusal, wrapped over lines
    dialog.save_button.click()
    assert dialog.error.text() and dialog.error.isVisible()
    assert dialog.size() == size and dialog.save_button.mapTo(dialog, QPoint(0, 0)) == save_at
    assert dialog.frameGeometry().height() <= 728


def test_a_refusal_in_the_settings_goes_when_the_owner_changes_a_field(qtbot: QtBot) -> None:
    """The red line spoke of the previous input until Simpan was pressed again."""
    dialog = _shown_settings(qtbot, 728)
    dialog.code_low.setValue(50)
    dialog.code_high.setValue(10)
    dialog.save_button.click()
    assert dialog.error.text() == "Rentang kode unik terbalik."
    dialog.code_high.setValue(99)
    assert dialog.error.text() == ""


def test_the_customer_sees_the_date_before_the_first_sale(qtbot: QtBot) -> None:
    """Under X the idle customer screen had no date until a sale had come and gone."""
    display = CustomerDisplay("TOKO DEMO KASIR")
    qtbot.addWidget(display)
    assert display._clock.text() == wib.now().strftime("%d/%m/%Y")


def test_the_customer_screen_never_asks_for_the_focus(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, qtlog: Any
) -> None:
    """showFullScreen() asks the window manager to activate the window (Qt refused it, with a warning)."""
    window = demo(open_app, qtbot, tmp_path)
    assert window.customer.isFullScreen()
    asked = [record.message for record in qtlog.records if "requestActivate" in record.message]
    assert asked == []


def test_the_settings_do_not_scroll_on_a_tall_screen(qtbot: QtBot) -> None:
    """On the 1080 px monitor Pengaturan scrolled anyway: its size was taken before it was styled."""
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.fit_height(1040)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.fields_scroll.verticalScrollBar().maximum() == 0, timeout=2_000)


def _words(actions: list[QAction]) -> list[str]:
    return [a.text().split("\t")[0].replace("&", "") for a in actions if not a.isSeparator()]


def test_qts_own_menus_speak_indonesian(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """Right-click in a field under X: Undo, Redo, Cut, Copy, Paste, Select All, Step up (Qt has no Indonesian)."""
    demo(open_app, qtbot, tmp_path)
    field = QLineEdit("25000")
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    assert _words(menu.actions()) == ["Urungkan", "Ulangi", "Potong", "Salin", "Tempel", "Hapus", "Pilih semua"]
    spin = QSpinBox()
    qtbot.addWidget(spin)
    spin.setRange(0, 10)
    spin.setValue(5)
    # a spin box's menu is built inside its contextMenuEvent; its step words come from the same table
    assert QApplication.translate("QAbstractSpinBox", "&Step up") == "&Naikkan"
    assert QApplication.translate("QAbstractSpinBox", "Step &down") == "&Turunkan"
    assert QApplication.translate("QAbstractSpinBox", "&Select All") == "&Pilih semua"


def test_the_recap_calendar_names_days_in_indonesian(qtbot: QtBot, tmp_path: Path) -> None:
    """Rekap → Tanggal under X: the calendar said Mon Tue Wed, November."""
    from kasir.ui.recap_dialog import RecapDialog

    dialog = RecapDialog(tmp_path / "journal.sqlite3", datetime.now(UTC).date(), "TOKO")
    qtbot.addWidget(dialog)
    calendar = dialog.date_edit.calendarWidget()
    assert calendar.locale().dayName(1, QLocale.FormatType.ShortFormat) == "Sen"
    assert calendar.locale().monthName(8) == "Agustus"
    dialog.reject()


def test_qts_other_words_are_left_alone(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """A word the table does not know stays Qt's own (an empty answer would blank it)."""
    demo(open_app, qtbot, tmp_path)
    assert QKeySequence("Ctrl+A").toString(QKeySequence.SequenceFormat.NativeText) == "Ctrl+A"


def test_qts_file_and_print_dialogs_speak_indonesian(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """Ekspor CSV… and Cetak… under X: Name, Size, Type, Date Modified; Print, Options, Cancel."""
    demo(open_app, qtbot, tmp_path)
    dialog = QFileDialog(None, "Ekspor rekap ke CSV", str(tmp_path), "CSV (*.csv)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    view = dialog.findChild(QTreeView)
    assert view is not None
    columns = [view.model().headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    assert columns == ["Nama", "Ukuran", "Jenis", "Diubah"]
    assert QApplication.translate("QPrintDialog", "Print") == "Cetak"
    assert QApplication.translate("QPrintDialog", "&Options >>") == "&Pilihan >>"
    assert QApplication.translate("QPlatformTheme", "Cancel") == "Batal"


def test_the_print_dialog_shown_has_no_english_left(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """Rekap → Cetak… under X still said "Print to File (PDF)", "Local file", "Write PDF file"."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QLabel

    demo(open_app, qtbot, tmp_path)
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()  # the printer list and its location are filled when it shows
    qtbot.waitExposed(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel)] + [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.title() for w in dialog.findChildren(QGroupBox)]
    texts += [c.itemText(i) for c in dialog.findChildren(QComboBox) for i in range(c.count())]
    english = re.compile(r"\b(Print|File|file|Write|Options|Cancel|Copies)\b")  # "Printer" is Indonesian too
    assert [t for t in texts if english.search(t.replace("&", ""))] == []
    dialog.reject()


class _Hides(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Hide:
            self.count += 1
        return False


def test_f7_on_two_monitors_leaves_the_customer_screen_alone(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """Under openbox F7 hid and re-showed the full-screen display: it came back as a 960x600 window."""
    window = demo(open_app, qtbot, tmp_path)
    customer = window.customer
    assert customer.isFullScreen() and customer.screen().name() == "pelanggan"
    hides = _Hides()
    customer.installEventFilter(hides)
    window.findChild(QAction, "customer_action").trigger()  # type: ignore[union-attr]
    assert hides.count == 0
    assert customer.isVisible() and customer.isFullScreen() and customer.screen().name() == "pelanggan"
    customer.removeEventFilter(hides)


def test_a_notice_is_said_once_and_wraps_instead_of_being_cut_in_the_status_bar(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    window.show_notice("error", "Berkas jurnal penjualan hilang, diganti atau terpotong saat aplikasi berjalan. " * 2)
    assert window.notice_label.wordWrap() and window.notice_label.text()
    assert window.statusBar().currentMessage() == ""


def test_no_label_of_the_rekap_harian_is_cut_off(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """The real-X picture showed 'Penjualan lun…', '↳ di antaran…': the column widths were set
    before the page's model, and a new model resets them to Qt's default 100 px."""
    from PySide6.QtGui import QFont

    from kasir.ui.recap_dialog import RecapDialog

    window = demo(open_app, qtbot, tmp_path)
    window.findChild(QAction, "recap_action").trigger()  # type: ignore[union-attr]
    dialog = window.findChild(RecapDialog, "recap_dialog")
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    view, model = dialog.view, dialog.view.model()
    cut = []
    for row in range(model.rowCount()):
        if view.columnSpan(row, 0) > 1:
            continue  # a section's title spans the page
        for column in range(model.columnCount()):
            index = model.index(row, column)
            font = index.data(Qt.ItemDataRole.FontRole)
            metrics = QFontMetrics(font) if isinstance(font, QFont) else view.fontMetrics()
            text = str(index.data() or "")
            if metrics.horizontalAdvance(text) > view.columnWidth(column) - 6:  # the cell's margins
                cut.append(text)
    assert cut == []


def test_the_qris_picture_is_looked_for_in_downloads_first(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file dialog opened in Pictures; a QRIS picture sent by WhatsApp or mail is in Downloads."""
    from kasir.ui import settings_dialog

    downloads = tmp_path / "Unduhan"
    downloads.mkdir()
    places = {
        QStandardPaths.StandardLocation.DownloadLocation: str(downloads),
        QStandardPaths.StandardLocation.PicturesLocation: str(tmp_path / "Gambar"),
        QStandardPaths.StandardLocation.HomeLocation: str(tmp_path),
    }
    monkeypatch.setattr(settings_dialog.QStandardPaths, "writableLocation", lambda where: places[where])
    assert settings_dialog.qris_picture_folder() == str(downloads)
    downloads.rmdir()  # no Downloads folder: the home folder
    assert settings_dialog.qris_picture_folder() == str(tmp_path)
