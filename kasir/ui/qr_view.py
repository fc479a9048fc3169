"""Draws a QR matrix crisply at any size: whole-pixel modules, white quiet zone."""

from __future__ import annotations

from PySide6.QtCore import Property, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules, as the QR standard asks

Matrix = tuple[tuple[bool, ...], ...]


class QrView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qr_view")
        self._payload = ""
        self._matrix: Matrix = ()
        self._dimmed = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setAccessibleName("Kode QR pembayaran")

    def _get_payload(self) -> str:
        return self._payload

    payload = Property(str, _get_payload)  # the exact string drawn; read-only

    def show_qr(self, payload: str, matrix: Matrix) -> None:
        self._payload, self._matrix = payload, matrix
        self.update()

    def clear(self) -> None:
        self._payload, self._matrix = "", ()
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        self._dimmed = dimmed
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(400, 400)

    def module_px(self) -> int:
        """Pixels per module: the largest whole number that fits, so every module is sharp."""
        if not self._matrix:
            return 0
        modules = len(self._matrix) + 2 * QUIET_ZONE
        return max(1, min(self.width(), self.height()) // modules)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        if not self._matrix:
            return
        px = self.module_px()
        n = len(self._matrix)
        side = (n + 2 * QUIET_ZONE) * px
        left, top = (self.width() - side) // 2, (self.height() - side) // 2
        painter = QPainter(self)
        painter.fillRect(QRect(left, top, side, side), Qt.GlobalColor.white)
        ink = QColor(170, 170, 170) if self._dimmed else QColor(0, 0, 0)
        origin_x, origin_y = left + QUIET_ZONE * px, top + QUIET_ZONE * px
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    painter.fillRect(origin_x + x * px, origin_y + y * px, px, px, ink)
        painter.end()
