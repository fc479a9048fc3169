"""The journal on one PC: SQLite in WAL mode, a file in the data folder (the default, nothing to set up).

``synchronous=FULL``: a committed sale survives a power cut. ``BEGIN IMMEDIATE`` takes the file's
write lock at the start of every write, so the kode unik chosen and the sale written are one step.
A journal file deleted, replaced or cut short under the running app stops the selling instead of
taking writes into a file nobody will ever open again.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from kasir.journal import JournalCorruptError, JournalError, JournalGoneError, JournalTooNewError
from kasir.journal_schema import MIGRATIONS, SQLITE_NOMINAL_RULE_V10, statements
from kasir.journal_sql import QUERIES, SqlJournal, json_keys

FILENAME = "journal.sqlite3"
TYPES = {"id": "INTEGER PRIMARY KEY", "int": "INTEGER", "nominal_rule_v10": SQLITE_NOMINAL_RULE_V10}
# SQLite's planner, without statistics, would walk a year of sales in id order: it is told which
# index bounds each query (PostgreSQL's planner needs no such hint).
HINTS = {
    "keys": "(SELECT value FROM json_each(:keys))",
    "by_state": "INDEXED BY sales_state",
    "by_late_until": "INDEXED BY sales_late_until",
    "by_paid_ts": "INDEXED BY sales_paid_ts",
    "by_payments_ts": "INDEXED BY payments_ts",
    "by_payments_seen": "INDEXED BY payments_seen",
}
RENDERED = {name: sql.format_map(HINTS) for name, sql in QUERIES.items()}


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


class SqliteJournal(SqlJournal):
    _integrity = (sqlite3.IntegrityError,)

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

    @classmethod
    def in_dir(cls, data_dir: Path) -> SqliteJournal:
        return cls(data_dir / FILENAME)

    @property
    def where(self) -> str:
        return str(self.path)

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

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def reader(self) -> Callable[[], SqliteJournal]:
        return partial(SqliteJournal, self.path, read_only=True)

    def upkeep(self, day: date, *, backup: bool, stop: Callable[[], bool] | None = None) -> str:
        """Statistics and checkpoint, a size line for the log, and (``backup``) today's copy in
        ``cadangan/``: on a worker, with connections of its own (this one belongs to the GUI thread)."""
        from kasir import backup as backups

        line = backups.maintain(self.path)
        if backup:
            backups.daily(self.path, day, stop=stop or (lambda: False))
        return line

    def integrity_ok(self) -> bool:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0]) == "ok"

    # ---- what SqlJournal needs ------------------------------------------------------------

    def _run(self, name_or_sql: str, params: Mapping[str, object] | None = None) -> Any:
        sql = RENDERED.get(name_or_sql) or (name_or_sql.format_map(HINTS) if "{" in name_or_sql else name_or_sql)
        return self._db.execute(sql, dict(params or {}))

    def _run_many(self, sql: str, rows: list[dict[str, object]]) -> None:
        self._db.executemany(sql, rows)

    def _keys(self, keys: Iterable[str]) -> object:
        return json_keys(keys)

    @contextmanager
    def _tx(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")  # the file's write lock, for the whole transaction
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @contextmanager
    def _writing(self, *, durable: bool = True, allocating: bool = False) -> Iterator[None]:
        """One PC, one writer: BEGIN IMMEDIATE is the allocation lock as well. ``durable=False``: the
        commit does not wait for the disk (one fsync, ~1.5 ms, off the way from Bayar to the QR); the
        next durable commit syncs the WAL up to and including it, since WAL frames reach the disk in order.
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

    # ---- migrations -----------------------------------------------------------------------

    def _migrate(self) -> None:
        if self.schema_version > len(MIGRATIONS):
            # Older code writing a newer schema could break rules it does not know about.
            version = self.schema_version
            self._db.close()
            raise JournalTooNewError(f"journal schema {version} is from a newer Kasir QRIS")
        if self.schema_version == len(MIGRATIONS):
            return  # up to date: no write lock taken
        # One transaction for every step the file lacks: a new journal is made with one fsync, not
        # one per step (ten on a shop PC's disk at its first start), and an update that fails part
        # way leaves the file as it was, never between two versions.
        with self._tx():
            for version in range(self.schema_version + 1, len(MIGRATIONS) + 1):
                for statement in statements(version, TYPES):
                    self._db.execute(statement)
                self.backfill(version)
                self._db.execute(f"PRAGMA user_version = {version}")
