"""The 2026 rate limits and refusals in the running app (demo, real HTTP to the simulator): what the
cashier reads, and what the payment check does next."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kasir.simulator import OrkutSimulator
from kasir.sources import Source
from kasir.ui.main_window import MainWindow
from tests.gui_helpers import OpenApp, controller_of, open_app, sim_of, start_sale, write_settings

__all__ = ["open_app"]  # fixture

FAST_HISTORY = {"history_interval_s": 0.3}


def on_today(open_app: OpenApp, qtbot: QtBot, tmp_path: Path, profile: str = "today") -> MainWindow:
    """The demo on today's service (or the gateway), the shop's QRIS known, the history read once."""
    write_settings(tmp_path / "demo", **FAST_HISTORY)
    window = open_app(["--demo", "--demo-profile", profile, "--data-dir", str(tmp_path)])
    controller = controller_of(window)
    qtbot.waitUntil(lambda: controller.logged_in and bool(controller.shop_qris), timeout=10_000)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    return window


def history_asked(sim: OrkutSimulator) -> int:
    return sim.calls.get("/mutasi", 0) + sim.calls.get("/orkut/pg-hidepulsa", 0)


@pytest.mark.parametrize("shape", ["rate_429", "rate_nested"])
def test_a_rate_limit_pauses_the_history_for_five_minutes_for_payments_and_panel(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, shape: str
) -> None:
    window = on_today(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    sim.set_shape(shape)
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: controller.watcher.choice.cooldown_left(Source.HISTORY).total_seconds() > 0, timeout=10_000)
    for choice in (controller.watcher.choice, controller.panel.choice):  # one upstream menu: both rest
        assert 295 < choice.cooldown_left(Source.HISTORY).total_seconds() <= 300
    qtbot.waitUntil(lambda: "Cek pembayaran: dijeda server (4:5" in window.payment_source_label.text(), timeout=5_000)
    assert "Coba lagi dalam 5 menit" in window.connection_banner.text()


@pytest.mark.parametrize(
    ("shape", "said", "logged"),
    [
        ("net_refused", "Gunakan Jaringan Internet Lainnya", "the upstream refuses the proxy's network"),
        ("version_gate", "Silakan perbarui aplikasi Order Kuota", "the upstream's app-version gate"),
    ],
)
def test_a_refusal_is_said_and_logged_checks_go_on_at_their_cadence_and_the_sale_pays_once_it_is_fixed(
    open_app: OpenApp,
    qtbot: QtBot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    shape: str,
    said: str,
    logged: str,
) -> None:
    window = on_today(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    caplog.set_level(logging.INFO)
    sim.set_shape(shape)
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: said in window.connection_banner.text(), timeout=10_000)
    assert "pengelola server API" in window.connection_banner.text()
    assert any(r.levelno == logging.WARNING and logged in r.getMessage() for r in caplog.records)
    checks: list[str] = []
    controller.watcher.trouble.connect(checks.append)  # one per failed payment check
    # At the 0.3 s cadence, not backing off (0.6, 1.2, 2.4, 4.8 s ... would take over 9 s for five).
    qtbot.waitUntil(lambda: len(checks) >= 5, timeout=5_000)
    assert not controller.watcher.choice.cooldown_left() and not controller.panel.choice.cooldown_left()
    assert "dijeda" not in window.payment_source_label.text()
    sim.set_shape(shape, on=False)  # the proxy's operator fixed it
    sim.pay(controller.view.nominal or 0)
    qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
    assert not window.connection_banner.isVisible()


def test_the_gateways_own_state_shows_in_the_bottom_label_while_it_serves_payments(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    window = on_today(open_app, qtbot, tmp_path, profile="gateway")
    controller, sim = controller_of(window), sim_of(window)
    controller.watcher.choice.gateway.every = timedelta(0)  # ask at every check, not once a minute
    start_sale(qtbot, window)
    qtbot.waitUntil(lambda: "Server pembayaran aktif (ONLINE)" in window.payment_source_label.text(), timeout=10_000)
    sim.set_shape("gateway_offline")
    qtbot.waitUntil(
        lambda: "Server pembayaran tidak aktif (OFFLINE)" in window.payment_source_label.text(), timeout=10_000
    )
    assert sim.cekaktif_bodies[-1]["merchant"] == sim.account_id
