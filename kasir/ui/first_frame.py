"""The first frame: the cashier's window on screen before the journal, the HTTP client, keyring
or the demo's simulator load. ``kasir.app.finish_window`` completes the start right after it
has painted (issue 14); ``kasir.app.create_window`` does both at once for tests and the self-test.

Only what the first frame draws or must refuse is done here: the arguments' plan (settings, demo
or not), the data folder checked and locked (a second copy never shows a window), the cashier's
window built and placed where it was last time. The customer's window is built by
``finish_window``: it shows nothing before the journal is open, and building it (with the first
touch of PySide6's ``Qt`` enums) cost a fifth of a bare window's start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication

from kasir.cli import StartupError, plan_start
from kasir.datadir import DataDirError, ensure_writable
from kasir.errors import os_reason
from kasir.ui.main_window import MainWindow
from kasir.ui.screens import fit_geometry
from kasir.ui.single_instance import AlreadyRunningError, InstanceLock

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from kasir.cli import StartPlan

STORAGE_HINT = " Periksa ruang disk dan izin folder, atau pilih folder lain dengan --data-dir."


class FirstFrame:
    # A plain class, not a dataclass: building one runs exec() at import (~0.5 ms of the first frame).
    def __init__(self, args: argparse.Namespace, plan: StartPlan, instance: InstanceLock, window: MainWindow) -> None:
        self.args = args
        self.plan = plan
        self.instance = instance
        self.window = window
        self.painted = False
        self._waiting: list[Callable[[], object]] = []

    def after_first_paint(self, then: Callable[[], object]) -> None:
        """Run ``then`` on the event-loop turn after the window's first paint (at once if it has)."""
        if self.painted:
            QTimer.singleShot(0, then)
        else:
            self._waiting.append(then)

    def _painted(self) -> None:
        self.painted = True
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            QTimer.singleShot(0, then)


class _PaintWatch(QObject):
    def __init__(self, frame: FirstFrame) -> None:
        super().__init__(frame.window)
        self._frame = frame
        frame.window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._frame._painted()
        return False


def open_first_frame(args: argparse.Namespace) -> FirstFrame:
    """The plan, the data folder claimed, and the cashier's window shown; raises StartupError."""
    plan = plan_start(args)
    instance = claim_data_dir(plan)
    window = MainWindow(demo=plan.demo)  # the customer's window follows the first paint
    frame = FirstFrame(args, plan, instance, window)
    _PaintWatch(frame)
    restore_geometry(window, plan.settings.window_geometry)
    window.activateWindow()  # keys go to the cashier, never to the customer's screen
    return frame


def claim_data_dir(plan: StartPlan) -> InstanceLock:
    """Writable, and ours alone: checked before any window, so a refused start shows none."""
    instance = InstanceLock(plan.data_dir)
    try:
        ensure_writable(plan.data_dir)
        instance.acquire()  # before the journal is opened: a second copy never touches it
    except DataDirError as exc:
        raise StartupError(exc.user_message + STORAGE_HINT) from exc
    except AlreadyRunningError as exc:
        raise StartupError(exc.user_message) from exc
    except OSError as exc:
        raise StartupError(
            f"Folder data {plan.data_dir} tidak dapat ditulis ({os_reason(exc)}).{STORAGE_HINT}"
        ) from exc
    return instance


def restore_geometry(window: MainWindow, saved: str) -> None:
    """The last size and place, moved inside the screens present; maximized the first time."""
    from PySide6.QtCore import QByteArray  # only with a saved place (its type and enums: 0.5 ms)

    if saved and window.restoreGeometry(QByteArray.fromHex(saved.encode("ascii"))):
        if window.isMaximized():
            window.showMaximized()
            return
        fitted = fit_geometry(window.geometry(), QGuiApplication.screens())
        if fitted is not None:
            window.setGeometry(fitted)
            window.show()
            return
    window.showMaximized()
