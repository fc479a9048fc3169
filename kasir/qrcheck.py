"""The gate every QR passes before anyone sees it, and the matrix drawn from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kasir import qris
from kasir.money import format_rupiah

_GATE = object()  # only prepare() has it: a CheckedQr is a QR that passed the gate, by construction


@dataclass(frozen=True)
class CheckedQr:
    """A payload that passed :func:`check_for_sale` for its sale, and its matrix. Made by :func:`prepare`
    only, so "never show or journal an unchecked QR" holds by type, not by convention."""

    payload: str
    nominal: int
    merchant_name: str
    nmid: str | None
    matrix: tuple[tuple[bool, ...], ...] = field(repr=False)
    _gate: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._gate is not _GATE:
            raise TypeError("a CheckedQr is made by kasir.qrcheck.prepare only")


def check_for_sale(payload: str, nominal: int, known_base: str | None, account_id: str = "") -> qris.Payload:
    """Raise :class:`qris.QrisError` unless ``payload`` is exactly what this sale may show.

    The payload is checked as it is, never a cleaned copy of it: the reader strips white space, so a
    payload with a line break or a (non-breaking) space around it would pass here and be drawn with it.
    """
    if payload != payload.strip():
        raise qris.QrisError("isi QR diawali atau diakhiri spasi atau baris baru")
    parsed = qris.parse(payload)
    require_mandatory(parsed)
    if not parsed.is_dynamic:
        raise qris.QrisError("QR bukan QR dinamis (tag 01 bukan 12)")
    if parsed.amount != str(nominal):
        shown = f"Rp {parsed.amount}" if parsed.amount_rupiah is None else format_rupiah(parsed.amount_rupiah)
        raise qris.QrisError(f"nominal di QR ({shown}) tidak sama dengan {format_rupiah(nominal)}")
    if parsed.currency != "360" or parsed.country != "ID":
        raise qris.QrisError("QR bukan QRIS Rupiah Indonesia")
    if any(parsed.get(tag) is not None for tag in ("55", "56", "57")):
        # The customer would pay the nominal plus a tip or fee, and the sale would never match.
        raise qris.QrisError("QR meminta tip atau biaya tambahan (tag 55-57)")
    if known_base:
        base = qris.parse(known_base)
        if base.merchant_identity() != parsed.merchant_identity():
            raise qris.QrisError("QR milik merchant lain")
    elif account_id:  # no QRIS of the shop's known yet: the QR must at least be the account's
        problem = owner_problem(parsed, account_id)
        if problem:
            raise qris.QrisError(f"QR milik merchant lain: {problem}")
    return parsed


# OrderKuota writes the account id into the merchant name ("GRANOOL STORE OK1229577", "Hidepulsa Ok2747289").
_NAMED_ACCOUNT = re.compile(r"\bOK0*([0-9]+)\b", re.IGNORECASE)


def owner_problem(parsed: qris.Payload, account_id: str) -> str | None:
    """Why this QRIS is not the account's, or None: it must carry the account's id, and no other.

    A look-alike with the shop's name and another account's id would send every sale's money to that
    account, so a name match never confirms anything. The id is carried in the merchant name (the
    OrderKuota habit) or as a merchant-account template value; a name that names another account is
    refused whatever else the QRIS carries.
    """
    wanted = account_id.lstrip("0")
    named = {found.lstrip("0") for found in _NAMED_ACCOUNT.findall(parsed.merchant_name or "")}
    others = sorted(named - {wanted})
    if others:
        return f"QRIS ini milik akun OK{others[0]}, bukan akun ini (OK{account_id})."
    values = [c.value for f in parsed.fields if 26 <= int(f.tag) <= 51 for c in f.children or ()]
    if wanted in named or any(v.isdigit() and v.isascii() and v.lstrip("0") == wanted for v in values):
        return None
    return (
        f"QRIS ini tidak memuat ID akun OK{account_id}, jadi tidak dapat dipastikan milik toko ini"
        " (nama toko saja tidak cukup). Pakai QRIS dari akun OrderKuota ini."
    )


def require_mandatory(parsed: qris.Payload) -> None:
    """What a customer's wallet needs: category, currency, country, name and city."""
    missing = [tag for tag in qris.MANDATORY if not parsed.get(tag)]
    if missing:
        raise qris.QrisError(f"QR tidak lengkap: tag wajib {', '.join(missing)} tidak ada")


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """Modules of the QR code (error correction M), quiet zone excluded.

    zxing-cpp's compiled writer: ~1 ms for a typical QRIS where pure-Python ``qrcode`` took ~20 ms, and
    its mask is the one with the lowest ISO/IEC 18004 penalty (``benchmarks/qr_encoders.py`` checks all
    eight; ``qrcode``'s choice missed it for two of three payloads). Still run on the worker.
    """
    import zxingcpp  # deferred: the first paint does not need it

    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    # Default arguments on purpose: zxing-cpp 2.3 and 3.x name them differently, and both draw one
    # pixel per module inside a quiet zone. The symbol starts at its first dark pixel (the top-left
    # finder's corner) and the quiet zone is as wide on the right as on the left.
    image = barcode.to_image()
    width = image.shape[1]
    bits = bytes(memoryview(image)).translate(_DARK)  # type: ignore[arg-type]  # stub lacks __buffer__
    top, left = divmod(bits.find(1), width)
    size = width - 2 * left
    if top != left or size < 21 or (size - 17) % 4:
        raise RuntimeError(f"zxing-cpp drew an unexpected QR image ({image.shape}, symbol at {top},{left})")
    return tuple(
        tuple(map(bool, bits[row * width + left : row * width + left + size])) for row in range(top, top + size)
    )


_DARK = bytes(1 if level < 128 else 0 for level in range(256))  # grey level -> module is dark


def prepare(payload: str, nominal: int, known_base: str | None, account_id: str = "") -> CheckedQr:
    parsed = check_for_sale(payload, nominal, known_base, account_id)
    return CheckedQr(payload, nominal, parsed.merchant_name or "", parsed.nmid, qr_matrix(payload), _GATE)
