"""The matrix drawn for a sale reads back as exactly the payload, at error-correction level M."""

from __future__ import annotations

import pytest
import zxingcpp

from kasir import qris
from kasir.qrcheck import qr_matrix
from kasir.simulator import DEMO_BASE_QR


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def _with_crc(body: str) -> str:
    return body + "6304" + qris.crc16(body + "6304")


def _long() -> str:
    """A long QRIS (455 characters): three more acquirer templates and a long additional-data field."""
    typical = qris.to_dynamic(DEMO_BASE_QR, 150_000)[:-8]
    extra = "".join(_tlv(t, _tlv("00", f"ID.CO.BANK{t}.WWW") + _tlv("01", "9360" + t * 7)) for t in ("27", "28", "29"))
    body = typical.replace("5204", extra + "5204", 1)
    return _with_crc(body + _tlv("05", "X" * (455 - len(body) - 4 - 8)))


PAYLOADS = {
    "short": _with_crc("000201010212" + _tlv("26", _tlv("00", "ID.CO.SHOPEE.WWW")) + "5303360540412005802ID"),
    "typical": qris.to_dynamic(DEMO_BASE_QR, 25_001),
    "large-amount": qris.to_dynamic(DEMO_BASE_QR, 9_999_999),
    "long": _long(),
}


def _decode(matrix: tuple[tuple[bool, ...], ...], scale: int = 3, border: int = 4) -> str | None:
    """Decode with zxing-cpp's reader from a grey image with a quiet zone, as a phone camera would see it."""
    n = len(matrix) + 2 * border
    rows = []
    for y in range(n):
        row = bytearray()
        for x in range(n):
            inside = border <= y < n - border and border <= x < n - border
            row += (b"\x00" if inside and matrix[y - border][x - border] else b"\xff") * scale
        rows.append(bytes(row) * scale)
    side, pixels = n * scale, b"".join(rows)  # named: ImageView does not keep its buffer alive
    found = zxingcpp.read_barcodes(
        zxingcpp.ImageView(pixels, side, side, zxingcpp.ImageFormat.Lum),
        formats=zxingcpp.BarcodeFormat.QRCode,
    )
    return found[0].text if found else None


def _format_ec_and_mask(matrix: tuple[tuple[bool, ...], ...]) -> tuple[str, int]:
    """Error-correction level and mask from the format bits beside the top-left finder (ISO/IEC 18004 §7.9)."""
    coords = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(i, 8) for i in range(5, -1, -1)]
    bits = 0
    for y, x in coords:
        bits = (bits << 1) | int(matrix[y][x])
    bits ^= 0x5412
    return {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}[bits >> 13], (bits >> 10) & 0b111


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_matrix_decodes_back_to_the_payload_at_level_m(payload: str) -> None:
    qris.inspect(payload)  # a well-formed payload, whatever its length
    matrix = qr_matrix(payload)
    n = len(matrix)
    assert all(len(row) == n for row in matrix) and (n - 17) % 4 == 0
    assert _format_ec_and_mask(matrix)[0] == "M"
    assert _decode(matrix) == payload


def test_long_payload_is_really_long() -> None:
    assert len(PAYLOADS["long"]) == 455 and not qris.inspect(PAYLOADS["long"]).errors
