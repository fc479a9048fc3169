"""What the screens show about the sale at the till: a small, immutable view model, made in the core.

The customer display renders from this, never by mirroring the cashier's window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kasir.sale_state import SaleState, label_of

if TYPE_CHECKING:
    from datetime import datetime  # annotations only: not loaded before the first frame

Matrix = tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class SaleView:
    state: SaleState
    sale_id: int | None = None
    base: int = 0
    code: int = 0
    nominal: int = 0
    discounted: bool = False  # the kode unik was taken off the total (nominal = base - code), not added
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", SaleState(self.state))  # a state given as its word

    @property
    def label(self) -> str:
        """Its state as the cashier reads it ("LUNAS (terlambat)")."""
        return label_of(self.state, late=self.late, manual=self.manual)


IDLE = SaleView(SaleState.IDLE)
