"""Which monitor the customer display goes to, and following monitors plugged in or out."""

from __future__ import annotations

import logging

from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


def choose_screen(preferred_name: str, override_index: int | None) -> QScreen | None:
    """The screen for the customer, or None when only the cashier's screen exists.

    ``--customer-screen N`` wins; then the remembered screen *name*; then the first
    screen that is not the primary one.
    """
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    if override_index is not None:
        if 0 <= override_index < len(screens):
            return screens[override_index]
        log.warning("customer screen %d does not exist (%d screens)", override_index, len(screens))
    if len(screens) < 2:
        return None
    for screen in screens:
        if preferred_name and screen.name() == preferred_name:
            return screen
    others = [s for s in screens if s is not primary]
    return others[0] if others else None


def place(window: QWidget, screen: QScreen | None) -> None:
    """Full screen on the customer's monitor; an ordinary window when there is none."""
    if screen is None:
        if window.isFullScreen():
            window.showNormal()
        primary = QGuiApplication.primaryScreen()
        if primary is not None:
            area = primary.availableGeometry()
            window.resize(min(960, area.width() * 2 // 3), min(600, area.height() * 2 // 3))
        window.show()
        return
    window.hide()  # a full-screen window moves to another screen only when re-shown there
    window.setScreen(screen)
    window.move(screen.geometry().topLeft())
    window.showFullScreen()
