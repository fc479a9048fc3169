"""One Kasir QRIS per data folder.

Two copies on one journal (a cashier double-clicks the icon) would both watch the open sale: one
settles it and the other keeps showing the paid QR as waiting, inviting a second payment. So the
first copy holds a QLockFile in the data folder, taken before the journal is opened; Qt notices a
lock left by a crashed copy (its process is gone) and takes it over. A second copy touches a
"bring to front" file that the first one watches, says so, and exits without opening the journal.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QLockFile, QObject, Signal

from kasir.errors import KasirError

log = logging.getLogger(__name__)

LOCK_NAME = "kasir.lock"
RAISE_NAME = "kasir.raise"


class AlreadyRunningError(KasirError):
    default_message = "Kasir QRIS sudah terbuka untuk folder data ini. Jendela yang sudah terbuka dibawa ke depan."


class InstanceLock(QObject):
    """Held for the life of the app; ``raise_requested`` fires when a second copy was started."""

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dir = data_dir
        self._lock = QLockFile(str(data_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however young
        self._watcher: QFileSystemWatcher | None = None

    def acquire(self) -> None:
        """Take the lock, or ask the running copy to come forward and raise AlreadyRunningError."""
        self._dir.mkdir(parents=True, exist_ok=True)
        if not self._lock.tryLock(0):
            error = self._lock.error()
            if error == QLockFile.LockError.LockFailedError:
                (self._dir / RAISE_NAME).write_text("raise", encoding="utf-8")
                raise AlreadyRunningError(str(self._dir))
            raise OSError(f"lock {self._dir / LOCK_NAME}: {error}")
        with contextlib.suppress(OSError):
            (self._dir / RAISE_NAME).unlink()  # a request left over from before this start
        self._watcher = QFileSystemWatcher([str(self._dir)], self)
        self._watcher.directoryChanged.connect(lambda _path: self._check_raise())

    def _check_raise(self) -> None:
        request = self._dir / RAISE_NAME
        if request.exists():
            with contextlib.suppress(OSError):
                request.unlink()
            log.info("a second start asked this window to come to the front")
            self.raise_requested.emit()

    def release(self) -> None:
        if self._watcher is not None:
            self._watcher.removePaths(self._watcher.directories())
        self._lock.unlock()
