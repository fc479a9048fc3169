"""Which QR encoder draws the QRIS: time, decode back and check the mask choice of each candidate.

    .venv/bin/pip install qrcode segno     # the candidates that lost; not dependencies of the app
    python benchmarks/qr_encoders.py [--runs 41]

For a short (87), a typical (226) and a long (455 characters) QRIS payload and each candidate
(qrcode, segno, zxing-cpp's writer): the median time to the module matrix, whether the matrix
decodes back to the payload (zxing-cpp's reader in process, and zbar's ``zbarimg`` when installed),
the error-correction level and mask read back from the format information, and whether that mask
has the lowest penalty (ISO/IEC 18004 §7.8.3, N1..N4) of the eight masks of the same symbol.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kasir import qris  # noqa: E402

Matrix = list[list[bool]]


def payloads() -> dict[str, str]:
    def with_crc(body: str) -> str:
        body += "6304"
        return body + qris.crc16(body)

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    short = "000201010212" + tlv("26", tlv("00", "ID.CO.SHOPEE.WWW") + tlv("01", "936009180000000001"))
    short += "5303360" + tlv("54", "12005") + "5802ID"
    head = (
        "000201010212"
        + tlv(
            "26",
            tlv("00", "COM.NOBUBANK.WWW")
            + tlv("01", "936005030000087914")
            + tlv("02", "1400000001234567")
            + tlv("03", "UMI"),
        )
        + tlv("51", tlv("00", "ID.CO.QRIS.WWW") + tlv("02", "ID2025000000001") + tlv("03", "UMI"))
        + "52045411530336054052500158"
        "02ID"
    )
    typical = head + tlv("59", "TOKO SEMBAKO BERKAH") + tlv("60", "BOGOR")
    typical += tlv("62", tlv("07", "A" + "0" * (226 - len(typical) - 4 - 4 - 8 - 1)))
    extra = "".join(
        tlv(t, tlv("00", f"ID.CO.BANK{t}.WWW") + tlv("01", "9360" + t * 7) + tlv("02", "0" * 20))
        for t in ("27", "28", "29")
    )
    long = head.replace("5204", extra + "5204") + tlv("59", "TOKO SEMBAKO BERKAH JAYA") + tlv("60", "KAB. BOGOR")
    long += tlv("62", tlv("07", "A01") + tlv("05", "X" * (455 - len(long) - 4 - 7 - 4 - 8)))
    out = {"short": with_crc(short), "typical": with_crc(typical), "long": with_crc(long)}
    for name, p in out.items():
        assert qris.parse(p) and len(p) in (88, 226, 455), (name, len(p))
    return out


# ---- candidates --------------------------------------------------------------------------------


def enc_qrcode(payload: str) -> Matrix:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return [[bool(m) for m in row] for row in code.get_matrix()]


def enc_segno(payload: str) -> Matrix:
    import segno

    qr = segno.make_qr(payload, error="m", boost_error=False)
    return [[bool(m) for m in row] for row in qr.matrix]


def enc_zxing(payload: str) -> Matrix:
    import zxingcpp

    image = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False
    )
    size = image.shape[0]
    data = bytes(memoryview(image))
    return [[data[y * size + x] < 128 for x in range(size)] for y in range(size)]


CANDIDATES: dict[str, Callable[[str], Matrix]] = {"qrcode": enc_qrcode, "segno": enc_segno, "zxing-cpp": enc_zxing}


# ---- checks ------------------------------------------------------------------------------------


def with_quiet_zone(matrix: Matrix, scale: int = 4, border: int = 4) -> tuple[bytes, int]:
    n = len(matrix) + 2 * border
    rows = []
    for y in range(n):
        row = bytearray()
        for x in range(n):
            inside = border <= y < n - border and border <= x < n - border
            dark = inside and matrix[y - border][x - border]
            row.extend(b"\x00" * scale if dark else b"\xff" * scale)
        rows.extend([bytes(row)] * scale)
    return b"".join(rows), n * scale


def decode_zxing(matrix: Matrix) -> str | None:
    import zxingcpp

    pixels, side = with_quiet_zone(matrix)
    image = zxingcpp.ImageView(pixels, side, side, zxingcpp.ImageFormat.Lum)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if found else None


def decode_zbar(matrix: Matrix) -> str | None:
    """zbar, an independent decoder, through a PGM file."""
    if shutil.which("zbarimg") is None:
        return None
    pixels, side = with_quiet_zone(matrix)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "qr.pgm"
        path.write_bytes(f"P5 {side} {side} 255\n".encode() + pixels)
        out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True)
    return out.stdout.rstrip("\n") if out.returncode == 0 else None


FORMAT_MASK = 0x5412
EC_NAMES = {0b01: "L", 0b00: "M", 0b11: "Q", 0b10: "H"}


def format_info(matrix: Matrix) -> tuple[str, int]:
    """EC level and mask pattern read from the format bits beside the top-left finder."""
    coords = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(i, 8) for i in range(5, -1, -1)]
    bits = 0
    for y, x in coords:  # (row 8, column i) then up column 8: bit 14 first
        bits = (bits << 1) | int(matrix[y][x])
    bits ^= FORMAT_MASK
    return EC_NAMES[bits >> 13], (bits >> 10) & 0b111


MASKS: list[Callable[[int, int], bool]] = [
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
]


def function_modules(matrix: Matrix) -> list[list[bool]]:
    """Modules that no mask touches: finders, separators, timing, alignment, format and version info."""
    import segno  # only for the alignment positions table; segno is a candidate here anyway
    from segno import encoder

    n = len(matrix)
    version = (n - 17) // 4
    fixed = [[False] * n for _ in range(n)]

    def mark(y0: int, x0: int, h: int, w: int) -> None:
        for y in range(max(0, y0), min(n, y0 + h)):
            for x in range(max(0, x0), min(n, x0 + w)):
                fixed[y][x] = True

    mark(0, 0, 9, 9)
    mark(0, n - 8, 9, 8)
    mark(n - 8, 0, 8, 9)
    mark(6, 0, 1, n)
    mark(0, 6, n, 1)
    if version >= 7:
        mark(0, n - 11, 6, 3)
        mark(n - 11, 0, 3, 6)
    centers = encoder.consts.ALIGNMENT_POS[version - 1] if version > 1 else []
    for cy in centers:
        for cx in centers:
            if (cy < 9 and cx < 9) or (cy < 9 and cx > n - 9) or (cy > n - 9 and cx < 9):
                continue
            mark(cy - 2, cx - 2, 5, 5)
    del segno
    return fixed


def penalty(m: Matrix) -> int:
    """N1 + N2 + N3 + N4 of ISO/IEC 18004:2015 §7.8.3.1 (3, 3, 40, 10 points)."""
    n = len(m)
    score = 0
    for lines in (m, [list(col) for col in zip(*m, strict=True)]):
        for line in lines:
            run, prev = 0, None
            for v in line:
                if v == prev:
                    run += 1
                else:
                    if run >= 5:
                        score += 3 + run - 5
                    run, prev = 1, v
            if run >= 5:
                score += 3 + run - 5
            bits = [int(v) for v in line]
            for i in range(n - 6):
                # Four light modules on either side; the quiet zone outside the symbol is light.
                light_side = not any(bits[max(0, i - 4) : i]) or not any(bits[i + 7 : i + 11])
                if bits[i : i + 7] == [1, 0, 1, 1, 1, 0, 1] and light_side:
                    score += 40
    for y in range(n - 1):
        for x in range(n - 1):
            if m[y][x] == m[y][x + 1] == m[y + 1][x] == m[y + 1][x + 1]:
                score += 3
    dark = sum(v for row in m for v in row)
    score += 10 * (abs(dark * 100 // (n * n) - 50) // 5)
    return score


def remasked(matrix: Matrix, fixed: list[list[bool]], old: int, new: int, ec: str) -> Matrix:
    """The same symbol with mask ``new`` instead of ``old``, format information rewritten."""
    n = len(matrix)
    out = [row[:] for row in matrix]
    for y in range(n):
        for x in range(n):
            if not fixed[y][x]:
                out[y][x] = matrix[y][x] ^ MASKS[old](y, x) ^ MASKS[new](y, x)
    ec_bits = {v: k for k, v in EC_NAMES.items()}[ec]
    data = (ec_bits << 3) | new
    rem = data << 10
    for i in range(14, 9, -1):
        if rem & (1 << i):
            rem ^= 0b10100110111 << (i - 10)
    bits = ((data << 10) | rem) ^ FORMAT_MASK
    seq = [bool((bits >> (14 - k)) & 1) for k in range(15)]
    first = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)] + [(i, 8) for i in range(5, -1, -1)]
    second = [(n - 1 - i, 8) for i in range(7)] + [(8, n - 8 + i) for i in range(8)]
    for (y, x), v in zip(first, seq, strict=True):
        out[y][x] = v
    for (y, x), v in zip(second, seq, strict=True):
        out[y][x] = v
    return out


def mask_is_lowest(matrix: Matrix) -> tuple[bool, int, list[int]]:
    ec, mask = format_info(matrix)
    fixed = function_modules(matrix)
    scores = [penalty(remasked(matrix, fixed, mask, k, ec)) for k in range(8)]
    return scores[mask] == min(scores), mask, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    print("| Encoder | Payload | Version | EC | Mask (penalty lowest?) | Median ms | zxing reads | zbar reads |")
    print("|---|---|---|---|---|---|---|---|")
    for name, encode in CANDIDATES.items():
        try:
            encode("warm up")  # import cost is not the per-sale cost
        except ImportError:
            print(f"| {name} | not installed (pip install qrcode segno to compare) | | | | | | |")
            continue
        for label, payload in payloads().items():
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                matrix = encode(payload)
                times.append(time.perf_counter() - t0)
            ec, mask = format_info(matrix)
            lowest, _, scores = mask_is_lowest(matrix)
            zx = decode_zxing(matrix) == payload
            zb = decode_zbar(matrix)
            zb_ok = "n/a" if zb is None and shutil.which("zbarimg") is None else str(zb == payload)
            print(
                f"| {name} | {label} ({len(payload)}) | {(len(matrix) - 17) // 4} | {ec} | {mask} ({lowest}; "
                f"{min(scores)} vs {scores[mask]}) | {statistics.median(times) * 1000:.2f} | {zx} | {zb_ok} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
