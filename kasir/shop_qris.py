"""The shop's static QRIS: read from a picture, checked, and kept as the base of local QRs.

A shop should not have to type its QRIS. The account route names an image of it
(``account.results.qris``); a shop owner may also pick a photo or screenshot of the QRIS
sticker on the counter. Either way the picture is decoded here with zxing-cpp (a compiled
reader with wheels for Windows, Linux and macOS, and no Pillow or numpy behind it) from plain
8-bit grey pixels, which the Qt layer produces from any image format Qt reads.

What is kept must be the shop's own *static* QRIS: valid structure and CRC, ``01=11``, Rupiah,
Indonesia, and, where the account tells us, the same merchant.
"""

from __future__ import annotations

from dataclasses import dataclass

from kasir import qris
from kasir.api import AccountInfo, MerchantCode
from kasir.errors import InvalidValueError
from kasir.qrcheck import require_mandatory


class ShopQrisError(InvalidValueError):
    """A picture or text that cannot be the shop's QRIS; the message is for the shop owner."""


@dataclass(frozen=True)
class ShopQris:
    payload: str
    merchant_name: str
    nmid: str | None
    city: str
    # True: the account confirms it is this shop's; None: nothing to compare with.
    matches_account: bool | None

    @property
    def summary(self) -> str:
        nmid = f" · NMID {self.nmid}" if self.nmid else ""
        return f"{self.merchant_name}{nmid}"


def decode_grey(width: int, height: int, pixels: bytes, stride: int = 0) -> list[str]:
    """Every QR code's text in an 8-bit grey image (row ``stride`` bytes, 0 = ``width``)."""
    import zxingcpp  # deferred: only Pengaturan and the first login need it

    if width <= 0 or height <= 0 or len(pixels) < (stride or width) * height:
        raise ShopQrisError("Gambar kosong atau rusak.")
    view = zxingcpp.ImageView(pixels, width, height, zxingcpp.ImageFormat.Lum, stride)
    found = zxingcpp.read_barcodes(view, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [b.text for b in found if b.valid and b.text]


def from_texts(texts: list[str], account: AccountInfo | None = None, merchant: MerchantCode | None = None) -> ShopQris:
    """The one QRIS among the decoded texts, checked; a picture with no QR says so."""
    if not texts:
        raise ShopQrisError("Tidak ada kode QR yang terbaca di gambar. Gunakan gambar yang lebih tajam.")
    problems: list[str] = []
    for text in texts:
        try:
            return check_static(text, account, merchant)
        except ShopQrisError as exc:
            problems.append(str(exc))
    raise ShopQrisError(problems[0])


def normalise(text: str) -> str:
    """What a pasted QRIS really is: only the line breaks and edges a copy adds are removed.

    Spaces inside are part of the payload ("TOKO DEMO KASIR"): removing them breaks the TLV.
    """
    return "".join(line.strip("\r") for line in text.strip().splitlines())


def check_static(payload: str, account: AccountInfo | None = None, merchant: MerchantCode | None = None) -> ShopQris:
    text = normalise(payload)
    try:
        parsed = qris.parse(text)
    except qris.QrisError as exc:
        raise ShopQrisError(f"Bukan QRIS yang sah: {exc}") from None
    try:
        require_mandatory(parsed)
    except qris.QrisError as exc:
        raise ShopQrisError(str(exc)) from None
    if parsed.get("01") != "11":
        raise ShopQrisError("Ini QRIS dinamis (untuk satu pembayaran), bukan QRIS statis toko.")
    if parsed.currency != "360" or parsed.country != "ID":
        raise ShopQrisError("QRIS ini bukan QRIS Rupiah Indonesia.")
    return ShopQris(
        payload=text,
        merchant_name=parsed.merchant_name or "",
        nmid=parsed.nmid,
        city=parsed.merchant_city or "",
        matches_account=_matches(parsed, account, merchant),
    )


def _matches(parsed: qris.Payload, account: AccountInfo | None, merchant: MerchantCode | None) -> bool | None:
    """Does the QRIS name this account? True, False, or None when nothing can tell.

    The name customers see (``qris_name``) is compared with tag 59; OrderKuota also writes the
    account id into that name ("Hidepulsa Ok2747289" in the operator's public code) or into a
    merchant-account template, which confirms it but whose absence proves nothing.
    """
    name = (account.qris_name if account else "").strip().upper()
    shown = (parsed.merchant_name or "").strip().upper()
    account_id = merchant.account_id if merchant else (account.id if account and account.id.isdigit() else "")
    carries_id = bool(account_id) and _carries_id(parsed, shown, account_id)
    if name:
        return shown[:25] == name[:25] or carries_id
    return True if carries_id else None


def _carries_id(parsed: qris.Payload, shown: str, account_id: str) -> bool:
    wanted = account_id.lstrip("0")
    values = [c.value for f in parsed.fields if 26 <= int(f.tag) <= 51 for c in f.children or ()]
    if any(v.isdigit() and v.lstrip("0") == wanted for v in values):
        return True
    return any(word.removeprefix("OK").lstrip("0") == wanted for word in shown.split() if word[-1:].isdigit())


def adopt_from_account(texts: list[str], account: AccountInfo, merchant: MerchantCode | None) -> ShopQris:
    """The account's own QRIS image: kept only when nothing says it belongs to someone else."""
    found = from_texts(texts, account, merchant)
    if found.matches_account is False:
        raise ShopQrisError(f"QRIS dari akun ({found.merchant_name}) tidak cocok dengan akun ini; tidak dipakai.")
    return found
