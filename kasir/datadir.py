"""Is the data directory safe to keep sales in? Checked once at start, before any sale.

A sale that cannot be journaled must never be taken, so a read-only folder or a full disk
stops the app with a message a shop owner can act on instead of failing at the first sale.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from kasir.errors import KasirError

MIN_FREE_BYTES = 20 * 1024 * 1024  # a day of sales is kilobytes; this leaves room for logs and WAL
_PROBE_BYTES = 64 * 1024
_FULL = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class Usage(NamedTuple):
    total: int
    used: int
    free: int


class DataDirError(KasirError):
    def __init__(self, path: Path, user_message: str) -> None:
        super().__init__(f"{path}: {user_message}")
        self.path = path
        self._message = user_message

    @property
    def user_message(self) -> str:
        return self._message


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def ensure_writable(
    path: Path,
    min_free: int = MIN_FREE_BYTES,
    usage: Callable[[Path], Usage] = lambda p: Usage(*shutil.disk_usage(p)),
) -> None:
    """Create ``path`` if needed, prove a file can be written there, and check the free space.

    No fsync: a read-only folder, missing rights or a full disk refuse the write itself, and an
    fsync here (2 ms on this machine's SSD, tens of ms on a shop PC's disk) came before the first
    frame. The journal fsyncs its own commits right after it, and says so if the disk fails.
    """
    probe = path / f".kasir-write-test-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        with probe.open("wb") as handle:
            handle.write(b"\0" * _PROBE_BYTES)
            handle.flush()
    except OSError as exc:
        if exc.errno in _FULL:
            raise DataDirError(path, f"Disk penuh: folder data {path} tidak dapat ditulis.") from exc
        raise DataDirError(
            path, f"Folder data {path} tidak dapat ditulis (hanya-baca atau tanpa izin: {exc.strerror or exc})."
        ) from exc
    finally:
        with contextlib.suppress(OSError):  # nothing to remove when the write never started
            probe.unlink()
    free = usage(path).free
    if free < min_free:
        raise DataDirError(
            path, f"Disk hampir penuh: sisa {_megabytes(free)} di {path}, perlu paling sedikit {_megabytes(min_free)}."
        )
