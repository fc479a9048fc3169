"""Rupiah amounts: read, written and kept within what a sale allows (the kode unik is in kasir.kode_unik)."""

from __future__ import annotations

import re

from kasir.errors import InvalidValueError

MIN_SALE = 1
MAX_SALE = 10_000_000  # including the kode unik

# ASCII digits only: "\d" would also take Arabic-Indic and other digits that int() accepts.
_GROUPED = re.compile(r"[0-9]{1,3}([.,])[0-9]{3}(\1[0-9]{3})*")
_PLAIN = re.compile(r"[0-9]+")
_CENTS = re.compile(r"(?P<whole>.*?)[.,](?P<cents>[0-9]{1,2})")


class MoneyError(InvalidValueError):
    """An amount that cannot be read or is outside what a sale allows."""


def parse_rupiah(value: str | int | float) -> int:
    """Whole rupiah from ``"77.777"``, ``"77777"``, ``"Rp 25.137"``, ``"999,999"``, ``"1.893.938,00"``
    or a number.

    A separator followed by one or two digits at the end is a cents part (``,00`` / ``.00``): zero
    cents are dropped, any other fraction is refused, because a payment of Rp 1.000,50 can never
    equal a whole-rupiah nominal. Three digits after a separator are a thousands group.
    """
    if isinstance(value, bool):
        raise MoneyError(f"bukan nominal: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise MoneyError(f"nominal pecahan: {value!r}")
        return int(value)
    text = str(value).strip()
    if text[:2].lower() == "rp":
        text = text[2:].strip().lstrip(".").strip()
    cents = _CENTS.fullmatch(text)
    if cents:
        if int(cents["cents"]) != 0:
            raise MoneyError(f"nominal pecahan: {value!r}")
        text = cents["whole"]
    if _PLAIN.fullmatch(text):
        return int(text)
    if _GROUPED.fullmatch(text):
        return int(re.sub(r"[.,]", "", text))
    raise MoneyError(f"nominal tidak dapat dibaca: {value!r}")


def format_rupiah(amount: int) -> str:
    """``Rp 25.137``: Indonesian thousands dots, no decimals."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


def check_sale_amount(nominal: int) -> None:
    if nominal < MIN_SALE:
        raise MoneyError("Nominal minimal Rp 1")
    if nominal > MAX_SALE:
        raise MoneyError(f"Nominal maksimal {format_rupiah(MAX_SALE)} (termasuk kode unik)")
