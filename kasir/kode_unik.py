"""The kode unik: the smallest code that makes a sale's nominal one no other sale of the day holds."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from kasir.money import MAX_SALE, MIN_SALE, MoneyError, check_sale_amount, format_rupiah


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
