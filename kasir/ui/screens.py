"""Which monitor the customer display goes to, and following monitors plugged in or out."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRect
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


def place(window: QWidget, screen: QScreen | None, *, separate: bool = False) -> None:
    """Full screen on the customer's monitor. With one monitor the customer's view is the preview
    docked in the cashier's window, and a separate window only when asked for (F7): a window
    raised over the keypad would hide what the cashier types."""
    if screen is None:
        if window.isFullScreen():
            window.showNormal()
        if not separate:
            window.hide()
            return
        primary = QGuiApplication.primaryScreen()
        if primary is not None:
            # The right half, bottom: over the mutasi list, never over the keypad on the left, and
            # below the sale's state. Anchored at the bottom, its title bar (with the close button)
            # stays on screen even where Qt does not know the frame yet and places the inside.
            area = primary.availableGeometry()
            width, height = min(960, area.width() // 2), min(600, area.height() * 2 // 3)
            window.resize(width, height)
            outer, inner = window.frameGeometry(), window.geometry()  # the same until decorated
            frame_w, frame_h = (outer.width() - inner.width()) or 4, (outer.height() - inner.height()) or 32
            window.move(area.right() + 1 - width - frame_w, area.bottom() + 1 - height - frame_h)
        window.show()
        return
    if window.isVisible() and window.isFullScreen() and window.screen() is screen:
        return  # already there: hidden and shown again, it raced the window manager and came back small
    window.hide()  # a full-screen window moves to another screen only when re-shown there
    window.setScreen(screen)
    window.move(screen.geometry().topLeft())
    # A fresh full-screen request, whatever Qt last heard from the window manager; and not
    # showFullScreen(), which also activates the window and would take the keys from the cashier.
    from PySide6.QtCore import Qt  # not at import: the first frame uses fit_geometry (kasir.ui.qt_flags)

    full = Qt.WindowState.WindowFullScreen
    window.setWindowState(window.windowState() & ~full)
    window.setWindowState(window.windowState() | full)
    window.show()


def fit_geometry(saved: QRect, screens: list[QScreen]) -> QRect | None:
    """A remembered window rectangle moved inside the screens present, or None when none holds it."""
    for screen in screens:
        area = screen.availableGeometry()
        if area.intersects(saved):
            width, height = min(saved.width(), area.width()), min(saved.height(), area.height())
            left = min(max(saved.left(), area.left()), area.right() - width + 1)
            top = min(max(saved.top(), area.top()), area.bottom() - height + 1)
            return QRect(left, top, width, height)
    return None
