"""A sale's states, their Indonesian labels and the countdown: the one copy of each.

Kept apart from :mod:`kasir.till` (which holds the money rules and needs the journal and the API
types) so the first frame can draw a sale's state without loading either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime  # annotations only: not loaded before the first frame


class SaleState(StrEnum):
    """The one copy of a sale's states. Values are what the journal stores."""

    IDLE = "idle"  # no sale on the counter (screens only; never journaled)
    GENERATING = "generating"
    AWAITING = "awaiting"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"

    @property
    def label(self) -> str:
        """What the cashier reads."""
        return _LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN

    @property
    def is_finished(self) -> bool:
        return self in FINISHED


_LABELS = {
    SaleState.IDLE: "Siap",
    SaleState.GENERATING: "Membuat QR…",
    SaleState.AWAITING: "Menunggu pembayaran",
    SaleState.PAID: "LUNAS",
    SaleState.EXPIRED: "Kedaluwarsa",
    SaleState.CANCELLED: "Dibatalkan",
    SaleState.FAILED: "Gagal",
}
OPEN = frozenset({SaleState.GENERATING, SaleState.AWAITING})
FINISHED = frozenset({SaleState.PAID, SaleState.EXPIRED, SaleState.CANCELLED, SaleState.FAILED})
# A QR was shown and the sale ended unpaid: money for it may still arrive.
LATE_WATCHABLE = frozenset({SaleState.EXPIRED, SaleState.CANCELLED})


def seconds_left(expires_at: datetime | None, now: datetime) -> int:
    """The one countdown: whole seconds until expiry, never negative."""
    if expires_at is None:
        return 0
    return max(0, int((expires_at - now).total_seconds()))


def format_countdown(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"
