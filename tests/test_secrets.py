"""No secret lands on disk: every file the app wrote is searched for the API key, token and password."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from kasir.credentials import API_KEY, AUTH_TOKEN
from kasir.recap import for_day, write_csv
from kasir.simulator import OrkutSimulator
from tests.gui_helpers import (
    MemoryKeyring,
    OpenApp,
    controller_of,
    login_through_dialog,
    memory_keyring,
    open_app,
    refresh_mutasi,
    start_sale,
)

__all__ = ["memory_keyring", "open_app"]  # fixtures

API_KEY_VALUE = "kunci-rahasia-7f3a9c1e5b"
PASSWORD = "sandi-toko-Q8w!x2"


def test_no_file_the_app_writes_holds_a_secret(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    with OrkutSimulator(api_key=API_KEY_VALUE, password=PASSWORD) as sim:
        window = open_app(["--api-url", sim.url, "--data-dir", str(tmp_path)])
        dialog = login_through_dialog(qtbot, window, sim)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        controller = controller_of(window)
        token = memory_keyring.store[("kasir-qris", AUTH_TOKEN)]
        assert memory_keyring.store[("kasir-qris", API_KEY)] == API_KEY_VALUE
        start_sale(qtbot, window)
        sim.inject("http401", path="/kasir/orkut/mutasi")  # errors get logged too
        controller.refresh_mutasi()
        qtbot.waitUntil(lambda: window.connection_banner.isVisible(), timeout=10_000)
        sim.pay(controller.view.nominal)
        qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
        refresh_mutasi(qtbot, window)
        window.findChild(QAction, "recap_action").trigger()  # type: ignore[union-attr]
        write_csv(for_day(controller.till.journal, controller.clock().date()), tmp_path / "rekap.csv")
        window.force_close()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"journal.sqlite3", "settings.json", "kasir.log", "rekap.csv"} <= names
    assert (tmp_path / "logs" / "kasir.log").stat().st_size > 0
    for path in written:
        data = path.read_bytes()
        for secret in (API_KEY_VALUE, token, PASSWORD):
            assert secret.encode() not in data, f"{secret[:4]}… found in {path.name}"


class _RefusesToDeleteNothing(MemoryKeyring):
    """keyring's real backends raise PasswordDeleteError for a secret that is not there."""

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        super().delete_password(service, username)


def test_deleting_a_secret_that_is_not_there_keeps_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    from kasir import credentials

    vault = _RefusesToDeleteNothing()
    monkeypatch.setattr(credentials, "os_keyring", lambda: vault)
    store = credentials.KeyringStore()
    store.delete(AUTH_TOKEN)
    store.set(API_KEY, "kunci")
    assert store.persistent
    assert vault.store == {("kasir-qris", API_KEY): "kunci"}
