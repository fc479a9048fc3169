"""The daily-limit warning where the cashier sees "Total masuk" (issue 25, item 4), through the demo app."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui_helpers import OpenApp, controller_of, demo, open_app, refresh_mutasi, sim_of

__all__ = ["open_app"]  # fixtures


def test_the_cashier_is_warned_as_the_days_money_in_nears_the_accounts_daily_limit(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = demo(open_app, qtbot, tmp_path, daily_limit=100_000)
    sim = sim_of(window)
    qtbot.waitUntil(lambda: controller_of(window).settings.base_qr != "", timeout=10_000)  # its notice is said
    refresh_mutasi(qtbot, window)
    already = controller_of(window).mutasi_model.total_in()
    assert already < 80_000 and "batas harian" not in window.notice_label.text()

    sim.pay(80_000 - already)
    refresh_mutasi(qtbot, window)
    assert window.total_today.text() == "Total masuk: Rp 80.000 · 80% batas harian"
    assert "80% dari batas harian akun (Rp 100.000)" in window.notice_label.text()

    window.notice_label.setText("")  # the cashier typed on: the same threshold is not said again today
    sim.pay(1_000)
    refresh_mutasi(qtbot, window)
    assert window.notice_label.text() == ""

    sim.pay(14_000)
    refresh_mutasi(qtbot, window)
    assert "95% dari batas harian akun" in window.notice_label.text()
    assert window.total_today.text() == "Total masuk: Rp 95.000 · 95% batas harian"
