"""The shop's static QRIS: read from a picture, checked, and kept as the base of local QRs.

A shop should not have to type its QRIS. The account route names an image of it
(``account.results.qris``); a shop owner may also pick a photo or screenshot of the QRIS
sticker on the counter. Either way the picture is decoded here with zxing-cpp (a compiled
reader with wheels for Windows, Linux and macOS, and no Pillow or numpy behind it) from plain
8-bit grey pixels, which the Qt layer produces from any image format Qt reads.

What is kept must be the shop's own *static* QRIS: valid structure and CRC, ``01=11``, Rupiah,
Indonesia, and, where the account is known, that account's id and no other's (never a name match alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from kasir import qris
from kasir.errors import InvalidValueError
from kasir.orkut.types import AccountInfo, MerchantCode
from kasir.qrcheck import owner_problem, require_mandatory


class ShopQrisError(InvalidValueError):
    """A picture or text that cannot be the shop's QRIS; the message is for the shop owner."""


@dataclass(frozen=True)
class ShopQris:
    payload: str
    merchant_name: str
    nmid: str | None
    city: str
    # True: it carries the account's id (checked); None: no account to compare with.
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


def from_texts(
    texts: list[str],
    account: AccountInfo | None = None,
    merchant: MerchantCode | None = None,
    *,
    known_nmid: str | None = None,
) -> ShopQris:
    """The one QRIS among the decoded texts, checked; a picture with no QR says so."""
    if not texts:
        raise ShopQrisError("Tidak ada kode QR yang terbaca di gambar. Gunakan gambar yang lebih tajam.")
    problems: list[str] = []
    for text in texts:
        try:
            return check_static(text, account, merchant, known_nmid=known_nmid)
        except ShopQrisError as exc:
            problems.append(str(exc))
    raise ShopQrisError(problems[0])


def normalise(text: str) -> str:
    """What a pasted QRIS really is: only the line breaks and edges a copy adds are removed.

    Spaces inside are part of the payload ("TOKO DEMO KASIR"): removing them breaks the TLV.
    """
    return "".join(line.strip("\r") for line in text.strip().splitlines())


def check_static(
    payload: str,
    account: AccountInfo | None = None,
    merchant: MerchantCode | None = None,
    *,
    known_nmid: str | None = None,
) -> ShopQris:
    """A valid static Rupiah QRIS of Indonesia that, where an account is known, is that account's.

    ``known_nmid``: the NMID of the shop's QRIS already trusted; another NMID is refused.
    """
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
    account_id = merchant.account_id if merchant else (account.id if account and account.id.isdigit() else "")
    if known_nmid and parsed.nmid != known_nmid:
        raise ShopQrisError(
            f"NMID QRIS ini ({parsed.nmid or 'tidak ada'}) berbeda dengan NMID QRIS toko yang tersimpan ({known_nmid})."
            " Bila toko memang berganti QRIS, hapus dulu QRIS lama lalu simpan."
        )
    if account_id:
        problem = owner_problem(parsed, account_id)
        if problem:
            raise ShopQrisError(problem)
    return ShopQris(
        payload=text,
        merchant_name=parsed.merchant_name or "",
        nmid=parsed.nmid,
        city=parsed.merchant_city or "",
        matches_account=True if account_id else None,
    )


def nmid_of(payload: str) -> str | None:
    """The NMID of a QRIS already kept (read without judging it), or None."""
    return qris.inspect(payload).nmid if payload else None


def adopt_from_account(texts: list[str], account: AccountInfo, merchant: MerchantCode | None) -> ShopQris:
    """The account's own QRIS image: kept only when it carries this account's id and no other."""
    return from_texts(texts, account, merchant)
