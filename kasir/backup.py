"""A daily copy of the journal in the data folder, kept 30 days.

SQLite's online backup API copies a consistent snapshot while the app keeps writing, page by
page, so a copy is never half a transaction. It runs on a worker thread with its own read
connection (a sqlite3 connection belongs to the thread that made it).
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, timedelta
from pathlib import Path

log = logging.getLogger(__name__)

FOLDER = "cadangan"
KEEP = timedelta(days=30)


def name_for(day: date) -> str:
    return f"journal-{day.isoformat()}.sqlite3"


def daily(journal_path: Path, day: date, keep: timedelta = KEEP) -> Path | None:
    """Copy the journal once per WIB day; prune copies older than ``keep``. The new copy, or None."""
    folder = journal_path.parent / FOLDER
    folder.mkdir(exist_ok=True)
    target = folder / name_for(day)
    made = None
    if not target.exists():
        partial = target.with_name(target.name + ".tmp")
        source = sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True)
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        partial.replace(target)  # a copy cut short by a power cut never looks like a good one
        made = target
        log.info("journal backed up to %s/%s", FOLDER, target.name)
    _prune(folder, day - keep)
    return made


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
