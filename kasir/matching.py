"""Does a mutasi entry settle a sale? Pure functions, no I/O, no clock of their own.

``status-pembayaran`` filters by amount only and the history lists everything, so older
payments of the same amount come back too; only money in, of exactly the nominal, made no
earlier than the QR was generated (less a leeway for clock skew) and not already claimed by
another sale may settle it. Times are compared on the server's clock: ``SaleTerms`` are built
with the PC's offset from the server applied (see ``wib.ServerClock``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kasir.orkut.types import MutasiEntry

# Public clients of the service allow 300 s. A nominal stays reserved for as long as money for it
# can still arrive, so no other sale's payment can have this amount; and money the app saw arrive
# unclaimed keeps its nominal from new sales for journal.UNCLAIMED_HOLD (> this grace + a minute).
# What is left: a payment of exactly the new nominal, made in the five minutes before the sale
# began, that the app had not seen yet (a static-QR payment by chance) settles it.
DEFAULT_GRACE = timedelta(seconds=300)
# A payment cannot have been made after "now" on the server's clock; the upstream's stamps and the
# proxy's Date header may differ a little, so as much leeway as before the QR, and no more: a row
# dated tomorrow is not money a customer just paid.
FUTURE_LEEWAY = DEFAULT_GRACE
# Money this close to the open sale's nominal, or exactly its total without the code, is probably
# its customer's, paid wrong (typed by hand, the code left off): worth a word at the sale. Wider
# than this is another customer's, at the static QR.
NEAR_GAP = 1_000


@dataclass(frozen=True)
class SaleTerms:
    nominal: int
    created_at: datetime  # timezone-aware
    not_after: datetime | None = None  # the latest stamp that may settle (watch window, now + leeway)

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")


def settles(
    entry: MutasiEntry,
    terms: SaleTerms,
    claimed: Collection[str] = (),
    grace: timedelta = DEFAULT_GRACE,
) -> bool:
    if not entry.is_incoming or entry.problems:
        return False  # a row we could not fully read never settles a sale on its own
    if entry.amount != terms.nominal:
        return False
    if entry.latest < terms.created_at - grace:  # "18:02" may be 18:02:59
        return False
    if terms.not_after is not None and entry.date > terms.not_after:
        return False
    return entry.key not in claimed


def find_settlement(
    entries: Iterable[MutasiEntry],
    terms: SaleTerms,
    claimed: Collection[str] = (),
    grace: timedelta = DEFAULT_GRACE,
) -> MutasiEntry | None:
    """The earliest eligible entry, so repeated polls pick the same one."""
    eligible = [e for e in entries if settles(e, terms, claimed, grace)]
    return min(eligible, key=lambda e: (e.date, e.key)) if eligible else None


def match_late(
    entries: Iterable[MutasiEntry],
    candidates: Iterable[tuple[int, SaleTerms]],
    claimed: Collection[str] = (),
    grace: timedelta = DEFAULT_GRACE,
) -> list[tuple[int, MutasiEntry]]:
    """Pair ended sales with money that came in after all: each payment to one sale at most.

    Candidates are taken oldest first, and each takes its earliest eligible payment, so the
    pairing is the same however often the mutasi is refreshed.
    """
    pool = list(entries)
    taken = set(claimed)
    pairs: list[tuple[int, MutasiEntry]] = []
    for sale_id, terms in sorted(candidates, key=lambda c: (c[1].created_at, c[0])):
        entry = find_settlement(pool, terms, taken, grace)
        if entry is not None:
            taken.add(entry.key)
            pairs.append((sale_id, entry))
    return pairs


def is_unmatched(entry: MutasiEntry, claimed: Collection[str]) -> bool:
    """Money in that settled no sale: the cashier should look at it (and may attach it by hand)."""
    return entry.is_incoming and entry.key not in claimed


def near_misses(
    entries: Iterable[MutasiEntry], terms: SaleTerms, base: int, claimed: Collection[str]
) -> list[MutasiEntry]:
    """Money in since the sale began that is not its nominal but close to it (or its total without
    the kode unik): it never settles the sale, but the cashier should hear of it at the sale, not
    only in the side panel. Rows whose date or amount could not be read are not guessed at."""
    gap = max(NEAR_GAP, terms.nominal // 100)
    return [
        e
        for e in entries
        if e.is_incoming
        and not e.problems
        and e.key not in claimed
        and e.amount != terms.nominal
        and (e.amount == base or abs(e.amount - terms.nominal) <= gap)
        and e.latest >= terms.created_at
        and (terms.not_after is None or e.date <= terms.not_after)
    ]
