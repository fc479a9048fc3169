"""The few Qt flags the start needs, set without touching PySide6's ``Qt`` namespace.

PySide6 builds the ~90 Python enums of ``Qt`` (``Qt.FocusPolicy``, ``Qt.AlignmentFlag``, ...) on
their first touch: 15-40 ms on this machine class, a fifth of a bare window's whole start. The
cashier's first frame and what is built after it until a sale can begin need a few of their
values, so they are set by Qt property name (or, for the item roles Qt passes as ints, compared)
with the values Qt documents; ``Qt`` itself is first touched soon after a sale can begin, where it
costs no one a wait (issues 14 and 25). ``tests/test_startup_imports.py`` and
``tests/test_start_order.py`` keep it that way.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

NO_FOCUS = 0x0  # Qt::NoFocus
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080  # Qt::AlignRight | Qt::AlignVCenter
ALIGN_CENTER = 0x0004 | 0x0080  # Qt::AlignHCenter | Qt::AlignVCenter

# Qt::Key: QKeyEvent.key() is a plain int. A key typed before the namespace exists needs none of it.
KEY_ESCAPE, KEY_BACKSPACE, KEY_RETURN, KEY_ENTER = 0x01000000, 0x01000003, 0x01000004, 0x01000005
KEY_F8, KEY_F12 = 0x01000037, 0x0100003B

# Qt::ItemDataRole: a model's data() gets its role as a plain int.
DISPLAY_ROLE, TOOLTIP_ROLE, TEXT_ALIGNMENT_ROLE = 0, 3, 7
BACKGROUND_ROLE, FOREGROUND_ROLE, USER_ROLE = 8, 9, 0x0100


def no_focus(widget: QWidget) -> None:
    """Clicks work, the keyboard stays with the window: typed digits always reach the total."""
    widget.setProperty("focusPolicy", NO_FOCUS)


def align_right(label: QLabel) -> None:
    label.setProperty("alignment", ALIGN_RIGHT_VCENTER)


def align_center(label: QLabel) -> None:
    label.setProperty("alignment", ALIGN_CENTER)
