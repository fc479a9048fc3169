"""The gate every QR passes before anyone sees it, and the matrix drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

from kasir import qris


@dataclass(frozen=True)
class CheckedQr:
    payload: str
    merchant_name: str
    nmid: str | None
    matrix: tuple[tuple[bool, ...], ...]


def check_for_sale(payload: str, nominal: int, known_base: str | None) -> qris.Payload:
    """Raise :class:`qris.QrisError` unless ``payload`` is exactly what this sale may show."""
    parsed = qris.parse(payload)
    require_mandatory(parsed)
    if not parsed.is_dynamic:
        raise qris.QrisError("QR bukan QR dinamis (tag 01 bukan 12)")
    if parsed.amount != str(nominal):
        raise qris.QrisError(f"nominal di QR ({parsed.amount}) tidak sama dengan {nominal}")
    if parsed.currency != "360" or parsed.country != "ID":
        raise qris.QrisError("QR bukan QRIS Rupiah Indonesia")
    if any(parsed.get(tag) is not None for tag in ("55", "56", "57")):
        # The customer would pay the nominal plus a tip or fee, and the sale would never match.
        raise qris.QrisError("QR meminta tip atau biaya tambahan (tag 55-57)")
    if known_base:
        base = qris.parse(known_base)
        if base.merchant_identity() != parsed.merchant_identity():
            raise qris.QrisError("QR milik merchant lain")
    return parsed


def require_mandatory(parsed: qris.Payload) -> None:
    """What a customer's wallet needs: category, currency, country, name and city."""
    missing = [tag for tag in qris.MANDATORY if not parsed.get(tag)]
    if missing:
        raise qris.QrisError(f"QR tidak lengkap: tag wajib {', '.join(missing)} tidak ada")


def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """Modules of the QR code (error correction M), quiet zone excluded. ~14 ms: not on the GUI thread."""
    import qrcode  # deferred: the first paint does not need it
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def prepare(payload: str, nominal: int, known_base: str | None) -> CheckedQr:
    parsed = check_for_sale(payload, nominal, known_base)
    return CheckedQr(payload, parsed.merchant_name or "", parsed.nmid, qr_matrix(payload))
