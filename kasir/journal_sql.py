"""The journal's rules over SQL, written once for every engine (SQLite on one PC, PostgreSQL for a shop).

An engine gives a connection, transactions, its way of passing a set of keys and its index hints;
everything a sale or a payment goes through is here: the kode unik chosen and the sale written in one
transaction under the engine's allocation lock, a payment claimed once (``UNIQUE(issuer_reff)``), one
payment seen through two routes paired to its first view, and every query on the sale and refresh
paths bounded by what can still matter and served by an index.

Statements are templates with named parameters (``:name``) and a few engine parts in braces: ``{keys}``
(a set of payment keys as one parameter), ``{by_late_until}`` and friends (SQLite's index hints, which
PostgreSQL's planner does not need).
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any

from kasir import wib
from kasir.journal import (
    SAME_PAYMENT_SLACK,
    UNCLAIMED_HOLD,
    AlreadyClaimedError,
    JournalError,
    Listener,
    PollerLock,
    Sale,
    Settlement,
    late_until,
)
from kasir.kode_unik import Allocation, CodeMode, KodeUnikRange, allocate
from kasir.orkut.types import MutasiEntry, PaymentProblem
from kasir.sale_state import LATE_WATCHABLE, OPEN, SaleState

log = logging.getLogger(__name__)

Row = Mapping[str, Any]
_OPEN = ", ".join(f"'{s.value}'" for s in sorted(OPEN))
_LATE = ", ".join(f"'{s.value}'" for s in sorted(LATE_WATCHABLE))
_HISTORY = "(CASE WHEN substr(key, 1, 2) = 'h:' THEN 1 ELSE 0 END)"  # a qris_history id, not an issuer's reference
_UNCLAIMED = "type = 'CR' AND same_as IS NULL AND NOT EXISTS (SELECT 1 FROM sales WHERE issuer_reff = payments.key)"

# Every query on the sale path and the refresh path, by name: bounded by what can still matter and
# served by an index (tests/test_journal_scale.py checks each with SQLite's EXPLAIN QUERY PLAN).
QUERIES = {
    "get": "SELECT * FROM sales WHERE id = :id",
    "reserved_nominals": (
        "SELECT nominal FROM sales WHERE day = :day"
        f" UNION SELECT nominal FROM sales {{by_state}} WHERE state IN ({_OPEN})"
        " UNION SELECT nominal FROM sales {by_late_until} WHERE late_until > :now"
        f" UNION SELECT amount FROM payments {{by_payments_ts}} WHERE ts >= :stamped_since AND {_UNCLAIMED}"
        f" UNION SELECT amount FROM payments {{by_payments_seen}} WHERE seen_ts >= :seen_since AND {_UNCLAIMED}"
    ),
    # The other route's view of a payment: same amount, stamps that overlap, not yet paired.
    "same_payment": (
        "SELECT key FROM payments {by_payments_ts} WHERE ts BETWEEN :low AND :high AND until_ts >= :until_low"
        f" AND amount = :amount AND type = 'CR' AND same_as IS NULL AND key != :key AND {_HISTORY} = :history"
        " AND NOT EXISTS (SELECT 1 FROM payments AS other WHERE other.same_as = payments.key)"
        " ORDER BY abs(ts - :ts), key LIMIT 1"
    ),
    # A set of keys travels as one parameter ({keys}), never one mark per key: each distinct SQL text is
    # compiled and cached by the connection, and a mark per key made a new, ever larger statement for
    # every count of the day's rows (~7 MB over a day of 300 sales).
    "aliases": "SELECT key, same_as FROM payments WHERE key IN {keys} AND same_as IS NOT NULL",
    "views_between": (
        f"SELECT DISTINCT {_HISTORY} AS history FROM payments {{by_payments_ts}} WHERE ts BETWEEN :low AND :high"
    ),
    "claimed_since": ("SELECT issuer_reff FROM sales {by_paid_ts} WHERE paid_ts >= :since AND issuer_reff IS NOT NULL"),
    "claimed_among": "SELECT issuer_reff FROM sales WHERE issuer_reff IN {keys}",
    "settled_by": "SELECT issuer_reff, id, late, manual FROM sales WHERE issuer_reff IN {keys}",
    "payments_among": "SELECT key, problem FROM payments WHERE key IN {keys}",
    "payment_claim": "SELECT same_as FROM payments WHERE key = :key",
    # A year holds thousands of expired sales: the watch window (late_until) is what bounds this, so
    # SQLite's planner is told (without statistics it would walk the table in id order).
    "late_watchable": (
        f"SELECT * FROM sales {{by_late_until}} WHERE late_until > :now AND state IN ({_LATE})"
        " AND payload IS NOT NULL ORDER BY id"
    ),
    # Open sales are a handful among a year of paid ones, but ANALYZE's statistics only know "a
    # quarter of the table per state": with them SQLite's planner would scan every sale ever made.
    "open_sales": f"SELECT * FROM sales {{by_state}} WHERE state IN ({_OPEN}) ORDER BY id",
    "sales_on": "SELECT * FROM sales WHERE day = :day ORDER BY id",
    "payments_on": "SELECT * FROM payments WHERE day = :day AND same_as IS NULL ORDER BY at, key",
    "attachable": (f"SELECT * FROM sales WHERE day = :day AND state IN ({_OPEN}, {_LATE}) ORDER BY id DESC"),
}

_INSERT_SALE = (
    "INSERT INTO sales"
    " (day, created_at, expires_at, base, code, nominal, code_mode, state, late_until, counter, clock_offset_ms)"
    " VALUES (:day, :created_at, :expires_at, :base, :code, :nominal, :code_mode, 'generating', :late_until,"
    " :counter, :clock_offset_ms)"
    " RETURNING id"
)
_INSERT_PAYMENT = (
    "INSERT INTO payments"
    " (key, day, at, amount, type, brand, buyer_reff, issuer_reff, ts, until_ts, same_as, problem, seen_ts)"
    " VALUES (:key, :day, :at, :amount, :type, :brand, :buyer_reff, :issuer_reff, :ts, :until_ts, :same_as,"
    " :problem, :seen_ts)"
)
# A row first seen with a date that could not be read, now seen whole: it gets its real time.
_DATE_NOW_READ = (
    "UPDATE payments SET day = :day, at = :at, ts = :ts, until_ts = :until_ts, problem = NULL WHERE key = :key"
)
_SETTLE = (
    "UPDATE sales SET state = 'paid', issuer_reff = :claim, paid_at = :paid_at, paid_amount = :amount,"
    " brand = :brand, buyer_reff = :buyer_reff, settled_at = :settled_at, late = :late, manual = :manual,"
    " paid_ts = :paid_ts WHERE id = :id AND state != 'paid'"
)
# Written by the journal before the problems were an enum: kept readable forever.
_LEGACY_PROBLEMS = {"tanggal tidak terbaca": PaymentProblem.DATE, "nominal tidak terbaca": PaymentProblem.AMOUNT}


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _from_ts(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, wib.WIB) if value is not None else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sale_of(row: Row) -> Sale:
    return Sale(
        id=int(row["id"]),
        day=date.fromisoformat(row["day"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        base=int(row["base"]),
        code=int(row["code"]),
        nominal=int(row["nominal"]),
        payload=row["payload"],
        source=row["source"],
        state=SaleState(row["state"]),
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
        counter=row["counter"] or "",
        clock_offset=None if row["clock_offset_ms"] is None else timedelta(milliseconds=int(row["clock_offset_ms"])),
        receipt=row["receipt"],
        code_mode=CodeMode(row["code_mode"]),
    )


def problems_text(problems: frozenset[PaymentProblem]) -> str | None:
    """What the ``problem`` column holds: the problems' values, comma-separated, or NULL."""
    return ",".join(sorted(problems)) or None


def problems_of(text: object) -> frozenset[PaymentProblem]:
    found: set[PaymentProblem] = set()
    for part in str(text or "").split(","):
        word = part.strip()
        if word in _LEGACY_PROBLEMS:
            found.add(_LEGACY_PROBLEMS[word])
        elif word in {p.value for p in PaymentProblem}:
            found.add(PaymentProblem(word))
    return frozenset(found)


def is_history(key: str) -> bool:
    return key.startswith("h:")


def payment_row(entry: MutasiEntry, same_as: str | None, seen: int | None = None) -> dict[str, object]:
    return {
        "key": entry.key,
        "day": entry.date.astimezone(wib.WIB).date().isoformat(),
        "at": entry.date.isoformat(),
        "amount": entry.amount,
        "type": entry.type.strip().upper(),
        "brand": entry.brand_name,
        "buyer_reff": entry.buyer_reff,
        "issuer_reff": entry.issuer_reff,
        "ts": ts(entry.date),
        "until_ts": ts(entry.latest),
        "same_as": same_as,
        "problem": problems_text(entry.problems),
        "seen_ts": seen,
    }


def entry_of(row: Row) -> MutasiEntry:
    return MutasiEntry(
        date=datetime.fromisoformat(row["at"]),
        amount=int(row["amount"]),
        type=str(row["type"]),
        qris="",
        brand_name=str(row["brand"]),
        issuer_reff=str(row["issuer_reff"]),
        buyer_reff=str(row["buyer_reff"]),
        balance=None,
        problems=problems_of(row["problem"]),
        claim_key=str(row["key"]),
    )


class SqlJournal(ABC):
    """The journal's rules; an engine subclass gives the connection and its few differences."""

    # ---- what an engine gives -----------------------------------------------------------

    @abstractmethod
    def _run(self, name_or_sql: str, params: Mapping[str, object] | None = None) -> Any:
        """Execute a statement (a name of :data:`QUERIES` or a template) and return its cursor."""

    @abstractmethod
    def _run_many(self, sql: str, rows: list[dict[str, object]]) -> None: ...

    @abstractmethod
    def _writing(self, *, durable: bool = True, allocating: bool = False) -> AbstractContextManager[None]:
        """A write transaction: a failing store becomes :class:`JournalError`, a broken constraint
        stays the engine's integrity error (``_integrity``). ``allocating``: hold the allocation lock,
        so no other till chooses a nominal meanwhile. ``durable=False``: the commit need not wait
        for the disk (only for a row no money can depend on yet)."""

    @abstractmethod
    def _keys(self, keys: Iterable[str]) -> object:
        """A set of payment keys as the one parameter that ``{keys}`` reads."""

    _integrity: tuple[type[BaseException], ...] = ()

    @property
    @abstractmethod
    def gone(self) -> bool: ...

    @property
    def reachable(self) -> bool:
        """False while the journal's server cannot be reached (a file is always at hand)."""
        return True

    def probe(self) -> bool:
        """Reach the journal again after a failure (on a worker); True when it answers."""
        return True

    def mark_down(self) -> None:  # noqa: B027 - a hook: only a server can go out of reach
        """A file is never out of reach."""

    def poller_lock(self) -> PollerLock:
        """Which till of the shop polls the upstream: one PC always does."""
        return HeldLock()

    def listener(self) -> Listener | None:
        """How this till hears of the other tills' changes: None with no other tills."""
        return None

    def _changed(self, what: str) -> None:  # noqa: B027 - a hook: only a shared journal tells anyone
        """Inside a write: what changed ("sale:12", "payments"), for the other tills (none here)."""

    @property
    @abstractmethod
    def where(self) -> str: ...

    @abstractmethod
    def close(self) -> None: ...

    # ---- a sale's life --------------------------------------------------------------------

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
        """The smallest free kode unik and the sale's row, in one transaction under the allocation
        lock: two tills asking for the same total at the same moment get two nominals."""
        with self._writing(allocating=True, durable=False):
            allocation = allocate(base, self.reserved_nominals(created_at, offset), code_range)
            sale_id = self._insert_sale(allocation, created_at, expires_at, counter, offset)
            self._changed(f"sale:{sale_id}")
        return self.get(sale_id)

    def create_sale(
        self, allocation: Allocation, created_at: datetime, expires_at: datetime, counter: str = ""
    ) -> Sale:
        """A sale with a nominal chosen elsewhere (the year fixture, tests); ``begin_sale`` for a till."""
        with self._writing(durable=False):
            sale_id = self._insert_sale(allocation, created_at, expires_at, counter)
        return self.get(sale_id)

    def _insert_sale(
        self,
        allocation: Allocation,
        created_at: datetime,
        expires_at: datetime,
        counter: str,
        offset: timedelta | None = None,
    ) -> int:
        # No QR of it exists yet, so no money can depend on it: mark_awaiting's commit, before the
        # QR is shown, makes it durable too.
        try:
            row = self._run(
                _INSERT_SALE,
                {
                    "day": created_at.astimezone(wib.WIB).date().isoformat(),
                    "created_at": created_at.isoformat(),
                    "expires_at": expires_at.isoformat(),
                    "base": allocation.base,
                    "code": allocation.code,
                    "nominal": allocation.nominal,
                    "code_mode": allocation.mode.value,
                    "late_until": ts(late_until(created_at, expires_at)),
                    "counter": counter,
                    "clock_offset_ms": None if offset is None else round(offset.total_seconds() * 1000),
                },
            ).fetchone()
        except self._integrity as exc:
            raise JournalError(f"nominal {allocation.nominal} already used today") from exc
        return int(row["id"])

    def mark_awaiting(self, sale_id: int, payload: str, source: str) -> Sale:
        """Its QR, checked, is on its way to the customer's screen: only a sale making its QR."""
        self._transition(
            sale_id,
            SaleState.AWAITING,
            "payload = :payload, source = :source",
            {"payload": payload, "source": source},
            f"'{SaleState.GENERATING.value}'",
        )
        return self.get(sale_id)

    def mark_receipt(self, sale_id: int, printed: bool, at: datetime) -> Sale:
        """A paid sale's receipt reached the paper, or did not. Once printed it stays printed: a later
        copy that fails does not make the customer's receipt a never-printed one."""
        with self._writing():
            cursor = self._run(
                "UPDATE sales SET receipt = :outcome, receipt_at = :at"
                " WHERE id = :id AND state = 'paid' AND (receipt IS NULL OR receipt != 'printed')",
                {"outcome": "printed" if printed else "failed", "at": at.isoformat(), "id": sale_id},
            )
            if cursor.rowcount == 1:
                self._changed(f"sale:{sale_id}")
        return self.get(sale_id)

    def mark_ended(self, sale_id: int, state: SaleState | str, at: datetime, reason: str | None = None) -> Sale:
        state = SaleState(state)
        if state not in (SaleState.EXPIRED, SaleState.CANCELLED, SaleState.FAILED):
            raise ValueError(state)
        params: dict[str, object] = {"at": at.isoformat(), "reason": reason}
        self._transition(sale_id, state, "ended_at = :at, reason = :reason", params, _OPEN)
        return self.get(sale_id)

    def _transition(
        self, sale_id: int, state: SaleState, assignments: str, params: dict[str, object], from_states: str
    ) -> None:
        """A sale in one of ``from_states`` moves on; any other is left as it is and the caller is told."""
        with self._writing():
            cursor = self._run(
                f"UPDATE sales SET state = :state, {assignments} WHERE id = :id AND state IN ({from_states})",
                {**params, "state": state.value, "id": sale_id},
            )
            moved = cursor.rowcount == 1
            if moved:
                self._changed(f"sale:{sale_id}")
        if not moved:
            raise JournalError(f"sale {sale_id} cannot become {state.value} (now {self.get(sale_id).state.value})")

    def settle(self, sale_id: int, entry: MutasiEntry, at: datetime, *, manual: bool = False) -> Sale:
        """Record the payment that settled a sale.

        The payment is journaled with it, and the claim goes to the first view of that payment any
        route gave (``same_as``), so its other view can never settle a second sale. Late when the
        money was paid after the sale's end: its QR's expiry, or the cashier's cancel if earlier.
        Money paid in time but seen later (a route that was quiet) is on time.
        """
        current = self.get(sale_id)
        if current.state is SaleState.PAID:
            raise AlreadyClaimedError(f"sale {sale_id} is already paid")
        if not (current.is_open or current.state in LATE_WATCHABLE):
            raise JournalError(f"sale {sale_id} is {current.state.value}; no QR was shown, nothing can settle it")
        ended = current.expires_at
        if current.state is SaleState.CANCELLED and current.ended_at is not None:
            ended = min(ended, current.ended_at)
        try:
            with self._writing():
                claim = self._record(entry)
                cursor = self._run(
                    _SETTLE,
                    {
                        "claim": claim,
                        "paid_at": entry.date.isoformat(),
                        "amount": entry.amount,
                        "brand": entry.brand_name,
                        "buyer_reff": entry.buyer_reff,
                        "settled_at": at.isoformat(),
                        "late": int(entry.date > ended),
                        "manual": int(manual),
                        "paid_ts": ts(entry.date),
                        "id": sale_id,
                    },
                )
                if cursor.rowcount != 1:
                    raise AlreadyClaimedError(f"sale {sale_id} was paid meanwhile")
                self._changed(f"sale:{sale_id}")
        except self._integrity as exc:
            raise AlreadyClaimedError(f"payment {entry.key[:4]}… already settled another sale") from exc
        return self.get(sale_id)

    # ---- reads ----------------------------------------------------------------------------

    def get(self, sale_id: int) -> Sale:
        row = self._run("get", {"id": sale_id}).fetchone()
        if row is None:
            raise KeyError(sale_id)
        return sale_of(row)

    def reserved_nominals(self, now: datetime, offset: timedelta = timedelta(0)) -> set[int]:
        """Nominals no new sale may take: today's (WIB), every open sale's, every sale's that may
        still receive money (its late-watch window), whatever the date: a Rp 25.001 QR shown at 23:59
        still reserves 25.001 after midnight; and money that just arrived and settled nothing (a
        sale would accept it, stamped up to 5 minutes before the sale began).

        "Just arrived" is judged twice: by the payment's stamp on the server's clock (``now`` plus
        ``offset``, server minus this PC), and by when this PC first saw it on its own clock, which
        needs no offset at all: a PC clock ten minutes fast once let a payment seen seconds before
        Bayar settle the new sale."""
        params = {
            "day": now.astimezone(wib.WIB).date().isoformat(),
            "now": ts(now),
            "stamped_since": ts(now + offset - UNCLAIMED_HOLD),
            "seen_since": ts(now - UNCLAIMED_HOLD),
        }
        return {int(r["nominal"]) for r in self._run("reserved_nominals", params)}

    def claimed_since(self, moment: datetime) -> set[str]:
        """Payment keys claimed by money dated from ``moment`` on: the only claims a payment that
        can still match may collide with. Older claims stay enforced by UNIQUE(issuer_reff)."""
        return {str(r["issuer_reff"]) for r in self._run("claimed_since", {"since": ts(moment)})}

    def claimed_among(self, keys: Iterable[str]) -> set[str]:
        """Which of these payment keys settled a sale (any day)."""
        return {str(r["issuer_reff"]) for r in self._run("claimed_among", {"keys": self._keys(keys)})}

    def open_sales(self) -> list[Sale]:
        return [sale_of(r) for r in self._run("open_sales")]

    def all_sales(self) -> list[Sale]:
        return [sale_of(r) for r in self._run("SELECT * FROM sales ORDER BY id")]

    def sales_on(self, day: date) -> list[Sale]:
        return [sale_of(r) for r in self._run("sales_on", {"day": day.isoformat()})]

    def settled_by(self, keys: Iterable[str]) -> dict[str, Settlement]:
        """For the payments on screen: the sale each one settled (by index, not all history),
        whichever route's view of the payment made the claim."""
        wanted = list(keys)
        claim_of = {key: key for key in wanted}
        for r in self._run("aliases", {"keys": self._keys(wanted)}):
            claim_of[str(r["key"])] = str(r["same_as"])
        by_claim: dict[str, Settlement] = {}
        for r in self._run("settled_by", {"keys": self._keys(set(claim_of.values()))}):
            by_claim[str(r["issuer_reff"])] = Settlement(int(r["id"]), bool(r["late"]), bool(r["manual"]))
        return {key: by_claim[claim] for key, claim in claim_of.items() if claim in by_claim}

    def late_watchable(self, now: datetime) -> list[Sale]:
        """Sales whose QR was shown, that ended unpaid, and for which money may still arrive."""
        return [sale_of(r) for r in self._run("late_watchable", {"now": ts(now)})]

    def attachable(self, day: date) -> list[Sale]:
        """Sales a cashier may settle by hand: open, expired or cancelled, not paid."""
        return [sale_of(r) for r in self._run("attachable", {"day": day.isoformat()})]

    # ---- payments seen in the mutasi --------------------------------------------------

    def record_payments(self, entries: Iterable[MutasiEntry], seen_at: datetime | None = None) -> int:
        """Remember mutasi entries (idempotent), new ones as first seen ``seen_at`` (this PC's clock,
        default now); returns how many were new."""
        fresh = {e.key: e for e in entries}
        if not fresh:
            return 0
        first_seen = ts(seen_at or wib.now())
        with self._writing():
            for r in self._run("payments_among", {"keys": self._keys(fresh)}).fetchall():
                key = str(r["key"])
                known = fresh.pop(key)
                if PaymentProblem.DATE in problems_of(r["problem"]) and not known.date_unknown:
                    row = payment_row(known, None)
                    self._run(_DATE_NOW_READ, {k: row[k] for k in ("day", "at", "ts", "until_ts", "key")})
            new = list(fresh.values())
            if not new:
                return 0
            # Pairing two routes' views costs a query per row: only when both views can be present
            # (the route changed). A list from one route, with nothing else around it, is one insert.
            views = {is_history(e.key) for e in new} | self._views_between(new)
            if len(views) > 1:
                for entry in new:
                    self._record(entry, first_seen)
            else:
                self._run_many(_INSERT_PAYMENT, [payment_row(e, None, first_seen) for e in new])
            self._changed("payments")
            return len(new)

    def _views_between(self, entries: list[MutasiEntry]) -> set[bool]:
        """Which routes' views (history or not) the journal holds around these entries' stamps."""
        slack = int(SAME_PAYMENT_SLACK.total_seconds())
        low = min(ts(e.date) for e in entries) - slack - 60
        high = max(ts(e.latest) for e in entries) + slack
        return {bool(r["history"]) for r in self._run("views_between", {"low": low, "high": high})}

    def _record(self, entry: MutasiEntry, seen: int | None = None) -> str:
        """Journal one entry (inside a write) and return the key its claim goes under: its own, or
        that of the other route's view of the same payment, seen first."""
        key = entry.key
        known = self._run("payment_claim", {"key": key}).fetchone()
        if known is not None:
            return str(known["same_as"] or key)
        stamp, until = ts(entry.date), ts(entry.latest)
        same_as = None
        if entry.is_incoming:
            slack = int(SAME_PAYMENT_SLACK.total_seconds())
            found = self._run(
                "same_payment",
                {
                    "low": stamp - slack - 60,
                    "high": until + slack,
                    "until_low": stamp - slack,
                    "amount": entry.amount,
                    "key": key,
                    "history": int(not is_history(key)),
                    "ts": stamp,
                },
            ).fetchone()
            same_as = str(found["key"]) if found else None
        self._run(_INSERT_PAYMENT, payment_row(entry, same_as, seen))
        return same_as or key

    def payments_on(self, day: date) -> list[MutasiEntry]:
        return [entry_of(r) for r in self._run("payments_on", {"day": day.isoformat()})]

    # ---- migrations that also move data (legacy SQLite journals; nothing to move on a new database) ----

    def backfill(self, version: int) -> None:
        """Inside migration ``version``'s transaction: fill what its new columns mean for old rows."""
        if version == 3:  # the watch window and payment time of every sale already journaled
            rows = self._run("SELECT id, created_at, expires_at, paid_at FROM sales").fetchall()
            self._run_many(
                "UPDATE sales SET late_until = :late_until, paid_ts = :paid_ts WHERE id = :id",
                [
                    {
                        "late_until": ts(
                            late_until(_dt(r["created_at"]) or wib.now(), _dt(r["expires_at"]) or wib.now())
                        ),
                        "paid_ts": ts(paid) if (paid := _dt(r["paid_at"])) else None,
                        "id": r["id"],
                    }
                    for r in rows
                ],
            )
        elif version == 4:  # when each payment already seen was made (history rows: to the minute)
            rows = self._run("SELECT key, at FROM payments").fetchall()
            updates = []
            for r in rows:
                stamp = ts(datetime.fromisoformat(r["at"]))
                updates.append(
                    {"ts": stamp, "until_ts": stamp + 59 if is_history(str(r["key"])) else stamp, "key": r["key"]}
                )
            self._run_many("UPDATE payments SET ts = :ts, until_ts = :until_ts WHERE key = :key", updates)

    def row_counts(self) -> tuple[int, int]:
        """Sales and payments journaled (for the maintenance log line)."""
        sales = int(self._run("SELECT count(*) AS n FROM sales").fetchone()["n"])
        payments = int(self._run("SELECT count(*) AS n FROM payments").fetchone()["n"])
        return sales, payments


class HeldLock:
    """The poller lock of a journal with one till: always held."""

    held = True

    def try_hold(self) -> bool:
        return True

    def holder(self) -> str:
        return ""

    def namesake_running(self) -> bool:
        return False  # one PC: no other till

    def release(self) -> None:
        """Nothing to release: no other till could take it."""

    def close(self) -> None:
        """Nothing to close."""


def json_keys(keys: Iterable[str]) -> str:
    """Payment keys as one JSON array (SQLite's ``json_each`` reads it)."""
    return json.dumps(sorted(keys))
