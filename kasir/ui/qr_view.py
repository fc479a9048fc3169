"""Draws a QR matrix crisply at any size: whole-pixel modules, white quiet zone."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QRect, QSize
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPaintEvent

QUIET_ZONE = 4  # modules, as the QR standard asks

Matrix = tuple[tuple[bool, ...], ...]


class QrView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qr_view")
        self._payload = ""
        self._matrix: Matrix = ()
        self._dimmed = False
        self._image: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setAccessibleName("Kode QR pembayaran")

    def _get_payload(self) -> str:
        return self._payload

    payload = Property(str, _get_payload)  # the exact string drawn; read-only

    def show_qr(self, payload: str, matrix: Matrix) -> None:
        self._payload, self._matrix, self._image = payload, matrix, None
        self.update()

    def clear(self) -> None:
        self._payload, self._matrix, self._image = "", (), None
        self.update()

    def set_dimmed(self, dimmed: bool) -> None:
        self._dimmed, self._image = dimmed, None
        self.update()

    def _module_image(self) -> QImage:
        if self._image is None:
            self._image = _module_image(self._matrix, 170 if self._dimmed else 0)
        return self._image

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
        side = (len(self._matrix) + 2 * QUIET_ZONE) * px
        left, top = (self.width() - side) // 2, (self.height() - side) // 2
        from PySide6.QtGui import QPainter  # not before the first QR: the first frame has none

        painter = QPainter(self)
        # Whole-pixel scaling without smoothing keeps every module edge sharp; the image holds the
        # quiet zone, so one blit draws it all.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(QRect(left, top, side, side), self._module_image())
        painter.end()


@lru_cache(maxsize=4)
def _module_image(matrix: Matrix, ink: int) -> QImage:
    """One pixel per module, quiet zone included, built once per QR and ink: the customer's screen
    and the preview share it (Qt images are shared until written), so painting is one scaled blit.

    Kept in the screen's own 32-bit format: a grey image would be converted again on every paint
    (about 3x the blit, twice per sale: customer screen and preview).
    """
    from PySide6.QtGui import QImage  # not at import: the first frame draws no QR

    side = len(matrix) + 2 * QUIET_ZONE
    stride = (side + 3) // 4 * 4  # QImage rows are 32-bit aligned
    white = bytes([255]) * QUIET_ZONE
    pad = bytes(stride - side)
    to_grey = bytes([255, ink]) + bytes(254)  # module 0 (light) -> white, 1 (dark) -> ink
    blank = [bytes([255]) * side + pad] * QUIET_ZONE
    rows = [white + bytes(row).translate(to_grey) + white + pad for row in matrix]  # no Python loop per module
    grey = QImage(b"".join(blank + rows + blank), side, side, stride, QImage.Format.Format_Grayscale8)
    return grey.convertToFormat(QImage.Format.Format_RGB32)  # a copy: the bytes may go
