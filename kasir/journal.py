"""The sales journal: what a till keeps of its sales and of the money it saw, whatever engine keeps it.

One row per sale with its whole life, and every payment the mutasi ever showed. Every state change
is committed before a screen shows it. The money rules hold in the database, not in Python: a
payment's claim key is unique (one payment settles one sale, ever), and a nominal is unique per WIB
day (never handed out twice), whichever till asks.

:class:`Journal` is the one door the till (and the recap reader) go through. Two engines stand
behind it, with the same versioned migrations: :mod:`kasir.journal_sqlite` (one PC, embedded, the
default) and :mod:`kasir.journal_pg` (several tills on one PostgreSQL database). Both are
:class:`kasir.journal_sql.SqlJournal`: the rules are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from kasir import wib
from kasir.errors import KasirError
from kasir.kode_unik import CodeMode
from kasir.sale_state import SaleState, label_of

if TYPE_CHECKING:
    from kasir.kode_unik import KodeUnikRange
    from kasir.orkut.types import MutasiEntry

# How long after its expiry a sale still waits for late money (and keeps its nominal), at least to
# the end of its WIB day. An hour covers a bank's delayed notification and a customer who paid the
# old QR after all; later money is the cashier's to attach by hand.
LATE_WATCH = timedelta(hours=1)
# Two routes' stamps of one payment may differ by this much (their clocks, the history's minutes).
SAME_PAYMENT_SLACK = timedelta(minutes=2)
# Money that arrived and settled nothing keeps its nominal from a new sale this long: a sale accepts
# a payment stamped up to matching.DEFAULT_GRACE (5 min) before it began, plus a minute's precision.
UNCLAIMED_HOLD = timedelta(minutes=6)


class JournalError(KasirError):
    """The journal cannot be opened or written: the app must not take sales."""

    default_message = "Jurnal penjualan tidak dapat ditulis. Periksa ruang disk dan izin folder data."


class JournalTooNewError(JournalError):
    """The journal was written by a newer version of the app."""

    default_message = "Jurnal penjualan dibuat oleh versi Kasir QRIS yang lebih baru. Pasang versi terbaru."


class JournalGoneError(JournalError):
    """The journal file was deleted, replaced or truncated while the app ran."""

    default_message = (
        "Berkas jurnal penjualan hilang, diganti atau terpotong saat aplikasi berjalan. Penjualan dihentikan"
        " agar tidak ada yang tercatat di berkas yang salah. Tutup dan buka lagi Kasir QRIS."
    )


class JournalUnreachableError(JournalError):
    """The shared journal's server cannot be reached (or went away): sales on this till pause."""

    default_message = (
        "Jurnal bersama (PostgreSQL) tidak dapat dihubungi: penjualan baru di kasir ini dijeda. QR yang sedang"
        " tampil tetap berlaku, dan semuanya berjalan lagi sendiri begitu server kembali."
    )


class JournalOfAnotherShopError(JournalError):
    """The shared journal belongs to another merchant account."""

    def __init__(self, theirs: str, ours: str) -> None:
        self.theirs, self.ours = theirs, ours
        super().__init__(f"journal of OK{theirs}, this till is OK{ours}")

    @property
    def user_message(self) -> str:
        return (
            f"Jurnal bersama ini milik akun OK{self.theirs}, bukan akun kasir ini (OK{self.ours}). Satu database"
            " untuk satu akun OrderKuota: periksa alamat jurnal di Pengaturan."
        )


class JournalLoginError(JournalError):
    """The shared journal's server answered and refused this till's role or password."""

    default_message = (
        "Jurnal bersama (PostgreSQL) menolak nama pengguna atau kata sandi kasir ini. Isi kata sandinya di"
        " Pengaturan → Jurnal bersama, lalu buka lagi Kasir QRIS."
    )


class JournalCorruptError(JournalError):
    """The file is there but is not a readable journal (not a database, malformed)."""

    default_message = "Berkas jurnal penjualan rusak (bukan masalah disk atau izin)."


class AlreadyClaimedError(JournalError):
    """This payment already settled another sale."""

    default_message = "Pembayaran ini sudah dipakai untuk penjualan lain."


@dataclass(frozen=True)
class Settlement:
    sale_id: int
    late: bool
    manual: bool


@dataclass(frozen=True)
class Sale:
    id: int
    day: date
    created_at: datetime
    expires_at: datetime
    base: int
    code: int
    nominal: int
    payload: str | None
    source: str | None
    state: SaleState
    ended_at: datetime | None
    reason: str | None
    issuer_reff: str | None
    paid_at: datetime | None
    paid_amount: int | None
    brand: str | None
    buyer_reff: str | None
    settled_at: datetime | None
    late: bool
    manual: bool
    late_until: datetime | None = None  # money for it may arrive until then; its nominal stays reserved
    counter: str = ""  # the till that sold it ("" on a journal of one PC)
    clock_offset: timedelta | None = None  # the selling till's server-minus-PC clock when it sold
    receipt: str | None = None  # "printed" (it reached the paper), "failed", or None (never tried)
    # Which way its kode unik went, as it was sold: the setting may change, its receipt may not.
    code_mode: CodeMode = CodeMode.ADD

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", SaleState(self.state))  # a state given as its stored word
        object.__setattr__(self, "code_mode", CodeMode(self.code_mode))

    @property
    def discounted(self) -> bool:
        """Its kode unik was taken off the total (the shop absorbed it), not added."""
        return self.code_mode is CodeMode.SUBTRACT

    @property
    def is_open(self) -> bool:
        return self.state.is_open

    @property
    def label(self) -> str:
        """Its state as the cashier reads it ("LUNAS (terlambat)", "Kedaluwarsa")."""
        return label_of(self.state, late=self.late, manual=self.manual)


def late_until(created_at: datetime, expires_at: datetime) -> datetime:
    """The one late-watch rule: to the end of the sale's WIB day, and at least LATE_WATCH past expiry."""
    return max(wib.day_bounds(created_at.astimezone(wib.WIB).date())[1], expires_at + LATE_WATCH)


class PollerLock(Protocol):
    """Which till of a shop asks the upstream for payments: the one holding this lock. Its calls may
    wait on the network: a worker makes them."""

    held: bool

    def try_hold(self) -> bool: ...

    def holder(self) -> str: ...

    def namesake_running(self) -> bool:
        """Another till of this till's name was running first: this one must not sell."""
        ...

    def release(self) -> None: ...

    def close(self) -> None: ...


class Listener(Protocol):
    """How a till hears what the other tills of the shop changed: ``heard`` gets ``"sale:<id>"``,
    ``"payments"``, ``"lost"`` (the server went away) and ``"back"`` (read everything again), on a
    thread of its own."""

    def start(self, heard: Callable[[str], None]) -> None: ...

    def stop(self, timeout_s: float = 2.0) -> None: ...


class Journal(Protocol):
    """What the till and the recap need of a journal (both engines implement it)."""

    @property
    def gone(self) -> bool:
        """True once the journal behind this object can no longer be trusted with a write."""
        ...

    @property
    def where(self) -> str:
        """Where the journal lives, for the log and messages (a path, or a server and database)."""
        ...

    def close(self) -> None: ...

    # ---- a shop of several tills (one PC: always reachable, always the poller, nobody to hear) ----

    @property
    def reachable(self) -> bool:
        """False while a shared journal's server cannot be reached: no sale may begin."""
        ...

    def probe(self) -> bool:
        """Reach the journal again after a failure (on a worker: it may wait); True when it answers."""
        ...

    def mark_down(self) -> None:
        """The listener lost the server: refuse at once until a probe reaches it again."""
        ...

    def poller_lock(self) -> PollerLock: ...

    def listener(self) -> Listener | None: ...

    # ---- a sale's life (each a committed transaction) ----

    def begin_sale(
        self,
        base: int,
        code_range: KodeUnikRange,
        created_at: datetime,
        expires_at: datetime,
        *,
        offset: timedelta = timedelta(0),
        counter: str = "",
    ) -> Sale:
        """A new sale with the smallest free kode unik, chosen and written in one transaction, so
        no other till can take the same nominal meanwhile."""
        ...

    def mark_awaiting(self, sale_id: int, payload: str, source: str) -> Sale: ...

    def mark_ended(self, sale_id: int, state: SaleState, at: datetime, reason: str | None = None) -> Sale: ...

    def settle(self, sale_id: int, entry: MutasiEntry, at: datetime, *, manual: bool = False) -> Sale: ...

    # ---- reads ----

    def get(self, sale_id: int) -> Sale: ...

    def mark_receipt(self, sale_id: int, printed: bool, at: datetime) -> Sale:
        """A paid sale's receipt reached the paper, or did not; once printed it stays printed."""
        ...

    def reserved_nominals(self, now: datetime, offset: timedelta = timedelta(0)) -> set[int]: ...

    def claimed_since(self, moment: datetime) -> set[str]: ...

    def claimed_among(self, keys: Iterable[str]) -> set[str]: ...

    def open_sales(self) -> list[Sale]: ...

    def sales_on(self, day: date) -> list[Sale]: ...

    def late_watchable(self, now: datetime) -> list[Sale]: ...

    def attachable(self, day: date) -> list[Sale]: ...

    def settled_by(self, keys: Iterable[str]) -> dict[str, Settlement]: ...

    # ---- the money the mutasi showed ----

    def record_payments(self, entries: Iterable[MutasiEntry], seen_at: datetime | None = None) -> int: ...

    def payments_on(self, day: date) -> list[MutasiEntry]: ...

    def row_counts(self) -> tuple[int, int]: ...

    def reader(self) -> Callable[[], Journal]:
        """How another thread opens a journal of its own onto the same data, to read (the recap)."""
        ...

    def upkeep(self, day: date, *, backup: bool, stop: Callable[[], bool] | None = None) -> str:
        """Keep a long-lived journal quick and, where the engine is a file, copied once a day. Runs on a
        worker with connections of its own; returns a line for the log. ``stop`` is asked between the
        copy's steps (the app is closing: kasir.backup.BackupStoppedError)."""
        ...
