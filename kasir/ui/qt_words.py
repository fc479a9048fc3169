"""Indonesian for the words Qt itself shows a cashier: Qt ships no Indonesian translation.

Qt's own right-click menus (Pengaturan's fields, the recap's date), standard buttons, and the
file and print dialogs Qt draws where the system has none (Linux) take their words through
``QCoreApplication.translate``, and so through this translator. The table lists the words in
the places a cashier or shop owner goes; any other word stays Qt's own (English).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

INDONESIAN = QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia)

_EDIT = {
    "&Undo": "&Urungkan",
    "&Redo": "U&langi",
    "Cu&t": "Po&tong",
    "&Copy": "&Salin",
    "&Paste": "T&empel",
    "Delete": "Hapus",
    "Select All": "Pilih semua",
    "Copy &Link Location": "Salin &alamat tautan",
}
WORDS: dict[str, dict[str, str]] = {
    "QLineEdit": _EDIT,
    "QWidgetTextControl": _EDIT,  # QPlainTextEdit, QTextBrowser
    # a spin box (and the recap's date) puts its own Select All in its line edit's menu
    "QAbstractSpinBox": {"&Select All": "&Pilih semua", "&Step up": "&Naikkan", "Step &down": "&Turunkan"},
    # standard buttons wherever Qt makes them (message boxes, the print and file dialogs)
    "QPlatformTheme": {
        "OK": "OK",
        "Cancel": "Batal",
        "Save": "Simpan",
        "Open": "Buka",
        "Close": "Tutup",
        "Apply": "Terapkan",
        "&Yes": "&Ya",
        "&No": "&Tidak",
    },
    # Rekap → Ekspor CSV… and Pengaturan → Pilih gambar QRIS… where the system has no file dialog
    "QFileDialog": {
        "&Look in:": "&Cari di:",
        "Back": "Kembali",
        "Go back": "Kembali",
        "Forward": "Maju",
        "Go forward": "Maju",
        "Parent Directory": "Folder di atasnya",
        "Go to the parent directory": "Ke folder di atasnya",
        "Create New Folder": "Buat folder baru",
        "Create a New Folder": "Buat folder baru",
        "List View": "Daftar",
        "Change to list view mode": "Tampilkan sebagai daftar",
        "Detail View": "Rincian",
        "Change to detail view mode": "Tampilkan dengan rincian",
        "Sidebar": "Tempat",
        "List of places and bookmarks": "Daftar tempat",
        "Files": "Berkas",
        "File &name:": "&Nama berkas:",
        "Files of &type:": "&Jenis berkas:",
        "&Open": "&Buka",
        "&Save": "&Simpan",
        "All Files (*)": "Semua berkas (*)",
        "&Rename": "&Ganti nama",
        "&Delete": "&Hapus",
        "Show &hidden files": "Tampilkan berkas &tersembunyi",
        "&New Folder": "Folder &baru",
        "%1 already exists.\nDo you want to replace it?": "%1 sudah ada.\nGanti berkas itu?",
    },
    "QFileSystemModel": {
        "Name": "Nama",
        "Size": "Ukuran",
        "Type": "Jenis",
        "Date Modified": "Diubah",
        "Computer": "Komputer",
    },
    # Rekap → Cetak… where the system has no print dialog (Linux; Windows shows its own)
    "QPrintDialog": {
        "Print": "Cetak",
        "&Print": "&Cetak",
        "&Options >>": "&Pilihan >>",
        "&Options <<": "&Pilihan <<",
        "All Pages": "Semua halaman",
        "Print to File (PDF)": "Cetak ke berkas (PDF)",
        "Local file": "Berkas di komputer ini",
        "Write PDF file": "Tulis berkas PDF",
        "Print To File ...": "Cetak ke berkas…",
        "Odd Pages": "Halaman ganjil",
        "Even Pages": "Halaman genap",
    },
    "QPrintWidget": {
        "Printer": "Printer",
        "&Name:": "&Nama:",
        "P&roperties": "P&roperti",
        "Location:": "Lokasi:",
        "Preview": "Pratinjau",
        "Type:": "Jenis:",
        "Output &file:": "&Berkas hasil:",
    },
    "QPrintSettingsOutput": {
        "Print range": "Halaman yang dicetak",
        "Print all": "Semua",
        "Pages from": "Halaman",
        "to": "sampai",
        "Pages": "Halaman",
        "Current Page": "Halaman ini",
        "Selection": "Yang dipilih",
        "Page &Set:": "&Kumpulan halaman:",
        "Output Settings": "Hasil cetak",
        "Copies:": "Jumlah salinan:",
        "Collate": "Susun",
        "Reverse": "Urutan terbalik",
        "Copies": "Salinan",
        "Color Mode": "Warna",
        "Color": "Berwarna",
        "Grayscale": "Hitam putih",
        "Double Sided Printing": "Cetak bolak-balik",
        "Off": "Tidak",
        "Long side binding": "Jilid sisi panjang",
        "Short side binding": "Jilid sisi pendek",
        "Options": "Pilihan",
    },
}


class IndonesianQt(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        # None, not "": an empty string is a translation, and would blank every other Qt word
        return WORDS.get(context, {}).get(source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt naming
        return False


_installed: list[IndonesianQt] = []


def install() -> None:
    """Once per process (each create_window in tests would add another)."""
    app = QCoreApplication.instance()
    if app is not None and not _installed:
        translator = IndonesianQt(app)
        app.installTranslator(translator)
        _installed.append(translator)
