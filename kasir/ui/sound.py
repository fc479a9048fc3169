"""A short, optional cue when a sale is paid: never the only signal."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def paid_cue() -> None:
    if sys.platform == "win32":
        import winsound

        # Card-terminal style: a double short beep, asynchronous so the GUI never waits.
        winsound.MessageBeep(winsound.MB_OK)
        return
    QApplication.beep()
