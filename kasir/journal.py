"""The sales journal: SQLite in WAL mode, one row per sale with its whole life.

Every state change is committed before the screen shows it. ``UNIQUE(issuer_reff)`` makes
it impossible for one payment to settle two sales; ``UNIQUE(day, nominal)`` makes it
impossible to hand out one nominal twice on one WIB day, even across restarts.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from kasir import wib
from kasir.errors import KasirError
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.sale_state import SaleState

FILENAME = "journal.sqlite3"
# From the one enum; the migrations' SQL keeps its own literals, as history must not change.
OPEN_STATES = tuple(state.value for state in SaleState if state.is_open)
STATES = tuple(state.value for state in SaleState if state is not SaleState.IDLE)

_MIGRATIONS: tuple[str, ...] = (
    # 1: the sales table
    """
    CREATE TABLE sales (
        id           INTEGER PRIMARY KEY,
        day          TEXT    NOT NULL,
        created_at   TEXT    NOT NULL,
        expires_at   TEXT    NOT NULL,
        base         INTEGER NOT NULL CHECK (base > 0),
        code         INTEGER NOT NULL CHECK (code >= 0),
        nominal      INTEGER NOT NULL CHECK (nominal = base + code),
        payload      TEXT,
        source       TEXT    CHECK (source IN ('server', 'local')),
        state        TEXT    NOT NULL CHECK (state IN
                         ('generating', 'awaiting', 'paid', 'expired', 'cancelled', 'failed')),
        ended_at     TEXT,
        reason       TEXT,
        issuer_reff  TEXT    UNIQUE,
        paid_at      TEXT,
        paid_amount  INTEGER,
        brand        TEXT,
        buyer_reff   TEXT,
        settled_at   TEXT,
        late         INTEGER NOT NULL DEFAULT 0,
        manual       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (day, nominal)
    );
    CREATE INDEX sales_state ON sales (state);
    """,
    # 2: every mutasi entry ever seen, so any day's recap knows its unmatched money
    """
    CREATE TABLE payments (
        key         TEXT    PRIMARY KEY,
        day         TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        amount      INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        brand       TEXT    NOT NULL,
        buyer_reff  TEXT    NOT NULL,
        issuer_reff TEXT    NOT NULL
    );
    CREATE INDEX payments_day ON payments (day);
    CREATE INDEX sales_day ON sales (day);
    """,
    # 3: what can still matter, by index: until when money for a sale may arrive (its nominal stays
    # reserved and late money still settles it), and when each claimed payment was made
    """
    ALTER TABLE sales ADD COLUMN late_until INTEGER;
    ALTER TABLE sales ADD COLUMN paid_ts INTEGER;
    CREATE INDEX sales_late_until ON sales (late_until);
    CREATE INDEX sales_paid_ts ON sales (paid_ts);
    """,
    # 4: one payment seen through two routes (the seed's reference, the history's id) is one payment:
    # the later view points at the first (same_as), claims go to the first, and the recap counts it
    # once; when each payment was made (ts to until_ts, the stamp's precision), by index
    """
    ALTER TABLE payments ADD COLUMN ts INTEGER;
    ALTER TABLE payments ADD COLUMN until_ts INTEGER;
    ALTER TABLE payments ADD COLUMN same_as TEXT;
    CREATE INDEX payments_ts ON payments (ts);
    CREATE INDEX payments_same_as ON payments (same_as);
    """,
    # 5: what could not be read of a payment ("tanggal tidak terbaca"): its time is not invented
    """
    ALTER TABLE payments ADD COLUMN problem TEXT;
    """,
    # 6: when this PC first saw each payment, on its own clock: money seen and unclaimed keeps its
    # nominal from new sales whatever the server's stamp and the PC's clock say of each other
    """
    ALTER TABLE payments ADD COLUMN seen_ts INTEGER;
    CREATE INDEX payments_seen ON payments (seen_ts);
    """,
)
# How long after its expiry a sale still waits for late money (and keeps its nominal), at least to
# the end of its WIB day. An hour covers a bank's delayed notification and a customer who paid the
# old QR after all; later money is the cashier's to attach by hand.
LATE_WATCH = timedelta(hours=1)
# Two routes' stamps of one payment may differ by this much (their clocks, the history's minutes).
SAME_PAYMENT_SLACK = timedelta(minutes=2)
# Money that arrived and settled nothing keeps its nominal from a new sale this long: a sale accepts
# a payment stamped up to matching.DEFAULT_GRACE (5 min) before it began, plus a minute's precision.
UNCLAIMED_HOLD = timedelta(minutes=6)
LATE_STATES = ("expired", "cancelled")  # a QR was shown, so money may still come


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
    state: str
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

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def _identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_dev, stat.st_ino


def keep_damaged(path: Path, now: datetime) -> Path:
    """Rename a damaged journal (and its WAL and shared-memory files) aside; never delete it."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.rusak-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _sale(row: sqlite3.Row) -> Sale:
    return Sale(
        id=row["id"],
        day=date.fromisoformat(row["day"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        base=row["base"],
        code=row["code"],
        nominal=row["nominal"],
        payload=row["payload"],
        source=row["source"],
        state=row["state"],
        ended_at=_dt(row["ended_at"]),
        reason=row["reason"],
        issuer_reff=row["issuer_reff"],
        paid_at=_dt(row["paid_at"]),
        paid_amount=row["paid_amount"],
        brand=row["brand"],
        buyer_reff=row["buyer_reff"],
        settled_at=_dt(row["settled_at"]),
        late=bool(row["late"]),
        manual=bool(row["manual"]),
        late_until=_from_ts(row["late_until"]),
    )


def late_until(created_at: datetime, expires_at: datetime) -> datetime:
    """The one late-watch rule: to the end of the sale's WIB day, and at least LATE_WATCH past expiry."""
    return max(wib.day_bounds(created_at.astimezone(wib.WIB).date())[1], expires_at + LATE_WATCH)


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _from_ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, wib.WIB) if value is not None else None


def _backfill_3(db: sqlite3.Connection) -> None:
    """Migration 3 in Python: the watch window and payment time of every sale already journaled."""
    rows = db.execute("SELECT id, created_at, expires_at, paid_at FROM sales").fetchall()
    db.executemany(
        "UPDATE sales SET late_until = ?, paid_ts = ? WHERE id = ?",
        [
            (
                _ts(late_until(datetime.fromisoformat(r[1]), datetime.fromisoformat(r[2]))),
                _ts(datetime.fromisoformat(r[3])) if r[3] else None,
                r[0],
            )
            for r in rows
        ],
    )


def _backfill_4(db: sqlite3.Connection) -> None:
    """Migration 4 in Python: when each payment already seen was made (history rows: to the minute)."""
    rows = db.execute("SELECT key, at FROM payments").fetchall()
    updates = []
    for key, at in rows:
        ts = _ts(datetime.fromisoformat(at))
        updates.append((ts, ts + 59 if str(key).startswith("h:") else ts, key))
    db.executemany("UPDATE payments SET ts = ?, until_ts = ? WHERE key = ?", updates)


_BACKFILLS = {3: _backfill_3, 4: _backfill_4}


# Every query on the sale path and the refresh path, by name: bounded by what can still matter and
# served by an index (tests/test_journal_scale.py checks each with EXPLAIN QUERY PLAN).
_KEYS = "(SELECT value FROM json_each(?))"  # a set of keys as one parameter: see "aliases"

QUERIES = {
    "reserved_nominals": (
        "SELECT nominal FROM sales WHERE day = ?1"
        " UNION SELECT nominal FROM sales WHERE state IN ('generating', 'awaiting')"
        " UNION SELECT nominal FROM sales INDEXED BY sales_late_until WHERE late_until > ?2"
        " UNION SELECT amount FROM payments INDEXED BY payments_ts WHERE ts >= ?3 AND type = 'CR'"
        " AND same_as IS NULL AND NOT EXISTS (SELECT 1 FROM sales WHERE issuer_reff = payments.key)"
        " UNION SELECT amount FROM payments INDEXED BY payments_seen WHERE seen_ts >= ?4 AND type = 'CR'"
        " AND same_as IS NULL AND NOT EXISTS (SELECT 1 FROM sales WHERE issuer_reff = payments.key)"
    ),
    # The other route's view of a payment: same amount, stamps that overlap, not yet paired.
    "same_payment": (
        "SELECT key FROM payments INDEXED BY payments_ts WHERE ts BETWEEN ?1 AND ?2 AND until_ts >= ?3"
        " AND amount = ?4 AND type = 'CR' AND same_as IS NULL AND key != ?5 AND (substr(key, 1, 2) = 'h:') = ?6"
        " AND NOT EXISTS (SELECT 1 FROM payments AS other WHERE other.same_as = payments.key)"
        " ORDER BY abs(ts - ?7), key LIMIT 1"
    ),
    # A set of keys travels as one JSON array (json_each), not one "?" per key: each distinct SQL
    # text is compiled and cached by the connection (128 statements), and a mark per key made a
    # new, ever larger statement for every count of the day's rows (~7 MB over a day of 300 sales).
    "aliases": f"SELECT key, same_as FROM payments WHERE key IN {_KEYS} AND same_as IS NOT NULL",
    "views_between": (
        "SELECT DISTINCT substr(key, 1, 2) = 'h:' FROM payments INDEXED BY payments_ts WHERE ts BETWEEN ? AND ?"
    ),
    "claimed_since": (
        "SELECT issuer_reff FROM sales INDEXED BY sales_paid_ts WHERE paid_ts >= ? AND issuer_reff IS NOT NULL"
    ),
    "claimed_among": f"SELECT issuer_reff FROM sales WHERE issuer_reff IN {_KEYS}",
    "settled_by": f"SELECT issuer_reff, id, late, manual FROM sales WHERE issuer_reff IN {_KEYS}",
    "payments_among": f"SELECT key, problem FROM payments WHERE key IN {_KEYS}",
    # A year holds thousands of expired sales: the watch window (late_until) is what bounds this, so
    # the planner is told (without statistics it would walk the table in id order).
    "late_watchable": (
        "SELECT * FROM sales INDEXED BY sales_late_until WHERE late_until > ?"
        " AND state IN ('expired', 'cancelled') AND payload IS NOT NULL ORDER BY id"
    ),
    # Open sales are a handful among a year of paid ones, but ANALYZE's statistics only know "a
    # quarter of the table per state": with them the planner would scan every sale ever made.
    "open_sales": "SELECT * FROM sales INDEXED BY sales_state WHERE state IN ('generating', 'awaiting') ORDER BY id",
    "sales_on": "SELECT * FROM sales WHERE day = ? ORDER BY id",
    "payments_on": "SELECT * FROM payments WHERE day = ? AND same_as IS NULL ORDER BY at, key",
}


_INSERT_PAYMENT = (
    "INSERT INTO payments"
    " (key, day, at, amount, type, brand, buyer_reff, issuer_reff, ts, until_ts, same_as, problem, seen_ts)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# A row first seen with a date that could not be read, now seen whole: it gets its real time.
_DATE_NOW_READ = "UPDATE payments SET day = ?, at = ?, ts = ?, until_ts = ?, problem = NULL WHERE key = ?"


def _is_history(key: str) -> bool:
    return key.startswith("h:")


def _payment_row(entry: MutasiEntry, same_as: str | None, seen: int | None = None) -> tuple[object, ...]:
    return (
        entry.key,
        entry.date.astimezone(wib.WIB).date().isoformat(),
        entry.date.isoformat(),
        entry.amount,
        entry.type.strip().upper(),
        entry.brand_name,
        entry.buyer_reff,
        entry.issuer_reff,
        _ts(entry.date),
        _ts(entry.latest),
        same_as,
        _problems_text(entry.problems),
        seen,
    )


# Written by the journal before the problems were an enum: kept readable forever.
_LEGACY_PROBLEMS = {"tanggal tidak terbaca": PaymentProblem.DATE, "nominal tidak terbaca": PaymentProblem.AMOUNT}


def _problems_text(problems: frozenset[PaymentProblem]) -> str | None:
    """What the ``problem`` column holds: the problems' values, comma-separated, or NULL."""
    return ",".join(sorted(problems)) or None


def _problems(text: object) -> frozenset[PaymentProblem]:
    found: set[PaymentProblem] = set()
    for part in str(text or "").split(","):
        word = part.strip()
        if word in _LEGACY_PROBLEMS:
            found.add(_LEGACY_PROBLEMS[word])
        elif word in PaymentProblem.__members__.values():
            found.add(PaymentProblem(word))
    return frozenset(found)


def _key_list(keys: Iterable[str]) -> str:
    """Payment keys as the one JSON array that ``_KEYS`` reads."""
    return json.dumps(sorted(keys))


class Journal:
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """``read_only``: a second connection for a worker thread (a sqlite3 connection belongs to
        the thread that made it), which reads what the app's own connection has committed."""
        self.path = path
        try:
            if read_only:
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
                self._db.row_factory = sqlite3.Row
                self._identity, self._size, self._gone = _identity(path), 0, False
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a committed sale survives a power cut
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError):  # "not a database", "malformed": the file
                raise JournalCorruptError(f"journal at {path} is damaged: {exc}") from exc
            raise JournalError(f"cannot open journal at {path}: {type(exc).__name__}: {exc}") from exc
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(f"cannot open journal at {path}: {type(exc).__name__}: {exc}") from exc
        # Which file this is: a journal deleted, replaced or cut short under the running app must
        # stop the selling, not take writes into a file nobody will ever open again.
        self._identity = _identity(path)
        self._size = path.stat().st_size
        self._gone = False

    @property
    def gone(self) -> bool:
        return self._gone

    def _check_file(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stat = None
        if stat is None or (stat.st_dev, stat.st_ino) != self._identity or stat.st_size < self._size:
            self._gone = True
        if self._gone:
            raise JournalGoneError(f"journal file {self.path} vanished, was replaced or truncated")

    @classmethod
    def in_dir(cls, data_dir: Path) -> Journal:
        return cls(data_dir / FILENAME)

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version > len(_MIGRATIONS):
            # Older code writing a newer schema could break rules it does not know about.
            version = self.schema_version
            self._db.close()
            raise JournalTooNewError(f"journal schema {version} is from a newer Kasir QRIS")
        for version, script in enumerate(_MIGRATIONS, start=1):
            if self.schema_version < version:
                with self._tx():
                    for statement in script.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                    if version in _BACKFILLS:
                        _BACKFILLS[version](self._db)
                    self._db.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def _tx(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self, *, durable: bool = True) -> Iterator[None]:
        """A write transaction; a failing disk becomes JournalError, a broken constraint stays itself.

        ``durable=False``: the commit does not wait for the disk (one fsync, ~1.5 ms, off the way
        from Bayar to the QR). Only for a row no money can depend on yet; the next durable commit
        syncs the WAL up to and including it, since WAL frames reach the disk in order.
        """
        self._check_file()
        try:
            if not durable:
                self._db.execute("PRAGMA synchronous=NORMAL")
            try:
                with self._tx():
                    yield
            finally:
                if not durable:
                    self._db.execute("PRAGMA synchronous=FULL")
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise JournalError(f"write failed: {type(exc).__name__}: {exc}") from exc
        with suppress(OSError):
            self._size = max(self._size, self.path.stat().st_size)

    def _write(self, sql: str, args: tuple[object, ...], *, durable: bool = True) -> sqlite3.Cursor:
        with self._writing(durable=durable):
            return self._db.execute(sql, args)

    # ---- writes --------------------------------------------------------------------

    def create_sale(self, allocation: Allocation, created_at: datetime, expires_at: datetime) -> Sale:
        day = created_at.astimezone(wib.WIB).date()
        try:
            cursor = self._write(
                "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, state, late_until)"
                " VALUES (?, ?, ?, ?, ?, ?, 'generating', ?)",
                (
                    day.isoformat(),
                    created_at.isoformat(),
                    expires_at.isoformat(),
                    allocation.base,
                    allocation.code,
                    allocation.nominal,
                    _ts(late_until(created_at, expires_at)),
                ),
                # No QR of it exists yet, so no money can depend on it: mark_awaiting's commit,
                # before the QR is shown, makes it durable too.
                durable=False,
            )
        except sqlite3.IntegrityError as exc:
            raise JournalError(f"nominal {allocation.nominal} already used today") from exc
        return self.get(int(cursor.lastrowid or 0))

    def mark_awaiting(self, sale_id: int, payload: str, source: str) -> Sale:
        self._transition(sale_id, "awaiting", "payload = ?, source = ?", (payload, source), from_states=("generating",))
        return self.get(sale_id)

    def mark_ended(self, sale_id: int, state: str, at: datetime, reason: str | None = None) -> Sale:
        if state not in ("expired", "cancelled", "failed"):
            raise ValueError(state)
        self._transition(sale_id, state, "ended_at = ?, reason = ?", (at.isoformat(), reason), from_states=OPEN_STATES)
        return self.get(sale_id)

    def settle(self, sale_id: int, entry: MutasiEntry, at: datetime, *, manual: bool = False) -> Sale:
        """Record the payment that settled a sale.

        The payment is journaled with it, and the claim goes to the first view of that payment any
        route gave (``same_as``), so its other view can never settle a second sale. Late when the
        money was paid after the sale's end: its QR's expiry, or the cashier's cancel if earlier.
        Money paid in time but seen later (a route that was quiet) is on time.
        """
        current = self.get(sale_id)
        if current.state == "paid":
            raise AlreadyClaimedError(f"sale {sale_id} is already paid")
        if not (current.is_open or current.state in LATE_STATES):
            raise JournalError(f"sale {sale_id} is {current.state}; no QR was shown, nothing can settle it")
        ended = current.expires_at
        if current.state == "cancelled" and current.ended_at is not None:
            ended = min(ended, current.ended_at)
        late = entry.date > ended
        try:
            with self._writing():
                claim = self._record(entry)
                cursor = self._db.execute(
                    "UPDATE sales SET state = 'paid', issuer_reff = ?, paid_at = ?, paid_amount = ?, brand = ?,"
                    " buyer_reff = ?, settled_at = ?, late = ?, manual = ?, paid_ts = ?"
                    " WHERE id = ? AND state != 'paid'",
                    (
                        claim,
                        entry.date.isoformat(),
                        entry.amount,
                        entry.brand_name,
                        entry.buyer_reff,
                        at.isoformat(),
                        int(late),
                        int(manual),
                        _ts(entry.date),
                        sale_id,
                    ),
                )
                if cursor.rowcount != 1:
                    raise AlreadyClaimedError(f"sale {sale_id} was paid meanwhile")
        except sqlite3.IntegrityError as exc:
            raise AlreadyClaimedError(f"payment {entry.key[:4]}… already settled another sale") from exc
        return self.get(sale_id)

    def _transition(
        self, sale_id: int, state: str, assignments: str, args: tuple[object, ...], from_states: tuple[str, ...]
    ) -> None:
        marks = ", ".join("?" for _ in from_states)
        cursor = self._write(
            f"UPDATE sales SET state = ?, {assignments} WHERE id = ? AND state IN ({marks})",
            (state, *args, sale_id, *from_states),
        )
        if cursor.rowcount != 1:
            raise JournalError(f"sale {sale_id} cannot become {state} (now {self.get(sale_id).state})")

    # ---- reads ---------------------------------------------------------------------

    def get(self, sale_id: int) -> Sale:
        row = self._db.execute("SELECT * FROM sales WHERE id = ?", (sale_id,)).fetchone()
        if row is None:
            raise KeyError(sale_id)
        return _sale(row)

    def reserved_nominals(self, now: datetime, offset: timedelta = timedelta(0)) -> set[int]:
        """Nominals no new sale may take: today's (WIB), every open sale's, every sale's that may
        still receive money (its late-watch window), whatever the date: a Rp 25.001 QR shown at 23:59
        still reserves 25.001 after midnight; and money that just arrived and settled nothing (a
        sale would accept it, stamped up to 5 minutes before the sale began).

        "Just arrived" is judged twice: by the payment's stamp on the server's clock (``now`` plus
        ``offset``, server minus this PC), and by when this PC first saw it on its own clock, which
        needs no offset at all: a PC clock ten minutes fast once let a payment seen seconds before
        Bayar settle the new sale."""
        day = now.astimezone(wib.WIB).date().isoformat()
        hold = (_ts(now + offset - UNCLAIMED_HOLD), _ts(now - UNCLAIMED_HOLD))
        rows = self._db.execute(QUERIES["reserved_nominals"], (day, _ts(now), *hold))
        return {int(r[0]) for r in rows}

    def claimed_since(self, moment: datetime) -> set[str]:
        """Payment keys claimed by money dated from ``moment`` on: the only claims a payment that
        can still match may collide with. Older claims stay enforced by UNIQUE(issuer_reff)."""
        return {str(r[0]) for r in self._db.execute(QUERIES["claimed_since"], (_ts(moment),))}

    def claimed_among(self, keys: Iterable[str]) -> set[str]:
        """Which of these payment keys settled a sale (any day)."""
        return {str(r[0]) for r in self._db.execute(QUERIES["claimed_among"], (_key_list(keys),))}

    def open_sales(self) -> list[Sale]:
        return [_sale(r) for r in self._db.execute(QUERIES["open_sales"])]

    def all_sales(self) -> list[Sale]:
        return [_sale(r) for r in self._db.execute("SELECT * FROM sales ORDER BY id")]

    def sales_on(self, day: date) -> list[Sale]:
        return [_sale(r) for r in self._db.execute(QUERIES["sales_on"], (day.isoformat(),))]

    def settled_by(self, keys: Iterable[str]) -> dict[str, Settlement]:
        """For the payments on screen: the sale each one settled (by index, not all history),
        whichever route's view of the payment made the claim."""
        wanted = list(keys)
        claim_of = {key: key for key in wanted}
        for key, same_as in self._db.execute(QUERIES["aliases"], (_key_list(wanted),)):
            claim_of[str(key)] = str(same_as)
        by_claim: dict[str, Settlement] = {}
        for r in self._db.execute(QUERIES["settled_by"], (_key_list(set(claim_of.values())),)):
            by_claim[str(r[0])] = Settlement(int(r[1]), bool(r[2]), bool(r[3]))
        return {key: by_claim[claim] for key, claim in claim_of.items() if claim in by_claim}

    def late_watchable(self, now: datetime) -> list[Sale]:
        """Sales whose QR was shown, that ended unpaid, and for which money may still arrive."""
        return [_sale(r) for r in self._db.execute(QUERIES["late_watchable"], (_ts(now),))]

    def attachable(self, day: date) -> list[Sale]:
        """Sales a cashier may settle by hand: open, expired or cancelled, not paid."""
        rows = self._db.execute(
            "SELECT * FROM sales WHERE day = ? AND state IN ('generating', 'awaiting', 'expired', 'cancelled')"
            " ORDER BY id DESC",
            (day.isoformat(),),
        )
        return [_sale(r) for r in rows]

    # ---- payments seen in the mutasi ---------------------------------------------

    def record_payments(self, entries: Iterable[MutasiEntry], seen_at: datetime | None = None) -> int:
        """Remember mutasi entries (idempotent), new ones as first seen ``seen_at`` (this PC's clock,
        default now); returns how many were new."""
        fresh = {e.key: e for e in entries}
        if not fresh:
            return 0
        first_seen = _ts(seen_at or wib.now())
        with self._writing():
            for key, problem in self._db.execute(QUERIES["payments_among"], (_key_list(fresh),)).fetchall():
                seen = fresh.pop(str(key))
                if PaymentProblem.DATE in _problems(problem) and not seen.date_unknown:
                    self._db.execute(
                        _DATE_NOW_READ, (*_payment_row(seen, None)[1:3], *_payment_row(seen, None)[8:10], key)
                    )
            new = list(fresh.values())
            if not new:
                return 0
            # Pairing two routes' views costs a query per row: only when both views can be present
            # (the route changed). A list from one route, with nothing else around it, is one insert.
            views = {_is_history(e.key) for e in new} | self._views_between(new)
            if len(views) > 1:
                for entry in new:
                    self._record(entry, first_seen)
            else:
                self._db.executemany(_INSERT_PAYMENT, [_payment_row(e, None, first_seen) for e in new])
            return len(new)

    def _views_between(self, entries: list[MutasiEntry]) -> set[bool]:
        """Which routes' views (history or not) the journal holds around these entries' stamps."""
        slack = int(SAME_PAYMENT_SLACK.total_seconds())
        low = min(_ts(e.date) for e in entries) - slack - 60
        high = max(_ts(e.latest) for e in entries) + slack
        rows = self._db.execute(QUERIES["views_between"], (low, high))
        return {bool(r[0]) for r in rows}

    def _record(self, entry: MutasiEntry, seen: int | None = None) -> str:
        """Journal one entry (inside a write) and return the key its claim goes under: its own, or
        that of the other route's view of the same payment, seen first."""
        key = entry.key
        known = self._db.execute("SELECT same_as FROM payments WHERE key = ?", (key,)).fetchone()
        if known is not None:
            return str(known[0] or key)
        ts, until = _ts(entry.date), _ts(entry.latest)
        same_as = None
        if entry.is_incoming:
            slack = int(SAME_PAYMENT_SLACK.total_seconds())
            found = self._db.execute(
                QUERIES["same_payment"],
                (ts - slack - 60, until + slack, ts - slack, entry.amount, key, int(not _is_history(key)), ts),
            ).fetchone()
            same_as = str(found[0]) if found else None
        self._db.execute(_INSERT_PAYMENT, _payment_row(entry, same_as, seen))
        return same_as or key

    def payments_on(self, day: date) -> list[MutasiEntry]:
        rows = self._db.execute(QUERIES["payments_on"], (day.isoformat(),))
        return [
            MutasiEntry(
                date=datetime.fromisoformat(r["at"]),
                amount=int(r["amount"]),
                type=str(r["type"]),
                qris="",
                brand_name=str(r["brand"]),
                issuer_reff=str(r["issuer_reff"]),
                buyer_reff=str(r["buyer_reff"]),
                balance=None,
                problems=_problems(r["problem"]),
                claim_key=str(r["key"]),
            )
            for r in rows
        ]

    def row_counts(self) -> tuple[int, int]:
        """Sales and payments journaled (for the maintenance log line; counted by index)."""
        sales = int(self._db.execute("SELECT count(*) FROM sales").fetchone()[0])
        payments = int(self._db.execute("SELECT count(*) FROM payments").fetchone()[0])
        return sales, payments

    def integrity_ok(self) -> bool:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"
