"""One monitor: the customer sees the docked preview in the cashier's window (issue 24)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui_helpers import OpenApp, controller_of, demo, open_app, sim_of, start_sale

__all__ = ["open_app"]  # fixture


@pytest.fixture(autouse=True)
def _one_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kasir.app.choose_screen", lambda *_args: None)


def test_the_preview_invites_the_customer_to_pay_by_qris_at_idle(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """It was a blank square until the first QR."""
    window = demo(open_app, qtbot, tmp_path)
    assert window.preview_page() == "idle"
    assert "Bayar pakai QRIS" in window.preview_message.text()


def test_the_preview_shows_the_qr_while_the_sale_waits(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    assert window.preview_page() == "awaiting"
    assert window.preview.property("payload") == controller_of(window).view.payload


def test_the_preview_says_lunas_with_the_amount_when_the_money_arrives(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    """It went blank at LUNAS: a customer at a one-monitor till got no paid sign."""
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    sim_of(window).pay(controller_of(window).view.nominal, brand="DANA")
    qtbot.waitUntil(lambda: controller_of(window).view.state == "paid", timeout=10_000)
    assert window.preview_page() == "paid"
    assert "LUNAS" in window.preview_message.text() and "Rp 25.001" in window.preview_message.text()


def test_money_paid_without_the_code_is_said_at_the_sale_at_the_next_check(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen kept "Menunggu pembayaran"; the Rp 25.000 row showed only in the side panel, up to 30 s later."""
    monkeypatch.setattr("kasir.ui.panel.AWAITING_LIST_S", 0.5)  # the list's cadence while a QR waits: 10 s
    window = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, window)
    window.simulate_wrong_button.click()
    qtbot.waitUntil(lambda: "tidak sama dengan tagihan" in window.notice_label.text(), timeout=10_000)
    assert "Rp 25.000" in window.notice_label.text() and controller_of(window).view.state == "awaiting"


def test_the_demo_restarted_lists_the_same_money_as_its_recap(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    """After a restart the side panel said Rp 30.002 while the Rekap said Rp 102.006."""
    first = demo(open_app, qtbot, tmp_path)
    start_sale(qtbot, first)
    sim_of(first).pay(controller_of(first).view.nominal)
    qtbot.waitUntil(lambda: controller_of(first).view.state == "paid", timeout=10_000)
    first.force_close()
    second = demo(open_app, qtbot, tmp_path)
    assert [p.amount for p in sim_of(second).payments] == [25_001]
