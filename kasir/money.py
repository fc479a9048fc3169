"""Rupiah amounts, sale limits and the kode unik allocator."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Allocation:
    base: int
    code: int
    nominal: int


class KodeUnikExhaustedError(MoneyError):
    """Every code in the range is taken today for this total."""


@dataclass(frozen=True)
class KodeUnikRange:
    low: int = 1
    high: int = 999

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high):
            raise MoneyError(f"rentang kode unik tidak valid: {self.low}-{self.high}")


def allocate(base: int, reserved: Collection[int], code_range: KodeUnikRange = KodeUnikRange()) -> Allocation:
    """Smallest code in range whose nominal (base + code) is not reserved today.

    ``reserved`` holds every nominal handed out today, whatever became of its sale: a late
    payment of an old nominal must never settle a different sale.
    """
    if base < MIN_SALE:
        raise MoneyError("Masukkan total belanja terlebih dahulu")
    check_sale_amount(base + code_range.low)
    taken = reserved if isinstance(reserved, (set, frozenset)) else set(reserved)
    for code in range(code_range.low, code_range.high + 1):
        nominal = base + code
        if nominal > MAX_SALE:
            break
        if nominal not in taken:
            return Allocation(base, code, nominal)
    raise KodeUnikExhaustedError(
        f"Semua kode unik ({code_range.low}-{code_range.high}) untuk total {format_rupiah(base)} "
        "sudah terpakai hari ini. Ubah total sedikit atau perluas rentang kode unik di Pengaturan."
    )
