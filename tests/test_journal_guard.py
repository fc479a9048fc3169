"""A journal that vanishes under the running app stops the selling; a damaged one is kept aside."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir import app as kasir_app
from kasir.journal import JournalCorruptError, JournalGoneError
from kasir.journal_sqlite import FILENAME, SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from kasir.wib import WIB, now
from tests.gui_helpers import OpenApp, controller_of, demo, open_app, start_sale, type_total
from tests.processes import run_kasir

__all__ = ["open_app"]  # fixture


def delete(path: Path) -> None:
    path.unlink()


def truncate(path: Path) -> None:
    os.truncate(path, 0)


def replace(path: Path) -> None:
    other = path.with_name("other.sqlite3")
    SqliteJournal(other).close()
    os.replace(other, path)


@pytest.mark.parametrize("harm", [delete, truncate, replace], ids=["deleted", "truncated", "replaced"])
def test_a_journal_harmed_under_the_running_app_stops_the_selling_with_a_message(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, harm: Callable[[Path], None]
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller = controller_of(window)
    start_sale(qtbot, window)
    controller.cancel()
    path = tmp_path / "demo" / FILENAME
    harm(path)
    type_total(qtbot, window, "30000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert controller.view.state in ("cancelled", "idle")  # no new sale began
    assert "hilang, diganti atau terpotong" in window.notice_label.text()
    assert "hilang" in window.connection_banner.text() and window.connection_banner.isVisible()
    assert controller.till.journal.gone


def test_writes_to_a_deleted_journal_file_are_refused(tmp_path: Path) -> None:
    journal = SqliteJournal.in_dir(tmp_path)
    (tmp_path / FILENAME).unlink()
    with pytest.raises(JournalGoneError):
        journal.create_sale(Allocation(1_000, 1, 1_001), now(), now())
    assert not (tmp_path / FILENAME).exists()
    journal.close()


def test_a_file_that_is_no_database_is_damaged_not_a_disk_problem(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(JournalCorruptError):
        SqliteJournal.in_dir(tmp_path)


def test_a_damaged_journal_stops_a_headless_start_and_blames_the_file_not_the_disk(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)
    (data / "demo" / FILENAME).write_bytes(b"garbage" * 1000)
    result = run_kasir("--demo", "--data-dir", str(data), home=tmp_path)
    assert result.returncode == 2
    assert "rusak" in result.stderr and "ruang disk" not in result.stderr
    assert (data / "demo" / FILENAME).read_bytes() == b"garbage" * 1000  # untouched


def test_a_damaged_journal_is_kept_aside_and_a_new_one_begins_when_the_shop_agrees(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "demo").mkdir(parents=True)
    (tmp_path / "demo" / FILENAME).write_bytes(b"garbage" * 1000)
    monkeypatch.setattr(kasir_app, "_ask_yes", lambda *_args: True)
    window = demo(open_app, qtbot, tmp_path)
    kept = list((tmp_path / "demo").glob(f"{FILENAME}.rusak-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"garbage" * 1000
    start_sale(qtbot, window)  # the new journal takes sales
    assert controller_of(window).till.journal.get(controller_of(window).view.sale_id or 0).state == "awaiting"


def test_a_journal_path_that_cannot_be_a_database_is_a_journal_error_not_a_crash(tmp_path: Path) -> None:
    from kasir.journal import JournalError

    (tmp_path / "folder.sqlite3").mkdir()
    with pytest.raises(JournalError, match="cannot open"):
        SqliteJournal(tmp_path / "folder.sqlite3")


def test_the_journal_says_where_it_lives_and_keeps_itself_without_a_copy_when_told(tmp_path: Path) -> None:
    from datetime import date

    journal = SqliteJournal.in_dir(tmp_path)
    assert journal.where == str(tmp_path / FILENAME)
    line = journal.upkeep(date(2026, 11, 25), backup=False)
    assert "0 sales" in line and not (tmp_path / "cadangan").exists()
    journal.close()


def test_a_write_the_database_refuses_is_a_journal_error(tmp_path: Path) -> None:
    from kasir.journal import JournalError

    journal = SqliteJournal.in_dir(tmp_path)
    journal._db.execute("PRAGMA query_only = ON")  # every write refused, as a read-only mount does
    with pytest.raises(JournalError, match="write failed"):
        journal.record_payments([MutasiEntry(datetime(2026, 11, 25, 9, tzinfo=WIB), 1, "CR", "", "", "R", "", None)])
    journal.close()
