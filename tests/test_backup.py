"""A daily copy of the journal, kept 30 days, taken while the app writes."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from kasir import backup
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation
from kasir.wib import now


def test_a_days_copy_holds_the_sales_and_is_made_once(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    journal.create_sale(Allocation(25_000, 1, 25_001), now(), now())
    day = date(2026, 11, 25)
    made = backup.daily(journal.path, day)
    assert made is not None and made.name == "journal-2026-11-25.sqlite3"
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT nominal FROM sales").fetchall() == [(25_001,)]
    assert backup.daily(journal.path, day) is None  # once a day
    journal.close()


def test_copies_older_than_thirty_days_are_removed_and_others_kept(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    folder = tmp_path / backup.FOLDER
    folder.mkdir()
    today = date(2026, 11, 25)
    for age in (1, 30, 31, 32, 90):  # days before today
        (folder / backup.name_for(today - timedelta(days=age))).write_bytes(b"old copy")
    (folder / "notes.txt").write_text("not a backup")
    backup.daily(journal.path, today)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [
        "journal-2026-10-26.sqlite3",  # 30 days old: kept
        "journal-2026-11-24.sqlite3",
        "journal-2026-11-25.sqlite3",
        "notes.txt",
    ]
    journal.close()


def test_upkeep_folds_the_wal_back_and_reports_size_and_rows(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    journal.create_sale(Allocation(25_000, 1, 25_001), now(), now())
    line = backup.maintain(journal.path)
    assert "1 sales" in line and "0 payments" in line and "MB" in line
    assert (tmp_path / "journal.sqlite3-wal").stat().st_size == 0
    journal.close()


def test_the_copy_goes_in_small_steps_from_one_snapshot_while_the_till_keeps_committing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    for i in range(300):
        journal.create_sale(Allocation(25_000 + i, 1, 25_001 + i), now(), now())
    pages = int(journal._db.execute("PRAGMA page_count").fetchone()[0])
    monkeypatch.setattr(backup, "STEP_PAGES", 2)
    steps = []
    written_during_copy = []

    def between_steps() -> bool:
        steps.append(1)
        if len(steps) % 3 == 0:  # the till sells on between two steps, and its commit does not wait
            sale = journal.create_sale(Allocation(90_000 + len(steps), 1, 90_001 + len(steps)), now(), now())
            written_during_copy.append(sale.id)
        return False

    made = backup.daily(journal.path, date(2026, 11, 25), stop=between_steps, pause_s=0)
    assert made is not None
    assert written_during_copy  # the till committed while the copy ran
    assert len(steps) <= pages // 2 + 2  # one pass: a commit between steps never restarted the copy
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT count(*) FROM sales").fetchone() == (300,)  # the snapshot it began with
    journal.close()


def test_a_copy_stopped_midway_is_never_taken_for_the_days_copy(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    for i in range(300):
        journal.create_sale(Allocation(25_000 + i, 1, 25_001 + i), now(), now())
    day = date(2026, 11, 25)
    with pytest.raises(backup.BackupStoppedError):
        backup.daily(journal.path, day, stop=lambda: True)  # the app closes during the copy
    assert not (tmp_path / backup.FOLDER / backup.name_for(day)).exists()
    made = backup.daily(journal.path, day)  # the next start makes it whole
    assert made is not None
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT count(*) FROM sales").fetchone() == (300,)
    journal.close()
