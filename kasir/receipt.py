"""The struk (receipt) of a paid sale, as plain lines of text for 32 or 48 columns.

Qt-free: the ESC/POS path (:mod:`kasir.escpos_out`) and the system-printer path both print these
same lines, so what the customer holds is the same whatever printer the shop has.
"""

from __future__ import annotations

from dataclasses import dataclass

from kasir.errors import KasirError
from kasir.journal import Sale
from kasir.money import format_rupiah
from kasir.sale_state import SaleState
from kasir.wib import WIB

WIDTHS = (32, 48)  # 58 mm and 80 mm paper with the printer's standard 12x24 font
# How much of each text a receipt prints: a 20,000-character name printed a 640-line receipt.
LIMITS = {"name": 64, "address": 96, "footer": 96, "brand": 24, "reference": 64, "counter": 25, "nmid": 32}
# "Cetak uji": the characters a shop's texts bring that a thermal printer's code page may lack.
TRIAL_CHARACTERS = "Uji huruf: Rp 1.234.567 ’ “ ” – — … é ñ"


class ReceiptError(KasirError):
    """A receipt that cannot be made: the sale is not paid (yet)."""

    default_message = "Struk hanya dapat dicetak untuk penjualan yang sudah LUNAS."


@dataclass(frozen=True)
class ShopInfo:
    name: str
    address: str = ""  # one optional line under the name (street, phone)
    footer: str = ""  # one optional closing line ("Terima kasih", opening hours)
    merchant_name: str = ""  # the name the shop's QRIS carries (what the customer's app showed)
    nmid: str = ""  # the QRIS national merchant id: what an issuer's dispute desk asks for


@dataclass(frozen=True)
class Receipt:
    lines: tuple[str, ...]
    width: int
    reference: str  # what the QR/barcode under the text encodes
    copy: bool

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def printable(text: str | None, limit: int) -> str:
    """A text from the server or the settings as a receipt may print it: no control characters (a
    brand of ``OVO\\x1bp...`` sent ESC p, the cash-drawer kick), white space folded, at most ``limit``."""
    cleaned = "".join(
        " " if ch.isspace() else ch for ch in (text or "")[: limit * 4] if ch.isspace() or ch.isprintable()
    )
    return " ".join(cleaned.split())[:limit]


def emphasised(line: str) -> bool:
    """The lines printed bold: the status and the copy mark, what the customer and the owner look for."""
    text = line.strip()
    return text.startswith("LUNAS") or text in ("SALINAN", "*** SALINAN ***")


def payment_reference(claim: str | None) -> tuple[str, str] | None:
    """The payment's reference as a customer service desk asks for it: the issuer's (RRN, "No. Ref"),
    or the history's id ("Ref") when the route gave none; None when the payment had neither."""
    text = printable(claim, LIMITS["reference"] + 2)
    if not text or text.startswith("~"):
        return None
    if text.startswith("h:"):
        return "Ref", text[2:]
    return "No. Ref", text.removeprefix("r:")


def _qris_lines(shop: ShopInfo, name: str, width: int) -> list[str]:
    """The merchant as the shop's QRIS names it (when it is not the shop's own name) and its NMID."""
    lines: list[str] = []
    merchant = printable(shop.merchant_name, LIMITS["name"])
    if merchant and merchant.casefold() != name.casefold():
        lines += _center(f"QRIS a.n. {merchant}", width)
    nmid = printable(shop.nmid, LIMITS["nmid"])
    if nmid:
        lines += _center(f"NMID {nmid}", width)
    return lines


def sale_reference(sale: Sale) -> str:
    """Short (a small QR scans on 58 mm paper) and unique: the WIB day and the sale number."""
    return f"KQ-{sale.day:%Y%m%d}-{sale.id}"


def _center(text: str, width: int) -> list[str]:
    return [chunk.center(width).rstrip() for chunk in _wrap(text, width)]


def _wrap(text: str, width: int) -> list[str]:
    """Word wrap; a word longer than the line (a reference number) is cut, never lost."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not word:
            continue
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def _pair(label: str, value: str, width: int) -> list[str]:
    """``label ........ value`` on one line, or the value right-aligned under the label when too long."""
    if len(label) + 1 + len(value) <= width:
        return [label + value.rjust(width - len(label))]
    return [label] + [chunk.rjust(width) for chunk in _wrap(value, width)]


def build(sale: Sale, shop: ShopInfo, width: int = 32, *, copy: bool = False, paid_time_known: bool = True) -> Receipt:
    """``paid_time_known`` False: paid with money whose date could not be read (attached by hand);
    the date is the day it was recorded and the time is not invented."""
    if width not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}, not {width}")
    if sale.state is not SaleState.PAID:
        raise ReceiptError(f"sale {sale.id} is {sale.state}")
    rule = "-" * width
    paid_at = (sale.paid_at or sale.settled_at or sale.created_at).astimezone(WIB)
    if not paid_time_known:
        paid_at = (sale.settled_at or paid_at).astimezone(WIB)
    name, address = printable(shop.name, LIMITS["name"]), printable(shop.address, LIMITS["address"])
    footer = printable(shop.footer, LIMITS["footer"])
    brand = printable(sale.brand, LIMITS["brand"])
    lines: list[str] = []
    if copy:
        lines += _center("*** SALINAN ***", width)
    lines += _center(name or "Kasir QRIS", width)
    if address:
        lines += _center(address, width)
    lines += _qris_lines(shop, name, width)
    lines.append(rule)
    lines += _pair("No. penjualan", f"#{sale.id}", width)
    lines += _pair("Tanggal", f"{paid_at:%d-%m-%Y}", width)
    lines += _pair("Jam", f"{paid_at:%H:%M} WIB" if paid_time_known else "tidak diketahui", width)
    counter = printable(sale.counter, LIMITS["counter"])
    if counter:  # a shop of several tills: which one sold
        lines += _pair("Kasir", counter, width)
    lines.append(rule)
    lines += _pair("Total", format_rupiah(sale.base), width)
    if sale.discounted:  # taken off the total: the customer sees what the shop gave, not a surcharge
        lines += _pair("Potongan kode unik", format_rupiah(-sale.code), width)
    else:
        lines += _pair("Kode unik", format_rupiah(sale.code), width)
    lines += _pair("Dibayar", format_rupiah(sale.paid_amount or sale.nominal), width)
    lines += _pair("Via", f"QRIS {brand}" if brand else "QRIS", width)
    reference = payment_reference(sale.issuer_reff)
    if reference is not None:
        lines += _pair(*reference, width)
    lines.append(rule)
    lines += _center(sale.label, width)
    if copy:
        lines += _center("SALINAN", width)
    lines.append(rule)
    if footer:
        lines += _center(footer, width)
    return Receipt(tuple(lines), width, sale_reference(sale), copy)


def trial_page(shop: ShopInfo, width: int = 32) -> Receipt:
    """What "Cetak uji" prints: the receipt's own header and footer, a ruler for the paper width, and
    the characters a shop's texts bring (a shop sees how its printer prints them before going live)."""
    ruler = "".join(str(i % 10) for i in range(1, width + 1))
    name = printable(shop.name, LIMITS["name"])
    lines = [*_center(name or "Kasir QRIS", width)]
    address, footer = printable(shop.address, LIMITS["address"]), printable(shop.footer, LIMITS["footer"])
    if address:
        lines += _center(address, width)
    lines += [*_qris_lines(shop, name, width), "-" * width]
    lines += _center("CETAK UJI", width)
    lines += [ruler, *_center(f"{width} kolom", width), *_wrap(TRIAL_CHARACTERS, width), "-" * width]
    if footer:
        lines += _center(footer, width)
    return Receipt(tuple(lines), width, "KQ-CETAK-UJI", False)
