"""The kode unik: the smallest code that makes a sale's nominal one no other sale of the day holds.

The code is added to the total (the customer pays a few rupiah more) or, for a shop that will not
charge QRIS payers a surcharge (Bank Indonesia forbids one), taken off it: the customer pays the
total minus the code and the shop absorbs it. Either way the nominal actually asked is what is
reserved, so a nominal is never handed out twice, whichever way each sale took its code.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kasir.money import MAX_SALE, MIN_SALE, MoneyError, check_sale_amount, format_rupiah

if TYPE_CHECKING:
    from kasir.settings import Settings


class CodeMode(StrEnum):
    """Which way a sale's kode unik went: its stored word (the journal's ``code_mode``)."""

    ADD = "add"  # "tambahkan ke total": the customer pays total + code
    SUBTRACT = "subtract"  # "kurangi dari total": the customer pays total - code, the shop absorbs it

    def nominal(self, base: int, code: int) -> int:
        return base - code if self is CodeMode.SUBTRACT else base + code


@dataclass(frozen=True)
class Allocation:
    base: int
    code: int
    nominal: int
    mode: CodeMode = CodeMode.ADD

    def __post_init__(self) -> None:
        # The journal holds the same rule as a constraint; saying it here names the culprit sooner.
        if self.nominal != self.mode.nominal(self.base, self.code):
            raise ValueError(f"nominal {self.nominal} is not {self.base} {self.mode.value} {self.code}")


class KodeUnikExhaustedError(MoneyError):
    """Every code in the range is taken today for this total."""


@dataclass(frozen=True)
class KodeUnikRange:
    """The codes a till may hand out, and which way they go."""

    low: int = 1
    high: int = 999
    mode: CodeMode = CodeMode.ADD

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high):
            raise MoneyError(f"rentang kode unik tidak valid: {self.low}-{self.high}")
        object.__setattr__(self, "mode", CodeMode(self.mode))  # a mode given as its stored word

    @classmethod
    def of(cls, settings: Settings) -> KodeUnikRange:
        return cls(settings.kode_unik_low, settings.kode_unik_high, CodeMode(settings.kode_unik_mode))


def allocate(base: int, reserved: Collection[int], code_range: KodeUnikRange = KodeUnikRange()) -> Allocation:
    """Smallest code in range whose nominal (base + code, or base - code) is not reserved today.

    ``reserved`` holds every nominal handed out today, whatever became of its sale: a late
    payment of an old nominal must never settle a different sale.
    """
    if base < MIN_SALE:
        raise MoneyError("Masukkan total belanja terlebih dahulu")
    mode = code_range.mode
    if mode is CodeMode.SUBTRACT:
        _check_discountable(base, code_range)
    else:
        check_sale_amount(base + code_range.low)
    taken = reserved if isinstance(reserved, (set, frozenset)) else set(reserved)
    for code in range(code_range.low, code_range.high + 1):
        nominal = mode.nominal(base, code)
        if nominal > MAX_SALE:
            if mode is CodeMode.ADD:
                break
            continue  # a larger discount may still bring it under the cap
        if nominal not in taken:
            return Allocation(base, code, nominal, mode)
    raise KodeUnikExhaustedError(
        f"Semua kode unik ({code_range.low}-{code_range.high}) untuk total {format_rupiah(base)} "
        "sudah terpakai hari ini. Ubah total sedikit atau perluas rentang kode unik di Pengaturan."
    )


def _check_discountable(base: int, code_range: KodeUnikRange) -> None:
    """A discount needs a total above every code it may take off: Rp 1 minus a code is nothing to
    pay, and a Rp 500 sale discounted up to Rp 499 is not what a shop means by a kode unik."""
    if base <= code_range.high:
        raise MoneyError(
            f"Total {format_rupiah(base)} terlalu kecil untuk dipotong kode unik: total harus lebih dari"
            f" {format_rupiah(code_range.high)} (kode unik terbesar). Terima pembayaran lain, atau ubah"
            " kode unik di Pengaturan."
        )
    check_sale_amount(base - code_range.high)  # over the cap even after the largest discount
