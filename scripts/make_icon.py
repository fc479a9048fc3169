"""Draw the app icon (resources/kasir.png and .ico) with Qt, so it needs no image tools.

Run once after changing the design: ``python scripts/make_icon.py``. The outputs are committed.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter

OUT = Path(__file__).resolve().parent.parent / "resources"


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setBrush(QColor("#1a7f37"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    p.setBrush(QColor("white"))
    for x, y in ((40, 40), (156, 40), (40, 156)):  # the three QR finder squares
        p.drawRoundedRect(QRectF(x * s, y * s, 60 * s, 60 * s), 10 * s, 10 * s)
        p.setBrush(QColor("#1a7f37"))
        p.drawRect(QRectF((x + 14) * s, (y + 14) * s, 32 * s, 32 * s))
        p.setBrush(QColor("white"))
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(max(6, int(74 * s)))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(110 * s, 136 * s, 130 * s, 100 * s), Qt.AlignmentFlag.AlignCenter, "Rp")
    p.end()
    return image


def main() -> None:
    _app = QGuiApplication([])
    OUT.mkdir(exist_ok=True)
    draw(256).save(str(OUT / "kasir.png"))
    draw(256).save(str(OUT / "kasir.ico"))
    print("wrote", OUT / "kasir.png", OUT / "kasir.ico")


if __name__ == "__main__":
    main()
