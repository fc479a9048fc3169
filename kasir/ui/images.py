"""Pictures to grey pixels for the QR reader: Qt reads every image format it knows (PNG, JPEG,
GIF, BMP…) without an extra imaging library, and QImage may be used off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore
from PySide6.QtGui import QImage

from kasir.shop_qris import ShopQrisError, decode_grey

MAX_SIDE = 2000  # a phone photo of the counter sticker is plenty at this size
_readers_warm = False


def warm_image_readers() -> None:
    """Load Qt's image format plugins here, on the GUI thread, before a worker decodes a picture.

    Qt makes each plugin's object on first use and moves it to the GUI thread, under the signal-slot
    lock. Done first by a worker thread holding the GIL, while the GUI thread held that lock and waited
    for the GIL (disconnecting a Python slot), both waited for ever: a test hung so, once in hundreds.
    Bytes no reader knows make Qt ask every plugin, so each is made now; afterwards a worker only reads.
    Qt's enum namespace (a picture too large is scaled with one) is made here too, not on a worker.
    """
    global _readers_warm
    if not _readers_warm:
        QImage.fromData(b"\x00" * 32)
        _ = QtCore.Qt.AspectRatioMode.KeepAspectRatio
        _readers_warm = True


def decode_qr_image(data: bytes) -> list[str]:
    """The texts of every QR code in an image file's bytes."""
    image = QImage()
    if not image.loadFromData(data):
        raise ShopQrisError("Berkas ini bukan gambar yang dapat dibaca.")
    return _decode(image)


def decode_qr_file(path: Path) -> list[str]:
    image = QImage(str(path))
    if image.isNull():
        raise ShopQrisError(f"Gambar {path.name} tidak dapat dibuka.")
    return _decode(image)


def _decode(image: QImage) -> list[str]:
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(MAX_SIDE, MAX_SIDE, aspectMode=QtCore.Qt.AspectRatioMode.KeepAspectRatio)
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = bytes(grey.constBits())  # rows padded to 32 bits: the stride says how
    return decode_grey(grey.width(), grey.height(), pixels, grey.bytesPerLine())
