"""The on-screen numeric keypad and the amount being typed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kasir.money import MAX_SALE

MAX_DIGITS = len(str(MAX_SALE))


class AmountEntry(QObject):
    """The total being typed: digits only, capped so it can never exceed a sale's limit."""

    changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._digits = ""

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
            if len(candidate) > MAX_DIGITS or int(candidate or 0) > MAX_SALE:
                return
            self._digits = candidate
        self.changed.emit(self.value)

    def set_value(self, value: int) -> None:
        self._digits = str(value) if 0 < value <= MAX_SALE else ""
        self.changed.emit(self.value)

    def add(self, value: int) -> None:
        self.set_value(min(MAX_SALE, self.value + value))


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
        button.setFocusPolicy(button.focusPolicy().NoFocus)  # the keyboard drives the window, not a button
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumHeight(52)
        button.clicked.connect(lambda: self.pressed.emit(key))
        return button
