"""The Qt values the start sets and compares as plain ints (kasir.ui.qt_flags) are Qt's own."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kasir.ui import qt_flags


@pytest.mark.parametrize(
    ("ours", "qt"),
    [
        (qt_flags.NO_FOCUS, Qt.FocusPolicy.NoFocus),
        (qt_flags.ALIGN_RIGHT_VCENTER, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
        (qt_flags.ALIGN_CENTER, Qt.AlignmentFlag.AlignCenter),
        (qt_flags.KEY_ESCAPE, Qt.Key.Key_Escape),
        (qt_flags.KEY_BACKSPACE, Qt.Key.Key_Backspace),
        (qt_flags.KEY_RETURN, Qt.Key.Key_Return),
        (qt_flags.KEY_ENTER, Qt.Key.Key_Enter),
        (qt_flags.KEY_F8, Qt.Key.Key_F8),
        (qt_flags.KEY_F12, Qt.Key.Key_F12),
        (qt_flags.DISPLAY_ROLE, Qt.ItemDataRole.DisplayRole),
        (qt_flags.TOOLTIP_ROLE, Qt.ItemDataRole.ToolTipRole),
        (qt_flags.TEXT_ALIGNMENT_ROLE, Qt.ItemDataRole.TextAlignmentRole),
        (qt_flags.BACKGROUND_ROLE, Qt.ItemDataRole.BackgroundRole),
        (qt_flags.FOREGROUND_ROLE, Qt.ItemDataRole.ForegroundRole),
        (qt_flags.USER_ROLE, Qt.ItemDataRole.UserRole),
    ],
)
def test_each_plain_value_is_qts_own(ours: int, qt: object) -> None:
    assert ours == qt.value  # type: ignore[attr-defined]
