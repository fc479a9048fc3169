"""The upstream's daily limit: about Rp 30.000.000 of money in per WIB day per OrderKuota account.

Clients of the upstream seen in 2026 stop using an account at ~Rp 29.600.000 a day ("limit harian
30 jt"): past it, payments may stop arriving in the account's mutasi, so sales would silently stop
being paid. The owner is warned as the day's money in approaches the limit, at 80 % and at 95 %,
each once per WIB day, in time to switch to another account or to the shop's static QRIS.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from kasir.money import format_rupiah

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 30_000_000
THRESHOLDS = (80, 95)  # percent of the limit, in rising order


@dataclass(frozen=True)
class LimitWarning:
    percent: int  # the threshold reached
    money_in: int
    limit: int

    @property
    def level(self) -> str:
        """How the notice is shown: the last threshold before the limit in red."""
        return "error" if self.percent >= THRESHOLDS[-1] else "warn"

    @property
    def text(self) -> str:
        """What the cashier reads, and what to do about it."""
        return (
            f"Uang masuk hari ini {format_rupiah(self.money_in)}: sudah {self.percent}% dari batas harian akun"
            f" ({format_rupiah(self.limit)}). Di batas itu pembayaran QRIS bisa berhenti masuk atau tidak"
            " terdeteksi. Pakai akun lain atau QRIS statis toko untuk penjualan berikutnya."
        )


def reached(money_in: int, limit: int) -> int | None:
    """The highest threshold (percent) the day's money in has reached; None below the first, or
    when the limit is 0 (the shop turned the warning off)."""
    if limit <= 0:
        return None
    hits = [percent for percent in THRESHOLDS if money_in * 100 >= limit * percent]
    return hits[-1] if hits else None


class DailyLimitWatch:
    """Remembers which threshold was already said today, so each is said once per WIB day."""

    def __init__(self) -> None:
        self._day: date | None = None
        self._said = 0  # the highest threshold already said on _day

    def check(self, day: date, money_in: int, limit: int) -> LimitWarning | None:
        """A warning when ``money_in`` on ``day`` (WIB) reached a threshold not yet said that day."""
        if day != self._day:
            self._day, self._said = day, 0
        percent = reached(money_in, limit)
        if percent is None or percent <= self._said:
            return None
        self._said = percent  # a jump past both thresholds says the higher one only
        log.warning("money in today %d is %d%% of the daily limit %d: payments may stop", money_in, percent, limit)
        return LimitWarning(percent, money_in, limit)
