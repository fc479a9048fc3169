"""The on-screen numeric keypad and the amount being typed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kasir.money import MAX_SALE, format_rupiah
from kasir.ui.qt_flags import no_focus

MAX_TOTAL = MAX_SALE - 1  # room for kode unik 1, the smallest


class AmountEntry(QObject):
    """The total being typed: digits only, never past what a sale allows, and never silently.

    The limit leaves room for the smallest kode unik: a total the keypad accepts, Bayar accepts.
    """

    changed = Signal(int)
    refused = Signal(str)  # why a key or a quick amount was not taken

    def __init__(self, parent: QObject | None = None, limit: int = MAX_TOTAL) -> None:
        super().__init__(parent)
        self._digits = ""
        self.limit = limit

    @property
    def value(self) -> int:
        return int(self._digits or 0)

    def press(self, key: str) -> None:
        if key == "backspace":
            self._digits = self._digits[:-1]
        elif key == "clear":
            self._digits = ""
        elif key.isdigit():
            candidate = (self._digits + key).lstrip("0")
            if int(candidate or 0) > self.limit:
                self.refused.emit(f"Total maksimal {format_rupiah(self.limit)} (batas QRIS {format_rupiah(MAX_SALE)}).")
                return
            self._digits = candidate
        self.changed.emit(self.value)

    def set_value(self, value: int) -> None:
        self._digits = str(value) if 0 < value <= self.limit else ""
        self.changed.emit(self.value)

    def add(self, value: int) -> None:
        if self.value + value > self.limit:
            self.refused.emit(f"Total maksimal {format_rupiah(self.limit)}; {format_rupiah(value)} tidak ditambahkan.")
            return
        self.set_value(self.value + value)


class Keypad(QWidget):
    pressed = Signal(str)  # "0".."9", "000", "backspace", "clear"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keypad")
        grid = QGridLayout(self)
        grid.setSpacing(6)
        layout = [["7", "8", "9"], ["4", "5", "6"], ["1", "2", "3"], ["000", "0", "backspace"]]
        for r, row in enumerate(layout):
            for c, key in enumerate(row):
                grid.addWidget(self._button(key), r, c)
        grid.addWidget(self._button("clear"), 4, 0, 1, 3)

    def _button(self, key: str) -> QPushButton:
        label = {"backspace": "⌫", "clear": "C  Hapus"}.get(key, key)
        button = QPushButton(label)
        button.setObjectName(f"key_{key}")
        button.setAccessibleName({"backspace": "Hapus satu angka", "clear": "Hapus semua"}.get(key, key))
        no_focus(button)  # the keyboard drives the window, not a button
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumHeight(40)
        button.clicked.connect(lambda: self.pressed.emit(key))
        return button
