"""What the customer sees is exactly the matrix that was checked: every module, sharp, with a quiet zone."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kasir import qris
from kasir.qrcheck import qr_matrix
from kasir.simulator import DEMO_BASE_QR
from kasir.ui.qr_view import QUIET_ZONE, QrView


@pytest.mark.parametrize(("size", "dimmed"), [(400, False), (1080, False), (333, True)])
def test_every_module_is_drawn_where_the_matrix_says(qtbot: QtBot, size: int, dimmed: bool) -> None:
    payload = qris.to_dynamic(DEMO_BASE_QR, 25_001)
    matrix = qr_matrix(payload)
    view = QrView()
    qtbot.addWidget(view)
    view.resize(size, size)
    view.show_qr(payload, matrix)
    view.set_dimmed(dimmed)
    image = view.grab().toImage()
    px, n = view.module_px(), len(matrix)
    side = (n + 2 * QUIET_ZONE) * px
    left, top = (view.width() - side) // 2, (view.height() - side) // 2
    ink = 170 if dimmed else 0
    for y in range(-QUIET_ZONE, n + QUIET_ZONE):
        for x in range(-QUIET_ZONE, n + QUIET_ZONE):
            dark = 0 <= x < n and 0 <= y < n and matrix[y][x]
            for dx, dy in ((0, 0), (px - 1, px - 1)):  # both corners: whole-pixel modules, no blur
                cx = left + (x + QUIET_ZONE) * px + dx
                cy = top + (y + QUIET_ZONE) * px + dy
                assert image.pixelColor(cx, cy).red() == (ink if dark else 255), (x, y)


def test_the_qr_is_kept_in_the_screens_32_bit_format_so_a_paint_converts_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage

    from kasir.qrcheck import qr_matrix
    from kasir.ui.qr_view import QrView

    view = QrView()
    qtbot.addWidget(view)
    view.show_qr("x", qr_matrix("x"))
    assert view._module_image().format() == QImage.Format.Format_RGB32


def test_the_customer_screen_and_the_preview_share_one_image_of_a_qr(qtbot: QtBot) -> None:
    matrix = qr_matrix(qris.to_dynamic(DEMO_BASE_QR, 25_001))
    customer, preview = QrView(), QrView()
    for view in (customer, preview):
        qtbot.addWidget(view)
        view.show_qr("x", matrix)
    # Built once per QR (on the GUI thread, between Bayar and the QR on screen), not once per view.
    assert customer._module_image().cacheKey() == preview._module_image().cacheKey()
