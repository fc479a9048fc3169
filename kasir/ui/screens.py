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


def place(
    window: QWidget,
    screen: QScreen | None,
    *,
    separate: bool = False,
    owner: QWidget | None = None,
    over: QRect | None = None,
) -> None:
    """Full screen on the customer's monitor. With one monitor the customer's view is the preview
    docked in the cashier's window, and a separate window only when asked for (F7), owned by the
    cashier's window (``owner``) and laid over the preview (``over``, in screen coordinates)."""
    if screen is None:
        if window.isFullScreen():
            window.showNormal()
        if not separate:
            window.hide()
            return
        _own(window, owner)
        _lay_over(window, over)
        window.show()
        return
    _own(window, None)  # full screen on its own monitor: it must not hide when the cashier's window is minimized
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


def _own(window: QWidget, owner: QWidget | None) -> None:
    """Make ``owner`` the window's owner: a tool window with a parent widget is transient for it
    (X11's WM_TRANSIENT_FOR; an owned window on Windows), and window managers keep it above its
    owner, so a click on the cashier's keypad no longer raises the maximized cashier's window over
    the customer's QR or LUNAS. Without an owner it is a plain window again (full screen on the
    customer's monitor, not hidden with the cashier's window). Qt's xcb marks only dialogs, tools
    and popups as transient, so a parent alone is not enough."""
    from PySide6.QtCore import Qt  # not at import: the first frame uses fit_geometry (kasir.ui.qt_flags)

    kind = Qt.WindowType.Tool if owner is not None else Qt.WindowType.Window
    flags = (window.windowFlags() & ~Qt.WindowType.WindowType_Mask) | kind
    if window.parentWidget() is not owner or window.windowFlags() != flags:
        window.setParent(owner, flags)  # hides it; the caller shows it again


def _lay_over(window: QWidget, over: QRect | None) -> None:
    """Over the docked preview, which it replaces: the keypad, the sale's state and the mutasi list
    with "Total masuk" stay in sight. Its title bar (with the close button) stays on screen too."""
    primary = QGuiApplication.primaryScreen()
    if primary is None:
        return
    area = primary.availableGeometry()
    if over is None or not area.intersects(over):  # no preview laid out: the right half, bottom, as before
        width, height = min(960, area.width() // 2), min(600, area.height() * 2 // 3)
        over = QRect(area.right() + 1 - width, area.bottom() + 1 - height, width, height)
    outer, inner = window.frameGeometry(), window.geometry()  # the same until decorated
    frame_w, frame_h = (outer.width() - inner.width()) or 4, (outer.height() - inner.height()) or 32
    width, height = max(200, over.width() - frame_w), max(150, over.height() - frame_h)
    window.resize(width, height)
    left = min(max(over.left(), area.left()), area.right() + 1 - width - frame_w)
    top = min(max(over.top(), area.top()), area.bottom() + 1 - height - frame_h)
    window.move(left, top)


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
