"""Shared pieces for tests that drive the real app through kasir.app.create_window."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from kasir.app import create_window
from kasir.simulator import OrkutSimulator
from kasir.ui.controller import SaleController
from kasir.ui.login_dialog import LoginDialog
from kasir.ui.main_window import MainWindow

FAST = {"poll_interval_s": 0.2, "mutasi_interval_s": 30.0}


class MemoryKeyring(KeyringBackend):
    """An in-memory OS keyring for tests: real keyring API, no real secrets touched."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def write_settings(directory: Path, **values: Any) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.json").write_text(json.dumps({**FAST, **values}), encoding="utf-8")


def controller_of(window: MainWindow) -> SaleController:
    controller: SaleController = window.controller  # type: ignore[attr-defined]
    return controller


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The OS keyring, in memory: what ``kasir.credentials.os_keyring`` gives on every OS."""
    from kasir import credentials

    backend = MemoryKeyring()
    monkeypatch.setattr(credentials, "os_keyring", lambda: backend)
    return backend


@pytest.fixture
def open_app(qtbot: QtBot) -> Iterator[Callable[[list[str]], MainWindow]]:
    windows: list[MainWindow] = []

    def factory(argv: list[str]) -> MainWindow:
        window = create_window(argv)
        assert isinstance(window, MainWindow)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        if window.isVisible():
            window.force_close()


OpenApp = Callable[[list[str]], MainWindow]


def demo(open_app: OpenApp, qtbot: QtBot, tmp_path: Path, **settings: object) -> MainWindow:
    write_settings(tmp_path / "demo", **settings)
    window = open_app(["--demo", "--data-dir", str(tmp_path)])
    # Logged in at once (the demo's keyring holds its token); receipts come on the next event-loop
    # turn, and a test that pays at once must find them there as a cashier would.
    qtbot.waitUntil(
        lambda: controller_of(window).logged_in and window.findChild(QObject, "receipt_printer") is not None,
        timeout=10_000,
    )
    return window


def sim_of(window: MainWindow) -> OrkutSimulator:
    sim = window.context.simulator  # type: ignore[attr-defined]
    assert sim is not None
    return sim


def type_total(qtbot: QtBot, window: MainWindow, digits: str) -> None:
    for digit in digits:
        qtbot.keyClick(window, digit)


def wait_for_polls(qtbot: QtBot, sim: OrkutSimulator, count: int) -> None:
    """Let the watcher ask the server ``count`` more times, so a wrong settle would have happened."""
    path = "/kasir/orkut/status-pembayaran"
    polls = sim.calls.get(path, 0)
    qtbot.waitUntil(lambda: sim.calls.get(path, 0) >= polls + count, timeout=10_000)


def start_sale(qtbot: QtBot, window: MainWindow, digits: str = "25000") -> None:
    qtbot.waitUntil(lambda: controller_of(window).ready, timeout=10_000)  # the keyring is read off the GUI thread
    type_total(qtbot, window, digits)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller_of(window).view.state == "awaiting", timeout=10_000)


def refresh_mutasi(qtbot: QtBot, window: MainWindow) -> None:
    """Reload the side panel as the cashier's button does, and wait for the answer."""
    controller = controller_of(window)
    qtbot.waitUntil(lambda: not controller.panel.busy, timeout=10_000)
    with qtbot.waitSignal(controller.mutasi_changed, timeout=10_000):
        qtbot.mouseClick(window.refresh_button, Qt.MouseButton.LeftButton)


def mutasi_notes(window: MainWindow) -> list[str]:
    """The side panel's Keterangan column, top to bottom."""
    model = controller_of(window).mutasi_model
    return [model.index(row, 4).data() for row in range(model.rowCount())]


def select_mutasi_row(window: MainWindow, row: int) -> None:
    window.mutasi_view.selectRow(row)


def seed_account(keyring_backend: MemoryKeyring, sim: OrkutSimulator, data_dir: Path) -> None:
    """An account already set up: key and token in the keyring, username and merchant in settings."""
    keyring_backend.set_password("kasir-qris", "api_key", sim.api_key)
    keyring_backend.set_password("kasir-qris", "auth_token", sim.issue_token())
    write_settings(data_dir, username=sim.username, merchant=sim.account_id)


def login_through_dialog(qtbot: QtBot, window: MainWindow, sim: OrkutSimulator) -> LoginDialog:
    """Fill the login dialog as a cashier does, up to (not including) Simpan."""
    qtbot.waitUntil(lambda: window.findChild(LoginDialog, "login_dialog") is not None, timeout=10_000)
    dialog = window.findChild(LoginDialog, "login_dialog")
    assert dialog is not None and dialog.isVisible()
    dialog.api_key_input.setText(sim.api_key)
    dialog.username_input.setText(sim.username)
    dialog.password_input.setText(sim.password)
    qtbot.mouseClick(dialog.request_otp_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.otp_input.isEnabled, timeout=10_000)
    assert dialog.password_input.text() == ""  # forgotten once the server took it
    dialog.otp_input.setText(sim.otp)
    qtbot.mouseClick(dialog.verify_otp_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    return dialog


def cancel_sale(qtbot: QtBot, window: MainWindow) -> None:
    """Cancel the live QR as a cashier does: Esc, and Esc again to confirm."""
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert controller_of(window).view.state == "cancelled"


def set_clock(controller: SaleController, clock: Callable[[], datetime]) -> None:
    """Move the app's injected clock (the controller, the checkout, the till and the panel share it)."""
    controller.clock = controller.checkout.clock = controller.till.clock = controller.panel.clock = clock
