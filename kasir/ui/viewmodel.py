"""What the screens show about the current sale: a small, immutable view model.

The customer display renders from this, never by mirroring the cashier's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime  # annotations only: not loaded before the first frame

Matrix = tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class SaleView:
    state: str  # idle, generating, awaiting, paid, expired, cancelled, failed
    sale_id: int | None = None
    base: int = 0
    code: int = 0
    nominal: int = 0
    payload: str = ""
    matrix: Matrix = ()
    merchant_name: str = ""
    nmid: str | None = None
    expires_at: datetime | None = None
    paid_at: datetime | None = None
    brand: str = ""
    source: str = ""
    message: str = ""
    late: bool = False
    paid_amount: int | None = None  # what was received: a payment attached by hand may differ
    manual: bool = False
    # Money for this sale arrived but the journal refused to write it: what the cashier must read.
    unrecorded: str = ""


IDLE = SaleView("idle")
