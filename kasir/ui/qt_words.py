"""Indonesian for the few words Qt itself shows a cashier: Qt ships no Indonesian translation.

Right-click in any field (the amount, Pengaturan, the recap's date) opens Qt's own menu; its
words come through ``QCoreApplication.translate`` and so through this translator.
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
