"""A data directory that cannot hold sales stops the app at start, with a reason a shop owner can act on."""

from __future__ import annotations

import ctypes
import logging
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kasir import app
from kasir.datadir import DataDirError, Usage, ensure_writable
from kasir.journal_sqlite import FILENAME, SqliteJournal

ROOT = Path(__file__).resolve().parent.parent
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def without_root_override() -> None:
    """Root ignores file modes; without CAP_DAC_OVERRIDE a 0555 folder is read-only for it too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_kasir(data_dir: Path, preexec: object = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kasir", "--demo", "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=preexec,  # type: ignore[arg-type]
        check=False,
    )


def test_a_missing_data_directory_is_created(tmp_path: Path) -> None:
    ensure_writable(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()
    assert list((tmp_path / "a" / "b").iterdir()) == []  # the probe leaves nothing behind


def test_the_write_check_does_not_wait_for_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # It runs before the first frame: a refused write is the answer it needs, and an fsync cost
    # 2 ms here (tens of ms on a shop PC's disk). The journal fsyncs its own commits.
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    ensure_writable(tmp_path / "data")
    assert synced == []


def test_a_file_in_place_of_the_data_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(DataDirError, match="tidak dapat ditulis"):
        ensure_writable(tmp_path / "data")


def test_too_little_free_space_is_refused_before_any_sale(tmp_path: Path) -> None:
    with pytest.raises(DataDirError, match="Disk hampir penuh: sisa 5 MB"):
        ensure_writable(tmp_path, usage=lambda _p: Usage(100 << 20, 95 << 20, 5 << 20))


def test_a_read_only_data_directory_stops_the_app_with_a_clear_message(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    tmp_path.chmod(0o755)

    result = run_kasir(locked, without_root_override)
    assert result.returncode == 2, result.stderr
    assert "Kasir QRIS tidak dapat dimulai" in result.stderr
    assert "tidak dapat ditulis" in result.stderr and "--data-dir" in result.stderr
    assert not (locked / "demo").exists()


def test_a_full_disk_stops_the_app_with_a_clear_message(tmp_path: Path) -> None:
    def tiny_disk() -> None:
        # The kernel refuses writes past 16 KiB, as a full disk would (EFBIG instead of ENOSPC).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))

    result = run_kasir(tmp_path, tiny_disk)
    assert result.returncode == 2, result.stderr
    assert "Disk penuh" in result.stderr


def test_a_journal_from_a_newer_version_stops_the_app(tmp_path: Path) -> None:
    journal = SqliteJournal(tmp_path / "demo" / FILENAME)
    journal._db.execute("PRAGMA user_version = 999")
    journal.close()
    result = run_kasir(tmp_path)
    assert result.returncode == 2
    assert "versi Kasir QRIS yang lebih baru" in result.stderr


def test_logs_rotate_and_stay_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "LOG_MAX_BYTES", 10_000)
    monkeypatch.setattr(app, "LOG_BACKUPS", 3)
    handler = app.setup_logging(tmp_path)
    try:
        for i in range(2_000):
            logging.getLogger("kasir.test").info("line %05d of a long shift at the counter", i)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    files = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert files == ["kasir.log", "kasir.log.1", "kasir.log.2", "kasir.log.3"]
    assert all((tmp_path / "logs" / f).stat().st_size <= 10_000 for f in files)


def test_a_record_still_on_its_way_to_the_start_log_is_written_by_the_rotating_one(tmp_path: Path) -> None:
    """The start's plain handler hands over: a worker that picked it up just before writes through
    the rotating handler, and the file is never reopened behind its back (on Windows an open
    handle would block the rotation's rename at 1 MB, and every record after it would fail)."""
    start = app.setup_logging(tmp_path, rotating=False)
    rotating = app.setup_logging(tmp_path)
    try:
        late = logging.LogRecord("kasir.test", logging.INFO, __file__, 1, "a line on its way", None, None)
        start.handle(late)
        rotating.flush()
        assert getattr(start, "stream", None) is None  # closed, and not opened again
        assert "a line on its way" in (tmp_path / "logs" / "kasir.log").read_text(encoding="utf-8")
        kasir_handlers = [h for h in logging.getLogger().handlers if getattr(h, "kasir_log", False)]
        assert kasir_handlers == [rotating]
    finally:
        logging.getLogger().removeHandler(rotating)
        rotating.close()
