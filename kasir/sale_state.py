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
        """What the cashier reads (a paid sale: :func:`label_of` says how it was paid)."""
        return _LABELS[self][0]

    @property
    def word(self) -> str:
        """The state as a word in a list or a CSV column ("lunas", "kedaluwarsa")."""
        return _LABELS[self][1]

    @property
    def is_open(self) -> bool:
        return self in OPEN

    @property
    def is_finished(self) -> bool:
        return self in FINISHED


# The one label table: what the cashier reads, and the word a list or a CSV uses.
_LABELS = {
    SaleState.IDLE: ("Siap", "siap"),
    SaleState.GENERATING: ("Membuat QR…", "membuat QR"),
    SaleState.AWAITING: ("Menunggu pembayaran", "menunggu"),
    SaleState.PAID: ("LUNAS", "lunas"),
    SaleState.EXPIRED: ("Kedaluwarsa", "kedaluwarsa"),
    SaleState.CANCELLED: ("Dibatalkan", "dibatalkan"),
    SaleState.FAILED: ("Gagal", "gagal"),
}


def paid_label(*, late: bool, manual: bool) -> str:
    """How a paid sale reads: on the screens, the receipt, the list of the day's sales."""
    if manual:
        return "LUNAS (dihubungkan manual)"
    return "LUNAS (terlambat)" if late else "LUNAS"


def label_of(state: SaleState, *, late: bool = False, manual: bool = False) -> str:
    return paid_label(late=late, manual=manual) if state is SaleState.PAID else state.label


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
