"""A daily copy of the journal in the data folder, kept 30 days.

SQLite's online backup API copies a consistent snapshot while the app keeps writing, a few pages
at a time, so a copy is never half a transaction. It runs on a low-priority thread of its own, once
a sale can begin (``kasir.ui.start_order``), with its own read connection (a sqlite3 connection
belongs to the thread that made it): a year of sales is 80 MB, seconds on a shop PC's disk.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "cadangan"
KEEP = timedelta(days=30)
STEP_PAGES = 256  # pages copied per step: 1 MB at SQLite's 4 KB pages, a few ms of disk
STEP_PAUSE_S = 0.002  # between steps: the till's own commits get the disk and the interpreter


class BackupStoppedError(Exception):
    """The app is closing: the copy was left unfinished (a ``.tmp``, never taken for a good copy)."""


def _never() -> bool:
    return False


def name_for(day: date) -> str:
    return f"journal-{day.isoformat()}.sqlite3"


def daily(
    journal_path: Path,
    day: date,
    keep: timedelta = KEEP,
    *,
    stop: Callable[[], bool] = _never,
    pause_s: float = STEP_PAUSE_S,
) -> Path | None:
    """Copy the journal once per WIB day; prune copies older than ``keep``. The new copy, or None.
    ``stop`` is asked between steps; when it says so the copy ends unfinished (BackupStoppedError)."""
    folder = journal_path.parent / FOLDER
    folder.mkdir(exist_ok=True)
    target = folder / name_for(day)
    made = None
    if not target.exists():
        partial = target.with_name(target.name + ".tmp")
        partial.unlink(missing_ok=True)  # an earlier copy cut short: begin again
        copy_in_steps(journal_path, partial, stop=stop, pause_s=pause_s)
        partial.replace(target)  # a copy cut short by a power cut never looks like a good one
        made = target
        log.info("journal backed up to %s/%s", FOLDER, target.name)
    _prune(folder, day - keep)
    return made


def copy_in_steps(
    journal_path: Path, target: Path, *, stop: Callable[[], bool] = _never, pause_s: float = STEP_PAUSE_S
) -> None:
    """SQLite's online backup, :data:`STEP_PAGES` at a time with a pause between steps, all from one
    snapshot: a read transaction is held on the source for the whole copy. In WAL mode the till's
    commits meanwhile neither wait for the copy nor (as between snapshots they would) restart it,
    so a busy counter never makes a long copy begin again and again."""
    source = sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True, isolation_level=None)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot is taken here

        def between_steps(_status: int, _remaining: int, _total: int) -> None:
            if stop():
                raise BackupStoppedError("journal backup stopped: the app is closing")
            if pause_s:
                time.sleep(pause_s)

        copy = sqlite3.connect(target)
        try:
            source.backup(copy, pages=STEP_PAGES, progress=between_steps)
        finally:
            copy.close()
    finally:
        source.close()


def maintain(journal_path: Path) -> str:
    """Keep a long-lived journal quick (fresh planner statistics, the WAL folded back into the file)
    and say how big it has grown, for the log: support can then see a year's journal at a glance."""
    db = sqlite3.connect(journal_path, timeout=5.0)
    try:
        db.execute("PRAGMA optimize")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sales = int(db.execute("SELECT count(*) FROM sales").fetchone()[0])
        payments = int(db.execute("SELECT count(*) FROM payments").fetchone()[0])
    finally:
        db.close()
    size = journal_path.stat().st_size
    return f"journal {size / 1e6:.1f} MB, {sales} sales, {payments} payments seen"


def _prune(folder: Path, before: date) -> None:
    for old in folder.glob("journal-*.sqlite3"):
        try:
            stamp = date.fromisoformat(old.name.removeprefix("journal-").removesuffix(".sqlite3"))
        except ValueError:
            continue  # not ours
        if stamp < before:
            old.unlink()
            log.info("old backup %s removed", old.name)
