"""The few Qt flags the first frame needs, set without touching PySide6's ``Qt`` namespace.

PySide6 builds the ~90 Python enums of ``Qt`` (``Qt.FocusPolicy``, ``Qt.AlignmentFlag``, ...) on
their first touch: 25-40 ms on this machine class, a fifth of a bare window's whole start. The
cashier's first frame needs three of their values, so it sets them by Qt property name with the
values Qt documents; ``Qt`` itself is first touched after the first paint, where it costs no one
a wait (issue 14). ``tests/test_startup_imports.py`` keeps it that way.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

NO_FOCUS = 0x0  # Qt::NoFocus
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080  # Qt::AlignRight | Qt::AlignVCenter
ALIGN_CENTER = 0x0004 | 0x0080  # Qt::AlignHCenter | Qt::AlignVCenter


def no_focus(widget: QWidget) -> None:
    """Clicks work, the keyboard stays with the window: typed digits always reach the total."""
    widget.setProperty("focusPolicy", NO_FOCUS)


def align_right(label: QLabel) -> None:
    label.setProperty("alignment", ALIGN_RIGHT_VCENTER)


def align_center(label: QLabel) -> None:
    label.setProperty("alignment", ALIGN_CENTER)
